/* link: mdtrace/live.c mdtrace/stacks.c mdtrace/tables.c */
/*
 * test_live.c: unit tests of mdtrace's live-block table (mdtrace/live.c)
 * against a model: a plain hash map of address to size and stack kept
 * by this test.  Every take is checked against the model, and at the
 * end of each case the table's enumeration (mdt_live_each, and in
 * address order mdt_live_each_ordered) and count must be exactly the
 * model's.  The addresses are made up: the table
 * never reads the blocks it keeps, and their usable sizes come from
 * the model (the size put plus 0 to 36 bytes by address, so that some
 * slacks do not fit an entry; blocks the model does not know have
 * none, and so go to the table of large sizes).
 *
 * Cases: blocks along a heap (windows filling up and emptying in
 * order), every granule of one window (the largest record, then
 * shrinking), a block put twice, addresses that are not multiples of
 * 16, sizes of 4 GiB and more, takes of blocks never put, a long random
 * churn over a few hundred windows (taken entries reused, compaction,
 * growth and shrinking, the index made anew), four threads at once,
 * blocks one thread puts and another takes, the nurseries drained
 * under every lock while the shards need memory, and drained again and
 * again while their threads put and take.
 *
 * Each case prints "ok live/NAME" or "not ok live/NAME (what)", then
 * the plan line; the program always exits 0.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mdtrace/mdt.h"

/* The name before each case's: test_live_locked.c gives its own. */
#ifndef LIVE_NAME
#define LIVE_NAME	"live"
#endif

#define MODEL_BITS	22
#define MODEL_CAP	((size_t)1 << MODEL_BITS)
#define HEAP		((uintptr_t)0x7f1200000000ULL)

struct mslot {
	uintptr_t		 addr;	/* 0: empty; 1: deleted */
	size_t			 size;
	struct mdt_stack	*stk;
};

static struct mslot	*model;
static size_t		 model_n;
static struct mdt_stack	*stacks[8];
static int		 nresults;
static uint64_t		 rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t
mhome(uintptr_t a)
{
	return (size_t)((a * 0x9e3779b97f4a7c15ULL) >> (64 - MODEL_BITS));
}

static struct mslot *
mfind(uintptr_t a)
{
	size_t i;

	for (i = mhome(a); model[i].addr != 0; i = (i + 1) & (MODEL_CAP - 1))
		if (model[i].addr == a)
			return &model[i];
	return NULL;
}

static void
mput(uintptr_t a, size_t size, struct mdt_stack *stk)
{
	struct mslot *s;
	size_t i;

	if ((s = mfind(a)) == NULL) {
		for (i = mhome(a); model[i].addr > 1;
		    i = (i + 1) & (MODEL_CAP - 1))
			;
		s = &model[i];
		model_n++;
	}
	s->addr = a;
	s->size = size;
	s->stk = stk;
}

static void
mclear(void)
{
	memset(model, 0, MODEL_CAP * sizeof(*model));
	model_n = 0;
}

static void
result(const char *name, const char *why)
{
	nresults++;
	if (why == NULL)
		printf("ok %s/%s\n", LIVE_NAME, name);
	else
		printf("not ok %s/%s (%s)\n", LIVE_NAME, name, why);
}

/* The usable size the table asks for: the model's, with some slack. */
static size_t
usable(void *p)
{
	struct mslot *s = mfind((uintptr_t)p);

	return s == NULL ? 0 : s->size + ((uintptr_t)p >> 4) % 37;
}

/* Put a block in both. */
static void
put(uintptr_t a, size_t size, struct mdt_stack *stk)
{
	mput(a, size, stk);
	mdt_live_insert((void *)a, size, 0, stk);
}

/* Take a block from both; the first difference, or NULL. */
static const char *
take(uintptr_t a)
{
	struct mslot *s = mfind(a);
	struct mdt_stack *stk = NULL;
	size_t size = 0;
	int r;

	r = mdt_live_take((void *)a, &size, &stk);
	if (s == NULL)
		return r == 0 ? NULL : "took a block never put";
	if (r == 0)
		return "lost a block";
	if (size != s->size)
		return "wrong size";
	if (stk != s->stk)
		return "wrong stack";
	s->addr = 1;
	model_n--;
	return NULL;
}

