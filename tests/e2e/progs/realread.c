/*
 * realread.c: the processes of an mdtrace trace and their leaks, for
 * tests/e2e/realprogs.sh, read straight from the file (LP64
 * little-endian headers, mdump.5).  One line a record that matters:
 *
 *	PID start PATH		an image began ("mdtstart")
 *	PID untraced PATH	the process is no longer traced ("mdtuntraced")
 *	PID leak SUM COUNT D d I i P p R r
 *				a leak ("mallocleakrecord") with the bytes
 *				and blocks of each kind of the "mdtkinds"
 *				record before it, or "-" for each without
 *	PID report		a report begins (its "mdtversion" record)
 *
 * in file order.  The reports of processes may interleave: the kinds
 * waiting for their leak are kept per process.
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

#define MAXPROC	256

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
	static unsigned char rec[64 + 20 + 8192 + 1];
	unsigned char *d;
	uint64_t len;
	int i, k;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while (fread(rec, 1, 64, f) == 64) {
		len = le64(rec + 56);
		if (len > sizeof(rec) - 65 || fread(rec + 64, 1, len, f) != len)
			return 1;
		rec[64 + len] = '\0';
		/* utrace records only: type 9 in the first four bytes */
		if (rec[0] != 9 || rec[1] != 0 || rec[2] != 0 || rec[3] != 0 ||
		    len < 20)
			continue;
		/* the pid: the low half of the 8 bytes at offset 4 */
		if ((i = slot((uint32_t)le64(rec + 4))) == -1)
			return 1;
		d = rec + 64 + 20;
		if (strcmp((char *)rec + 64, "mdtstart") == 0) {
			printf("%u start %s\n", proc[i].pid, (char *)d);
			proc[i].pending = 0;
		} else if (strcmp((char *)rec + 64, "mdtuntraced") == 0) {
			printf("%u untraced %s\n", proc[i].pid, (char *)d);
		} else if (strcmp((char *)rec + 64, "mdtkinds") == 0 &&
		    len >= 20 + 64) {
			for (k = 0; k < 8; k++)
				proc[i].kinds[k] = le64(d + 8 * k);
			proc[i].pending = 1;
		} else if (strcmp((char *)rec + 64, "mallocleakrecord") == 0 &&
		    len == 20 + 80) {
			printf("%u leak %llu %llu", proc[i].pid,
			    (unsigned long long)le64(d + 64),
			    (unsigned long long)le64(d + 72));
			for (k = 0; k < 8; k++)
				if (proc[i].pending)
					printf(" %llu", (unsigned long long)
					    proc[i].kinds[k]);
				else
					printf(" -");
			printf("\n");
			proc[i].pending = 0;
		} else if (strcmp((char *)rec + 64, "mdtversion") == 0) {
			printf("%u report\n", proc[i].pid);
		}
	}
	return 0;
}
