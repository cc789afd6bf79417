/*
 * table.c: the tracer's two tables, both in memory from mmap(2) so that
 * they never call the malloc they watch.
 *
 * The live-block table maps each block the program holds to its size
 * and its stack.  It is split in shards by a hash of the pointer, each
 * an open-addressing table with linear probing under its own spinlock,
 * so threads freeing and allocating different blocks rarely meet.
 *
 * The stack table holds each distinct stack once.  Programs allocate
 * from few call sites many times, so lookups vastly outnumber inserts:
 * lookups take no lock (entries are published with release stores and
 * never change or move), inserts take one lock.  When the index grows,
 * the old index is left in place for readers still probing it; the
 * total waste is below the size of the final index.
 *
 * What it does not do: decide what to record (preload.c), unwind
 * (unwind.c), or write anything (record.c).
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE	/* madvise, MADV_HUGEPAGE */
#endif

#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdt.h"

#if defined(__linux__) && !defined(MADV_COLLAPSE)
#define MADV_COLLAPSE	25	/* Linux 6.1; older kernels refuse it */
#endif

/*
 * Shards of the live-block table.  More shards than cores keeps two
 * threads off one lock most of the time; each shard costs one page at
 * first use.
 */
#define LIVE_SHIFT	4
#define LIVE_SHARDS	(1 << LIVE_SHIFT)
#define LIVE_MINCAP	256	/* slots of a shard's first table */

/*
 * A shard's table grows by half when three quarters full: its load then
 * stays between one half and three quarters (doubling would let it fall
 * to three eighths), which with 16-byte slots keeps the table near 25
 * bytes per live block.
 */
#define LIVE_LOADNUM	3
#define LIVE_LOADDEN	4

/* A size too large for a slot's 32 bits: the real one is in big[]. */
#define SIZE_BIG	UINT32_MAX

/* Tables from this size on ask for transparent huge pages. */
#define HUGE_MIN	(2 * 1024 * 1024)
#define HUGE_PAGE	(2 * 1024 * 1024)

/*
 * Address space each shard reserves where the system lets it, opened
 * as the table grows: the table then grows in place, so growing faults
 * in and zeroes only the added part, not a whole new table each time.
 * Past it a shard moves to separate tables as elsewhere.
 */
#define LIVE_RESV	((size_t)1 << 30)

/* Spins before a waiting thread gives its core away. */
#define SPIN_TRIES	64

#define STACK_MINCAP	1024	/* slots of the first stack index */
#define ARENA_SHIFT	20
#define ARENA_CHUNK	((size_t)1 << ARENA_SHIFT)	/* stacks come from these */
#define ARENA_MAX	65536	/* chunks: 64 GiB of stacks */
#define STACK_ALIGN	16

/*
 * A live block: its address, its size, and its stack as an id (arena
 * chunk << 16 | offset in the chunk / 16), so a slot is 16 bytes.
 */
struct live_slot {
	uintptr_t	 key;	/* block address; 0 = empty */
	uint32_t	 size;	/* SIZE_BIG: see the big table */
	uint32_t	 stk;	/* stack id */
};

struct live_shard {
	int			 lock;
	size_t			 cap;	/* any size, or 0 */
	size_t			 n;
	struct live_slot	*slot;
	size_t			 resv;	/* slots reserved at slot, or 0 */
} __attribute__((aligned(64)));		/* a cache line each */

struct stack_index {
	size_t			 cap;	/* a power of two */
	struct mdt_stack	*slot[];
};

static struct live_shard	 live[LIVE_SHARDS];

/* Sizes of 4 GiB and more, by block address; a shard of its own. */
static struct live_shard	 big;

/* Entries of a shard while its table grows in place; under its lock. */
static int			 scratch_lock;
static struct live_slot		*scratch;
static size_t			 scratch_cap;

static int			 stack_lock;
static struct stack_index	*stack_idx;	/* read without the lock */
static size_t			 stack_n;
static struct mdt_stack		*stack_first, *stack_last;
static char			*arena;
static size_t			 arena_left;
static char			*chunks[ARENA_MAX];
static uint32_t			 nchunks;

