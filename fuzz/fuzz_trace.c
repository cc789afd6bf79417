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
 * length, so the input stays a plain trace that mdump can replay.  In
 * follow mode (-l) the file grows while it is read, as a trace being
 * written does: first a prefix whose length the last byte picks, then,
 * once the reader has said "not yet", the rest.
 *
 * Speed: nearly all the time goes to layout detection, which walks the
 * input once per header layout (seven) trying a header at almost every
 * byte offset; under the sanitizers and comparison tracing that is about
 * 2 microseconds per input byte, so the cost of an input is linear in
 * its length and fuzz.sh bounds the length (-max_len).  The harness's
 * own work (writing the file, opening the symbolizer) is under a tenth.
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
#include "strpool.h"
#include "sym.h"

#include "fuzz_report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Follow mode treats end of file as "not yet"; once the whole input is
 * in the file the harness gives up after this many such answers in a
 * row, as a user would press ^C.  One shows that a reader which said
 * "not yet" can be asked again; more would repeat the same work on the
 * same bytes.
 */
#define FUZZ_MAX_AGAIN	1

static int	 tmpfd = -1;

static void
fuzz_setup(void)
{
	char path[] = "/tmp/mdump-fuzz-trace.XXXXXX";

	if ((tmpfd = mkstemp(path)) == -1) {
		perror("mkstemp");
		abort();
	}
	unlink(path);
	fuzz_report_setup();
}

/*
 * Write bytes [from, to) of the input at the same offsets of the
 * temporary file, which then ends at to.  pwrite(2) leaves the file
 * offset, where the reader is, alone.
 */
static void
fuzz_put(const uint8_t *data, size_t from, size_t to)
{
	ssize_t n;

	while (from < to) {
		if ((n = pwrite(tmpfd, data + from, to - from,
		    (off_t)from)) <= 0)
			abort();
		from += (size_t)n;
	}
	if (ftruncate(tmpfd, (off_t)to) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktr_reader *r;
	struct ktr_record rec;
	struct mrec *st = NULL;
	struct mproc *p;
	struct md_err e;
	struct sym_opts so;
	struct symbolizer *sym;
	unsigned opt = (unsigned)(size * 2654435761u) >> 20;
	int rv, again = 0, follow = (opt >> 1) & 1;
	size_t have = size;

	if (tmpfd == -1)
		fuzz_setup();
	/* Follow mode: a prefix first, cut where the last byte says. */
	if (follow && size > 0)
		have = size * data[size - 1] / 256;
	fuzz_put(data, 0, have);
	if (lseek(tmpfd, 0, SEEK_SET) == -1)
		abort();
	memset(&so, 0, sizeof(so));
	so.exe = getenv("MDUMP_FUZZ_EXE");
	if (so.exe == NULL)
		so.exe = "/nonexistent/a.out";
	so.raw = (opt >> 6) & 1;
	sym = sym_open(&so);
	r = ktr_open(tmpfd, follow);
	for (;;) {
		rv = ktr_next(r, &rec, &e);
		if (rv == KTR_AGAIN && have < size) {
			/* The trace grows by the rest of the input. */
			fuzz_put(data, have, size);
			have = size;
			continue;
		}
		if (rv == KTR_AGAIN && ++again <= FUZZ_MAX_AGAIN)
			continue;
		if (rv != KTR_REC)
			break;
		again = 0;
		if (st == NULL) {
			st = mrec_open(ktr_layout(r), opt & 1);
			if ((opt >> 7) & 1)
				mrec_select(st, rec.pid);
		}
		(void)mrec_feed(st, &rec, &p, &e);
	}
	/* A spent reader must keep saying so. */
	if (rv == KTR_ERR && ktr_next(r, &rec, &e) != KTR_ERR)
		abort();
	ktr_close(r);
	if (st != NULL) {
		(void)mrec_finish(st, &e);
		fuzz_report(st, sym, opt);
		mrec_close(st);
	}
	sym_close(sym);
	strpool_free();
	return 0;
}
