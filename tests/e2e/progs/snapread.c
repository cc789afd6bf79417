/*
 * snapread.c: print the snapshots mdtrace wrote while programs ran
 * (doc/FORMATS.md, "Snapshots"), read straight from the trace (LP64
 * little-endian headers), one line a record:
 *
 *	snap PID N ENTRIES MONO REAL BYTES BLOCKS D d I i P p R r PAUSE
 *	stack PID ID NFRAMES OFFSET...
 *	ent PID N ID KIND BYTES BLOCKS NEWBYTES NEWBLOCKS
 *	older PID N T			(an mdtolder record, T in ns)
 *	old PID N ID KIND BYTES BLOCKS	(each of its entries)
 *
 * A reader of its own, so that the tracer's test does not rest on mdump.
 * Exits 1 at a record cut short.
 */
#include <stdio.h>
#include <string.h>

#include "mdtread.h"

int
main(int argc, char *argv[])
{
	static struct mdtrec r;
	const unsigned char *d;
	uint64_t n, i;
	int got;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while ((got = mdt_next(f, &r)) == 1) {
		d = r.data;
		n = r.n;
		if (strcmp(r.label, "mdtsnap") == 0 && n >= 112) {
			printf("snap %u", r.pid);
			printf(" %llu %llu", (unsigned long long)mdt_le(d, 4),
			    (unsigned long long)mdt_le(d + 4, 4));
			for (i = 8; i < 112; i += 8)
				printf(" %llu",
				    (unsigned long long)mdt_le(d + i, 8));
			printf("\n");
		} else if (strcmp(r.label, "mdtstack") == 0 && n >= 8) {
			printf("stack %u %llu %llu", r.pid,
			    (unsigned long long)mdt_le(d, 4),
			    (unsigned long long)mdt_le(d + 4, 4));
			for (i = 8; i + 16 <= n; i += 16)
				printf(" 0x%llx",
				    (unsigned long long)mdt_le(d + i, 8));
			printf("\n");
		} else if (strcmp(r.label, "mdtsnapent") == 0 && n >= 4)
			for (i = 4; i + 40 <= n; i += 40)
				printf("ent %u %llu %llu %llu %llu %llu %llu "
				    "%llu\n", r.pid,
				    (unsigned long long)mdt_le(d, 4),
				    (unsigned long long)mdt_le(d + i, 4),
				    (unsigned long long)mdt_le(d + i + 4, 4),
				    (unsigned long long)mdt_le(d + i + 8, 8),
				    (unsigned long long)mdt_le(d + i + 16, 8),
				    (unsigned long long)mdt_le(d + i + 24, 8),
				    (unsigned long long)mdt_le(d + i + 32, 8));
		else if (strcmp(r.label, "mdtolder") == 0 && n >= 12) {
			printf("older %u %llu %llu\n", r.pid,
			    (unsigned long long)mdt_le(d, 4),
			    (unsigned long long)mdt_le(d + 4, 8));
			for (i = 12; i + 24 <= n; i += 24)
				printf("old %u %llu %llu %llu %llu %llu\n",
				    r.pid, (unsigned long long)mdt_le(d, 4),
				    (unsigned long long)mdt_le(d + i, 4),
				    (unsigned long long)mdt_le(d + i + 4, 4),
				    (unsigned long long)mdt_le(d + i + 8, 8),
				    (unsigned long long)mdt_le(d + i + 16, 8));
		}
	}
	return got == -1;
}
