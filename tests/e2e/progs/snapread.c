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
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t
le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

int
main(int argc, char *argv[])
{
	static unsigned char rec[64 + 20 + 4096];
	const unsigned char *d;
	const char *label;
	uint64_t len, n, i;
	unsigned pid;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while (fread(rec, 1, 64, f) == 64) {
		len = le(rec + 56, 8);
		if (len > sizeof(rec) - 64 || fread(rec + 64, 1, len, f) != len)
			return 1;
		if (le(rec, 4) != 9 || len < 20)
			continue;
		pid = (unsigned)le(rec + 4, 4);
		label = (const char *)rec + 64;
		d = rec + 84;
		n = len - 20;
		if (strcmp(label, "mdtsnap") == 0 && n >= 112) {
			printf("snap %u", pid);
			printf(" %llu %llu", (unsigned long long)le(d, 4),
			    (unsigned long long)le(d + 4, 4));
			for (i = 8; i < 112; i += 8)
				printf(" %llu", (unsigned long long)le(d + i, 8));
			printf("\n");
		} else if (strcmp(label, "mdtstack") == 0 && n >= 8) {
			printf("stack %u %llu %llu", pid,
			    (unsigned long long)le(d, 4),
			    (unsigned long long)le(d + 4, 4));
			for (i = 8; i + 16 <= n; i += 16)
				printf(" 0x%llx", (unsigned long long)le(d + i, 8));
			printf("\n");
		} else if (strcmp(label, "mdtsnapent") == 0 && n >= 4)
			for (i = 4; i + 40 <= n; i += 40)
				printf("ent %u %llu %llu %llu %llu %llu %llu "
				    "%llu\n", pid, (unsigned long long)le(d, 4),
				    (unsigned long long)le(d + i, 4),
				    (unsigned long long)le(d + i + 4, 4),
				    (unsigned long long)le(d + i + 8, 8),
				    (unsigned long long)le(d + i + 16, 8),
				    (unsigned long long)le(d + i + 24, 8),
				    (unsigned long long)le(d + i + 32, 8));
		else if (strcmp(label, "mdtolder") == 0 && n >= 12) {
			printf("older %u %llu %llu\n", pid,
			    (unsigned long long)le(d, 4),
			    (unsigned long long)le(d + 4, 8));
			for (i = 12; i + 24 <= n; i += 24)
				printf("old %u %llu %llu %llu %llu %llu\n", pid,
				    (unsigned long long)le(d, 4),
				    (unsigned long long)le(d + i, 4),
				    (unsigned long long)le(d + i + 4, 4),
				    (unsigned long long)le(d + i + 8, 8),
				    (unsigned long long)le(d + i + 16, 8));
		}
	}
	return 0;
}
