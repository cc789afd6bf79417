/* util.h: helpers of the symbolization test program. */
int	mix(int, int);
int	scale(int, int);
int	accumulate(const int *, int);

static inline int
clamp(int x, int lo, int hi)
{
	if (x < lo)
		return lo;
	if (x > hi)
		return hi;
	return x;
}
