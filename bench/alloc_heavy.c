/*
 * alloc_heavy.c: an allocation-heavy program for bench/mdtrace_bench.sh,
 * meant to be built as distributions build (-O2, no frame pointers).
 *
 *	alloc_heavy [-d lo-hi] [-s tiny|mixed] churn [threads [iterations]]
 *	alloc_heavy [-d lo-hi] [-s tiny|mixed] realloc [threads [iterations]]
 *	alloc_heavy [-d lo-hi] [-s tiny|mixed] live [blocks]
 *	alloc_heavy [-d lo-hi] [-s tiny|mixed] handoff [threads [blocks]]
 *
 * churn: each thread runs `iterations` rounds of: allocate a block of a
 * pseudo-random size (16 to 1039 bytes) with malloc, calloc or realloc
 * at a pseudo-random stack depth from 1 to 13 (a chain of distinct
 * noinline functions), touch it, and free the block it replaces in a
 * ring of 256 live blocks; so the allocator sees millions of
 * malloc/free pairs with a realistic mix of sizes, call sites, depths
 * and lifetimes.  Every thread leaks one 100-byte block, so a tracer
 * has something to report.
 *
 * realloc: the same ring, but each round resizes a ring block with
 * realloc (to 16 to 1039 bytes: it grows, shrinks and moves), and one
 * round in 16 frees it instead.
 *
 * live: allocate `blocks` small blocks (16 to 79 bytes, default two
 * million) at depths 1 to 13 and hold them all, then free them: the
 * memory a tracer needs per live block shows in the peak RSS.
 *
 * handoff: one thread allocates a batch of 256 blocks, another frees
 * them, in turns (two barriers a batch), until `blocks` blocks have
 * changed hands: a queue from a producer to a consumer.  threads
 * (default 2, at least 2) counts threads alive at once: the others
 * allocate and free a block each, half of them before the producer's
 * first allocation and half after, then wait until the end (a tracer
 * that keeps something per thread sees them all).
 *
 * -d lo-hi: the call depths above the allocating function, from lo to
 * hi (1 to 20; default 1-13).  -s tiny: every block is 16 bytes.
 *
 * What it does not do: measure anything itself; the script times it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING		256	/* live blocks per churn thread */
#define MAXDEPTH	20

static long iterations = 1000000;
static unsigned depth_lo = 1, depth_hi = 13;	/* -d */
static int tiny;				/* -s tiny */
static int resizing;				/* realloc */
static volatile unsigned sink;

typedef void	*(*level_fn)(unsigned, size_t, unsigned);

static void	*level(unsigned, size_t, unsigned);
static level_fn	 levels[MAXDEPTH + 1];

static __attribute__((noinline)) void *
leaf(size_t n, unsigned how)
{
	void *p;

	switch (how % 3) {
	case 0:
		p = malloc(n);
		break;
	case 1:
		p = calloc(1, n);
		break;
	default:
		p = realloc(malloc(n / 2 + 1), n);
		break;
	}
	if (p == NULL)
		abort();
	memset(p, 0xa5, n < 64 ? n : 64);
	return p;
}

/*
 * Twenty distinct functions, each one frame deeper: their return
 * addresses differ, as a real program's call sites do.
 */
#define LEVEL(k)							\
static __attribute__((noinline)) void *					\
level##k(unsigned d, size_t n, unsigned how)				\
{									\
	void *p;							\
									\
	p = d <= 1 ? leaf(n, how) : levels[k - 1](d - 1, n, how);	\
	sink += k;							\
	return p;							\
}
LEVEL(1) LEVEL(2) LEVEL(3) LEVEL(4) LEVEL(5) LEVEL(6) LEVEL(7)
LEVEL(8) LEVEL(9) LEVEL(10) LEVEL(11) LEVEL(12) LEVEL(13) LEVEL(14)
LEVEL(15) LEVEL(16) LEVEL(17) LEVEL(18) LEVEL(19) LEVEL(20)

