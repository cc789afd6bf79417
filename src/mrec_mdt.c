/*
 * mrec_mdt.c: the records Linux mdtrace adds to the malloc formats
 * (doc/FORMATS.md, "mdtrace's extensions"): "mdtracestacks", its count
 * of stacks the unwinder ended early, summed over processes for -v
 * (other lengths are a later layout and are skipped); "mdtkinds", the
 * leak kinds of the process's next leak, handed to its leak table for
 * the decoder of that leak to take.
 */
#include <stdlib.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "xmalloc.h"

/* Two little-endian 64-bit counts: stacks cut, of them at bad CFI. */
#define MDT_STACKSLEN	16

static const struct mrec_label mdt_labels[] = {
	MREC_LABEL("mdtracestacks", 0),
	MREC_LABEL("mdtkinds", 0),
	MREC_LABEL("mdtstart", 0),
};
#define MDT_KINDS	1	/* the index of "mdtkinds" */
#define MDT_START	2	/* the index of "mdtstart" */

static void *
mdt_open(struct mrec_ctx *ctx)
{
	return ctx;
}

static uint64_t
mdt_le64(const uint8_t *d)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

static int
mdt_record(void *ctxv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mrec_ctx *ctx = ctxv;
	uint64_t k[LEAK_KINDWORDS];
	size_t j;

	(void)ps;
	if (label == MDT_START) {
		/*
		 * Its payload (the parent's pid) is not read.  A report an
		 * earlier image of this pid ended does not count for this
		 * one (the pid was reused).
		 */
		p->started = 1;
		p->done = 0;
		p->startend = p->end;
		return MREC_OK;
	}
	if (label == MDT_KINDS) {
		/* Eight numbers; longer payloads are a later layout. */
		if (n < 8 * LEAK_KINDWORDS) {
			md_seterr(e, rec->off, rec->recno, "leak kinds of %zu "
			    "bytes, expected %d", n, 8 * LEAK_KINDWORDS);
			return MREC_DAMAGED;
		}
		for (j = 0; j < LEAK_KINDWORDS; j++)
			k[j] = mdt_le64(d + 8 * j);
		leak_setkinds(p->leaks, k);
		return MREC_OK;
	}
	if (n != MDT_STACKSLEN)
		return MREC_OK;
	ctx->stats.cut += mdt_le64(d);
	ctx->stats.cutbad += mdt_le64(d + 8);
	return MREC_OK;
}

static void
mdt_close(void *ctxv)
{
	(void)ctxv;
}

const struct mrec_decoder mrec_mdt_decoder = {
	.labels = mdt_labels,
	.nlabels = sizeof(mdt_labels) / sizeof(mdt_labels[0]),
	.open = mdt_open,
	.record = mdt_record,
	.close = mdt_close,
};