static size_t	seen;
static int	bad;

static void
check_block(const struct mdt_block *b, void *arg)
{
	struct mslot *s = mfind(b->addr);

	(void)arg;
	seen++;
	if (s == NULL || s->size != b->size || s->stk != b->stk)
		bad++;
}

static uintptr_t	last;
static int	unordered;

/* check_block, and the blocks must come in ascending address order. */
static void
check_ordered(const struct mdt_block *b, void *arg)
{
	if (seen > 0 && b->addr <= last)
		unordered++;
	last = b->addr;
	check_block(b, arg);
}

/*
 * mdt_live_each_ordered: the model's blocks in address order, or -1
 * (allowed only where blocks are in the plain table, which the
 * odd-address cases make); the first difference, or NULL.
 */
static const char *
same_ordered(void)
{
	uint64_t *key;
	size_t n;
	int rv;

	mdt_table_lockall();
	n = mdt_live_count();
	if ((key = malloc((2 * n + 2) * sizeof(*key))) == NULL) {
		mdt_table_unlockall();
		return "no memory for the test";
	}
	seen = 0;
	bad = unordered = 0;
	rv = mdt_live_each_ordered(check_ordered, NULL, key, key + n + 1,
	    n + 1);
	mdt_table_unlockall();
	free(key);
	if (rv == -1)
		return seen == 0 ? NULL : "gave blocks, then failed";
	if (bad != 0)
		return "a block in order is not the model's";
	if (unordered != 0)
		return "blocks out of address order";
	if (seen != model_n)
		return "a different number of blocks in order";
	return NULL;
}

/* The table holds exactly the model: the first difference, or NULL. */
static const char *
same(void)
{
	/* Counted first: the count must see the blocks of the nurseries. */
	mdt_table_lockall();
	seen = mdt_live_count();
	mdt_table_unlockall();
	if (seen != model_n)
		return "count differs";
	seen = 0;
	bad = 0;
	mdt_live_each(check_block, NULL, 0);
	if (bad != 0)
		return "a block enumerated is not the model's";
	if (seen != model_n)
		return "enumerated a different number of blocks";
	return same_ordered();
}

/* Take every block the model holds; the first difference, or NULL. */
static const char *
drain(void)
{
	const char *why;
	size_t i;

	for (i = 0; i < MODEL_CAP; i++)
		if (model[i].addr > 1 && (why = take(model[i].addr)) != NULL)
			return why;
	return same();
}

static void
finish(const char *name, const char *why)
{
	if (why == NULL)
		why = drain();
	result(name, why);
	mclear();
}

/* Blocks 32 to 96 bytes apart along a heap, taken in order and not. */
static void
case_heap(void)
{
	static uintptr_t a[300000];
	const char *why = NULL;
	uintptr_t p = HEAP;
	size_t i, n = sizeof(a) / sizeof(a[0]);

	for (i = 0; i < n; i++) {
		a[i] = p;
		put(p, 16 + i % 64, stacks[i % 8]);
		p += 32 + 16 * (rnd() % 5);
	}
	if ((why = same()) == NULL)
		for (i = 0; i < n && why == NULL; i += 2)
			why = take(a[i]);
	if (why == NULL)
		why = same();
	for (i = 1; i < n && why == NULL; i += 2)
		if (rnd() % 4 == 0)
			why = take(a[i]);
	for (i = 0; i < n && why == NULL; i += 4)
		put(a[i], i, stacks[i % 3]);
	finish("heap", why);
}

/* All 64 granules of a window, then all but a few taken. */
static void
case_full_window(void)
{
	const char *why = NULL;
	uintptr_t w = HEAP + 0x40000;
	int g;

	for (g = 63; g >= 0; g--)
		put(w + 16 * (uintptr_t)g, (size_t)g + 1, stacks[g % 8]);
	put(w - 16, 7, stacks[0]);
	put(w + 1024, 9, stacks[1]);
	why = same();
	for (g = 0; g < 64 && why == NULL; g++)
		if (g % 21 != 5)
			why = take(w + 16 * (uintptr_t)g);
	if (why == NULL)
		why = same();
	for (g = 0; g < 64 && why == NULL; g += 3)
		put(w + 16 * (uintptr_t)g, 100, stacks[2]);
	if (why == NULL)
		why = same();
	finish("full-window", why);
}

