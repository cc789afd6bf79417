/*
 * fuzz_mdt.c: libFuzzer harness for the records mdtrace adds to the
 * malloc formats (doc/FORMATS.md, "mdtrace's extensions"): the start
 * and untraced records, the version, leak kinds, holders, snapshots, the
 * unwinder's count and build-ids, mixed with
 * the records they go with (object, leak and dump records, text lines)
 * of several processes, then the reports of what was decoded.
 *
 * The ktrace container is left out (fuzz_trace.c covers it, and its
 * layout detection is most of that harness's time): the input is a
 * compact list of records, fed to the decoders as the reader would
 * hand them out, with offsets and record numbers counted as in an
 * lp64le trace.
 *
 *	byte 0        options: bit 0 -D, bit 1 32-bit pointers, bit 2
 *	              big-endian, bit 3 -p (the first record's pid), bits
 *	              4-7 the report's option bits (fuzz_report.h) with
 *	              the input's length
 *	then records:
 *	  byte        bits 0-2 the process (pid 100 + n), bits 3-7 the
 *	              label: an index in labels[] (mdt_labels.h);
 *	              NLABELS is a label given next (a length byte, at
 *	              most 19, and its bytes); NLABELS + 1 is damage the
 *	              reader skipped
 *	  2 bytes     payload length, little-endian, cut to what is left
 *	  payload
 *
 * Each process's snapshots are replayed, one by one, into leak tables
 * of their live and of their old blocks, with the ages of each leak,
 * and their growth is summed, as mdump's snapshot views do.
 *
 * fuzz/mdtseed.c makes inputs of this shape from real traces.  Each
 * build-id record that decodes is handed to the symbolizer, as mdump
 * does; no debuginfod server is asked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktrace.h"
#include "leak.h"
#include "mdump.h"
#include "mrec.h"
#include "names.h"
#include "report.h"
#include "select.h"
#include "snap.h"
#include "strpool.h"
#include "sym.h"

#include "fuzz_report.h"
#include "mdt_labels.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The snapshot views' work on a process's log, its output unused. */
static void
fuzz_snaps(const struct snap_log *sl)
{
	struct snap_state st;
	struct snap_grow *g;
	struct snap_age *a;
	struct leak_table *t;
	size_t i, n, nl;
	int older;

	if (sl == NULL)
		return;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < snap_count(sl); i++) {
		snap_replay(sl, &st, i);
		for (older = 0; older < 2; older++) {
			t = leak_open();
			snap_table(sl, &st, t, older);
			a = snap_ages(sl, &st, t, older);
			(void)leak_list(t, &nl);
			free(a);
			leak_close(t);
		}
	}
	snap_state_free(&st);
	g = snap_growth(sl, &n);
	free(g);
}

#define HDRLEN		64	/* offsets as in an lp64le trace */

/* A record's label and payload, as the reader hands them out. */
static uint8_t	rbuf[KTR_LABELLEN + 65536];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktr_layout lay;
	struct ktr_record rec;
	struct md_err e, dmg;
	struct mrec *st;
	struct mproc *p;
	struct sym_opts so;
	struct symbolizer *sym;
	const struct mrec_bid *b;
	unsigned opt;
	size_t pos = 1, n, ll, nb = 0, i;
	uint64_t off = HDRLEN, recno = 0;
	uint8_t c;

	if (size < 1)
		return 0;
	fuzz_report_setup();
	memset(&lay, 0, sizeof(lay));
	lay.name = "fuzz";
	lay.hdrlen = HDRLEN;
	lay.ptrsize = data[0] & 2 ? 4 : 8;
	lay.be = (data[0] >> 2) & 1;
	/* The report's bits: 0 is -D, the rest from the input's length. */
	opt = (data[0] & 1) | ((((unsigned)size * 2654435761u) >> 20) & ~1U);
	opt = (opt & ~0xf0U) | (data[0] & 0xf0U);
	memset(&so, 0, sizeof(so));
	so.exe = "/nonexistent/a.out";
	so.no_debuginfod = 1;
	sym = sym_open(&so);
	st = mrec_open(&lay, data[0] & 1);
	memset(&rec, 0, sizeof(rec));
	while (pos + 3 <= size) {
		c = data[pos++];
		n = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		pos += 2;
		memset(&rec, 0, sizeof(rec));
		rec.pid = 100 + (c & 7);
		rec.tid = rec.pid + 100000;
		memcpy(rec.comm, "prog", 5);
		rec.off = off;
		rec.recno = ++recno;
		memset(rbuf, 0, KTR_LABELLEN);
		if ((c >> 3) < NLABELS) {
			memcpy(rbuf, labels[c >> 3], strlen(labels[c >> 3]));
		} else if ((c >> 3) == NLABELS) {
			if (pos >= size)
				break;
			ll = data[pos++] % KTR_LABELLEN;
			if (ll > size - pos)
				ll = size - pos;
			memcpy(rbuf, data + pos, ll);
			pos += ll;
		} else {
			/* Damage the reader skipped: n bytes of it. */
			md_seterr(&dmg, off, 0, "fuzz: %zu bytes skipped", n);
			rec.type = KTR_DAMAGED;
			rec.pid = -1;
			rec.damage = &dmg;
			off += n;
			(void)mrec_feed(st, &rec, &p, &e);
			continue;
		}
		if (n > size - pos)
			n = size - pos;
		memcpy(rbuf + KTR_LABELLEN, data + pos, n);
		pos += n;
		rec.type = KTR_USER;
		rec.data = rbuf;
		rec.len = KTR_LABELLEN + n;
		off += HDRLEN + rec.len;
		if ((data[0] & 8) && recno == 1)
			mrec_select(st, rec.pid);
		(void)mrec_feed(st, &rec, &p, &e);
		/* A process's records end where the last one did. */
		if (p != NULL && p->end != off)
			abort();
		for (; nb < mrec_nbids(st); nb++) {
			b = mrec_bid(st, nb);
			if (b->len == 0 || b->len > MREC_BIDMAX)
				abort();
			sym_object_id(sym, b->path, b->id, b->len);
		}
	}
	(void)mrec_finish(st, &e);
	/* A cut report is one the process was said not to finish. */
	for (i = 0; i < mrec_nprocs(st); i++) {
		p = mrec_proc(st, i);
		if ((p->cut && p->untraced == NULL) || p->end > off)
			abort();
	}
	fuzz_report(st, sym, opt);
	for (i = 0; i < mrec_nprocs(st); i++)
		fuzz_snaps(mrec_proc(st, i)->snaps);
	mrec_close(st);
	sym_close(sym);
	strpool_free();
	return 0;
}
