/*
 * fuzz_trace.c: libFuzzer harness for the trace side of mdump: the
 * ktrace container reader (layout detection, record iteration, follow
 * mode), both malloc record decoders, the leak table and the three
 * report formats with the symbolizer behind them.
 *
 * The input is a whole ktrace.out file.  It is written to a temporary
 * file that the reader reads through its ordinary file descriptor path,
 * so nothing in src/ needs a memory entry point.  The options the run
 * uses (-D, -l, -o, -p, -s, -r, -C, -P, -n) are taken from the input's
 * length, so the input stays a plain trace that mdump can replay.
 *
 * The executable for frames that name none is $MDUMP_FUZZ_EXE when set
 * (fuzz.sh points it at a small binary with DWARF), else a path that
 * does not exist.  Reports go to /dev/null.  This harness does not test
 * what the reports say: the golden tests do.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrace.h"
#include "leak.h"
#include "mdump.h"
#include "mrec.h"
#include "names.h"
#include "report.h"
#include "select.h"
#include "sym.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Follow mode treats end of file as "not yet"; the harness gives up
 * after this many such answers in a row, as a user would press ^C.
 */
#define FUZZ_MAX_AGAIN	2

static int	 tmpfd = -1;
static FILE	*devnull;

static void
fuzz_setup(void)
{
	char path[] = "/tmp/mdump-fuzz-trace.XXXXXX";

	if ((tmpfd = mkstemp(path)) == -1) {
		perror("mkstemp");
		abort();
	}
	unlink(path);
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		abort();
	}
}

/* Put the input in the temporary file and rewind it. */
static void
fuzz_load(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (ftruncate(tmpfd, 0) == -1 || lseek(tmpfd, 0, SEEK_SET) == -1)
		abort();
	while (done < size) {
		if ((n = write(tmpfd, data + done, size - done)) <= 0)
			abort();
		done += (size_t)n;
	}
	if (lseek(tmpfd, 0, SEEK_SET) == -1)
		abort();
}

static void
fuzz_report(struct mrec_state *st, struct symbolizer *sym, unsigned opt)
{
	static const char *keys[] = { NULL, "sum", "count", "avg" };
	static const enum report_format fmts[] = {
		REPORT_TEXT, REPORT_JSON, REPORT_FOLDED, REPORT_TEXT
	};
	struct report_opts ro;
	struct sel_opts so;
	struct sel_view v;
	struct report *rep;
	struct names *nm;
	size_t i;

	if (opt & 1) {
		for (i = 0; i < st->nprocs; i++)
			report_dump(devnull, st->procs[i], st->nprocs > 1);
		return;
	}
	nm = names_open();
	names_demangle(nm, (opt >> 8) & 1);
	names_strip(nm, "/usr/");
	memset(&so, 0, sizeof(so));
	so.top = (opt >> 9) & 3;
	so.sym = sym;
	so.names = nm;
	memset(&ro, 0, sizeof(ro));
	ro.format = fmts[(opt >> 2) & 3];
	ro.sym = sym;
	ro.names = nm;
	ro.top = so.top != 0;
	rep = report_open(devnull, &ro);
	for (i = 0; i < st->nprocs; i++) {
		if (keys[(opt >> 4) & 3] != NULL)
			leak_sort(&st->procs[i]->leaks, keys[(opt >> 4) & 3]);
		sel_proc(&so, st->procs[i], &v);
		report_proc(rep, st->procs[i], &v, st->nprocs > 1);
		sel_free(&v);
	}
	report_close(rep);
	names_close(nm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktr_reader *r;
	struct ktr_record rec;
	struct mrec_state st;
	struct mproc *p;
	struct md_err e;
	struct sym_opts so;
	struct symbolizer *sym;
	unsigned opt = (unsigned)(size * 2654435761u) >> 20;
	int rv, inited = 0, again = 0, follow = (opt >> 1) & 1;

	if (tmpfd == -1)
		fuzz_setup();
	fuzz_load(data, size);
	memset(&so, 0, sizeof(so));
	so.exe = getenv("MDUMP_FUZZ_EXE");
	if (so.exe == NULL)
		so.exe = "/nonexistent/a.out";
	so.raw = (opt >> 6) & 1;
	sym = sym_open(&so);
	r = ktr_open(tmpfd, follow);
	for (;;) {
		rv = ktr_next(r, &rec, &e);
		if (rv == KTR_AGAIN && ++again <= FUZZ_MAX_AGAIN)
			continue;
		if (rv != KTR_REC)
			break;
		again = 0;
		if (!inited) {
			mrec_init(&st, ktr_layout(r), opt & 1);
			if ((opt >> 7) & 1)
				mrec_select(&st, rec.pid);
			inited = 1;
		}
		(void)mrec_feed(&st, &rec, &p, &e);
	}
	/* A spent reader must keep saying so. */
	if (rv == KTR_ERR && ktr_next(r, &rec, &e) != KTR_ERR)
		abort();
	ktr_close(r);
	if (inited) {
		(void)mrec_finish(&st, &e);
		fuzz_report(&st, sym, opt);
		mrec_free(&st);
	}
	sym_close(sym);
	strpool_free();
	return 0;
}
