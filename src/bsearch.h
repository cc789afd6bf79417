/*
 * bsearch.h: the binary search of mdump's sorted tables: address
 * ranges, line rows, functions, symbols.  Inline, as the lookups of a
 * report run it for every frame; with the element size and key offset
 * constant at the call, it compiles to the loop it replaces.
 */
#ifndef MDUMP_BSEARCH_H
#define MDUMP_BSEARCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * base[0..n) holds elements of size bytes sorted by a uint64_t key at
 * offset keyoff.  Returns how many have a key at or below x: the index
 * after the last such element, 0 when there is none.
 */
static inline size_t
bs_upper(const void *base, size_t n, size_t size, size_t keyoff, uint64_t x)
{
	const char *p = base;
	size_t lo = 0, hi = n, mid;
	uint64_t k;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		memcpy(&k, p + mid * size + keyoff, sizeof(k));
		if (k <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same for an array of uint64_t keys. */
#define BS_UPPER_U64(a, n, x)	bs_upper((a), (n), sizeof(uint64_t), 0, (x))
/* The same for an array of structures t keyed by member m. */
#define BS_UPPER(a, n, t, m, x)	bs_upper((a), (n), sizeof(t), \
				    offsetof(t, m), (x))

#endif /* MDUMP_BSEARCH_H */
