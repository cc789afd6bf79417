/* link: src/u64map.c src/xmalloc.c */
/*
 * test_u64map.c: unit tests of the map from 64-bit keys in src/u64map.c.
 *
 * Besides the answers, the spread: a trace chooses its object ids and
 * pids, so keys that differ only in their high bits (a crafted trace)
 * must not pile up in one run of slots, which every insert and lookup
 * would then walk.  The longest run of occupied slots is read from the
 * map's own arrays; with the table at most half full, a fair spread
 * keeps it within a few dozen slots.
 *
 * Each case prints "ok u64map/NAME" or "not ok u64map/NAME (what)"; the
 * program always exits 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "u64map.h"

/* The longest run of occupied slots, counting the wrap at the end. */
static size_t
longest_run(const struct u64map *m)
{
	size_t i, run = 0, best = 0;

	for (i = 0; i < 2 * m->nslots; i++) {
		if (m->vals[i % m->nslots] != NULL) {
			if (++run > best)
				best = run;
		} else
			run = 0;
	}
	return best > m->nslots ? m->nslots : best;
}

/* Keys i << shift for i in 1..n: all found, and spread out. */
static void
spread(const char *name, unsigned shift, size_t n)
{
	struct u64map m = { 0 };
	static int val;
	const char *why = NULL;
	size_t i, run;

	for (i = 1; i <= n; i++)
		if (u64map_put(&m, (uint64_t)i << shift, &val) != NULL)
			why = "a new key replaced a value";
	for (i = 1; i <= n && why == NULL; i++)
		if (u64map_get(&m, (uint64_t)i << shift) != &val)
			why = "a key is not found";
	if (why == NULL && u64map_get(&m, (uint64_t)(n + 1) << shift) != NULL)
		why = "a key never put is found";
	run = longest_run(&m);
	if (why == NULL && run > 64)
		why = "keys pile up in one run of slots";
	if (why == NULL)
		printf("ok u64map/%s\n", name);
	else
		printf("not ok u64map/%s (%s; longest run %zu of %zu slots)\n",
		    name, why, run, m.nslots);
	u64map_free(&m);
}

int
main(void)
{
	printf("1..5\n");
	spread("dense", 0, 50000);
	spread("low-zero-bits", 4, 50000);
	spread("above-bit-32", 32, 50000);
	spread("above-bit-48", 48, 50000);
	spread("above-bit-56", 56, 255);
	return 0;
}