/*
 * Blocks just put, read by mdt_live_each before anything else reads
 * the table (it must see those the thread's nursery holds).
 */
static void
case_each_first(void)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < 100; i++)
		put(HEAP + 0x2000 + 48 * i, i + 1, stacks[i % 8]);
	seen = 0;
	bad = 0;
	mdt_live_each(check_block, NULL, 0);
	if (bad != 0)
		why = "a block enumerated is not the model's";
	else if (seen != model_n)
		why = "enumerated a different number of blocks";
	finish("each-first", why);
}

/*
 * Nurseries drained while every lock is held (mdt_table_lockall, as
 * for the leak check and at fork), again and again, each time with
 * full windows that need records of their own: the shard's memory
 * runs out during a drain and a new piece is taken then, whose lock
 * the drain must not hold already.
 */
static void
case_drain_grows(void)
{
	const char *why = NULL;
	uintptr_t base = HEAP + 0x60000000;
	size_t i, k;

	for (k = 0; k < 64; k++) {
		for (i = 0; i < 1024; i++)
			put(base + 0x4000 * k + 16 * i, 8, stacks[k % 8]);
		mdt_table_lockall();
		mdt_table_unlockall();
	}
	why = same();
	finish("drain-grows", why);
}

/* A block put twice is one block, with what the second put said. */
static void
case_replace(void)
{
	const char *why;

	put(HEAP + 0x1000, 10, stacks[0]);
	put(HEAP + 0x1000, 20, stacks[1]);
	why = same();
	finish("replace", why);
}

/* Addresses of other alignments, and sizes past 32 bits. */
static void
case_odd_big(void)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < 5000; i++)
		put(HEAP + 0x100000 + i * 40 + 8, i, stacks[i % 8]);
	put(HEAP + 0x200000, (size_t)5 << 30, stacks[3]);
	put(HEAP + 0x200008, ((size_t)1 << 32) + 1, stacks[4]);
	put(HEAP + 0x200020, UINT32_MAX, stacks[5]);
	put(HEAP + 0x200040, UINT32_MAX - 1, stacks[6]);
	put(HEAP + 0x200040 + 1024, ((size_t)7 << 32), stacks[6]);
	why = same();
	for (i = 0; i < 5000 && why == NULL; i += 3)
		why = take(HEAP + 0x100000 + i * 40 + 8);
	if (why == NULL)
		why = take(HEAP + 0x200000);
	if (why == NULL)
		why = same();
	finish("odd-and-big", why);
}

/* Takes of blocks never put, or taken already, find nothing. */
static void
case_absent(void)
{
	const char *why = NULL;
	size_t i;

	put(HEAP + 0x300000, 1, stacks[0]);
	for (i = 0; i < 1000 && why == NULL; i++)
		why = take(HEAP + 0x300000 + 16 * (rnd() % 4096 + 1));
	if (why == NULL)
		why = take(HEAP + 0x300000);
	if (why == NULL)
		why = take(HEAP + 0x300000);
	if (why == NULL)
		why = take(HEAP + 0x300000 + 8);
	finish("absent", why);
}

/*
 * Random puts and takes over 300 windows, the model checked often: a
 * block held is taken (as a program frees before the allocator gives
 * the address again), one not held is put or, one time in three, taken
 * in vain.
 */
static void
case_churn(void)
{
	const char *why = NULL;
	uintptr_t a;
	long i;

	for (i = 0; i < 3000000 && why == NULL; i++) {
		a = HEAP + 0x1000000 + 1024 * (rnd() % 300) +
		    16 * (rnd() % (i % 7 == 0 ? 64 : 8));
		if (mfind(a) != NULL || rnd() % 3 == 0)
			why = take(a);
		else
			put(a, (size_t)(rnd() % 5000), stacks[rnd() % 8]);
		if (i % 500000 == 0 && why == NULL)
			why = same();
	}
	finish("churn", why);
}

