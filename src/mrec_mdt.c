/*
 * mrec_mdt.c: the records Linux mdtrace adds to the malloc formats
 * (doc/FORMATS.md, "mdtrace's extensions"): "mdtracestacks", its count
 * of stacks the unwinder ended early, summed over processes for -v
 * (other lengths are a later layout and are skipped); "mdtkinds", the
 * leak kinds of the process's next leak, handed to its leak table for
 * the decoder of that leak to take; "mdtstart" and "mdtuntraced", which
 * say whether the process was traced: a process whose last word is
 * "mdtuntraced", or that started a traced image ("mdtstart") whose
 * report never came, was not, and mproc.untraced says why.
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
	MREC_LABEL("mdtstart", 0),
	MREC_LABEL("mdtuntraced", 0),
};
#define MDT_KINDS	1	/* the index of "mdtkinds" */
#define MDT_START	2
#define MDT_UNTRACED	3

/* Why a traced image that never wrote its report shows no leaks. */
static const char mdt_noreport[] = "it ended without writing its report "
    "(a signal, _exit, or an exec the tracer did not see)";

/* What the decoder keeps of a process: a traced image began. */
struct mdt_proc {
	int	started;
};

/* s[0..n) is one NUL-terminated string and nothing after: its length. */
static int
mdt_string(const uint8_t *s, size_t n, size_t *len)
{
	const uint8_t *nul = memchr(s, '\0', n);

	if (nul == NULL)
		return -1;
	*len = (size_t)(nul - s);
	return 0;
}

static void
mdt_set(char **field, const uint8_t *s, size_t n)
{
	free(*field);
	*field = NULL;
	if (s != NULL) {
		*field = xmalloc(n + 1);
		memcpy(*field, s, n);
		(*field)[n] = '\0';
	}
}

/*
 * "mdtstart": path, NUL.  "mdtuntraced": path, NUL, reason, NUL.  A
 * payload of another shape is damage.
 */
static int
mdt_tracing(struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mdt_proc *mp = *ps;
	size_t plen, rlen = 0;

	if (mdt_string(d, n, &plen) == -1 || (label == MDT_UNTRACED &&
	    (mdt_string(d + plen + 1, n - plen - 1, &rlen) == -1 ||
	    rlen == 0))) {
		md_seterr(e, rec->off, rec->recno, "%s record of %zu bytes "
		    "without its strings", mdt_labels[label].name, n);
		return MREC_DAMAGED;
	}
	if (mp == NULL)
		*ps = mp = xcalloc(1, sizeof(*mp));
	mdt_set(&p->program, d, plen);
	if (label == MDT_START) {
		/* A traced image: its report is to come. */
		mp->started = 1;
		p->done = 0;
		mdt_set(&p->untraced, NULL, 0);
	} else {
		mp->started = 0;
		mdt_set(&p->untraced, d + plen + 1, rlen);
	}
	return MREC_OK;
}

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

	if (label == MDT_START || label == MDT_UNTRACED)
		return mdt_tracing(p, ps, label, rec, d, n, e);
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

/* A traced image that began and wrote no complete report. */
static int
mdt_finish(void *ctxv, struct mproc *p, void *ps, struct md_err *e)
{
	const struct mdt_proc *mp = ps;

	(void)ctxv;
	(void)e;
	if (mp->started && !p->done && p->untraced == NULL)
		mdt_set(&p->untraced, (const uint8_t *)mdt_noreport,
		    sizeof(mdt_noreport) - 1);
	return MREC_OK;
}

static void
mdt_damaged(void *ctxv, void *ps)
{
	(void)ctxv;
	(void)ps;
}

static void
mdt_procfree(void *ctxv, void *ps)
{
	(void)ctxv;
	free(ps);
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
	.damaged = mdt_damaged,
	.finish = mdt_finish,
	.procfree = mdt_procfree,
	.close = mdt_close,
};
