/*
 * live.c: the live-block table, which maps each block the program
 * holds to its size and its stack, in memory from mmap(2) so that it
 * never calls the malloc it watches.
 *
 * Blocks are kept by window: a window is 1 KiB of addresses, 64
 * granules of 16 bytes (malloc's alignment), and each window that holds
 * blocks has one record: a bitmap of the granules where a block starts
 * and, in address order, an 8-byte entry per block (its size and its
 * stack's id).  A hash index maps window numbers to records.  Programs
 * allocate and free along their heap, so the blocks they touch one
 * after the other share a window: the index slot and the record are
 * already in the cache, where a table with one slot per block costs a
 * cache miss per block.  The index grows with the number of windows,
 * not of blocks, and records never move when it grows.  Measured on
 * bench/alloc_heavy.c live (2M blocks held, then freed in order):
 * insert plus take 33 ns a block against 85 ns with one slot per block
 * (its growth included), 15 bytes a block against 22.
 *
 * A record holds 2, 4, ... 64 entries, grows by copying into the next
 * size and shrinks when a quarter full; freed records are kept on a
 * list per size for the next window.
 *
 * Blocks whose address is not a multiple of 16 (allocators with
 * smaller alignment) go to a plain table of their own, one slot per
 * block; so do the sizes of blocks of 4 GiB and more, which an entry's
 * 32 bits cannot hold.  Both are rare.
 *
 * Threads: the windows are spread over shards by a hash of the window
 * number, each under its own spinlock.
 *
 * What it does not do: keep stacks (stacks.c), or decide what to
 * record (preload.c).
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE	/* madvise, MADV_HUGEPAGE */
#endif

#include <string.h>
#include <sys/mman.h>

#include "mdt.h"

#define GRAN_SHIFT	4	/* a granule: 16 bytes */
#define WIN_SHIFT	10	/* a window: 1 KiB, 64 granules */

#define LIVE_SHIFT	4
#define LIVE_SHARDS	(1 << LIVE_SHIFT)

#define INDEX_MINCAP	64	/* slots of a shard's first index */

/* Records hold 2 << cls entries, cls 0 ... NCLASS - 1. */
#define NCLASS		6

/*
 * Records come from pieces of PIECE bytes, which each shard takes in
 * turn from chunks shared by all, each chunk twice the size of the one
 * before up to CHUNK_MAX: few regions for the leak check to leave out,
 * little memory for a small program.  Chunks from HUGE_PAGE on are
 * aligned for transparent huge pages and ask for them: one fault and
 * one TLB entry for 2 MiB of records, where the record of each window
 * a program walks through would otherwise cost a page walk (and a
 * nested one in a virtual machine): 4% of a traced run of
 * bench/alloc_heavy.c live.
 */
#define PIECE		((size_t)64 * 1024)
#define CHUNK_MIN	((size_t)1024 * 1024)
#define CHUNK_MAX	((size_t)256 * 1024 * 1024)
#define MAXCHUNKS	64
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

/* A size too large for an entry's 32 bits: the real one is in big. */
#define SIZE_BIG	UINT32_MAX

struct record {
	uint64_t	 live;	/* granules where a live block starts */
	uint64_t	 pos;	/* granules with an entry: live, or taken */
	uint32_t	 cls;
	uint32_t	 n;	/* live blocks: popcount(live) */
	uint32_t	 m;	/* entries: popcount(pos) */
	uint64_t	 ent[];	/* size | stack id << 32, address order */
};

struct index_slot {
	uintptr_t	 win;	/* window number; 0 = empty */
	struct record	*rec;
};

struct chunk {
	char		*base;
	size_t		 size;
};

