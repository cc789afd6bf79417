/*
 * kindsread.c: print the leak kinds mdtrace wrote, one line a leak:
 * "PID SUM COUNT D d I i P p R r" (bytes and blocks of each kind), read
 * straight from the trace (LP64 little-endian headers, mdump.5): each
 * leak record (experimental "mallocleakrecord", 80 bytes) and the
 * "mdtkinds" record before it.  A leak without kinds record gets "-".
 * Each process writes its report in one go, but the reports of
 * processes may interleave: the kinds waiting for their leak are kept
 * per process (mdtread.h).  A reader of its own, so that the tracer's
 * test does not rest on mdump.
 */
#include <stdio.h>
#include <string.h>

#include "mdtread.h"

int
main(int argc, char *argv[])
{
	static struct mdtrec r;
	struct mdtkinds *p;
	uint64_t sum, count;
	int got, k;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while ((got = mdt_next_kinds(f, &r, &p)) == 1) {
		if (!mdt_leak(&r, &sum, &count))
			continue;
		printf("%u %llu %llu", p->pid, (unsigned long long)sum,
		    (unsigned long long)count);
		for (k = 0; k < 8 && p->pending; k++)
			printf(" %llu", (unsigned long long)p->kinds[k]);
		printf("%s\n", p->pending ? "" : " -");
		p->pending = 0;
	}
	return got == -1;
}
