/*
 * live.c: the live-block table, which maps each block the program
 * holds to its size and its stack, in memory from mmap(2) so that it
 * never calls the malloc it watches.
 *
 * Blocks are kept by window: a window is 1 KiB of addresses, 64
 * granules of 16 bytes (malloc's alignment).  Each window that holds
 * blocks has one slot of a hash index, a cache line: the window's
 * number, a bitmap of the granules where a block starts and, in
 * address order, a 4-byte entry per block (its stack's id and its
 * slack: the bytes the allocator gave beyond the size asked for, as
 * malloc_usable_size tells them), inside the slot for up to 8 blocks,
 * else in a record of 16, 32 or 64 entries that the slot points to.
 * Programs allocate and free along their heap, so the blocks they touch one after the other
 * share a window and its lines, where a table with a slot per block
 * misses the cache at every block; and a window of a few large blocks
 * costs one line, as a slot per block would.  Measured on
 * bench/alloc_heavy.c, traced, against a table of one 16-byte slot per
 * block: live (2M blocks held, then freed in order) about 25% less CPU
 * time, 21 bytes a block against 22.5; churn (a ring of 256 blocks of
 * 16 to 1039 bytes) 0.92 times the time with 4 threads, 1.03 with one.
 * With 8-byte entries (the size, 32 bits, and the stack id) and an
 * index of a power of two slots, live took 19.6 to 20.7 bytes a block;
 * with 4-byte entries and the index sized by page, 12.4, in the same
 * CPU time.
 *
 * The index grows with the number of windows, not of blocks, and
 * records never move when it grows.  A record grows by copying into
 * the next size and shrinks when a quarter full; freed records are kept
 * on a list per size.  A block taken leaves its entry in place (its
 * bit in pos, not in live) until the room is needed: a window whose
 * blocks come and go moves nothing.  A window left empty keeps its slot
 * until a new window of the same probe takes it, or the index is made
 * anew.  A free reads no entry, only the window's bitmaps, unless the
 * window has a size kept in big.
 *
 * Blocks whose address is not a multiple of 16 (allocators with
 * smaller alignment) go to a plain table of their own, one slot per
 * block; so do the sizes of blocks of 4 GiB and more, which an entry's
 * 32 bits cannot hold.  Both are rare.
 *
 * Threads: the windows are spread over shards by a hash of their 64 KiB
 * region, each under its own spinlock, taken only once the process has
 * a second thread.
 *
 * In front of the shards, each thread keeps the blocks it allocated
 * last in a nursery of its own (below), where a free by the same
 * thread soon after finds them without touching a shard.
 *
 * What it does not do: keep stacks (stacks.c), or decide what to
 * record (preload.c).
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE	/* madvise, MADV_HUGEPAGE */
#endif

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "mdt.h"

#define GRAN_SHIFT	4	/* a granule: 16 bytes */
#define WIN_SHIFT	10	/* a window: 1 KiB, 64 granules */
#define REGION_SHIFT	16	/* a shard's region: 64 MiB */

#define LIVE_SHIFT	4
#define LIVE_SHARDS	(1 << LIVE_SHIFT)

#define INDEX_MINCAP	64	/* slots of a shard's first index */
#define SPARE_MAX	1024	/* slots of the largest index kept spare */

/*
 * A window's entries: cls 0 in its slot (INLINE of them), cls 1 ...
 * NCLASS - 1 in a record of INLINE << cls.
 */
#define INLINE		8
#define NCLASS		4

/*
 * Records come from pieces of PIECE bytes, which each shard takes in
 * turn from chunks shared by all, each chunk twice the size of the one
 * before up to CHUNK_MAX: few regions for the leak check to leave out,
 * little memory for a small program.  Chunks from HUGE_PAGE on (and
 * indexes as large) are aligned for transparent huge pages and ask for
 * them: one fault and one TLB entry for 2 MiB, where each window a
 * program walks through would otherwise cost a page walk (a nested one
 * in a virtual machine): 4% of a traced run of bench/alloc_heavy.c live.
 */
#define PIECE		((size_t)64 * 1024)
#define CHUNK_MIN	((size_t)1024 * 1024)
#define CHUNK_MAX	((size_t)256 * 1024 * 1024)
#define MAXCHUNKS	64
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

/* A size too large for the plain tables' 32 bits: the real one is in big. */
#define SIZE_BIG	UINT32_MAX

/*
 * An entry of a window: a block's stack id and its slack, the usable
 * size less the size asked for.  A slack too large for its bits (a
 * block the allocator mapped on its own, or an allocator without
 * malloc_usable_size) says SLACK_BIG: the size is in big.  Stacks whose
 * id does not fit go to the plain table with their blocks (2 GiB of
 * stacks are needed first).
 */
#define SLACK_BITS	5
#define SLACK_BIG	((1u << SLACK_BITS) - 1)
#define ID_LIMIT	((uint32_t)1 << (32 - SLACK_BITS))
#define ENTRY(slack, id) ((uint32_t)(id) << SLACK_BITS | (uint32_t)(slack))
#define E_SLACK(e)	((e) & SLACK_BIG)
#define E_STACK(e)	((e) >> SLACK_BITS)

typedef uint32_t	 entry_t;

struct window {
	uintptr_t	 win;	/* window number; 0 = empty slot */
	uint64_t	 live;	/* granules where a live block starts */
	uint64_t	 pos;	/* granules with an entry: live, or taken */
	uint32_t	 n;	/* live blocks: popcount(live) */
	uint16_t	 m;	/* entries: popcount(pos) */
	uint8_t		 cls;
	uint8_t		 big;	/* an entry may say SLACK_BIG */
	union {
		entry_t		 in[INLINE];	/* cls 0 */
		entry_t		*rec;		/* else */
	} u;
} __attribute__((aligned(64)));

struct chunk {
	char		*base;
	size_t		 size;
};

struct live_shard {
	int		 lock;
	size_t		 cap;	/* index slots, a multiple of INDEX_MINCAP */
	size_t		 nwin;	/* windows in the index, empty ones too */
	size_t		 n;	/* blocks */
	struct window	*index;
	struct window	*spare;	/* an index made before, for the next */
	size_t		 spare_cap;
	entry_t		*free[NCLASS];	/* records, by class */
	char		*carve;	/* the rest of the shard's piece */
	size_t		 left;
} __attribute__((aligned(64)));		/* apart in the cache */

/* A block of the plain tables: 16 bytes. */
struct block_slot {
	uintptr_t	 key;	/* block address; 0 = empty */
	uint32_t	 size;	/* SIZE_BIG: see the big table */
	uint32_t	 stk;	/* stack id */
};

/*
 * A plain open-addressing table, one slot per block, linear probing.
 * In the big table a slot's size and stk fields hold a 64-bit size.
 */
struct block_table {
	int			 lock;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
	struct block_slot	*slot;
};

_Static_assert(2 * LIVE_SHARDS + MAXCHUNKS + 2 <= MDT_LIVE_REGIONS,
    "mdt.h: MDT_LIVE_REGIONS too small");

static struct live_shard	live[LIVE_SHARDS];
static struct block_table	odd;	/* blocks not 16-byte aligned, and
					   of stacks past ID_LIMIT */
static struct block_table	big;	/* sizes no entry holds */
static int			odd_ids;	/* odd has blocks of
						   stacks past ID_LIMIT */

/* The chunks records come from; under mem_lock. */
static int			mem_lock;
static struct chunk		chunks[MAXCHUNKS];
static int			nchunks;
static char			*mem_carve;	/* the rest of the last chunk */
static size_t			mem_left;

static uint32_t
capacity(uint32_t cls)
{
	return (uint32_t)INLINE << cls;
}

static entry_t *
entries(struct window *w)
{
	return w->cls == 0 ? w->u.in : w->u.rec;
}

/* Fibonacci hashing: one multiply, the high bits well mixed. */
static uint64_t
win_hash(uintptr_t win)
{
	return (uint64_t)win * 0x9e3779b97f4a7c15ULL;
}