struct live_shard {
	int			 lock;
	size_t			 cap;	/* index slots, a power of two */
	size_t			 nwin;	/* windows in the index */
	size_t			 n;	/* blocks */
	struct index_slot	*index;
	struct record		*free[NCLASS];
	char			*carve;	/* the rest of the shard's piece */
	size_t			 left;
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

_Static_assert(LIVE_SHARDS + MAXCHUNKS + 2 <= MDT_LIVE_REGIONS,
    "mdt.h: MDT_LIVE_REGIONS too small");

static struct live_shard	live[LIVE_SHARDS];
static struct block_table	odd;	/* blocks not 16-byte aligned */
static struct block_table	big;	/* sizes of 4 GiB and more */

/* The chunks records come from; under mem_lock. */
static int			mem_lock;
static struct chunk		chunks[MAXCHUNKS];
static int			nchunks;
static char			*mem_carve;	/* the rest of the last chunk */
static size_t			mem_left;

static size_t
record_bytes(uint32_t cls)
{
	return sizeof(struct record) + ((size_t)2 << cls) * sizeof(uint64_t);
}

/* Fibonacci hashing: one multiply, the high bits well mixed. */
static uint64_t
win_hash(uintptr_t win)
{
	return (uint64_t)win * 0x9e3779b97f4a7c15ULL;
}

/* The shard takes the top bits of the hash, the index the next ones. */
static struct live_shard *
shard_of(uintptr_t win)
{
	return &live[win_hash(win >> 6) >> (64 - LIVE_SHIFT)];
}

static size_t
index_home(uintptr_t win, size_t cap)
{
	uint64_t h32 = win_hash(win) << LIVE_SHIFT >> 32;

	return (size_t)((h32 * cap) >> 32);
}

/* The slot of window win, or the empty slot where it would go. */
static size_t
index_find(const struct live_shard *sh, uintptr_t win)
{
	size_t i, m = sh->cap - 1;

	/* The index is never full: an empty slot ends the probe. */
	for (i = index_home(win, sh->cap); sh->index[i].win != 0 &&
	    sh->index[i].win != win; i = (i + 1) & m)
		;
	return i;
}

/* Double the index (or make the first); -1 if there is no memory. */
static int
index_grow(struct live_shard *sh)
{
	struct index_slot *old = sh->index, *ix;
	size_t i, j, ocap = sh->cap, ncap;

	ncap = ocap == 0 ? INDEX_MINCAP : ocap * 2;
	if ((ix = mdt_mmap(ncap * sizeof(*ix))) == NULL)
		return -1;
	for (i = 0; i < ocap; i++) {
		if (old[i].win == 0)
			continue;
		for (j = index_home(old[i].win, ncap); ix[j].win != 0;
		    j = (j + 1) & (ncap - 1))
			;
		ix[j] = old[i];
	}
	sh->index = ix;
	sh->cap = ncap;
	if (old != NULL)
		munmap(old, ocap * sizeof(*old));
	return 0;
}

/*
 * Empty slot i of the index, moving back the slots after it that
 * probed past it (backward-shift deletion: no tombstones).
 */
static void
index_remove(struct live_shard *sh, size_t i)
{
	size_t j, home, m = sh->cap - 1;

	for (j = (i + 1) & m; sh->index[j].win != 0; j = (j + 1) & m) {
		home = index_home(sh->index[j].win, sh->cap);
		/* Move j into the hole i unless its home lies in (i, j]. */
		if (((j - home) & m) >= ((j - i) & m)) {
			sh->index[i] = sh->index[j];
			i = j;
		}
	}
	sh->index[i].win = 0;
	sh->index[i].rec = NULL;
	sh->nwin--;
}

/*
 * Memory of size bytes, aligned for a transparent huge page and asking
 * for them from HUGE_PAGE on; NULL if there is none.
 */
static char *
chunk_map(size_t size)
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
	/* Advice only: where it is refused, records take small pages. */
	(void)madvise((void *)b, size, MADV_HUGEPAGE);
#endif
	return (char *)b;
}