static void
spin_lock(int *l)
{
	int i;

	for (;;) {
		if (!__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
			return;
		for (i = 0; __atomic_load_n(l, __ATOMIC_RELAXED); i++)
			if (i >= SPIN_TRIES) {
				sched_yield();
				i = 0;
			}
	}
}

static void
spin_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* For the other files of the tracer (unload.c). */
void
mdt_spin_lock(int *l)
{
	spin_lock(l);
}

void
mdt_spin_unlock(int *l)
{
	spin_unlock(l);
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

/*
 * Anonymous memory for the tables, and for the other parts of the
 * tracer that may not call malloc; NULL when the system has none.
 * Everything starts zeroed; tables appear at first use.
 */
void *
mdt_mmap(size_t n)
{
	void *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static struct mdt_stack *
stack_of(uint32_t id)
{
	return (struct mdt_stack *)(void *)(chunks[id >> 16] +
	    (size_t)(id & 0xffff) * STACK_ALIGN);
}

/*
 * A slot's home.  Blocks in one 1 KiB window of addresses share a
 * stretch of 64 slots, one per 16-byte granule, and the stretch is
 * placed by a hash of the window (multiply-shift, so any capacity
 * works): blocks allocated one after the other, at neighbouring
 * addresses, land in neighbouring slots, and a program that allocates
 * or frees along its heap walks the table along too, instead of missing
 * the cache at every block.  Blocks are at least 32 bytes apart, so a
 * window fills at most half its stretch.
 */
#define WIN_SHIFT	10
#define WIN_SLOTS	64

/* Fibonacci hashing: one multiply, the high bits well mixed. */
static uint64_t
win_hash(uintptr_t key)
{
	return (uint64_t)(key >> WIN_SHIFT) * 0x9e3779b97f4a7c15ULL;
}

static size_t
home_of(uintptr_t key, size_t cap)
{
	size_t i;

	i = (size_t)((((win_hash(key) >> 26) & 0xffffffffULL) * cap) >> 32) +
	    ((key >> 4) & (WIN_SLOTS - 1));
	return i >= cap ? i - cap : i;
}

/*
 * A shard's new table.  Small ones get their pages at once where Linux
 * can (MAP_POPULATE): a rehash writes all over them, and one call costs
 * less than a fault per page.  Large ones are placed on a huge-page
 * boundary and ask for transparent huge pages: the table is far larger
 * than what the TLB covers in small pages, and every lookup would wait
 * for a page walk.
 */
static struct live_slot *
live_newslots(size_t cap)
{
	size_t n = cap * sizeof(struct live_slot);
	void *p;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#if defined(MADV_HUGEPAGE)
	uintptr_t a, b;

	if (n >= HUGE_MIN) {
		p = mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE, flags,
		    -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		a = (uintptr_t)p;
		b = (a + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
		if (b > a)
			munmap(p, b - a);
		if (a + HUGE_PAGE > b)
			munmap((void *)(b + n), a + HUGE_PAGE - b);
		/* Advice only: where it is refused, lookups are slower. */
		(void)madvise((void *)b, n, MADV_HUGEPAGE);
		return (struct live_slot *)(void *)b;
	}
#endif
#ifdef MAP_POPULATE
	flags |= MAP_POPULATE;
#endif
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, flags, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Put a key known to be absent into a table with room. */
static void
live_put(struct live_slot *s, size_t cap, const struct live_slot *e)
{
	size_t i;

	for (i = home_of(e->key, cap); s[i].key != 0;)
		if (++i == cap)
			i = 0;
	s[i] = *e;
}

/*
 * The shard's reservation, made at its first table: aligned for huge
 * pages, inaccessible (so no memory is committed for it) until
 * live_open() makes its first slots usable.  Absent (resv 0) where
 * the system refuses the address space (ulimit -v).
 */
static void
live_reserve(struct live_shard *sh)
{
#if defined(__linux__)
	void *p;
	uintptr_t a, b;

	p = mmap(NULL, LIVE_RESV + HUGE_PAGE, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	a = (uintptr_t)p;
	b = (a + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (b > a)
		munmap(p, b - a);
	if (a + HUGE_PAGE > b)
		munmap((void *)(b + LIVE_RESV), a + HUGE_PAGE - b);
	sh->slot = (struct live_slot *)(void *)b;
	sh->resv = LIVE_RESV / sizeof(struct live_slot);
#else
	(void)sh;
#endif
}

/*
 * Make the first ncap slots of the reservation usable: -1 where the
 * system will not commit the memory (strict overcommit).
 */
static int
live_open(struct live_shard *sh, size_t ncap)
{
	size_t n, pg = (size_t)sysconf(_SC_PAGESIZE);

	n = (ncap * sizeof(*sh->slot) + pg - 1) & ~(pg - 1);
	return mprotect(sh->slot, n, PROT_READ | PROT_WRITE);
}

/*
 * Slots [from, to) of a reservation are about to be used: whole huge
 * pages ask for transparent huge pages, as in live_newslots, and the
 * pages are faulted in at once, written, where Linux can: a probe reads
 * before it writes, and a page first read would fault twice.  A huge
 * page that this growth completes already holds small pages: they are
 * collapsed into one, since a table with lookups all over it wants few
 * TLB entries.
 */
static void
live_touch(struct live_shard *sh, size_t from, size_t to)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t a, b;
	size_t h, f;

	h = to * sizeof(*sh->slot) & ~(size_t)(HUGE_PAGE - 1);
	if (h >= HUGE_MIN)
		(void)madvise(sh->slot, h, MADV_HUGEPAGE);
#if defined(MADV_POPULATE_WRITE)
	a = (uintptr_t)(sh->slot + from) &
	    ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	b = (uintptr_t)(sh->slot + to);
	/* Advice only: where refused, the pages fault in as used. */
	(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#endif
#if defined(MADV_COLLAPSE)
	f = from * sizeof(*sh->slot);
	if (f % HUGE_PAGE != 0 && (f & ~(size_t)(HUGE_PAGE - 1)) < h)
		(void)madvise((char *)sh->slot + (f & ~(size_t)(HUGE_PAGE - 1)),
		    HUGE_PAGE, MADV_COLLAPSE);
#endif
#else
	(void)sh;
	(void)from;
	(void)to;
#endif
}

/*
 * Grow a table inside its reservation to ncap slots: its entries go to
 * the scratch array, the old part is cleared (the added part is still
 * untouched, hence zero) and they are put back.
 */
static int
live_grow_inplace(struct live_shard *sh, size_t ncap)
{
	struct live_slot *t;
	size_t i, k, want;

	spin_lock(&scratch_lock);
	if (scratch_cap < sh->n) {
		want = sh->n < scratch_cap * 2 ? scratch_cap * 2 : sh->n;
		if ((t = mdt_mmap(want * sizeof(*t))) == NULL) {
			spin_unlock(&scratch_lock);
			return -1;
		}
		if (scratch != NULL)
			munmap(scratch, scratch_cap * sizeof(*t));
		scratch = t;
		scratch_cap = want;
	}
	for (i = k = 0; i < sh->cap; i++)
		if (sh->slot[i].key != 0)
			scratch[k++] = sh->slot[i];
	memset(sh->slot, 0, sh->cap * sizeof(*sh->slot));
	live_touch(sh, sh->cap, ncap);
	for (i = 0; i < k; i++)
		live_put(sh->slot, ncap, &scratch[i]);
	spin_unlock(&scratch_lock);
	sh->cap = ncap;
	return 0;
}

/* Grow a shard's table; on failure the shard stays as it was. */
static int
live_grow(struct live_shard *sh)
{
	struct live_slot *ns;
	size_t i, ncap;

	ncap = sh->cap == 0 ? LIVE_MINCAP : sh->cap + sh->cap / 2;
	if (sh->cap == 0 && sh != &big)
		live_reserve(sh);
	/* Else the table moves, and the reservation goes. */
	if (ncap <= sh->resv && live_open(sh, ncap) == 0) {
		if (sh->cap != 0)
			return live_grow_inplace(sh, ncap);
		live_touch(sh, 0, ncap);
		sh->cap = ncap;
		return 0;
	}
	if ((ns = live_newslots(ncap)) == NULL)
		return -1;
	for (i = 0; i < sh->cap; i++)
		if (sh->slot[i].key != 0)
			live_put(ns, ncap, &sh->slot[i]);
	if (sh->slot != NULL)
		munmap(sh->slot, (sh->resv != 0 ? sh->resv : sh->cap) *
		    sizeof(struct live_slot));
	sh->slot = ns;
	sh->cap = ncap;
	sh->resv = 0;
	return 0;
}

/* A window's blocks share a shard, chosen by the top bits. */
static struct live_shard *
live_shard(uintptr_t key)
{
	return &live[win_hash(key) >> (64 - LIVE_SHIFT)];
}

/*
 * Put or replace key in shard sh, whose lock is held; -1 if there is no
 * memory for it.
 */
static int
shard_put(struct live_shard *sh, const struct live_slot *e)
{
	size_t i;

	if ((sh->n + 1) * LIVE_LOADDEN > sh->cap * LIVE_LOADNUM &&
	    live_grow(sh) == -1)
		return -1;
	for (i = home_of(e->key, sh->cap); sh->slot[i].key != 0;) {
		if (sh->slot[i].key == e->key)
			break;
		if (++i == sh->cap)
			i = 0;
	}
	if (sh->slot[i].key == 0)
		sh->n++;
	sh->slot[i] = *e;
	return 0;
}

/* Steps from slot a forward to slot b in a table of cap slots. */
static size_t
ring_dist(size_t a, size_t b, size_t cap)
{
	return b >= a ? b - a : b + cap - a;
}

/*
 * Take key out of shard sh, whose lock is held: 1 with *e filled in, 0
 * if it was not there.  Linear probing with backward-shift deletion:
 * the entries after the hole that probed past it move back, so no
 * tombstones pile up in tables that see millions of frees.
 */
static int
shard_take(struct live_shard *sh, uintptr_t key, struct live_slot *e)
{
	size_t i, j, home, cap = sh->cap;

	if (cap == 0)
		return 0;
	for (i = home_of(key, cap); sh->slot[i].key != key;) {
		if (sh->slot[i].key == 0)
			return 0;
		if (++i == cap)
			i = 0;
	}
	*e = sh->slot[i];
	for (j = i + 1 == cap ? 0 : i + 1; sh->slot[j].key != 0;
	    j = j + 1 == cap ? 0 : j + 1) {
		home = home_of(sh->slot[j].key, cap);
		/* Move j into the hole i unless its home lies in (i, j]. */
		if (ring_dist(home, j, cap) >= ring_dist(i, j, cap)) {
			sh->slot[i] = sh->slot[j];
			i = j;
		}
	}
	sh->slot[i].key = 0;
	sh->n--;
	return 1;
}

/*
 * Start fetching the slot where block p will go: called before the
 * stack is taken, the miss overlaps with the unwinding.
 */
void
mdt_live_prefetch(void *p)
{
	struct live_shard *sh;
	size_t cap;

	sh = live_shard((uintptr_t)p);
	cap = __atomic_load_n(&sh->cap, __ATOMIC_RELAXED);
	if (cap != 0)
		__builtin_prefetch(&sh->slot[home_of((uintptr_t)p, cap)], 1);
}

/*
 * Record a block.  A key already present is a block whose free we did
 * not see (freed while the table could not be told): it is replaced.
 */
void
mdt_live_insert(void *p, size_t size, struct mdt_stack *stk)
{
	struct live_shard *sh;
	struct live_slot e, b;

	e.key = b.key = (uintptr_t)p;
	e.stk = stk->id;
	e.size = size >= SIZE_BIG ? SIZE_BIG : (uint32_t)size;
	if (e.size == SIZE_BIG) {
		/* The size first: once in a shard, the block can be taken. */
		memcpy(&b.size, &size, sizeof(size));
		spin_lock(&big.lock);
		if (shard_put(&big, &b) == -1)
			e.size = SIZE_BIG - 1;	/* rather too small than lost */
		spin_unlock(&big.lock);
	}
	sh = live_shard(e.key);
	spin_lock(&sh->lock);
	/* Out of memory for the table: this block goes unseen. */
	(void)shard_put(sh, &e);
	spin_unlock(&sh->lock);
}

/* The size of a block whose slot says SIZE_BIG. */
static size_t
big_size(uintptr_t key, int take)
{
	struct live_slot b;
	size_t size = SIZE_BIG;
	int found;

	spin_lock(&big.lock);
	if (take)
		found = shard_take(&big, key, &b);
	else {
		found = 0;
		if (shard_take(&big, key, &b) == 1) {
			found = 1;
			(void)shard_put(&big, &b);
		}
	}
	spin_unlock(&big.lock);
	if (found)
		memcpy(&size, &b.size, sizeof(size));
	return size;
}

/*
 * Forget a block and say what it was: 1 with *size and *stk filled in,
 * 0 if the block was not in the table.
 */
int
mdt_live_take(void *p, size_t *size, struct mdt_stack **stk)
{
	struct live_shard *sh;
	struct live_slot e;
	int found;

	sh = live_shard((uintptr_t)p);
	spin_lock(&sh->lock);
	found = shard_take(sh, (uintptr_t)p, &e);
	spin_unlock(&sh->lock);
	if (!found)
		return 0;
	*size = e.size == SIZE_BIG ? big_size(e.key, 1) : e.size;
	*stk = stack_of(e.stk);
	return 1;
}

/*
 * One multiply per frame, rotated so that frame order counts, and the
 * full mix once at the end: the frames are return addresses, already
 * spread, and this runs at every allocation.
 */
static uint64_t
stack_hash(const uintptr_t *f, uint32_t n)
{
	uint64_t h = n;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = ((h << 23 | h >> 41) ^ f[i]) * 0x9e3779b97f4a7c15ULL;
	return mix64(h);
}

static int
stack_equal(const struct mdt_stack *s, uint64_t h, const uintptr_t *f,
    uint32_t n)
{
	uint32_t i;

	if (s->hash != h || s->nframes != n)
		return 0;
	for (i = 0; i < n; i++)
		if (s->frames[i] != f[i])
			return 0;
	return 1;
}

/* Probe an index without the lock; NULL if the stack is not there. */
static struct mdt_stack *
stack_find(const struct stack_index *ix, uint64_t h, const uintptr_t *f,
    uint32_t n)
{
	struct mdt_stack *s;
	size_t i, m;

	if (ix == NULL)
		return NULL;
	m = ix->cap - 1;
	/* The index is never full (load <= 1/2): an empty slot ends this. */
	for (i = h & m;; i = (i + 1) & m) {
		s = __atomic_load_n(&ix->slot[i], __ATOMIC_ACQUIRE);
		if (s == NULL)
			return NULL;
		if (stack_equal(s, h, f, n))
			return s;
	}
}

static void
stack_put(struct stack_index *ix, struct mdt_stack *s)
{
	size_t i, m = ix->cap - 1;

	for (i = s->hash & m; ix->slot[i] != NULL; i = (i + 1) & m)
		;
	__atomic_store_n(&ix->slot[i], s, __ATOMIC_RELEASE);
}

/* A bigger index with every stack in it, published for the readers. */
static int
stack_grow(void)
{
	struct stack_index *nix;
	struct mdt_stack *s;
	size_t ncap;

	ncap = stack_idx == NULL ? STACK_MINCAP : stack_idx->cap * 2;
	nix = mdt_mmap(sizeof(*nix) + ncap * sizeof(nix->slot[0]));
	if (nix == NULL)
		return -1;
	nix->cap = ncap;
	for (s = stack_first; s != NULL; s = s->order)
		stack_put(nix, s);
	__atomic_store_n(&stack_idx, nix, __ATOMIC_RELEASE);
	return 0;
}

static struct mdt_stack *
stack_alloc(const uintptr_t *f, uint32_t n, uint64_t h)
{
	struct mdt_stack *s;
	size_t need;

	need = sizeof(*s) + n * sizeof(s->frames[0]);
	need = (need + STACK_ALIGN - 1) & ~(size_t)(STACK_ALIGN - 1);
	if (need > arena_left) {
		if (nchunks == ARENA_MAX ||
		    (arena = mdt_mmap(ARENA_CHUNK)) == NULL) {
			arena_left = 0;
			return NULL;
		}
		chunks[nchunks++] = arena;
		arena_left = ARENA_CHUNK;
	}
	s = (struct mdt_stack *)(void *)arena;
	s->id = (nchunks - 1) << 16 |
	    (uint32_t)((ARENA_CHUNK - arena_left) / STACK_ALIGN);
	arena += need;
	arena_left -= need;
	s->hash = h;
	s->nframes = n;
	memcpy(s->frames, f, n * sizeof(*f));
	return s;
}

/*
 * The stack's entry, made on first sight; NULL only when no memory is
 * left for it.  The caller keeps n <= MDT_MAXFRAMES, so an entry always
 * fits an arena chunk.
 */
struct mdt_stack *
mdt_stack_intern(const uintptr_t *f, uint32_t n)
{
	struct mdt_stack *s;
	uint64_t h;

	h = stack_hash(f, n);
	s = stack_find(__atomic_load_n(&stack_idx, __ATOMIC_ACQUIRE), h, f, n);
	if (s != NULL)
		return s;
	spin_lock(&stack_lock);
	if ((s = stack_find(stack_idx, h, f, n)) != NULL)
		goto out;
	if ((stack_n + 1) * 2 > (stack_idx ? stack_idx->cap : 0) &&
	    stack_grow() == -1)
		goto out;
	if ((s = stack_alloc(f, n, h)) == NULL)
		goto out;
	if (stack_last != NULL)
		__atomic_store_n(&stack_last->order, s, __ATOMIC_RELEASE);
	else
		stack_first = s;
	stack_last = s;
	stack_n++;
	stack_put(stack_idx, s);
out:
	spin_unlock(&stack_lock);
	return s;
}

/*
 * Call fn on every stack, in creation order, with the stack lock held:
 * fn may rewrite frames (unload.c) but must not intern.  Lock-free
 * readers comparing a stack meanwhile may miss it and make a duplicate,
 * which the report merges.
 */
void
mdt_stack_each(void (*fn)(struct mdt_stack *, void *), void *arg)
{
	struct mdt_stack *s;

	spin_lock(&stack_lock);
	for (s = stack_first; s != NULL; s = s->order)
		fn(s, arg);
	spin_unlock(&stack_lock);
}

/* fork(2): hold every lock so the child gets consistent tables. */
void
mdt_table_lockall(void)
{
	int i;

	spin_lock(&stack_lock);
	for (i = 0; i < LIVE_SHARDS; i++)
		spin_lock(&live[i].lock);
	spin_lock(&big.lock);
	spin_lock(&scratch_lock);
}

void
mdt_table_unlockall(void)
{
	int i;

	spin_unlock(&scratch_lock);
	spin_unlock(&big.lock);
	for (i = LIVE_SHARDS - 1; i >= 0; i--)
		spin_unlock(&live[i].lock);
	spin_unlock(&stack_lock);
}

/* The child of fork(2) is alone: its locks are free whoever held them. */
void
mdt_table_resetlocks(void)
{
	int i;

	for (i = 0; i < LIVE_SHARDS; i++)
		live[i].lock = 0;
	big.lock = 0;
	scratch_lock = 0;
	stack_lock = 0;
}

/*
 * Fill in each stack's leaked bytes and blocks from the live table and
 * return the first stack in creation order (follow ->order).  Threads
 * may go on allocating meanwhile; each shard is summed under its lock.
 */
struct mdt_stack *
mdt_table_sum(void)
{
	struct mdt_stack *s, *first;
	struct live_shard *sh;
	size_t i;
	int k;

	spin_lock(&stack_lock);
	first = stack_first;
	spin_unlock(&stack_lock);
	for (s = first; s != NULL;
	    s = __atomic_load_n(&s->order, __ATOMIC_ACQUIRE))
		s->sum = s->count = 0;
	for (k = 0; k < LIVE_SHARDS; k++) {
		sh = &live[k];
		spin_lock(&sh->lock);
		for (i = 0; i < sh->cap; i++) {
			if (sh->slot[i].key == 0)
				continue;
			s = stack_of(sh->slot[i].stk);
			s->sum += sh->slot[i].size == SIZE_BIG ?
			    big_size(sh->slot[i].key, 0) : sh->slot[i].size;
			s->count++;
		}
		spin_unlock(&sh->lock);
	}
	return first;
}

/* The first stack in creation order, sums as they were last set. */
struct mdt_stack *
mdt_table_first(void)
{
	struct mdt_stack *first;

	spin_lock(&stack_lock);
	first = stack_first;
	spin_unlock(&stack_lock);
	return first;
}

/*
 * The leak check's view of the live table.  The caller holds every lock
 * (mdt_table_lockall), so the figures agree with each other.
 */
size_t
mdt_live_count(void)
{
	size_t k, n = 0;

	for (k = 0; k < LIVE_SHARDS; k++)
		n += live[k].n;
	return n;
}

/* The size of a block of 4 GiB or more; the caller holds big.lock. */
static size_t
big_peek(uintptr_t key)
{
	size_t i, size = SIZE_BIG;

	if (big.cap == 0)
		return size;
	for (i = home_of(key, big.cap); big.slot[i].key != 0;)
		if (big.slot[i].key == key) {
			memcpy(&size, &big.slot[i].size, sizeof(size));
			break;
		} else if (++i == big.cap)
			i = 0;
	return size;
}

/* Copy up to max live blocks, in no order; returns how many. */
size_t
mdt_live_copy(struct mdt_block *out, size_t max)
{
	struct live_shard *sh;
	size_t i, n = 0;
	int k;

	for (k = 0; k < LIVE_SHARDS; k++) {
		sh = &live[k];
		for (i = 0; i < sh->cap && n < max; i++) {
			if (sh->slot[i].key == 0)
				continue;
			out[n].addr = sh->slot[i].key;
			out[n].size = sh->slot[i].size == SIZE_BIG ?
			    big_peek(sh->slot[i].key) : sh->slot[i].size;
			out[n].stk = stack_of(sh->slot[i].stk);
			n++;
		}
	}
	return n;
}

/*
 * The memory of the live table, as pairs {start, end} in r[0 .. 2*max):
 * it holds the address of every block, so the leak check must not take
 * it for the program's own.  The scratch array of in-place growth is
 * part of it: it keeps the addresses it last held.  Returns the number
 * of pairs.
 */
size_t
mdt_live_regions(uintptr_t *r, size_t max)
{
	size_t n = 0;
	int k;

	for (k = 0; k <= LIVE_SHARDS && n < max; k++) {
		const struct live_shard *sh = k < LIVE_SHARDS ? &live[k] : &big;

		if (sh->slot != NULL) {
			r[2 * n] = (uintptr_t)sh->slot;
			r[2 * n + 1] = (uintptr_t)(sh->slot + sh->cap);
			n++;
		}
	}
	if (scratch != NULL && n < max) {
		r[2 * n] = (uintptr_t)scratch;
		r[2 * n + 1] = (uintptr_t)(scratch + scratch_cap);
		n++;
	}
	return n;
}
