/*
 * alloc_heavy.c: an allocation-heavy program for bench/mdtrace_bench.sh.
 *
 *	alloc_heavy [threads [iterations]]
 *
 * Each thread runs `iterations` rounds of: allocate a block of a
 * pseudo-random size (16 to 1039 bytes) through one of four call paths
 * of different depths, touch it, and free the block it replaces in a
 * ring of 256 live blocks; so the allocator sees millions of
 * malloc/free pairs with a realistic mix of sizes, call sites and
 * lifetimes.  Every thread leaks exactly one 100-byte block, so a
 * tracer has something to report.
 *
 * What it does not do: measure anything itself; the script times it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING	256	/* live blocks per thread */

static long iterations = 1000000;

static __attribute__((noinline)) void *
leaf(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		abort();
	memset(p, 0xa5, n < 64 ? n : 64);
	return p;
}

static __attribute__((noinline)) void *
mid(size_t n)
{
	return n & 1 ? leaf(n) : calloc(1, n);
}

static __attribute__((noinline)) void *
top(size_t n, unsigned k)
{
	switch (k & 3) {
	case 0:
		return leaf(n);
	case 1:
		return mid(n);
	case 2:
		return realloc(mid(n), n + 16);
	default:
		return mid(n + 1);
	}
}

static void *
worker(void *arg)
{
	void *ring[RING];
	unsigned x = (unsigned)(size_t)arg * 2654435761U + 1;
	long i;
	int k;

	memset(ring, 0, sizeof(ring));
	for (i = 0; i < iterations; i++) {
		/* xorshift: cheap, deterministic sizes and slots */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		k = (int)(x % RING);
		free(ring[k]);
		ring[k] = top(16 + (x >> 8) % 1024, x >> 20);
	}
	for (k = 0; k < RING; k++)
		free(ring[k]);
	return leaf(100);	/* the leak */
}

int
main(int argc, char *argv[])
{
	pthread_t t[64];
	long n = 4, i;

	if (argc > 1)
		n = strtol(argv[1], NULL, 10);
	if (argc > 2)
		iterations = strtol(argv[2], NULL, 10);
	if (n < 1 || n > 64 || iterations < 1) {
		fprintf(stderr, "usage: alloc_heavy [threads [iterations]]\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(size_t)i))
			abort();
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