/* A piece for a shard's records; NULL if there is no memory. */
static char *
piece_alloc(void)
{
	size_t size;
	char *p = NULL;

	mdt_spin_lock(&mem_lock);
	if (mem_left < PIECE && nchunks < MAXCHUNKS) {
		size = nchunks == 0 ? CHUNK_MIN : chunks[nchunks - 1].size;
		if (nchunks > 0 && size < CHUNK_MAX)
			size *= 2;
		if ((p = chunk_map(size)) != NULL) {
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

/* A record of class cls from the shard's memory; NULL if there is none. */
static struct record *
record_alloc(struct live_shard *sh, uint32_t cls)
{
	struct record *r;
	size_t need = record_bytes(cls);
	char *p;

	if ((r = sh->free[cls]) != NULL) {
		memcpy(&sh->free[cls], r, sizeof(r));
		r->cls = cls;
		return r;
	}
	/* The rest of a piece too small for this record stays unused. */
	if (need > sh->left) {
		if ((p = piece_alloc()) == NULL)
			return NULL;
		sh->carve = p;
		sh->left = PIECE;
	}
	r = (struct record *)(void *)sh->carve;
	sh->carve += need;
	sh->left -= need;
	r->cls = cls;
	return r;
}

static void
record_free(struct live_shard *sh, struct record *r)
{
	memcpy(r, &sh->free[r->cls], sizeof(r));
	sh->free[r->cls] = r;
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
 * The live entries of r, in a record of class cls (which holds them);
 * r itself is freed.  NULL: no memory.
 */
static struct record *
record_move(struct live_shard *sh, struct record *r, uint32_t cls)
{
	struct record *q;
	uint64_t pos;
	uint32_t j, w;

	if ((q = record_alloc(sh, cls)) == NULL)
		return NULL;
	for (pos = r->pos, j = w = 0; pos != 0; pos &= pos - 1, j++)
		if (r->live & (pos & -pos))
			q->ent[w++] = r->ent[j];
	q->live = q->pos = r->live;
	q->n = q->m = r->n;
	record_free(sh, r);
	return q;
}

/* Drop the entries of blocks taken from r, in place. */
static void
record_compact(struct record *r)
{
	uint64_t pos;
	uint32_t j, w;

	for (pos = r->pos, j = w = 0; pos != 0; pos &= pos - 1, j++)
		if (r->live & (pos & -pos))
			r->ent[w++] = r->ent[j];
	r->pos = r->live;
	r->m = r->n;
}

/*
 * Put or replace the block at a in its shard, whose lock is held; -1 if
 * there is no memory for it.  A record keeps the entries of blocks
 * taken (pos without live) until it needs their room: programs free
 * and allocate along their heap, and a record's entries then move only
 * when it is compacted.
 */
static int
shard_put(struct live_shard *sh, uintptr_t a, uint64_t e)
{
	uintptr_t win = a >> WIN_SHIFT;
	unsigned g = (unsigned)(a >> GRAN_SHIFT) & 63;
	uint64_t bit = 1ULL << g;
	struct record *r, *q;
	uint32_t k;
	size_t i;

	/* Load at most 3/4: probes stay short. */
	if ((sh->nwin + 1) * 4 > sh->cap * 3 && index_grow(sh) == -1)
		return -1;
	i = index_find(sh, win);
	if ((r = sh->index[i].rec) == NULL) {
		if ((r = record_alloc(sh, 2)) == NULL)
			return -1;
		r->live = r->pos = 0;
		r->n = r->m = 0;
		sh->index[i].win = win;
		sh->index[i].rec = r;
		sh->nwin++;
	}
	if (!(r->pos & bit)) {
		if (r->m == (uint32_t)2 << r->cls) {
			if (r->m > r->n)
				record_compact(r);
			else if ((q = record_move(sh, r, r->cls + 1)) == NULL)
				return -1;
			else
				sh->index[i].rec = r = q;
		}
		k = rank_of(r->pos, g);
		if (k < r->m)
			memmove(&r->ent[k + 1], &r->ent[k],
			    (r->m - k) * sizeof(r->ent[0]));
		r->pos |= bit;
		r->m++;
	}
	r->ent[rank_of(r->pos, g)] = e;
	if (!(r->live & bit)) {
		r->live |= bit;
		r->n++;
		sh->n++;
	}
	return 0;
}

/*
 * Take the block at a out of its shard, whose lock is held: 1 with *e
 * its entry, 0 if it was not there.
 */
static int
shard_take(struct live_shard *sh, uintptr_t a, uint64_t *e)
{
	uintptr_t win = a >> WIN_SHIFT;
	unsigned g = (unsigned)(a >> GRAN_SHIFT) & 63;
	uint64_t bit = 1ULL << g;
	struct record *r, *q;
	size_t i;

	if (sh->cap == 0)
		return 0;
	i = index_find(sh, win);
	if ((r = sh->index[i].rec) == NULL || !(r->live & bit))
		return 0;
	*e = r->ent[rank_of(r->pos, g)];
	r->live &= ~bit;
	r->n--;
	sh->n--;
	if (r->n == 0) {
		record_free(sh, r);
		index_remove(sh, i);
	} else if (r->cls > 0 && r->n <= (uint32_t)2 << r->cls >> 2 &&
	    (q = record_move(sh, r, r->cls - 1)) != NULL)
		sh->index[i].rec = q;
	return 1;
}

/* A 64-bit mix (the finalizer of MurmurHash3): all bits count. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static size_t
block_home(uintptr_t key, size_t cap)
{
	return (size_t)mix64(key) & (cap - 1);
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

/* Note the size of a block of 4 GiB or more; SIZE_BIG - 1 on failure. */
static uint32_t
big_note(uintptr_t key, size_t size)
{
	struct block_slot b;
	int r;

	b.key = key;
	memcpy(&b.size, &size, sizeof(size));
	mdt_spin_lock(&big.lock);
	r = block_put(&big, &b);
	mdt_spin_unlock(&big.lock);
	return r == 0 ? SIZE_BIG : SIZE_BIG - 1;  /* rather too small than lost */
}

/* The size of a block whose entry says SIZE_BIG, which is forgotten. */
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

/* Lock shard sh unless the process has one thread; 1 if locked. */
static int
shard_lock(struct live_shard *sh)
{
	if (&__libc_single_threaded != NULL &&
	    __atomic_load_n(&__libc_single_threaded, __ATOMIC_RELAXED))
		return 0;
	mdt_spin_lock(&sh->lock);
	return 1;
}

static void
shard_unlock(struct live_shard *sh, int locked)
{
	if (locked)
		mdt_spin_unlock(&sh->lock);
}

static int
aligned(uintptr_t a)
{
	return (a & ((1u << GRAN_SHIFT) - 1)) == 0 && a >> WIN_SHIFT != 0;
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
	struct index_slot *ix;
	uintptr_t win = (uintptr_t)p >> WIN_SHIFT;
	size_t cap;

	sh = shard_of(win);
	cap = __atomic_load_n(&sh->cap, __ATOMIC_RELAXED);
	ix = __atomic_load_n(&sh->index, __ATOMIC_RELAXED);
	if (cap != 0 && ix != NULL)
		__builtin_prefetch(&ix[index_home(win, cap)], 0);
}

/*
 * Record a block.  A block already present is one whose free we did
 * not see (freed while the table could not be told): it is replaced.
 * Out of memory for the table, the block goes unseen.
 */
void
mdt_live_insert(void *p, size_t size, struct mdt_stack *stk)
{
	struct live_shard *sh;
	struct block_slot b;
	uintptr_t a = (uintptr_t)p;
	uint32_t s32;
	int locked;

	/* The size first: once in the table, the block can be taken. */
	s32 = size >= SIZE_BIG ? big_note(a, size) : (uint32_t)size;
	if (!aligned(a)) {
		b.key = a;
		b.size = s32;
		b.stk = stk->id;
		mdt_spin_lock(&odd.lock);
		(void)block_put(&odd, &b);
		mdt_spin_unlock(&odd.lock);
		return;
	}
	sh = shard_of(a >> WIN_SHIFT);
	locked = shard_lock(sh);
	(void)shard_put(sh, a, s32 | (uint64_t)stk->id << 32);
	shard_unlock(sh, locked);
}

/*
 * Forget a block and say what it was: 1 with *size and *stk filled in,
 * 0 if the block was not in the table.
 */
int
mdt_live_take(void *p, size_t *size, struct mdt_stack **stk)
{
	struct live_shard *sh;
	struct block_slot b;
	uintptr_t a = (uintptr_t)p;
	uint64_t e;
	int found, locked;

	if (!aligned(a)) {
		mdt_spin_lock(&odd.lock);
		found = block_take(&odd, a, &b);
		mdt_spin_unlock(&odd.lock);
		e = found ? b.size | (uint64_t)b.stk << 32 : 0;
	} else {
		sh = shard_of(a >> WIN_SHIFT);
		locked = shard_lock(sh);
		found = shard_take(sh, a, &e);
		shard_unlock(sh, locked);
	}
	if (!found)
		return 0;
	*size = (uint32_t)e == SIZE_BIG ? big_take(a) : (uint32_t)e;
	*stk = mdt_stack_of((uint32_t)(e >> 32));
	return 1;
}

/* fork(2): hold every lock so the child gets a consistent table. */
void
mdt_live_lockall(void)
{
	int i;

	for (i = 0; i < LIVE_SHARDS; i++)
		mdt_spin_lock(&live[i].lock);
	mdt_spin_lock(&odd.lock);
	mdt_spin_lock(&big.lock);
	mdt_spin_lock(&mem_lock);
}

void
mdt_live_unlockall(void)
{
	int i;

	mdt_spin_unlock(&mem_lock);
	mdt_spin_unlock(&big.lock);
	mdt_spin_unlock(&odd.lock);
	for (i = LIVE_SHARDS - 1; i >= 0; i--)
		mdt_spin_unlock(&live[i].lock);
}

/* The child of fork(2) is alone: its locks are free whoever held them. */
void
mdt_live_resetlocks(void)
{
	int i;

	for (i = 0; i < LIVE_SHARDS; i++)
		live[i].lock = 0;
	odd.lock = 0;
	big.lock = 0;
	mem_lock = 0;
}

/* One block for mdt_live_each's callers; big.lock is held. */
static void
each_block(void (*fn)(const struct mdt_block *, void *), void *arg,
    uintptr_t a, uint64_t e)
{
	struct mdt_block b;

	b.addr = a;
	b.size = (uint32_t)e == SIZE_BIG ? big_peek(a) : (uint32_t)e;
	b.stk = mdt_stack_of((uint32_t)(e >> 32));
	fn(&b, arg);
}

/* Every block of shard sh, in no order. */
static void
shard_each(const struct live_shard *sh,
    void (*fn)(const struct mdt_block *, void *), void *arg)
{
	const struct record *r;
	uint64_t pos;
	uint32_t k;
	size_t i;

	for (i = 0; i < sh->cap; i++) {
		if ((r = sh->index[i].rec) == NULL)
			continue;
		for (pos = r->pos, k = 0; pos != 0; pos &= pos - 1, k++)
			if (r->live & (pos & -pos))
				each_block(fn, arg, sh->index[i].win <<
				    WIN_SHIFT | (uintptr_t)__builtin_ctzll(pos) <<
				    GRAN_SHIFT, r->ent[k]);
	}
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
	size_t i;
	int k;

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
			    odd.slot[i].size | (uint64_t)odd.slot[i].stk << 32);
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
	}
	for (c = 0; c < nchunks; c++)
		n = add_region(r, n, max, chunks[c].base, chunks[c].size);
	n = add_region(r, n, max, odd.slot, odd.cap * sizeof(*odd.slot));
	return add_region(r, n, max, big.slot, big.cap * sizeof(*big.slot));
}
