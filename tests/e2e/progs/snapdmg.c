/*
 * snapdmg.c: a small trace of leak checks made while the program runs,
 * for damage_snap.sh to cut and flip.  Three allocation stacks (lost,
 * kept, passing), four checks by __lsan_do_recoverable_leak_check with
 * allocations and frees between and naps long enough for the blocks
 * of one check to be old by the next (MDTRACE_OLDER=0.05), then a
 * normal exit with few blocks left, so that the report at exit that
 * follows the snapshots stays short.  No stdio: its buffer would add a
 * stack.
 */
#include <stdlib.h>
#include <time.h>

int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

void *volatile snapdmg_kept[4];	/* global: reachable */
void *volatile snapdmg_sink;	/* overwritten: the block before is lost */

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1)
		;
}

__attribute__((noinline)) static void
lose(size_t n)
{
	snapdmg_sink = malloc(n);
}

__attribute__((noinline)) static void
keep(int i, size_t n)
{
	snapdmg_kept[i] = malloc(n);
}

__attribute__((noinline)) static void *
pass(size_t n)
{
	return malloc(n);
}

/* One round: every stack allocates, and the block passed before goes. */
__attribute__((noinline)) static void *
round_of(int i, void *passed)
{
	lose(100 + 10 * (size_t)i);
	keep(i, 200 + 10 * (size_t)i);
	free(passed);
	return pass(300 + 10 * (size_t)i);
}

int
main(void)
{
	void *passed = NULL;
	int i;

	for (i = 0; i < 4; i++) {
		passed = round_of(i, passed);
		if (i == 2) {
			free(snapdmg_kept[0]);
			snapdmg_kept[0] = NULL;
		}
		if (__lsan_do_recoverable_leak_check)
			__lsan_do_recoverable_leak_check();
		nap(120);
	}
	free(passed);
	for (i = 0; i < 4; i++)
		free(snapdmg_kept[i]);
	return 0;
}
