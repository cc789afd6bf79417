/*
 * mrec_mdt.c: the records Linux mdtrace adds to the malloc formats
 * (doc/FORMATS.md, "mdtrace's extensions"): "mdtracestacks", its count
 * of stacks the unwinder ended early, summed over processes for -v
 * (other lengths are a later layout and are skipped); "mdtkinds", the
 * leak kinds of the process's next leak, handed to its leak table for
 * the decoder of that leak to take; "mdtversion", the version of the
 * mdtrace that wrote the process's report, kept in the process.
 */
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "xmalloc.h"

/* Two little-endian 64-bit counts: stacks cut, of them at bad CFI. */
#define MDT_STACKSLEN	16

static const struct mrec_label mdt_labels[] = {
	MREC_LABEL("mdtracestacks", 0),
	MREC_LABEL("mdtkinds", 0),
	MREC_LABEL("mdtversion", 0),
};
#define MDT_KINDS	1	/* the index of "mdtkinds" */
#define MDT_VERSION	2	/* the index of "mdtversion" */

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

/*
 * "mdtversion": 1 to MREC_VERMAX printable ASCII characters other than
 * blanks, then a NUL; what follows the NUL is for later fields.
 * Anything else is damage, and the process's version stays as it was.
 */
static int
mdt_version(struct mproc *p, const struct ktr_record *rec, const uint8_t *d,
    size_t n, struct md_err *e)
{
	size_t i;

	for (i = 0; i < n && i <= MREC_VERMAX; i++) {
		if (d[i] == '\0' && i > 0) {
			memcpy(p->tracer, d, i + 1);
			return MREC_OK;
		}
		if (d[i] <= ' ' || d[i] > '~')
			break;
	}
	md_seterr(e, rec->off, rec->recno, "version record of %zu bytes is "
	    "malformed", n);
	return MREC_DAMAGED;
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
	if (label == MDT_VERSION)
		return mdt_version(p, rec, d, n, e);
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
