/*
 * A test program for symbolization: recursion, static and inline
 * functions across two files.  Freestanding (no libc), so that it also
 * builds for foreign OpenBSD targets with -nostdlib.
 */
#include "util.h"

volatile int sink;

static int
fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

static inline __attribute__((always_inline)) int
twice(int x)
{
	int y = x * 2;

	sink += y;
	return y + mix(y, x);
}

static int __attribute__((noinline))
walk(int *v, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		s += twice(v[i]);
		if (s & 4)
			s ^= scale(s, i);
	}
	return s;
}

int
main(void)
{
	int v[8], i;

	for (i = 0; i < 8; i++)
		v[i] = i * sink;
	sink = walk(v, 8) + fib(sink & 7) + accumulate(v, 8);
	return sink & 1;
}

#ifdef FREESTANDING
void
_start(void)
{
	sink = main();
	for (;;)
		;
}
#endif