static level_fn levels[MAXDEPTH + 1] = {
	NULL, level1, level2, level3, level4, level5, level6, level7,
	level8, level9, level10, level11, level12, level13, level14,
	level15, level16, level17, level18, level19, level20
};

/* Resize p at depth d: the realloc shape. */
static __attribute__((noinline)) void *
releaf(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		abort();
	memset(p, 0x5a, n < 64 ? n : 64);
	return p;
}

#define RELEVEL(k)							\
static __attribute__((noinline)) void *					\
relevel##k(unsigned d, void *p, size_t n)				\
{									\
	p = d <= 1 ? releaf(p, n) : relevels[k - 1](d - 1, p, n);	\
	sink += k;							\
	return p;							\
}

typedef void	*(*relevel_fn)(unsigned, void *, size_t);
static relevel_fn relevels[MAXDEPTH + 1];

RELEVEL(1) RELEVEL(2) RELEVEL(3) RELEVEL(4) RELEVEL(5) RELEVEL(6)
RELEVEL(7) RELEVEL(8) RELEVEL(9) RELEVEL(10) RELEVEL(11) RELEVEL(12)
RELEVEL(13) RELEVEL(14) RELEVEL(15) RELEVEL(16) RELEVEL(17) RELEVEL(18)
RELEVEL(19) RELEVEL(20)

static relevel_fn relevels[MAXDEPTH + 1] = {
	NULL, relevel1, relevel2, relevel3, relevel4, relevel5, relevel6,
	relevel7, relevel8, relevel9, relevel10, relevel11, relevel12,
	relevel13, relevel14, relevel15, relevel16, relevel17, relevel18,
	relevel19, relevel20
};

/* A depth from the -d range, drawn from r. */
static unsigned
depth_of(unsigned r)
{
	return depth_lo + r % (depth_hi - depth_lo + 1);
}

/* A block size: 16 to 15 + span bytes, or 16 with -s tiny. */
static size_t
size_of(unsigned r, unsigned span)
{
	return tiny ? 16 : 16 + r % span;
}

/* A block at depth d (1 ... 20). */
static void *
level(unsigned d, size_t n, unsigned how)
{
	return levels[d](d, n, how);
}

