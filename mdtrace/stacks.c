/*
 * stacks.c: the stack table, which holds each distinct stack once, in
 * memory from mmap(2) so that it never calls the malloc it watches;
 * and the memory and locks the tracer's other tables use (tables.c
 * handles both tables together).
 *
 * Programs allocate from few call sites many times, so lookups vastly
 * outnumber inserts: lookups take no lock (entries are published with
 * release stores and never change or move), inserts take one lock.
 * When the index grows, the old index is left in place for readers
 * still probing it; the total waste is below the size of the final
 * index.
 *
 * What it does not do: keep the live blocks (live.c), unwind
 * (unwind.c), or write anything (record.c).
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#endif

#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include "mdt.h"

/* Spins before a waiting thread gives its core away. */
#define SPIN_TRIES	64

#define STACK_MINCAP	1024	/* slots of the first stack index */
#define ARENA_SHIFT	20
#define ARENA_CHUNK	((size_t)1 << ARENA_SHIFT)	/* stacks come from these */
#define ARENA_MAX	65536	/* chunks: 64 GiB of stacks */
#define STACK_ALIGN	16

struct stack_index {
	size_t			 cap;	/* a power of two */
	struct mdt_stack	*slot[];
};

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

/* The stack whose id is id (struct mdt_stack's id). */
struct mdt_stack *
mdt_stack_of(uint32_t id)
{
	return (struct mdt_stack *)(void *)(chunks[id >> 16] +
	    (size_t)(id & 0xffff) * STACK_ALIGN);
}

#define HASH_K		0x9e3779b97f4a7c15ULL
#define ROT(x, r)	((x) << (r) | (x) >> (64 - (r)))

/*
 * One multiply per frame, rotated so that frame order counts, and the
 * full mix once at the end: the frames are return addresses, already
 * spread, and this runs at every walk.  Four chains, one for each
 * frame of four, which the processor runs side by side: a single chain
 * of sixteen frames waits on sixteen multiplies in turn.
 */
static uint64_t
stack_hash(const uintptr_t *f, uint32_t n)
{
	uint64_t a = n, b = 1, c = 2, d = 3;
	uint32_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		a = (ROT(a, 23) ^ f[i]) * HASH_K;
		b = (ROT(b, 23) ^ f[i + 1]) * HASH_K;
		c = (ROT(c, 23) ^ f[i + 2]) * HASH_K;
		d = (ROT(d, 23) ^ f[i + 3]) * HASH_K;
	}
	for (; i < n; i++)
		a = (ROT(a, 23) ^ f[i]) * HASH_K;
	return mdt_mix64(a ^ ROT(b, 16) ^ ROT(c, 32) ^ ROT(d, 48));
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

/* fork(2): the stack table's lock (tables.c takes every table's). */
void
mdt_stack_lock(void)
{
	spin_lock(&stack_lock);
}

void
mdt_stack_unlock(void)
{
	spin_unlock(&stack_lock);
}

/* The child of fork(2) is alone: its lock is free whoever held it. */
void
mdt_stack_resetlock(void)
{
	stack_lock = 0;
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
