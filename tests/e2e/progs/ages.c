/*
 * ages.c: blocks made at known times while checks run (running.sh,
 * "ages"): eight blocks of 1000 bytes at once, then after 1.6 s four
 * of 2000 bytes, then after 0.8 s the program kills itself, so that
 * its snapshots stand for its report.  All stay reachable.  It prints
 * when each batch began and ended, on CLOCK_MONOTONIC in nanoseconds
 * as the snapshots' times are:
 *
 *	old T0 T1
 *	young T0 T1
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void *volatile ages_keep[12];	/* global: the compiler keeps the blocks */

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1)
		;
}

__attribute__((noinline)) static void
old_blocks(void)
{
	int i;

	for (i = 0; i < 8; i++)
		ages_keep[i] = malloc(1000);
}

__attribute__((noinline)) static void
young_blocks(void)
{
	int i;

	for (i = 8; i < 12; i++)
		ages_keep[i] = malloc(2000);
}

static unsigned long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000 +
	    (unsigned long long)ts.tv_nsec;
}

/* Make a batch, and say when. */
static void
batch(const char *name, void (*make)(void))
{
	unsigned long long t0 = now(), t1;

	make();
	t1 = now();
	printf("%s %llu %llu\n", name, t0, t1);
	fflush(stdout);
}

int
main(void)
{
	batch("old", old_blocks);
	nap(1600);
	batch("young", young_blocks);
	nap(800);
	kill(getpid(), SIGKILL);
	return 0;
}