static unsigned
xorshift(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* One thread of churn, or of realloc with resizing set. */
static void *
churn(void *arg)
{
	void *ring[RING];
	unsigned x = (unsigned)(size_t)arg * 2654435761U + 1, r;
	long i;
	int k;

	memset(ring, 0, sizeof(ring));
	for (i = 0; i < iterations; i++) {
		r = xorshift(&x);
		k = (int)(r % RING);
		if (!resizing) {
			free(ring[k]);
			ring[k] = level(depth_of(r >> 8),
			    size_of(r >> 12, 1024), r >> 22);
		} else if ((r >> 28) == 0) {
			free(ring[k]);
			ring[k] = NULL;
		} else
			ring[k] = relevels[depth_of(r >> 8)](depth_of(r >> 8),
			    ring[k], size_of(r >> 12, 1024));
	}
	for (k = 0; k < RING; k++)
		free(ring[k]);
	return level(1, 100, 0);	/* the leak */
}

static int
run_churn(long n)
{
	pthread_t t[64];
	long i;

	if (n < 1 || n > 64)
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, churn, (void *)(size_t)i))
			abort();
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int
run_live(long n)
{
	void **v;
	unsigned x = 12345, r;
	long i;

	if ((v = malloc(n * sizeof(*v))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		r = xorshift(&x);
		v[i] = level(depth_of(r), size_of(r >> 8, 64), 0);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return 0;
}

#define BATCH	256	/* blocks a handoff turn */

static void			*batch[BATCH];
static pthread_barrier_t	 turn, done, early, late;

static void *
producer(void *arg)
{
	unsigned x = 777, r;
	long n, i;

	free(level(1, 32, 0));
	pthread_barrier_wait(&late);
	for (n = 0; n < iterations; n += BATCH) {
		for (i = 0; i < BATCH; i++) {
			r = xorshift(&x);
			batch[i] = level(depth_of(r), size_of(r >> 8, 1024),
			    r >> 22);
		}
		pthread_barrier_wait(&turn);
		pthread_barrier_wait(&turn);
	}
	return arg;
}

static void *
consumer(void *arg)
{
	long n, i;

	for (n = 0; n < iterations; n += BATCH) {
		pthread_barrier_wait(&turn);
		for (i = 0; i < BATCH; i++)
			free(batch[i]);
		pthread_barrier_wait(&turn);
	}
	return arg;
}

/* arg: 1, one of those after the producer's first allocation. */
static void *
bystander(void *arg)
{
	if (arg != NULL)
		pthread_barrier_wait(&late);
	free(level(1, 32, 0));
	if (arg == NULL)
		pthread_barrier_wait(&early);
	pthread_barrier_wait(&done);
	return NULL;
}

static int
run_handoff(long n)
{
	pthread_t p, c, *t;
	long i, half = (n - 2) / 2;

	if (n < 2 || n > 10000 || (t = calloc(n, sizeof(*t))) == NULL)
		return 1;
	pthread_barrier_init(&turn, NULL, 2);
	pthread_barrier_init(&done, NULL, (unsigned)n - 1);
	pthread_barrier_init(&early, NULL, (unsigned)half + 1);
	pthread_barrier_init(&late, NULL, (unsigned)(n - 2 - half) + 1);
	for (i = 2; i < n; i++)
		if (pthread_create(&t[i], NULL, bystander,
		    i - 2 < half ? NULL : (void *)1))
			abort();
	pthread_barrier_wait(&early);
	if (pthread_create(&p, NULL, producer, NULL) ||
	    pthread_create(&c, NULL, consumer, NULL))
		abort();
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	pthread_barrier_wait(&done);
	for (i = 2; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}

static int
options(int argc, char *argv[])
{
	int i;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-d") == 0) {
			if (sscanf(argv[i + 1], "%u-%u", &depth_lo,
			    &depth_hi) != 2 || depth_lo < 1 ||
			    depth_hi > MAXDEPTH || depth_lo > depth_hi)
				return -1;
		} else if (strcmp(argv[i], "-s") == 0) {
			if (strcmp(argv[i + 1], "tiny") == 0)
				tiny = 1;
			else if (strcmp(argv[i + 1], "mixed") != 0)
				return -1;
		} else
			return -1;
	}
	return i;
}

int
main(int argc, char *argv[])
{
	int i;

	if ((i = options(argc, argv)) == -1 || i >= argc)
		goto usage;
	argc -= i - 1;
	argv += i - 1;
	resizing = strcmp(argv[1], "realloc") == 0;
	if (resizing || strcmp(argv[1], "churn") == 0) {
		if (argc > 3)
			iterations = strtol(argv[3], NULL, 10);
		if (iterations >= 1 &&
		    run_churn(argc > 2 ? strtol(argv[2], NULL, 10) : 4) == 0)
			return 0;
	} else if (strcmp(argv[1], "handoff") == 0) {
		if (argc > 3)
			iterations = strtol(argv[3], NULL, 10);
		if (iterations >= 1 &&
		    run_handoff(argc > 2 ? strtol(argv[2], NULL, 10) : 2) == 0)
			return 0;
	} else if (strcmp(argv[1], "live") == 0) {
		if (run_live(argc > 2 ? strtol(argv[2], NULL, 10) : 2000000) ==
		    0)
			return 0;
	}
usage:
	fprintf(stderr, "usage: alloc_heavy [-d lo-hi] [-s tiny|mixed] "
	    "churn|realloc [threads [iterations]]\n"
	    "       alloc_heavy [-d lo-hi] [-s tiny|mixed] live [blocks]\n"
	    "       alloc_heavy [-d lo-hi] [-s tiny|mixed] handoff "
	    "[threads [blocks]]\n");
	return 1;
}
