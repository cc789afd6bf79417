/* util.c: helpers with inlined code from a header and a static function. */
#include "util.h"

extern volatile int sink;

static int
rotate(int x, int k)
{
	unsigned u = (unsigned)x;

	k &= 31;
	return (int)((u << k) | (u >> ((32 - k) & 31)));
}

int
mix(int a, int b)
{
	int r = rotate(a, b) ^ b;

	return clamp(r, -1000, 1000);
}

int
scale(int x, int k)
{
	int i, s = x;

	for (i = 0; i < k; i++)
		s = clamp(s * 3 + i, -50000, 50000);
	return s;
}

int
accumulate(const int *v, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		s += mix(v[i], i);
		sink ^= s;
	}
	return s;
}
