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
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include "mdt.h"

/*
 * Shards of the live-block table.  More shards than cores keeps two
 * threads off one lock most of the time; each shard costs one page at
 * first use.
 */
#define LIVE_SHARDS	64
#define LIVE_MINCAP	256	/* slots of a shard's first table */

/* Spins before a waiting thread gives its core away. */
#define SPIN_TRIES	64

#define STACK_MINCAP	1024	/* slots of the first stack index */
#define ARENA_CHUNK	(1024 * 1024)	/* stacks are carved from these */

struct live_slot {
	uintptr_t		 key;	/* block address; 0 = empty */
	size_t			 size;
	struct mdt_stack	*stk;
};

struct live_shard {
	int			 lock;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
	struct live_slot	*slot;
} __attribute__((aligned(64)));		/* a cache line each */

struct stack_index {
	size_t			 cap;	/* a power of two */
	struct mdt_stack	*slot[];
};

static struct live_shard	 live[LIVE_SHARDS];

static int			 stack_lock;
static struct stack_index	*stack_idx;	/* read without the lock */
static size_t			 stack_n;
static struct mdt_stack		*stack_first, *stack_last;
static char			*arena;
static size_t			 arena_left;

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

void
mdt_table_init(void)
{
	/* Everything starts zeroed; tables appear at first use. */
}

static struct live_slot *
live_newslots(size_t cap)
{
	return mdt_mmap(cap * sizeof(struct live_slot));
}

/* Put a key known to be absent into a table with room. */
static void
live_put(struct live_slot *s, size_t cap, uintptr_t key, size_t size,
    struct mdt_stack *stk)
{
	size_t i;

	for (i = mix64(key) & (cap - 1); s[i].key != 0; i = (i + 1) & (cap - 1))
		;
	s[i].key = key;
	s[i].size = size;
	s[i].stk = stk;
}

/* Double a shard's table; on failure the shard stays as it was. */
static int
live_grow(struct live_shard *sh)
{
	struct live_slot *ns;
	size_t i, ncap;

	ncap = sh->cap == 0 ? LIVE_MINCAP : sh->cap * 2;
	if ((ns = live_newslots(ncap)) == NULL)
		return -1;
	for (i = 0; i < sh->cap; i++)
		if (sh->slot[i].key != 0)
			live_put(ns, ncap, sh->slot[i].key, sh->slot[i].size,
			    sh->slot[i].stk);
	if (sh->slot != NULL)
		munmap(sh->slot, sh->cap * sizeof(struct live_slot));
	sh->slot = ns;
	sh->cap = ncap;
	return 0;
}

static struct live_shard *
live_shard(uintptr_t key, uint64_t *h)
{
	*h = mix64(key);
	return &live[*h >> 58];		/* top 6 bits: LIVE_SHARDS == 64 */
}

/*
 * Record a block.  A key already present is a block whose free we did
 * not see (freed while the table could not be told): it is replaced.
 */
void
mdt_live_insert(void *p, size_t size, struct mdt_stack *stk)
{
	struct live_shard *sh;
	uintptr_t key = (uintptr_t)p;
	uint64_t h;
	size_t i, m;

	sh = live_shard(key, &h);
	spin_lock(&sh->lock);
	if ((sh->n + 1) * 4 > sh->cap * 3 && live_grow(sh) == -1) {
		/* Out of memory for the table: this block goes unseen. */
		spin_unlock(&sh->lock);
		return;
	}
	m = sh->cap - 1;
	for (i = h & m; sh->slot[i].key != 0; i = (i + 1) & m)
		if (sh->slot[i].key == key)
			break;
	if (sh->slot[i].key == 0)
		sh->n++;
	sh->slot[i].key = key;
	sh->slot[i].size = size;
	sh->slot[i].stk = stk;
	spin_unlock(&sh->lock);
}