#define WORK	90000	/* blocks each thread puts */
#define ROUNDS	20

struct worker {
	uintptr_t	 base;
	int		 fail;
};

static pthread_barrier_t	start;

/*
 * Put and take blocks of a range of its own, the four threads at once,
 * in rounds; the last third stay.
 */
static void *
work(void *arg)
{
	struct worker *w = arg;
	struct mdt_stack *stk;
	size_t i, size;
	int r;

	pthread_barrier_wait(&start);
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < WORK; i++)
			mdt_live_insert((void *)(w->base + 48 * i), i + (size_t)r,
			    0, stacks[0]);
		for (i = 0; i < (r + 1 < ROUNDS ? WORK : 2 * WORK / 3); i++)
			if (mdt_live_take((void *)(w->base + 48 * i), &size,
			    &stk) != 1 || size != i + (size_t)r)
				w->fail = 1;
	}
	return NULL;
}

static void
case_threads(void)
{
	struct worker w[4];
	pthread_t t[4];
	const char *why = NULL;
	size_t i;
	int k;

	pthread_barrier_init(&start, NULL, 4);
	for (k = 0; k < 4; k++) {
		/* Apart, in one shard: the table's lock is what keeps them. */
		w[k].base = HEAP + 0x40000000 + (uintptr_t)k * 0x1000000;
		w[k].fail = 0;
		if (pthread_create(&t[k], NULL, work, &w[k]) != 0) {
			result("threads", "pthread_create failed");
			return;
		}
	}
	for (k = 0; k < 4; k++) {
		pthread_join(t[k], NULL);
		if (w[k].fail)
			why = "a thread took a wrong block";
		for (i = 2 * WORK / 3; i < WORK; i++)
			mput(w[k].base + 48 * i, i + ROUNDS - 1, stacks[0]);
	}
	pthread_barrier_destroy(&start);
	if (why == NULL)
		why = same();
	finish("threads", why);
}

/*
 * Blocks put by one thread and taken by another while the first goes
 * on putting: the taker finds each in the putter's nursery, or in its
 * shard once a later put evicted it, whichever comes first; the blocks
 * of other puts stay, and must be in the table once the putter ended.
 */
#define XWORK	200000

static volatile size_t	xput_done;	/* blocks put so far */

static uintptr_t
xblock(size_t i)
{
	/* 48 bytes apart, one in 64 from a range 16 KiB on. */
	return HEAP + 0x80000000 + 48 * i + (i % 64 == 0 ? 0x4000 * 7 : 0);
}

static uintptr_t
xfiller(size_t i)
{
	return HEAP + 0x90000000 + 32 * i;
}

static void *
xputter(void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < XWORK; i++) {
		mdt_live_insert((void *)xblock(i), i + 1, 0, stacks[i % 8]);
		__atomic_store_n(&xput_done, i + 1, __ATOMIC_RELEASE);
		if (i % 3 == 0)
			mdt_live_insert((void *)xfiller(i), 5, 0, stacks[7]);
	}
	return NULL;
}

static void *
xtaker(void *arg)
{
	struct mdt_stack *stk;
	size_t i, size;
	int *fail = arg;

	for (i = 0; i < XWORK; i++) {
		while (__atomic_load_n(&xput_done, __ATOMIC_ACQUIRE) <= i)
			;
		if (mdt_live_take((void *)xblock(i), &size, &stk) != 1 ||
		    size != i + 1 || stk != stacks[i % 8])
			*fail = 1;
	}
	return NULL;
}

static void
case_cross_thread(void)
{
	pthread_t p, t;
	const char *why = NULL;
	size_t i;
	int fail = 0;

	xput_done = 0;
	if (pthread_create(&p, NULL, xputter, NULL) != 0 ||
	    pthread_create(&t, NULL, xtaker, &fail) != 0) {
		result("cross-thread", "pthread_create failed");
		return;
	}
	pthread_join(p, NULL);
	pthread_join(t, NULL);
	if (fail)
		why = "a block put by one thread was lost to another";
	for (i = 0; i < XWORK; i += 3)
		mput(xfiller(i), 5, stacks[7]);
	if (why == NULL)
		why = same();
	finish("cross-thread", why);
}

