/*
 * mrec_bid.c: the "mallocbuildid" record, which mdtrace writes once per
 * object it names (mdump.5): the object's GNU build-id, so that an
 * object missing where the trace is read can be fetched by it.
 *
 * Payload: one byte N (1..MREC_BIDMAX), N bytes of build-id, then the
 * object's path as the other records name it, and a NUL.  It has no
 * pointer-sized or multi-byte field, so it reads the same in every
 * layout.  OpenBSD's malloc does not write it.
 */
#include <stdlib.h>
#include <string.h>

#include "mrec.h"
#include "xmalloc.h"

int
mrec_buildid(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mrec_bid *b;
	size_t len;

	(void)p;
	len = n > 0 ? d[0] : 0;
	if (len == 0 || len > MREC_BIDMAX || n < 1 + len + 1 ||
	    memchr(d + 1 + len, '\0', n - 1 - len) == NULL) {
		md_seterr(e, rec->off, rec->recno, "build-id record of %zu "
		    "bytes is malformed", n);
		return -1;
	}
	if (st->nbids == st->bidcap) {
		st->bidcap = st->bidcap == 0 ? 8 : 2 * st->bidcap;
		st->bids = xreallocarray(st->bids, st->bidcap,
		    sizeof(*st->bids));
	}
	b = &st->bids[st->nbids++];
	memcpy(b->id, d + 1, len);
	b->len = len;
	b->path = xstrdup((const char *)d + 1 + len);
	return 0;
}

void
mrec_bid_free(struct mrec_state *st)
{
	size_t i;

	for (i = 0; i < st->nbids; i++)
		free(st->bids[i].path);
	free(st->bids);
}