static struct live_shard *
shard_of(uintptr_t win)
{
	return &live[win_hash(win >> REGION_SHIFT) >> (64 - LIVE_SHIFT)];
}

/* Multiply-shift on 32 bits of the hash: any capacity works. */
static size_t
index_home(uintptr_t win, size_t cap)
{
	uint64_t h32 = win_hash(win) >> 32;

	return (size_t)((h32 * cap) >> 32);
}

/*
 * Start fetching the slot of the window after win: programs walk their
 * heap forward, allocating and freeing, and the next window's slot is
 * then in the cache when they reach it (4% of a traced run of
 * bench/alloc_heavy.c live went waiting for those slots).  Elsewhere
 * the fetch costs a little bandwidth.
 */
static void
index_ahead(const struct live_shard *sh, uintptr_t win)
{
	__builtin_prefetch(&sh->index[index_home(win + 1, sh->cap)], 1);
}

/* The slot after slot i of an index of cap slots. */
static size_t
index_next(size_t i, size_t cap)
{
	return i + 1 == cap ? 0 : i + 1;
}

/* The slot of window win, or the empty slot where it would go. */
static size_t
index_find(const struct live_shard *sh, uintptr_t win)
{
	size_t i;

	/* The index is never full: an empty slot ends the probe. */
	for (i = index_home(win, sh->cap); sh->index[i].win != 0 &&
	    sh->index[i].win != win; i = index_next(i, sh->cap))
		;
	return i;
}

/*
 * size bytes of memory from mmap, aligned for transparent huge pages
 * and asking for them from HUGE_PAGE on; NULL if there is none.  It is
 * given back with munmap(p, size).
 */