/*
 * More threads alive at once than there are nurseries (256), each
 * putting blocks of its own: another thread takes half of each one's,
 * from the last thread to the first, then from the first to the last,
 * so that the nursery it found a block in last is seldom the next
 * one's.  Every block is found, with its size and stack, whether it
 * sits in a nursery or (for the threads beyond the nurseries) in the
 * shards; the other half stay, in the table once the threads ended.
 */
#define MANY	300
#define MANYPUT	32

static pthread_barrier_t	many_put, many_taken;

static uintptr_t
many_block(size_t k, size_t i)
{
	return HEAP + 0xa0000000 + (uintptr_t)k * 0x10000 + 48 * i;
}

static void *
many_worker(void *arg)
{
	size_t k = (size_t)(uintptr_t)arg, i;

	for (i = 0; i < MANYPUT; i++)
		mdt_live_insert((void *)many_block(k, i), k * MANYPUT + i + 1,
		    0, stacks[(k + i) % 8]);
	pthread_barrier_wait(&many_put);
	pthread_barrier_wait(&many_taken);
	return NULL;
}

static void
case_many_threads(void)
{
	static pthread_t t[MANY];
	struct mdt_stack *stk;
	pthread_attr_t attr;
	const char *why = NULL;
	size_t k, j, i, size, made;

	pthread_barrier_init(&many_put, NULL, MANY + 1);
	pthread_barrier_init(&many_taken, NULL, MANY + 1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (made = 0; made < MANY; made++)
		if (pthread_create(&t[made], &attr, many_worker,
		    (void *)(uintptr_t)made) != 0)
			break;
	pthread_attr_destroy(&attr);
	if (made < MANY) {
		/* The barriers cannot be passed: end what runs, and fail. */
		printf("not ok %s/many-threads (pthread_create failed)\n",
		    LIVE_NAME);
		fflush(stdout);
		_exit(1);
	}
	pthread_barrier_wait(&many_put);
	for (j = 0; j < 2 * MANY; j++) {
		k = j < MANY ? MANY - 1 - j : j - MANY;
		for (i = j < MANY ? 0 : 1; i < MANYPUT; i += 4)
			if (mdt_live_take((void *)many_block(k, i), &size,
			    &stk) != 1 || size != k * MANYPUT + i + 1 ||
			    stk != stacks[(k + i) % 8])
				why = "a block of one of many threads was lost";
	}
	pthread_barrier_wait(&many_taken);
	for (k = 0; k < MANY; k++)
		pthread_join(t[k], NULL);
	pthread_barrier_destroy(&many_put);
	pthread_barrier_destroy(&many_taken);
	for (k = 0; k < MANY; k++)
		for (i = 0; i < MANYPUT; i++)
			if (i % 4 > 1)
				mput(many_block(k, i), k * MANYPUT + i + 1,
				    stacks[(k + i) % 8]);
	if (why == NULL)
		why = same();
	finish("many-threads", why);
}

/* The table's memory: regions that are not empty and do not overlap. */
static void
case_regions(void)
{
	static uintptr_t r[2 * MDT_LIVE_REGIONS];
	const char *why = NULL;
	size_t n, i, j;

	put(HEAP, 1, stacks[0]);
	put(HEAP + 8, 1, stacks[0]);
	put(HEAP + 16, (size_t)1 << 33, stacks[0]);
	mdt_table_lockall();
	n = mdt_live_regions(r, MDT_LIVE_REGIONS);
	mdt_table_unlockall();
	if (n < 3)
		why = "fewer regions than the index, a record and two tables";
	for (i = 0; i < n && why == NULL; i++) {
		if (r[2 * i] >= r[2 * i + 1])
			why = "an empty region";
		for (j = 0; j < i && why == NULL; j++)
			if (r[2 * i] < r[2 * j + 1] && r[2 * j] < r[2 * i + 1])
				why = "regions overlap";
	}
	finish("regions", why);
}

/*
 * Drains while the owners go on: three threads put and take blocks of
 * ranges of their own (in their nurseries, without the lock where the
 * kernel allows it), while another drains the nurseries again and
 * again, holding every lock (mdt_live_lockall, as the leak check and
 * fork do) or not the shards' (mdt_live_each, as a snapshot does).  A
 * take that raced a drain would leave its block in a shard as well,
 * or lose it: every take must find its block with its size and stack,
 * and the table at the end must be the model's.
 */
#define DWORK	512
#define DROUNDS	600

static int	drain_stop;

static struct mdt_stack *
dstack(size_t i, size_t r)
{
	return stacks[(i + r) % 8];
}

static void *
dworker(void *arg)
{
	struct worker *w = arg;
	struct mdt_stack *stk;
	size_t i, r, size;

	for (r = 0; r < DROUNDS; r++) {
		for (i = 0; i < DWORK; i++)
			mdt_live_insert((void *)(w->base + 48 * i), i + r + 1,
			    0, dstack(i, r));
		for (i = 0; i < (r + 1 < DROUNDS ? DWORK : 2 * DWORK / 3); i++)
			if (mdt_live_take((void *)(w->base + 48 * i), &size,
			    &stk) != 1 || size != i + r + 1 ||
			    stk != dstack(i, r))
				w->fail = 1;
	}
	return NULL;
}

static void
count_block(const struct mdt_block *b, void *arg)
{
	(void)b;
	(*(size_t *)arg)++;
}

static void *
drainer(void *arg)
{
	size_t n;
	unsigned k = 0;

	(void)arg;
	while (!__atomic_load_n(&drain_stop, __ATOMIC_ACQUIRE)) {
		if (k++ % 2 == 0) {
			mdt_live_lockall();
			(void)mdt_live_count();
			mdt_live_unlockall();
		} else {
			n = 0;
			mdt_live_each(count_block, &n, 0);
		}
	}
	return NULL;
}

static void
case_drain_running(void)
{
	struct worker w[3];
	pthread_t t[3], d;
	const char *why = NULL;
	size_t i;
	int k;

	drain_stop = 0;
	if (pthread_create(&d, NULL, drainer, NULL) != 0) {
		result("drain-running", "pthread_create failed");
		return;
	}
	for (k = 0; k < 3; k++) {
		w[k].base = HEAP + 0xb0000000 + (uintptr_t)k * 0x1000000;
		w[k].fail = 0;
		if (pthread_create(&t[k], NULL, dworker, &w[k]) != 0) {
			printf("not ok %s/drain-running "
			    "(pthread_create failed)\n", LIVE_NAME);
			fflush(stdout);
			_exit(1);
		}
	}
	for (k = 0; k < 3; k++) {
		pthread_join(t[k], NULL);
		if (w[k].fail)
			why = "a take missed its block or found a wrong one";
		for (i = 2 * DWORK / 3; i < DWORK; i++)
			mput(w[k].base + 48 * i, i + DROUNDS, dstack(i,
			    DROUNDS - 1));
	}
	__atomic_store_n(&drain_stop, 1, __ATOMIC_RELEASE);
	pthread_join(d, NULL);
	if (why == NULL)
		why = same();
	finish("drain-running", why);
}

int
main(void)
{
	uintptr_t f[3];
	int i;

	/* A lock taken twice hangs: end then, with no plan, as a failure. */
	alarm(300);
	if ((model = calloc(MODEL_CAP, sizeof(*model))) == NULL) {
		printf("not ok %s/setup (no memory)\n1..1\n", LIVE_NAME);
		return 0;
	}
	mdt_live_sizer(usable);
	for (i = 0; i < 8; i++) {
		f[0] = 0x401000 + (uintptr_t)i;
		f[1] = 0x402000;
		f[2] = 0x403000 + (uintptr_t)i * 8;
		stacks[i] = mdt_stack_intern(f, 1 + (uint32_t)i % 3);
	}
	/* First: the main thread's nursery is new, not paused by a case. */
	case_each_first();
	case_drain_grows();
	case_heap();
	case_full_window();
	case_replace();
	case_odd_big();
	case_absent();
	case_churn();
	case_regions();
	case_threads();
	case_cross_thread();
	case_many_threads();
	case_drain_running();
	printf("1..%d\n", nresults);
	free(model);
	return 0;
}
