/*
 * alloc_heavy.c: an allocation-heavy program for bench/mdtrace_bench.sh,
 * meant to be built as distributions build (-O2, no frame pointers).
 *
 *	alloc_heavy churn [threads [iterations]]
 *	alloc_heavy live [blocks]
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
 * live: allocate `blocks` small blocks (16 to 79 bytes, default two
 * million) at depths 1 to 13 and hold them all, then free them: the
 * memory a tracer needs per live block shows in the peak RSS.
 *
 * What it does not do: measure anything itself; the script times it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING		256	/* live blocks per churn thread */
#define MAXDEPTH	13

static long iterations = 1000000;
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
 * Thirteen distinct functions, each one frame deeper: their return
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
LEVEL(8) LEVEL(9) LEVEL(10) LEVEL(11) LEVEL(12) LEVEL(13)

static level_fn levels[MAXDEPTH + 1] = {
	NULL, level1, level2, level3, level4, level5, level6, level7,
	level8, level9, level10, level11, level12, level13
};

/* A block at depth d (1 ... 13). */
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
		free(ring[k]);
		ring[k] = level(1 + (r >> 8) % MAXDEPTH, 16 + (r >> 12) % 1024,
		    r >> 22);
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
		v[i] = level(1 + r % MAXDEPTH, 16 + (r >> 8) % 64, 0);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "churn") == 0) {
		if (argc > 3)
			iterations = strtol(argv[3], NULL, 10);
		if (iterations >= 1 &&
		    run_churn(argc > 2 ? strtol(argv[2], NULL, 10) : 4) == 0)
			return 0;
	} else if (argc > 1 && strcmp(argv[1], "live") == 0) {
		if (run_live(argc > 2 ? strtol(argv[2], NULL, 10) : 2000000) ==
		    0)
			return 0;
	}
	fprintf(stderr, "usage: alloc_heavy churn [threads [iterations]]\n"
	    "       alloc_heavy live [blocks]\n");
	return 1;
}
