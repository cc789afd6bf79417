/*
 * leakheap.c: a heap for the leak-check benchmark (bench/leakcheck.sh):
 * N blocks (default 2000000) of 32 to 992 bytes, 512 on average (1 GB
 * for the default N), in chains of 100 linked through their first
 * word; the other words hold small numbers, as data does.  The chain
 * heads are kept in an array reachable from a global, but every tenth
 * chain is dropped: its head is definitely lost, the rest of it
 * indirectly lost.
 *
 * usage: leakheap [N [check]]
 *
 * With "check", it then asks for a leak check while it runs, with
 * __lsan_do_recoverable_leak_check (LeakSanitizer's, or mdtrace's), and
 * prints how long the call took ("check SECONDS") on standard output.
 *
 * Built with -DRESERVE_MB=M, it also has an array of M MiB in its bss
 * that it never touches but for one word, as a program with large static
 * tables does: a check that reads every page of the data reads it all.
 *
 * Its last act before exit is to print the time of day on standard
 * error ("exit SECONDS.NANOSECONDS"), so that the benchmark can time
 * what happens after it: the leak checks run at exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAIN	100

/*
 * Stored where a leak check finds it at exit too: kept only in a
 * register of main, the whole heap was lost once main returned.
 */
void	**volatile heads;

#ifdef RESERVE_MB
void	*reserve[(size_t)RESERVE_MB << 20 >> 3];	/* bss, untouched */
#endif

int	__lsan_do_recoverable_leak_check(void) __attribute__((weak));

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	size_t nchains = (n + CHAIN - 1) / CHAIN, i, j, k, size;
	uint64_t rng = 1, total = 0;
	void **prev, **b;

	if ((heads = calloc(nchains, sizeof(*heads))) == NULL)
		return 1;
	for (i = 0; i < nchains; i++) {
		prev = NULL;
		for (j = 0; j < CHAIN && i * CHAIN + j < n; j++) {
			rng = rng * 6364136223846793005ULL +
			    1442695040888963407ULL;
			size = 32 + 32 * ((rng >> 33) % 31);
			if ((b = malloc(size)) == NULL)
				return 1;
			total += size;
			for (k = 1; k < size / sizeof(*b); k++)
				b[k] = (void *)(uintptr_t)(k * 7);
			b[0] = NULL;
			if (prev != NULL)
				prev[0] = b;
			else
				heads[i] = b;
			prev = b;
		}
		if (i % 10 == 9)
			heads[i] = NULL;	/* the chain is lost */
	}
	struct timespec ts;

#ifdef RESERVE_MB
	reserve[sizeof(reserve) / sizeof(reserve[0]) / 2] = (void *)heads;
#endif
	printf("%zu blocks, %llu bytes\n", n, (unsigned long long)total);
	if (argc > 2 && __lsan_do_recoverable_leak_check != NULL) {
		double t0 = now();

		__lsan_do_recoverable_leak_check();
		printf("check %.3f\n", now() - t0);
	}
	fflush(stdout);
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "exit %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}
