/*
 * realread.c: the processes of an mdtrace trace and their leaks, for
 * tests/e2e/realprogs.sh, read straight from the file (LP64
 * little-endian headers, mdump.5).  One line a record that matters:
 *
 *	PID start PATH [PPID]	an image began ("mdtstart"), or with
 *				PPID a process forked from PPID
 *	PID untraced PATH	the process is no longer traced ("mdtuntraced")
 *	PID leak SUM COUNT D d I i P p R r
 *				a leak ("mallocleakrecord") with the bytes
 *				and blocks of each kind of the "mdtkinds"
 *				record before it, or "-" for each without
 *	PID report		a report begins (its "mdtversion" record)
 *
 * in file order.  The reports of processes may interleave: the kinds
 * waiting for their leak are kept per process (mdtread.h).
 */
#include <stdio.h>
#include <string.h>

#define MDTREAD_MAXDATA	8192
#define MDTREAD_MAXPROC	256
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
		if (strcmp(r.label, "mdtstart") == 0) {
			/* A forked child's: then its parent's pid. */
			k = (int)strnlen((const char *)r.data, r.n);
			if ((uint64_t)k + 1 < r.n)
				printf("%u start %s %s\n", p->pid,
				    (const char *)r.data,
				    (const char *)r.data + k + 1);
			else
				printf("%u start %s\n", p->pid,
				    (const char *)r.data);
			p->pending = 0;
		} else if (strcmp(r.label, "mdtuntraced") == 0) {
			printf("%u untraced %s\n", p->pid, (const char *)r.data);
		} else if (mdt_leak(&r, &sum, &count)) {
			printf("%u leak %llu %llu", p->pid,
			    (unsigned long long)sum, (unsigned long long)count);
			for (k = 0; k < 8; k++)
				if (p->pending)
					printf(" %llu",
					    (unsigned long long)p->kinds[k]);
				else
					printf(" -");
			printf("\n");
			p->pending = 0;
		} else if (strcmp(r.label, "mdtversion") == 0) {
			printf("%u report\n", p->pid);
		}
	}
	return got == -1;
}
