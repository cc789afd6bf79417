/*
 * mrec_mdt.c: the record Linux mdtrace adds to the malloc formats
 * (doc/FORMATS.md, "mdtrace's extensions"): "mdtracestacks", its count
 * of stacks the unwinder ended early, summed over processes for -v.
 * Other lengths are a later layout and are skipped.
 */
#include <stdlib.h>

#include "mrec_int.h"
#include "xmalloc.h"

/* Two little-endian 64-bit counts: stacks cut, of them at bad CFI. */
#define MDT_STACKSLEN	16

static const struct mrec_label mdt_labels[] = {
	MREC_LABEL("mdtracestacks", 0),
};

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

	(void)p;
	(void)ps;
	(void)label;
	(void)rec;
	(void)e;
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