static void *
map_big(size_t size)
{
	char *p;
	uintptr_t a, b;

	if (size < HUGE_PAGE)
		return mdt_mmap(size);
	if ((p = mdt_mmap(size + HUGE_PAGE)) == NULL)
		return NULL;
	a = (uintptr_t)p;
	b = (a + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (b > a)
		munmap(p, b - a);
	if (a + HUGE_PAGE > b)
		munmap((char *)b + size, a + HUGE_PAGE - b);
#if defined(MADV_HUGEPAGE)
	/* Advice only: where it is refused, lookups are slower. */
	(void)madvise((void *)b, size, MADV_HUGEPAGE);
#endif
	return (void *)b;
}

/* A piece for a shard's records; NULL if there is no memory. */
static char *
piece_alloc(void)
{
	size_t size;
	char *p;

	mdt_spin_lock(&mem_lock);
	if (mem_left < PIECE && nchunks < MAXCHUNKS) {
		size = nchunks == 0 ? CHUNK_MIN : chunks[nchunks - 1].size;
		if (nchunks > 0 && size < CHUNK_MAX)
			size *= 2;
		if ((p = map_big(size)) != NULL) {
			chunks[nchunks].base = p;
			chunks[nchunks].size = size;
			nchunks++;
			mem_carve = p;
			mem_left = size;
		}
	}
	p = NULL;
	if (mem_left >= PIECE) {
		p = mem_carve;
		mem_carve += PIECE;
		mem_left -= PIECE;
	}
	mdt_spin_unlock(&mem_lock);
	return p;
}

/*
 * A record of class cls (> 0) from the shard's memory; NULL if there is
 * none.  Records are whole cache lines, on line boundaries.
 */
static entry_t *
record_alloc(struct live_shard *sh, uint32_t cls)
{
	entry_t *r;
	size_t need = capacity(cls) * sizeof(*r);
	char *p;

	if ((r = sh->free[cls]) != NULL) {
		memcpy(&sh->free[cls], r, sizeof(r));
		return r;
	}
	/* The rest of a piece too small for this record stays unused. */
	if (need > sh->left) {
		if ((p = piece_alloc()) == NULL)
			return NULL;
		sh->carve = p;
		sh->left = PIECE;
	}
	r = (entry_t *)(void *)sh->carve;
	sh->carve += need;
	sh->left -= need;
	return r;
}

static void
record_free(struct live_shard *sh, entry_t *r, uint32_t cls)
{
	memcpy(r, &sh->free[cls], sizeof(r));
	sh->free[cls] = r;
}

/*
 * The slot of window win, made if it is not in the index: in the first
 * slot of its probe whose window has no live block, if there is one,
 * else in the empty slot that ends the probe.  The heap a program
 * churns through moves: new windows come as others empty, and without
 * taking over the empty windows' slots the index was made anew (a
 * mapping, a copy and an unmapping) every hundred or so new windows.
 * The lock is held.
 */
static struct window *
index_place(struct live_shard *sh, uintptr_t win)
{
	struct window *w, *spare = NULL;
	size_t i;

	for (i = index_home(win, sh->cap); (w = &sh->index[i])->win != 0;
	    i = index_next(i, sh->cap)) {
		if (w->win == win)
			return w;
		if (spare == NULL && w->n == 0)
			spare = w;
	}
	if (spare == NULL) {
		sh->nwin++;
		spare = w;
	} else if (spare->cls != 0)
		record_free(sh, spare->u.rec, spare->cls);
	memset(spare, 0, sizeof(*spare));
	spare->win = win;
	return spare;
}

/*
 * Make the index anew without its empty windows, half full: it is
 * made again at three quarters, so it is between half and three
 * quarters full.  Its size is any multiple of a page, not a power of
 * two, which would leave it as little as three eighths full.  -1 if
 * there is no memory.
 *
 * A small index replaced is kept, and the next one is made in it if it
 * is large enough and not twice too large: a program that churns
 * through its heap makes a small index anew every hundred or so new
 * windows (see index_place): bench/alloc_heavy.c churn, deep, one
 * thread, made it anew 454 times in a million rounds.  Without a
 * mapping, its page faults and an unmapping each time, and with
 * index_place, a traced run took 0.88 times the CPU time at D16.
 * Larger ones are given back: they would hold memory that a program
 * with many blocks needs.
 */
static int
index_rebuild(struct live_shard *sh)
{
	struct window *old = sh->index, *ix;
	size_t i, j, ocap = sh->cap, ncap, used = 0;

	for (i = 0; i < ocap; i++)
		if (old[i].n != 0)
			used++;
	ncap = (used + 1) * 2;
	ncap = ncap < INDEX_MINCAP ? INDEX_MINCAP :
	    (ncap + INDEX_MINCAP - 1) / INDEX_MINCAP * INDEX_MINCAP;
	if (sh->spare != NULL && sh->spare_cap >= ncap &&
	    sh->spare_cap < 2 * ncap) {
		ix = sh->spare;
		ncap = sh->spare_cap;
		sh->spare = NULL;
		memset(ix, 0, ncap * sizeof(*ix));
	} else if ((ix = map_big(ncap * sizeof(*ix))) == NULL)
		return -1;
	for (i = 0; i < ocap; i++) {
		if (old[i].win == 0)
			continue;
		if (old[i].n == 0) {
			if (old[i].cls != 0)
				record_free(sh, old[i].u.rec, old[i].cls);
			continue;
		}
		for (j = index_home(old[i].win, ncap); ix[j].win != 0;
		    j = index_next(j, ncap))
			;
		ix[j] = old[i];
	}
	/* mdt_live_prefetch reads these without the lock. */
	__atomic_store_n(&sh->index, ix, __ATOMIC_RELAXED);
	__atomic_store_n(&sh->cap, ncap, __ATOMIC_RELAXED);
	sh->nwin = used;
	if (old == NULL)
		return 0;
	if (sh->spare != NULL)
		munmap(sh->spare, sh->spare_cap * sizeof(*sh->spare));
	sh->spare = NULL;
	if (ocap <= SPARE_MAX) {
		sh->spare = old;
		sh->spare_cap = ocap;
	} else
		munmap(old, ocap * sizeof(*old));
	return 0;
}

/*
 * Entries before granule g of the window: the bits below g, counted in
 * registers.  x86-64's baseline has no popcnt instruction, and the
 * library call the compiler makes instead cost 2% of a traced run.
 */
static uint32_t
rank_of(uint64_t bits, unsigned g)
{
	uint64_t x = bits & ((1ULL << g) - 1);

	x -= x >> 1 & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + (x >> 2 & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (uint32_t)((x * 0x0101010101010101ULL) >> 56);
}

/*
 * Whether an entry of w says SLACK_BIG, once its taken entries are
 * gone: a free looks at the entry of its block only then, to forget
 * the size in big.
 */
static void
window_big(struct window *w)
{
	const entry_t *ent = entries(w);
	uint32_t k;

	if (!w->big)
		return;
	w->big = 0;
	for (k = 0; k < w->m; k++)
		if (E_SLACK(ent[k]) == SLACK_BIG)
			w->big = 1;
}

/* Keep the entries of live blocks only, in place. */
static void
window_compact(struct window *w)
{
	entry_t *ent = entries(w);
	uint64_t pos;
	uint32_t j, k;

	for (pos = w->pos, j = k = 0; pos != 0; pos &= pos - 1, j++)
		if (w->live & (pos & -pos))
			ent[k++] = ent[j];
	w->pos = w->live;
	w->m = (uint16_t)w->n;
	window_big(w);
}

/*
 * Move the entries of w's live blocks to storage of class cls, which
 * holds them; -1 if there is no memory (w is as it was).
 */
static int
window_move(struct live_shard *sh, struct window *w, uint32_t cls)
{
	entry_t *from = entries(w), *to, old[INLINE];
	uint64_t pos;
	uint32_t j, k;

	if (w->cls == 0) {
		memcpy(old, w->u.in, sizeof(old));
		from = old;
	}
	if (cls == 0)
		to = w->u.in;
	else if ((to = record_alloc(sh, cls)) == NULL)
		return -1;
	for (pos = w->pos, j = k = 0; pos != 0; pos &= pos - 1, j++)
		if (w->live & (pos & -pos))
			to[k++] = from[j];
	if (w->cls != 0)
		record_free(sh, from, w->cls);
	if (cls != 0)
		w->u.rec = to;
	w->cls = (uint8_t)cls;
	w->pos = w->live;
	w->m = (uint16_t)w->n;
	window_big(w);
	return 0;
}

/*
 * Put or replace the block at a in its shard, whose lock is held; -1 if
 * there is no memory for it.
 */
static inline __attribute__((always_inline)) int
shard_put(struct live_shard *sh, uintptr_t a, entry_t e)
{
	uintptr_t win = a >> WIN_SHIFT;
	unsigned g = (unsigned)(a >> GRAN_SHIFT) & 63;
	uint64_t bit = 1ULL << g;
	entry_t *ent;
	struct window *w;
	uint32_t k;

	/* Load at most 3/4: probes stay short. */
	if ((sh->nwin + 1) * 4 > sh->cap * 3 && index_rebuild(sh) == -1)
		return -1;
	w = index_place(sh, win);
	/*
	 * Once a window, at its first block from granule 32 on: the
	 * granules 32 to 39, as take, cost 6%; granule 32 alone missed
	 * most windows of blocks larger than 16 bytes, which seldom
	 * start there.
	 */
	if (g >= 32 && (w->pos & (bit - 1) & ~(uint64_t)UINT32_MAX) == 0)
		index_ahead(sh, win);
	if (!(w->pos & bit)) {
		if (w->m == capacity(w->cls)) {
			if (w->m > w->n)
				window_compact(w);
			else if (window_move(sh, w, w->cls + 1) == -1)
				return -1;
		}
		ent = entries(w);
		k = rank_of(w->pos, g);
		if (k < w->m)
			memmove(&ent[k + 1], &ent[k],
			    (w->m - k) * sizeof(ent[0]));
		w->pos |= bit;
		w->m++;
	} else
		k = rank_of(w->pos, g);
	entries(w)[k] = e;
	if (E_SLACK(e) == SLACK_BIG)
		w->big = 1;
	if (!(w->live & bit)) {
		w->live |= bit;
		w->n++;
		sh->n++;
	}
	return 0;
}

/*
 * Take the block at a out of its shard, whose lock is held: 1 with *e
 * its entry, 0 if it was not there.  Unless want, the entry is read
 * only where it may say SLACK_BIG (else *e is ENTRY(0, 0)): a free
 * needs neither the block's size nor its stack, and the entry may be
 * in a record, another cache line.
 */
static inline __attribute__((always_inline)) int
shard_take(struct live_shard *sh, uintptr_t a, entry_t *e, int want)
{
	uintptr_t win = a >> WIN_SHIFT;
	unsigned g = (unsigned)(a >> GRAN_SHIFT) & 63;
	uint64_t bit = 1ULL << g;
	struct window *w;

	if (sh->cap == 0)
		return 0;
	w = &sh->index[index_find(sh, win)];
	if (g >= 32 && g < 40)
		index_ahead(sh, win);
	if (!(w->live & bit))	/* an empty slot has no bits */
		return 0;
	*e = want || w->big ? entries(w)[rank_of(w->pos, g)] : ENTRY(0, 0);
	w->live &= ~bit;
	w->n--;
	sh->n--;
	/* A shrink that finds no memory leaves the window as it is. */
	if (w->cls != 0 && w->n <= capacity(w->cls) / 4)
		(void)window_move(sh, w, w->cls - 1);
	return 1;
}

static size_t
block_home(uintptr_t key, size_t cap)
{
	return (size_t)mdt_mix64(key) & (cap - 1);
}

/* Double a plain table (or make the first); -1 if there is no memory. */
static int
block_grow(struct block_table *t)
{
	struct block_slot *ns;
	size_t i, j, ncap;

	ncap = t->cap == 0 ? 256 : t->cap * 2;
	if ((ns = mdt_mmap(ncap * sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (t->slot[i].key == 0)
			continue;
		for (j = block_home(t->slot[i].key, ncap); ns[j].key != 0;
		    j = (j + 1) & (ncap - 1))
			;
		ns[j] = t->slot[i];
	}
	if (t->slot != NULL)
		munmap(t->slot, t->cap * sizeof(*t->slot));
	t->slot = ns;
	t->cap = ncap;
	return 0;
}

/* The slot of key, or the empty slot where it would go. */
static size_t
block_find(const struct block_table *t, uintptr_t key)
{
	size_t i;

	for (i = block_home(key, t->cap); t->slot[i].key != 0 &&
	    t->slot[i].key != key; i = (i + 1) & (t->cap - 1))
		;
	return i;
}

/* Put or replace e; the table's lock is held.  -1: no memory. */
static int
block_put(struct block_table *t, const struct block_slot *e)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap && block_grow(t) == -1)
		return -1;
	i = block_find(t, e->key);
	if (t->slot[i].key == 0)
		t->n++;
	t->slot[i] = *e;
	return 0;
}

/* Take key out: 1 with *e filled in, 0 if absent.  The lock is held. */
static int
block_take(struct block_table *t, uintptr_t key, struct block_slot *e)
{
	size_t i, j, home, m;

	if (t->cap == 0)
		return 0;
	m = t->cap - 1;
	i = block_find(t, key);
	if (t->slot[i].key == 0)
		return 0;
	*e = t->slot[i];
	for (j = (i + 1) & m; t->slot[j].key != 0; j = (j + 1) & m) {
		home = block_home(t->slot[j].key, t->cap);
		if (((j - home) & m) >= ((j - i) & m)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].key = 0;
	t->n--;
	return 1;
}

/*
 * Note the size of a block whose entry cannot hold it; -1 if there is
 * no memory for it.
 */
static int
big_note(uintptr_t key, size_t size)
{
	struct block_slot b;
	int r;

	b.key = key;
	memcpy(&b.size, &size, sizeof(size));
	mdt_spin_lock(&big.lock);
	r = block_put(&big, &b);
	mdt_spin_unlock(&big.lock);
	return r;
}

/* The size of a block whose entry sends to big, which is forgotten. */
static size_t
big_take(uintptr_t key)
{
	struct block_slot b;
	size_t size = SIZE_BIG;
	int found;

	mdt_spin_lock(&big.lock);
	found = block_take(&big, key, &b);
	mdt_spin_unlock(&big.lock);
	if (found)
		memcpy(&size, &b.size, sizeof(size));
	return size;
}

/* The same, kept; the caller holds big.lock. */
static size_t
big_peek(uintptr_t key)
{
	size_t i, size = SIZE_BIG;

	if (big.cap != 0 && big.slot[i = block_find(&big, key)].key != 0)
		memcpy(&size, &big.slot[i].size, sizeof(size));
	return size;
}

/*
 * glibc (2.32 on) keeps this nonzero while the process has one thread,
 * and clears it before it makes a second; its own malloc takes no lock
 * while it is set.  Nor do the shards: a lock's atomic exchange and
 * store were 3% of a traced single-threaded run.  Absent elsewhere.
 */
extern char	__libc_single_threaded __attribute__((weak));

/* The process has, or may have, more than one thread. */
static int
threaded(void)
{
	return &__libc_single_threaded == NULL ||
	    !__atomic_load_n(&__libc_single_threaded, __ATOMIC_RELAXED);
}

/*
 * Take lock l unless the process has one thread; 1 if taken.  A free
 * lock is taken here, without a call.
 */
static int
lock_if_threaded(int *l)
{
	if (!threaded())
		return 0;
	if (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		mdt_spin_lock(l);
	return 1;
}

static void
unlock_if(int *l, int locked)
{
	if (locked)
		__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static int
shard_lock(struct live_shard *sh)
{
	return lock_if_threaded(&sh->lock);
}

static void
shard_unlock(struct live_shard *sh, int locked)
{
	unlock_if(&sh->lock, locked);
}

static int
aligned(uintptr_t a)
{
	return (a & ((1u << GRAN_SHIFT) - 1)) == 0 && a >> WIN_SHIFT != 0;
}

/* Put the entry of the block at a in its shard; -1 if no memory. */
static inline __attribute__((always_inline)) int
shard_put_locking(uintptr_t a, entry_t e)
{
	struct live_shard *sh = shard_of(a >> WIN_SHIFT);
	int locked, r;

	locked = shard_lock(sh);
	r = shard_put(sh, a, e);
	shard_unlock(sh, locked);
	return r;
}

/* Take the block at a out of its shard, as shard_take. */
static inline __attribute__((always_inline)) int
shard_take_locking(uintptr_t a, entry_t *e, int want)
{
	struct live_shard *sh = shard_of(a >> WIN_SHIFT);
	int locked, found;

	locked = shard_lock(sh);
	found = shard_take(sh, a, e, want);
	shard_unlock(sh, locked);
	return found;
}

/*
 * The nursery: each thread keeps the blocks it allocated last in a
 * direct-mapped array of its own, NUR_SLOTS words, before they reach
 * the shards.  Most blocks die young, freed by the thread that made
 * them: their free then finds them in the nursery, and neither the put
 * nor the take touches a shard (its index, its window's bitmaps and
 * entries, which must stay in address order).  A block meets another
 * in its slot and goes to its shard (is evicted); every nursery goes
 * there whole (is drained) when a thread ends, before the table is
 * read (mdt_live_lockall, mdt_live_each) and at fork.  Counted with
 * valgrind --tool=callgrind on bench/alloc_heavy.c at D4, the table's
 * instructions: churn of 16-byte blocks (a malloc and a free, calloc
 * or realloc a round), 436 a round without the nursery, 255 with it;
 * live (300,000 blocks held, then freed), 387 a block without, 441
 * with.  node -e 0 finds 92% of the blocks it frees in the nursery.
 *
 * A word holds a block's address above its granule in 16 KiB (the
 * slot gives the rest: slot = granule ^ a hash of the part above) and
 * its entry, in 30 bits: blocks of stacks past NUR_ID_LIMIT, of
 * addresses from 2^48 on (a 57-bit address space) or below 16 KiB go
 * to the shards directly.  0 is an empty slot.
 *
 * Threads: a nursery's lock is taken, once the process has a second
 * thread, by its thread for each put and take, and by any thread that
 * frees a block found in none of its own nursery and the shards: such a
 * free looks in every nursery's slot for it (first in the one where it
 * found a block last), without the lock, and takes the lock only where
 * the word is the block's.  Found nowhere, it asks the shards again:
 * the block may have been evicted meanwhile, always into its shard
 * before its slot is given to another.  At most NUR_MAX nurseries are
 * made, so that such a look stays bounded; threads beyond them put in
 * the shards directly, and a thread that ends gives its nursery to the
 * next.  Locks are taken nursery first, shard after.  A block put again
 * while it is in a shard (its free went unseen: freed behind the
 * tracer's back) may stay there after its second life ends.
 *
 * Where the kernel has membarrier(2), a thread puts in and takes from
 * its own nursery without the lock, which costs a locked instruction:
 * without it, churn with two threads (bench/alloc_heavy.c, D16) takes
 * 0.87 to 0.94 times the CPU time (paired runs, an Intel Xeon).  What keeps
 * the owner's plain loads and stores safe:
 *
 *  - from another thread's take (a free of a block it did not
 *    allocate): the owner stores without the lock only into an empty
 *    slot, which no one else fills, and takes without it only its own
 *    block, which no one else frees at the same time (that would be a
 *    double free); to evict or replace a block it takes the lock;
 *  - from another thread's drain (a leak check, fork, a snapshot): the
 *    owner says it is inside (inop), then looks whether its nursery
 *    is claimed, and if so leaves and takes the lock.  The drainer
 *    holds the lock, claims, makes every thread of the process pass a
 *    full memory barrier (membarrier), then waits until the owner is
 *    outside.  The barrier orders the owner's store of inop before its
 *    load of claimed, which the processor would otherwise reorder, so
 *    that the owner needs no fence of its own.
 *
 * This is decided once, at start-up (or at the first nursery), if the
 * process has one thread then (else the lock stays), and again in a
 * child of fork.
 */
#define NUR_BITS	10
#define NUR_SLOTS	(1u << NUR_BITS)
#define NUR_HI_SHIFT	(GRAN_SHIFT + NUR_BITS)		/* 16 KiB */
#define NUR_E_BITS	30
#define NUR_ID_LIMIT	((uint32_t)1 << (NUR_E_BITS - SLACK_BITS))
#define NUR_SAMPLE	4096
#define NUR_PAUSE	65536
#define NUR_MAX		256	/* nurseries; more threads go without */

struct nursery {
	int		 lock;
	int		 owned;	/* a thread's; 0: free for the next one */
	int		 inop;	/* its owner is in it, unlocked */
	int		 claimed;	/* by a drainer: owners lock */
	uint32_t	 left;	/* puts left in this sample or pause */
	uint32_t	 evicted;	/* blocks evicted in this sample */
	int		 paused;	/* puts go to the shards */
	uint64_t	 slot[NUR_SLOTS] __attribute__((aligned(64)));
};

/* Every nursery made, never unmapped: nur_all[0 .. nur_count). */
static struct nursery	*nur_all[NUR_MAX];
static unsigned		 nur_count;	/* grown under nur_lock */
static int		 nur_lock;
static int		 nur_keyed;	/* 1: nur_key made; -1: cannot be */
static pthread_key_t	 nur_key;

/* This thread's nursery; nur_off: none (it is ending, or none could be). */
static _Thread_local struct nursery *nur
    __attribute__((tls_model("initial-exec")));
static _Thread_local int nur_off
    __attribute__((tls_model("initial-exec")));

/*
 * Another's nursery where this thread found a block last (never
 * unmapped); nur_hint_first: the block it took last was there, so the
 * next is looked for there first, before the shards.
 */
static _Thread_local struct nursery *nur_hint
    __attribute__((tls_model("initial-exec")));
static _Thread_local int nur_hint_first
    __attribute__((tls_model("initial-exec")));

/*
 * Owners go without the lock (see above); decided: it was decided.  A
 * cache line of its own: every put and take reads it, and a line that
 * another thread writes would be taken from this one's cache each time.
 */
static struct {
	int		 plain;
	int		 decided;
	char		 pad[64 - 2 * sizeof(int)];
} nur_mode __attribute__((aligned(64)));

/* membarrier(2)'s commands (linux/membarrier.h). */
#define MB_PRIVATE_EXPEDITED		(1 << 3)
#define MB_REGISTER_PRIVATE_EXPEDITED	(1 << 4)

/*
 * Built with MDT_NO_MEMBARRIER (tests/unit/test_live_locked.c), the
 * table goes as where the kernel has no membarrier: owners lock.
 */
static int
membarrier_cmd(int cmd)
{
#if defined(__linux__) && defined(SYS_membarrier) && \
    !defined(MDT_NO_MEMBARRIER)
	return (int)syscall(SYS_membarrier, cmd, 0, 0);
#else
	(void)cmd;
	return -1;
#endif
}

/* Whether owners may go without the lock; the process has one thread. */
static void
nur_decide(void)
{
	__atomic_store_n(&nur_mode.plain, !threaded() &&
	    membarrier_cmd(MB_REGISTER_PRIVATE_EXPEDITED) == 0,
	    __ATOMIC_RELAXED);
	nur_mode.decided = 1;
}

/*
 * The owner enters its nursery n without the lock: 1, or 0 if it must
 * take the lock; nur_leave(n, what it said) when done.  2: it is in
 * already, a signal's handler having freed a block in the middle of a
 * put or take: the outer entry keeps drainers out for both, and the
 * two touch different slots (the same slot would mean a double free).
 */
static inline __attribute__((always_inline)) int
nur_enter(struct nursery *n)
{
	if (!__atomic_load_n(&nur_mode.plain, __ATOMIC_RELAXED))
		return 0;
	if (__atomic_load_n(&n->inop, __ATOMIC_RELAXED))
		return 2;
	__atomic_store_n(&n->inop, 1, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&n->claimed, __ATOMIC_ACQUIRE))
		return 1;
	__atomic_store_n(&n->inop, 0, __ATOMIC_RELEASE);
	return 0;
}

static inline __attribute__((always_inline)) void
nur_leave(struct nursery *n, int in)
{
	if (in == 1)
		__atomic_store_n(&n->inop, 0, __ATOMIC_RELEASE);
}

/*
 * Claim nurseries [0, count), whose locks the caller holds: once this
 * returns, no owner is inside one without the lock, and none enters.
 */
static void
nur_claim(unsigned count)
{
	struct timespec ms = { 0, 1000000 };
	unsigned k;

	if (!__atomic_load_n(&nur_mode.plain, __ATOMIC_RELAXED) || count == 0)
		return;
	for (k = 0; k < count; k++)
		__atomic_store_n(&nur_all[k]->claimed, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (membarrier_cmd(MB_PRIVATE_EXPEDITED) != 0) {
		/* Not expected once registered: a store drains long before. */
		(void)nanosleep(&ms, NULL);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	for (k = 0; k < count; k++)
		while (__atomic_load_n(&nur_all[k]->inop, __ATOMIC_ACQUIRE))
			sched_yield();
}

static void
nur_unclaim(unsigned count)
{
	unsigned k;

	for (k = 0; k < count; k++)
		__atomic_store_n(&nur_all[k]->claimed, 0, __ATOMIC_RELEASE);
}

static int
nur_fits(uintptr_t a, uint32_t id)
{
	return id < NUR_ID_LIMIT && (uint64_t)a >> 48 == 0 &&
	    a >> NUR_HI_SHIFT != 0;
}

static size_t
nur_index(uint64_t hi, uintptr_t a)
{
	return (size_t)((a >> GRAN_SHIFT) ^
	    (hi * 0x9e3779b97f4a7c15ULL >> (64 - NUR_BITS))) & (NUR_SLOTS - 1);
}

static size_t
nur_slot_of(uintptr_t a)
{
	return nur_index((uint64_t)a >> NUR_HI_SHIFT, a);
}

/* The block of word w in slot i. */
static uintptr_t
nur_addr(uint64_t w, size_t i)
{
	uint64_t hi = w >> NUR_E_BITS;
	uint64_t g = (i ^ (hi * 0x9e3779b97f4a7c15ULL >> (64 - NUR_BITS))) &
	    (NUR_SLOTS - 1);

	return (uintptr_t)(hi << NUR_HI_SHIFT | g << GRAN_SHIFT);
}

static entry_t
nur_entry(uint64_t w)
{
	return (entry_t)(w & (((uint64_t)1 << NUR_E_BITS) - 1));
}

static uint64_t
nur_word(uintptr_t a, entry_t e)
{
	return (uint64_t)a >> NUR_HI_SHIFT << NUR_E_BITS | e;
}

static int
nur_holds(uint64_t w, uintptr_t a)
{
	return w >> NUR_E_BITS == (uint64_t)a >> NUR_HI_SHIFT;
}

/*
 * Every block of nursery n into its shard, n left empty.  n's lock is
 * held, or its thread cannot run; locked: every shard's lock is held.
 */
static void
nur_drain(struct nursery *n, int locked)
{
	uintptr_t a;
	uint64_t w;
	size_t i;

	for (i = 0; i < NUR_SLOTS; i++) {
		w = __atomic_load_n(&n->slot[i], __ATOMIC_RELAXED);
		if (w == 0)
			continue;
		a = nur_addr(w, i);
		if (locked)
			(void)shard_put(shard_of(a >> WIN_SHIFT), a,
			    nur_entry(w));
		else
			(void)shard_put_locking(a, nur_entry(w));
		__atomic_store_n(&n->slot[i], 0, __ATOMIC_RELEASE);
	}
}

/* A thread ends: its nursery into the shards, and free for the next. */
static void
nur_release(void *arg)
{
	struct nursery *n = arg;

	nur = NULL;
	nur_off = 1;	/* later destructors may allocate: to the shards */
	mdt_spin_lock(&n->lock);
	nur_drain(n, 0);
	mdt_spin_unlock(&n->lock);
	__atomic_store_n(&n->owned, 0, __ATOMIC_RELEASE);
}

/* This thread's nursery, made or taken over at its first put; or NULL. */
static struct nursery *
nur_get(void)
{
	struct nursery *n = NULL;
	unsigned i;
	int zero = 0;

	if (nur != NULL || nur_off)
		return nur;
	nur_off = 1;	/* until it is had */
	mdt_spin_lock(&nur_lock);
	if (nur_keyed == 0)
		nur_keyed = pthread_key_create(&nur_key, nur_release) == 0 ?
		    1 : -1;
	if (!nur_mode.decided)
		nur_decide();
	for (i = 0; i < nur_count; i++, zero = 0)
		if (__atomic_compare_exchange_n(&nur_all[i]->owned, &zero, 1,
		    0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			n = nur_all[i];
			break;
		}
	if (n == NULL && nur_keyed == 1 && nur_count < NUR_MAX &&
	    (n = mdt_mmap(sizeof(*n))) != NULL) {
		n->owned = 1;
		nur_all[nur_count] = n;
		__atomic_store_n(&nur_count, nur_count + 1, __ATOMIC_RELEASE);
	}
	mdt_spin_unlock(&nur_lock);
	if (n == NULL)
		return NULL;
	if (pthread_setspecific(nur_key, n) != 0) {
		__atomic_store_n(&n->owned, 0, __ATOMIC_RELEASE);
		return NULL;
	}
	n->left = NUR_SAMPLE;
	n->evicted = 0;
	n->paused = 0;
	nur = n;
	nur_off = 0;
	return n;
}

/*
 * The end of a sample of NUR_SAMPLE puts, or of a pause.  A thread
 * that keeps what it allocates (building a large structure) evicts a
 * block at nearly every put: each then costs a put in the nursery and
 * one in a shard.  If seven in eight puts of a sample evicted one,
 * the nursery is drained and the next NUR_PAUSE puts go to the shards
 * directly.  On bench/alloc_heavy.c live, the pause takes the cost
 * of the nursery from 134 instructions a block to 54.
 */
static void
nur_sample(struct nursery *n)
{
	int locked;

	n->paused = !n->paused && n->evicted >= NUR_SAMPLE / 8 * 7;
	n->left = n->paused ? NUR_PAUSE : NUR_SAMPLE;
	n->evicted = 0;
	if (n->paused) {
		/* Empty, so that the thread's takes pass it by. */
		locked = lock_if_threaded(&n->lock);
		nur_drain(n, 0);
		unlock_if(&n->lock, locked);
	}
}

/* The block of word w in slot i of n to its shard. */
static __attribute__((noinline)) void
nur_evict(struct nursery *n, uint64_t w, size_t i)
{
	(void)shard_put_locking(nur_addr(w, i), nur_entry(w));
	n->evicted++;
}

/*
 * Put the block at a with entry e in this thread's nursery; -1 if it
 * has none or is paused.  The block that held the slot goes to its shard.
 */
static int
nur_put(uintptr_t a, entry_t e)
{
	struct nursery *n = nur != NULL ? nur : nur_get();
	uint64_t old;
	size_t i;
	int in, locked;

	if (n == NULL)
		return -1;
	if (--n->left == 0)
		nur_sample(n);
	if (n->paused)
		return -1;
	i = nur_slot_of(a);
	if ((in = nur_enter(n)) != 0) {
		if (__atomic_load_n(&n->slot[i], __ATOMIC_RELAXED) == 0) {
			__atomic_store_n(&n->slot[i], nur_word(a, e),
			    __ATOMIC_RELEASE);
			nur_leave(n, in);
			return 0;
		}
		nur_leave(n, in);
	}
	locked = lock_if_threaded(&n->lock);
	old = __atomic_load_n(&n->slot[i], __ATOMIC_RELAXED);
	if (old != 0 && !nur_holds(old, a))
		nur_evict(n, old, i);
	__atomic_store_n(&n->slot[i], nur_word(a, e), __ATOMIC_RELEASE);
	unlock_if(&n->lock, locked);
	return 0;
}

/*
 * Take the block at a out of slot i of nursery n if it is there still:
 * 1 with *e its entry, else 0.  The caller holds n's lock, or is its
 * owner inside it (nur_enter).
 */
static inline __attribute__((always_inline)) int
nur_slot_take(struct nursery *n, size_t i, uintptr_t a, entry_t *e)
{
	uint64_t w = __atomic_load_n(&n->slot[i], __ATOMIC_RELAXED);

	if (!nur_holds(w, a))
		return 0;
	*e = nur_entry(w);
	__atomic_store_n(&n->slot[i], 0, __ATOMIC_RELAXED);
	return 1;
}

/* The same, taking n's lock (once the process has a second thread). */
static inline __attribute__((always_inline)) int
nur_slot_take_locking(struct nursery *n, size_t i, uintptr_t a, entry_t *e)
{
	int locked = lock_if_threaded(&n->lock), found;

	found = nur_slot_take(n, i, a, e);
	unlock_if(&n->lock, locked);
	return found;
}

/* Take the block at a out of nursery n: 1 with *e its entry, else 0. */
static inline __attribute__((always_inline)) int
nur_take(struct nursery *n, uintptr_t a, entry_t *e)
{
	size_t i = nur_slot_of(a);

	if (!nur_holds(__atomic_load_n(&n->slot[i], __ATOMIC_ACQUIRE), a))
		return 0;
	return nur_slot_take_locking(n, i, a, e);
}

/*
 * Take the block at a out of this thread's own nursery n: 1 with *e its
 * entry, else 0.  Without the lock if it can be (see above).
 */
static inline __attribute__((always_inline)) int
nur_take_own(struct nursery *n, uintptr_t a, entry_t *e)
{
	size_t i = nur_slot_of(a);
	int in, found;

	if (!nur_holds(__atomic_load_n(&n->slot[i], __ATOMIC_ACQUIRE), a))
		return 0;
	if ((in = nur_enter(n)) == 0)
		return nur_slot_take_locking(n, i, a, e);
	/* Again: a drain may have moved it to its shard meanwhile. */
	found = nur_slot_take(n, i, a, e);
	nur_leave(n, in);
	return found;
}

/*
 * The block at a is in neither this thread's nursery nor its shard:
 * look in the other nurseries, then in its shard again (see above).
 * The nursery where this thread found a block last is looked in first:
 * a thread that frees what another allocates (a queue between them)
 * then finds the block at once, where the others would cost a load
 * each, as many as threads ever allocated at once.
 */
static __attribute__((noinline)) int
take_elsewhere(uintptr_t a, entry_t *e, int want, struct nursery *own)
{
	struct nursery *n, *hint = nur_hint;
	unsigned i, count = __atomic_load_n(&nur_count, __ATOMIC_ACQUIRE);

	if (hint != NULL && hint != own && nur_take(hint, a, e)) {
		nur_hint_first = 1;
		return 1;
	}
	for (i = 0; i < count; i++)
		if ((n = nur_all[i]) != own && n != hint && nur_take(n, a, e)) {
			nur_hint = n;
			nur_hint_first = 1;
			return 1;
		}
	return threaded() && shard_take_locking(a, e, want);
}

/*
 * Take the block at a, not in this thread's nursery own, from its
 * shard or from wherever else it is.  A thread that took its last
 * block from another's nursery (the consumer of a queue) looks there
 * first: a look in the shard, with its lock, would most often be in
 * vain.  Once that look fails, the shard comes first again, so that a
 * thread that frees its own old blocks does not read another's
 * nursery each time.
 */
static inline __attribute__((always_inline)) int
take_shards(uintptr_t a, entry_t *e, int want, struct nursery *own)
{
	struct nursery *hint = nur_hint;

	if (nur_hint_first) {
		if (hint != own && nur_take(hint, a, e))
			return 1;
		nur_hint_first = 0;
	}
	return shard_take_locking(a, e, want) ||
	    take_elsewhere(a, e, want, own);
}

/*
 * Start fetching the index slot of block p: called before the stack is
 * taken, the miss overlaps with the unwinding.  The index may be
 * replaced meanwhile; a prefetch of memory gone is harmless.
 */
void
mdt_live_prefetch(void *p)
{
	struct live_shard *sh;
	struct window *ix;
	uintptr_t win = (uintptr_t)p >> WIN_SHIFT;
	size_t cap;

	if (nur != NULL && !nur->paused) {
		__builtin_prefetch(&nur->slot[nur_slot_of((uintptr_t)p)], 1);
		return;
	}
	sh = shard_of(win);
	cap = __atomic_load_n(&sh->cap, __ATOMIC_RELAXED);
	ix = __atomic_load_n(&sh->index, __ATOMIC_RELAXED);
	if (cap != 0 && ix != NULL)
		__builtin_prefetch(&ix[index_home(win, cap)], 1);
}

/*
 * The usable size of a block the table holds: the C library's, or the
 * unit test's.  Weak: an allocator without it sends every size to big.
 */
extern size_t	 malloc_usable_size(void *) __attribute__((weak));
static size_t	(*usable)(void *) = malloc_usable_size;

void
mdt_live_sizer(size_t (*fn)(void *))
{
	usable = fn;
}

/* At start-up, while the process has one thread: see the nursery. */
void
mdt_live_init(void)
{
	mdt_spin_lock(&nur_lock);
	if (!nur_mode.decided)
		nur_decide();
	mdt_spin_unlock(&nur_lock);
}

/*
 * The leak check copies the table under a guard against faults: a
 * block freed behind the tracer's back (the C library's __libc_free,
 * say) may have been unmapped, and reading its size faults.  The guard
 * then copies again, without the block whose size was being read.
 */
#define SKIP_MAX	64

static volatile uintptr_t sizing;	/* the block being sized */
static uintptr_t	skip[SKIP_MAX];
static size_t		nskip;

uintptr_t
mdt_live_sizing(void)
{
	return sizing;
}

int
mdt_live_skip(uintptr_t a)
{
	if (a == 0) {
		nskip = 0;
		return 0;
	}
	if (nskip == SKIP_MAX)
		return -1;
	skip[nskip++] = a;
	return 0;
}

static int
skipped(uintptr_t a)
{
	size_t i;

	for (i = 0; i < nskip; i++)
		if (skip[i] == a)
			return 1;
	return 0;
}

/*
 * The size of a block of entry e, which the table holds or just held.
 * A usable size below the slack is that of a block freed behind the
 * tracer's back (glibc says 0 for a free chunk): its size is 0.
 */
static size_t
entry_size(uintptr_t a, entry_t e, int forget)
{
	size_t u;

	if (E_SLACK(e) == SLACK_BIG)
		return forget ? big_take(a) : big_peek(a);
	sizing = a;
	u = usable((void *)a);
	return u >= E_SLACK(e) ? u - E_SLACK(e) : 0;
}

/* A block the shards cannot hold: in odd, its size in big if need be. */
static __attribute__((noinline)) void
insert_odd(uintptr_t a, size_t size, uint32_t id)
{
	struct block_slot b;

	if (aligned(a))
		__atomic_store_n(&odd_ids, 1, __ATOMIC_RELAXED);
	b.key = a;
	b.size = size < SIZE_BIG ? (uint32_t)size :
	    big_note(a, size) == 0 ? SIZE_BIG :
	    SIZE_BIG - 1;	/* rather too small than lost */
	b.stk = id;
	mdt_spin_lock(&odd.lock);
	(void)block_put(&odd, &b);
	mdt_spin_unlock(&odd.lock);
}

/* The slack of a block whose usable size says nothing an entry holds. */
static __attribute__((noinline)) uint32_t
slack_big(uintptr_t a, size_t size, size_t u)
{
	if (big_note(a, size) == 0 || usable == NULL)
		return SLACK_BIG;
	/* no memory: rather a wrong size than a lost block */
	return u >= size ? SLACK_BIG - 1 : 0;
}

/*
 * Take a block from odd: 1 with *size and *stk filled in, 0 if it is
 * not there and could be nowhere else, -1 if it may be in the shards.
 */
static __attribute__((noinline)) int
take_odd(uintptr_t a, size_t *size, struct mdt_stack **stk)
{
	struct block_slot b;
	size_t n;
	int found;

	mdt_spin_lock(&odd.lock);
	found = block_take(&odd, a, &b);
	mdt_spin_unlock(&odd.lock);
	if (found) {
		n = b.size == SIZE_BIG ? big_take(a) : b.size;
		if (size != NULL)
			*size = n;
		if (stk != NULL)
			*stk = mdt_stack_of(b.stk);
		return 1;
	}
	return aligned(a) ? -1 : 0;
}

/*
 * Record a block.  A block already present is one whose free we did
 * not see (freed while the table could not be told): it is replaced.
 * Out of memory for the table, the block goes unseen.  The size goes
 * first: once in the table, the block can be taken.
 */
void
mdt_live_insert(void *p, size_t size, size_t u, struct mdt_stack *stk)
{
	uintptr_t a = (uintptr_t)p;
	uint32_t slack;
	entry_t e;

	if (!aligned(a) || stk->id >= ID_LIMIT) {
		insert_odd(a, size, stk->id);
		return;
	}
	if (u == 0 && usable != NULL)
		u = usable(p);
	if (usable != NULL && u >= size && u - size < SLACK_BIG)
		slack = (uint32_t)(u - size);
	else
		slack = slack_big(a, size, u);
	e = ENTRY(slack, stk->id);
	if (!nur_fits(a, stk->id) || nur_put(a, e) == -1)
		(void)shard_put_locking(a, e);
}

/*
 * Forget a block and say what it was: 1 with *size and *stk filled in
 * (unless NULL), 0 if the block was not in the table.  The block must
 * not have been freed yet.
 */
int
mdt_live_take(void *p, size_t *size, struct mdt_stack **stk)
{
	uintptr_t a = (uintptr_t)p;
	struct nursery *own = nur;
	entry_t e;
	size_t n;
	int r;

	if (!aligned(a) || __atomic_load_n(&odd_ids, __ATOMIC_RELAXED)) {
		if ((r = take_odd(a, size, stk)) != -1)
			return r;
	}
	if ((own == NULL || own->paused || !nur_take_own(own, a, &e)) &&
	    !take_shards(a, &e, size != NULL || stk != NULL, own))
		return 0;
	if (size != NULL || E_SLACK(e) == SLACK_BIG) {
		n = entry_size(a, e, 1);
		if (size != NULL)
			*size = n;
	}
	if (stk != NULL)
		*stk = mdt_stack_of(E_STACK(e));
	return 1;
}

/*
 * Hold every lock, for fork(2) (the child gets a consistent table) and
 * for the leak check; the nurseries are then drained, so that the
 * shards and the plain tables hold every block.
 */
void
mdt_live_lockall(void)
{
	unsigned k;
	int i;

	mdt_spin_lock(&nur_lock);
	for (k = 0; k < nur_count; k++)
		mdt_spin_lock(&nur_all[k]->lock);
	nur_claim(nur_count);
	for (i = 0; i < LIVE_SHARDS; i++)
		mdt_spin_lock(&live[i].lock);
	mdt_spin_lock(&odd.lock);
	mdt_spin_lock(&big.lock);
	/* Before mem_lock, which a record for the shards may need. */
	for (k = 0; k < nur_count; k++)
		nur_drain(nur_all[k], 1);
	mdt_spin_lock(&mem_lock);
}

void
mdt_live_unlockall(void)
{
	unsigned k;
	int i;

	mdt_spin_unlock(&mem_lock);
	mdt_spin_unlock(&big.lock);
	mdt_spin_unlock(&odd.lock);
	for (i = LIVE_SHARDS - 1; i >= 0; i--)
		mdt_spin_unlock(&live[i].lock);
	nur_unclaim(nur_count);
	for (k = 0; k < nur_count; k++)
		mdt_spin_unlock(&nur_all[k]->lock);
	mdt_spin_unlock(&nur_lock);
}

/*
 * The child of fork(2) is alone: its locks are free whoever held them,
 * and the nurseries of the other threads, drained, are free for its
 * next threads.
 */
void
mdt_live_resetlocks(void)
{
	unsigned k;
	int i;

	for (i = 0; i < LIVE_SHARDS; i++)
		live[i].lock = 0;
	odd.lock = 0;
	big.lock = 0;
	mem_lock = 0;
	for (k = 0; k < nur_count; k++) {
		nur_all[k]->lock = 0;
		nur_all[k]->inop = 0;
		nur_all[k]->claimed = 0;
		if (nur_all[k] != nur)
			nur_all[k]->owned = 0;
	}
	nur_lock = 0;
	if (nur_mode.decided)
		nur_decide();
}

/* One block for mdt_live_each's callers; big.lock is held. */
static void
each_block(void (*fn)(const struct mdt_block *, void *), void *arg,
    uintptr_t a, size_t size, uint32_t id)
{
	struct mdt_block b;

	b.addr = a;
	b.size = size;
	b.stk = mdt_stack_of(id);
	fn(&b, arg);
}

/* Every live block of window w, in address order. */
static void
window_each(struct window *w, void (*fn)(const struct mdt_block *, void *),
    void *arg)
{
	const entry_t *ent = entries(w);
	uintptr_t a;
	uint64_t pos;
	uint32_t k;

	for (pos = w->pos, k = 0; pos != 0; pos &= pos - 1, k++)
		if (w->live & (pos & -pos)) {
			a = w->win << WIN_SHIFT |
			    (uintptr_t)__builtin_ctzll(pos) << GRAN_SHIFT;
			if (nskip == 0 || !skipped(a))
				each_block(fn, arg, a, entry_size(a, ent[k], 0),
				    E_STACK(ent[k]));
		}
}

/* Every block of shard sh, in no order. */
static void
shard_each(struct live_shard *sh,
    void (*fn)(const struct mdt_block *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < sh->cap; i++)
		if (sh->index[i].n != 0)
			window_each(&sh->index[i], fn, arg);
}

/*
 * The windows in address order, for mdt_live_each_ordered: a key a
 * window, its number above ORD_POS bits that say where it is (shard and
 * index slot), sorted by a radix sort on the number's bits alone.
 */
#define ORD_SLOT	23
#define ORD_POS		(LIVE_SHIFT + ORD_SLOT)
#define ORD_RADIX	11

/* LSD radix sort of n keys through tmp, on bits ORD_POS to ORD_POS + bits. */
static void
ord_sort(uint64_t *key, uint64_t *tmp, size_t n, int bits)
{
	static size_t count[1 << ORD_RADIX];
	uint64_t *src = key, *dst = tmp, *t;
	size_t i, sum, c;
	int shift;

	for (shift = ORD_POS; shift < ORD_POS + bits; shift += ORD_RADIX) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & ((1 << ORD_RADIX) - 1)]++;
		for (i = 0, sum = 0; i < (1 << ORD_RADIX); i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) &
			    ((1 << ORD_RADIX) - 1)]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != key)
		memcpy(key, src, n * sizeof(*key));
}

#define ORD_AHEAD	8

static struct window *
ord_window(uint64_t key)
{
	return &live[(key >> ORD_SLOT) & (LIVE_SHARDS - 1)].index[key &
	    (((uint64_t)1 << ORD_SLOT) - 1)];
}

/*
 * Call fn on every live block in address order, through key and tmp,
 * room for n windows (the number of blocks is enough).  The caller
 * holds every lock.
 * The sizes are then read from the allocator's headers along the heap,
 * not at random.  Returns -1, having called nothing, when the order
 * cannot be had this way: blocks in the plain table, a shard's index too
 * large for the keys' slot bits, or windows spread too far for theirs.
 */
int
mdt_live_each_ordered(void (*fn)(const struct mdt_block *, void *),
    void *arg, uint64_t *key, uint64_t *tmp, size_t n)
{
	const struct window *w;
	uintptr_t lo = UINTPTR_MAX, hi = 0, a;
	size_t i, j, m = 0;
	int s, bits;

	if (odd.n != 0)
		return -1;
	for (s = 0; s < LIVE_SHARDS; s++) {
		if (live[s].cap > ((size_t)1 << ORD_SLOT))
			return -1;
		for (i = 0; i < live[s].cap; i++) {
			if (live[s].index[i].n == 0)
				continue;
			if (m == n)
				return -1;
			a = live[s].index[i].win;
			lo = a < lo ? a : lo;
			hi = a > hi ? a : hi;
			key[m++] = (uint64_t)s << ORD_SLOT | i;
		}
	}
	for (bits = 0; bits < 64 - ORD_POS && ((hi - lo) >> bits) != 0;
	    bits++)
		;
	if (m > 0 && ((hi - lo) >> bits) != 0)
		return -1;
	for (j = 0; j < m; j++)
		key[j] |= (uint64_t)(ord_window(key[j])->win - lo) << ORD_POS;
	ord_sort(key, tmp, m, bits);
	for (j = 0; j < m; j++) {
		/* Slots are at random in the indexes: fetch them early. */
		if (j + 2 * ORD_AHEAD < m)
			__builtin_prefetch(ord_window(key[j + 2 * ORD_AHEAD]));
		if (j + ORD_AHEAD < m) {
			w = ord_window(key[j + ORD_AHEAD]);
			__builtin_prefetch((const char *)(w->win << WIN_SHIFT |
			    (uintptr_t)__builtin_ctzll(w->live) <<
			    GRAN_SHIFT) - 16);
			if (w->cls != 0)
				__builtin_prefetch(w->u.rec);
		}
		window_each(ord_window(key[j]), fn, arg);
	}
	return 0;
}

/*
 * Call fn on every live block, in no order.  locked: the caller holds
 * every lock (mdt_live_lockall); else each shard is locked in turn,
 * and threads may go on allocating meanwhile.
 */
void
mdt_live_each(void (*fn)(const struct mdt_block *, void *), void *arg,
    int locked)
{
	unsigned j, count = __atomic_load_n(&nur_count, __ATOMIC_ACQUIRE);
	size_t i;
	int k;

	if (!locked) {
		for (j = 0; j < count; j++)
			mdt_spin_lock(&nur_all[j]->lock);
		nur_claim(count);
		for (j = 0; j < count; j++)
			nur_drain(nur_all[j], 0);
		nur_unclaim(count);
		for (j = 0; j < count; j++)
			mdt_spin_unlock(&nur_all[j]->lock);
	}
	for (k = 0; k < LIVE_SHARDS; k++) {
		if (!locked) {
			mdt_spin_lock(&live[k].lock);
			mdt_spin_lock(&big.lock);
		}
		shard_each(&live[k], fn, arg);
		if (!locked) {
			mdt_spin_unlock(&big.lock);
			mdt_spin_unlock(&live[k].lock);
		}
	}
	if (!locked) {
		mdt_spin_lock(&odd.lock);
		mdt_spin_lock(&big.lock);
	}
	for (i = 0; i < odd.cap; i++)
		if (odd.slot[i].key != 0)
			each_block(fn, arg, odd.slot[i].key,
			    odd.slot[i].size == SIZE_BIG ?
			    big_peek(odd.slot[i].key) : odd.slot[i].size,
			    odd.slot[i].stk);
	if (!locked) {
		mdt_spin_unlock(&big.lock);
		mdt_spin_unlock(&odd.lock);
	}
}

/* Blocks in the table; the caller holds every lock. */
size_t
mdt_live_count(void)
{
	size_t n = odd.n;
	int k;

	for (k = 0; k < LIVE_SHARDS; k++)
		n += live[k].n;
	return n;
}

static size_t
add_region(uintptr_t *r, size_t n, size_t max, const void *p, size_t len)
{
	if (p == NULL || n >= max)
		return n;
	r[2 * n] = (uintptr_t)p;
	r[2 * n + 1] = (uintptr_t)p + len;
	return n + 1;
}

/*
 * The memory of the live table, as pairs {start, end} in r[0 .. 2*max):
 * it holds what the leak check must not take for the program's own (the
 * plain tables hold block addresses).  Returns the number of pairs, at
 * most MDT_LIVE_REGIONS.  The caller holds every lock.
 */
size_t
mdt_live_regions(uintptr_t *r, size_t max)
{
	const struct live_shard *sh;
	size_t n = 0;
	int k, c;

	for (k = 0; k < LIVE_SHARDS; k++) {
		sh = &live[k];
		n = add_region(r, n, max, sh->index,
		    sh->cap * sizeof(*sh->index));
		n = add_region(r, n, max, sh->spare,
		    sh->spare_cap * sizeof(*sh->spare));
	}
	for (c = 0; c < nchunks; c++)
		n = add_region(r, n, max, chunks[c].base, chunks[c].size);
	n = add_region(r, n, max, odd.slot, odd.cap * sizeof(*odd.slot));
	return add_region(r, n, max, big.slot, big.cap * sizeof(*big.slot));
}
