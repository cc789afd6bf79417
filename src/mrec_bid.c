/*
 * mrec_bid.c: the "mallocbuildid" record, which mdtrace writes once per
 * object it names (doc/FORMATS.md, "mdtrace's extensions"): the
 * object's GNU build-id, so that an object missing where the trace is
 * read can be fetched by it.
 *
 * Payload: one byte N (1..MREC_BIDMAX), N bytes of build-id, then the
 * object's path as the other records name it, and a NUL.  It has no
 * pointer-sized or multi-byte field, so it reads the same in every
 * layout.  OpenBSD's malloc does not write it.
 */
#include <stdlib.h>
#include <string.h>

#include "mdump.h"
#include "mrec_int.h"
#include "xmalloc.h"

static const struct mrec_label bid_labels[] = {
	MREC_LABEL("mallocbuildid", 0),
};

static void *
bid_open(struct mrec_ctx *ctx)
{
	return ctx;
}

static int
bid_record(void *ctxv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mrec_ctx *ctx = ctxv;
	struct mrec_bid *b;
	size_t len;

	(void)p;
	(void)ps;
	(void)label;
	len = n > 0 ? d[0] : 0;
	if (len == 0 || len > MREC_BIDMAX || n < 1 + len + 1 ||
	    memchr(d + 1 + len, '\0', n - 1 - len) == NULL) {
		md_seterr(e, rec->off, rec->recno, "build-id record of %zu "
		    "bytes is malformed", n);
		return MREC_DAMAGED;
	}
	if (ctx->nbids == ctx->bidcap) {
		ctx->bidcap = ctx->bidcap == 0 ? 8 : 2 * ctx->bidcap;
		ctx->bids = xreallocarray(ctx->bids, ctx->bidcap,
		    sizeof(*ctx->bids));
	}
	b = &ctx->bids[ctx->nbids++];
	memcpy(b->id, d + 1, len);
	b->len = len;
	b->path = xstrdup((const char *)d + 1 + len);
	return MREC_OK;
}

static void
bid_close(void *ctxv)
{
	struct mrec_ctx *ctx = ctxv;
	size_t i;

	for (i = 0; i < ctx->nbids; i++)
		free(ctx->bids[i].path);
	free(ctx->bids);
}

const struct mrec_decoder mrec_bid_decoder = {
	.labels = bid_labels,
	.nlabels = sizeof(bid_labels) / sizeof(bid_labels[0]),
	.open = bid_open,
	.record = bid_record,
	.close = bid_close,
};