/*
 * Forget a block and say what it was: 1 with *size and *stk filled in,
 * 0 if the block was not in the table.  Linear probing with
 * backward-shift deletion: the entries after the hole that probed past
 * it move back, so no tombstones pile up in tables that see millions of
 * frees.
 */
int
mdt_live_take(void *p, size_t *size, struct mdt_stack **stk)
{
	struct live_shard *sh;
	uintptr_t key = (uintptr_t)p;
	uint64_t h;
	size_t i, j, home, m;

	sh = live_shard(key, &h);
	spin_lock(&sh->lock);
	if (sh->cap == 0) {
		spin_unlock(&sh->lock);
		return 0;
	}
	m = sh->cap - 1;
	for (i = h & m; sh->slot[i].key != key; i = (i + 1) & m)
		if (sh->slot[i].key == 0) {
			spin_unlock(&sh->lock);
			return 0;
		}
	*size = sh->slot[i].size;
	*stk = sh->slot[i].stk;
	for (j = (i + 1) & m; sh->slot[j].key != 0; j = (j + 1) & m) {
		home = mix64(sh->slot[j].key) & m;
		/* Move j into the hole i unless its home lies in (i, j]. */
		if (((j - home) & m) >= ((j - i) & m)) {
			sh->slot[i] = sh->slot[j];
			i = j;
		}
	}
	sh->slot[i].key = 0;
	sh->n--;
	spin_unlock(&sh->lock);
	return 1;
}

static uint64_t
stack_hash(const uintptr_t *f, uint32_t n)
{
	uint64_t h = n;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = mix64(h ^ f[i]) + i;
	return h;
}

static int
stack_equal(const struct mdt_stack *s, uint64_t h, const uintptr_t *f,
    uint32_t n)
{
	return s->hash == h && s->nframes == n &&
	    memcmp(s->frames, f, n * sizeof(*f)) == 0;
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
	need = (need + 15) & ~(size_t)15;
	if (need > arena_left) {
		if ((arena = mdt_mmap(ARENA_CHUNK)) == NULL) {
			arena_left = 0;
			return NULL;
		}
		arena_left = ARENA_CHUNK;
	}
	s = (struct mdt_stack *)(void *)arena;
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

/* fork(2): hold every lock so the child gets consistent tables. */
void
mdt_table_lockall(void)
{
	int i;

	spin_lock(&stack_lock);
	for (i = 0; i < LIVE_SHARDS; i++)
		spin_lock(&live[i].lock);
}

void
mdt_table_unlockall(void)
{
	int i;

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
		for (i = 0; i < sh->cap; i++)
			if (sh->slot[i].key != 0 && sh->slot[i].stk != NULL) {
				sh->slot[i].stk->sum += sh->slot[i].size;
				sh->slot[i].stk->count++;
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

/* Copy up to max live blocks, in no order; returns how many. */
size_t
mdt_live_copy(struct mdt_block *out, size_t max)
{
	struct live_shard *sh;
	size_t i, n = 0;
	int k;

	for (k = 0; k < LIVE_SHARDS; k++) {
		sh = &live[k];
		for (i = 0; i < sh->cap && n < max; i++)
			if (sh->slot[i].key != 0 && sh->slot[i].stk != NULL) {
				out[n].addr = sh->slot[i].key;
				out[n].size = sh->slot[i].size;
				out[n].stk = sh->slot[i].stk;
				n++;
			}
	}
	return n;
}

/*
 * The memory of the live table, as pairs {start, end} in r[0 .. 2*max):
 * it holds the address of every block, so the leak check must not take
 * it for the program's own.  Returns the number of pairs.
 */
size_t
mdt_live_regions(uintptr_t *r, size_t max)
{
	size_t n = 0;
	int k;

	for (k = 0; k < LIVE_SHARDS && n < max; k++)
		if (live[k].slot != NULL) {
			r[2 * n] = (uintptr_t)live[k].slot;
			r[2 * n + 1] = (uintptr_t)(live[k].slot + live[k].cap);
			n++;
		}
	return n;
}
