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
	int got, k;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	while ((got = mdt_next(f, &r)) == 1) {
		if ((p = mdt_kinds_of(r.pid)) == NULL)
			return 1;
		if (mdt_kinds_record(&r, p))
			continue;
		if (strcmp(r.label, "mdtstart") == 0) {
			printf("%u start %s\n", p->pid, (const char *)r.data);
			p->pending = 0;
		} else if (strcmp(r.label, "mdtuntraced") == 0) {
			printf("%u untraced %s\n", p->pid, (const char *)r.data);
		} else if (strcmp(r.label, "mallocleakrecord") == 0 &&
		    r.n == 80) {
			printf("%u leak %llu %llu", p->pid,
			    (unsigned long long)mdt_le(r.data + 64, 8),
			    (unsigned long long)mdt_le(r.data + 72, 8));
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
