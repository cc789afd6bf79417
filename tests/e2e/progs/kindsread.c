/*
 * kindsread.c: print the leak kinds mdtrace wrote, one line a leak:
 * "PID SUM COUNT D d I i P p R r" (bytes and blocks of each kind), read
 * straight from the trace (LP64 little-endian headers, mdump.5): each
 * leak record (experimental "mallocleakrecord", 80 bytes) and the
 * "mdtkinds" record before it.  A leak without kinds record gets "-".
 * Each process writes its report in one go, but the reports of
 * processes may interleave: the kinds waiting for their leak are kept
 * per process.  A reader of its own, so that the tracer's test does not rest on
 * mdump.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t
le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define MAXPROC	64

/* The kinds of each process waiting for their leak. */
static struct {
	uint32_t	pid;
	int		pending;
	uint64_t	kinds[8];
} proc[MAXPROC];
static int nproc;

static int
slot(uint32_t pid)
{
	int i;

	for (i = 0; i < nproc; i++)
		if (proc[i].pid == pid)
			return i;
	if (nproc == MAXPROC)
		return -1;
	proc[nproc].pid = pid;
	return nproc++;
}

int
main(int argc, char *argv[])
{
	static unsigned char rec[64 + 20 + 4096];
	unsigned char *d;
	uint64_t len;
	int i, k;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while (fread(rec, 1, 64, f) == 64) {
		len = le64(rec + 56);
		if (len > sizeof(rec) - 64 || fread(rec + 64, 1, len, f) != len)
			return 1;
		/* utrace records only: type 9 in the first four bytes */
		if (rec[0] != 9 || rec[1] != 0 || rec[2] != 0 || rec[3] != 0 ||
		    len < 20)
			continue;
		/* the pid: the low half of the 8 bytes at offset 4 */
		if ((i = slot((uint32_t)le64(rec + 4))) == -1)
			return 1;
		d = rec + 64 + 20;
		if (strcmp((char *)rec + 64, "mdtkinds") == 0 &&
		    len >= 20 + 64) {
			for (k = 0; k < 8; k++)
				proc[i].kinds[k] = le64(d + 8 * k);
			proc[i].pending = 1;
		} else if (strcmp((char *)rec + 64, "mallocleakrecord") == 0 &&
		    len == 20 + 80) {
			printf("%u %llu %llu", proc[i].pid,
			    (unsigned long long)le64(d + 64),
			    (unsigned long long)le64(d + 72));
			for (k = 0; k < 8 && proc[i].pending; k++)
				printf(" %llu",
				    (unsigned long long)proc[i].kinds[k]);
			printf("%s\n", proc[i].pending ? "" : " -");
			proc[i].pending = 0;
		}
	}
	return 0;
}
