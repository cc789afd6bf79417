/*
 * mrec_exp.c: the experimental binary records of the 2020-2021 malloc
 * patch (doc/FORMATS.md, "Experimental records"): object records, leak
 * records and dump lines.
 *
 * Pointers are 4 or 8 bytes in the traced machine's byte order.  When
 * the header layout cannot tell the pointer size (little-endian 64-byte
 * headers are written by amd64 and armv7 alike), object records are kept
 * as bytes until the first leak record's size tells it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "strpool.h"
#include "u64map.h"
#include "xmalloc.h"

/* A leak record: 4 frames of {offset, id}, then sum and count. */
#define EXP_FRAMES	4
#define EXP_LEAKWORDS	(EXP_FRAMES * 2 + 2)

enum { EXP_OBJECT, EXP_LEAK, EXP_DUMPLINE };

static const struct mrec_label exp_labels[] = {
	[EXP_OBJECT] = MREC_LABEL("mallocobjectrecord", 0),
	[EXP_LEAK] = MREC_LABEL("mallocleakrecord", 0),
	[EXP_DUMPLINE] = MREC_LABEL("mallocdumpline", 1),
};

static const char exp_endbanner[] = "******** End dump ";
#define BANNERLEN	(sizeof(exp_endbanner) - 1)

/* An object record that came before the pointer size was known. */
struct exp_rawobj {
	uint8_t		*bytes;
	size_t		 len;
	uint64_t	 off;
	uint64_t	 recno;
};

struct exp_proc {
	struct u64map		 objs;		/* object id -> path */
	struct exp_rawobj	*rawobjs;
	size_t			 nrawobjs;
	char			 line[BANNERLEN];	/* start of a dump line */
	size_t			 linelen;
};

struct exp {
	struct mrec_ctx		*ctx;
	struct exp_proc		**procs;	/* in order of their first */
	size_t			  nprocs;	/* experimental record */
};

static void *
exp_open(struct mrec_ctx *ctx)
{
	struct exp *x;

	x = xcalloc(1, sizeof(*x));
	x->ctx = ctx;
	return x;
}

static struct exp_proc *
exp_proc(struct exp *x, void **ps)
{
	if (*ps != NULL)
		return *ps;
	/* Doubled at powers of two: linear in the number of processes. */
	if ((x->nprocs & (x->nprocs - 1)) == 0)
		x->procs = xreallocarray(x->procs,
		    x->nprocs == 0 ? 1 : 2 * x->nprocs, sizeof(*x->procs));
	return *ps = x->procs[x->nprocs++] = xcalloc(1,
	    sizeof(struct exp_proc));
}

static int
exp_object_decode(struct exp *x, struct exp_proc *ep, const uint8_t *d,
    size_t n, uint64_t off, uint64_t recno, struct md_err *e)
{
	struct buf b;
	const char *path;
	uint64_t id;

	buf_init(&b, d, n, x->ctx->be);
	id = buf_uint(&b, (size_t)x->ctx->ptrsize);
	path = buf_cstr(&b);
	if (b.err || path == NULL) {
		md_seterr(e, off, recno, "object record of %zu bytes without "
		    "a NUL-terminated path", n);
		return MREC_DAMAGED;
	}
	u64map_put(&ep->objs, id, (void *)strpool_intern(path, strlen(path)));
	return MREC_OK;
}

static int
exp_object(struct exp *x, struct exp_proc *ep, const struct ktr_record *rec,
    const uint8_t *d, size_t n, struct md_err *e)
{
	struct exp_rawobj *r;

	if (x->ctx->ptrsize != 0)
		return exp_object_decode(x, ep, d, n, rec->off, rec->recno,
		    e);
	/* Doubled at powers of two, as above. */
	if ((ep->nrawobjs & (ep->nrawobjs - 1)) == 0)
		ep->rawobjs = xreallocarray(ep->rawobjs,
		    ep->nrawobjs == 0 ? 1 : 2 * ep->nrawobjs,
		    sizeof(*ep->rawobjs));
	r = &ep->rawobjs[ep->nrawobjs++];
	r->bytes = xmalloc(n);
	memcpy(r->bytes, d, n);
	r->len = n;
	r->off = rec->off;
	r->recno = rec->recno;
	return MREC_OK;
}

/* The pointer size is known now: decode what waited for it. */
static int
exp_resolve_raw(struct exp *x, struct md_err *e)
{
	struct exp_proc *ep;
	struct exp_rawobj *r;
	size_t i, j;
	int rv = MREC_OK;

	for (i = 0; i < x->nprocs; i++) {
		ep = x->procs[i];
		for (j = 0; j < ep->nrawobjs; j++) {
			r = &ep->rawobjs[j];
			if (exp_object_decode(x, ep, r->bytes, r->len, r->off,
			    r->recno, e) == MREC_DAMAGED)
				rv = MREC_DAMAGED;
			free(r->bytes);
		}
		free(ep->rawobjs);
		ep->rawobjs = NULL;
		ep->nrawobjs = 0;
	}
	return rv;
}

/*
 * A leak record of n bytes tells the pointer size where the layout did
 * not; the object records that waited for it are decoded then, and
 * their damage returned.  *fits says whether n is a leak record's size.
 */
static int
exp_leaksize(struct exp *x, const struct ktr_record *rec, size_t n,
    int *fits, struct md_err *e)
{
	int rv = MREC_OK;

	if (x->ctx->ptrsize == 0 && (n == EXP_LEAKWORDS * 8 ||
	    n == EXP_LEAKWORDS * 4)) {
		x->ctx->ptrsize = (int)(n / EXP_LEAKWORDS);
		rv = exp_resolve_raw(x, e);
	}
	*fits = x->ctx->ptrsize != 0 &&
	    n == EXP_LEAKWORDS * (size_t)x->ctx->ptrsize;
	if (!*fits)
		md_seterr(e, rec->off, rec->recno, "leak record of %zu bytes, "
		    "expected %d", n, x->ctx->ptrsize == 0 ? EXP_LEAKWORDS *
		    8 : EXP_LEAKWORDS * x->ctx->ptrsize);
	return rv;
}

static int
exp_leak(struct exp *x, struct mproc *p, struct exp_proc *ep,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct leak_frame f[EXP_FRAMES];
	struct buf b;
	uint64_t caller, id, sum, count, kinds[LEAK_KINDWORDS];
	size_t i, nf = 0, ptrsize;
	int fits, rv, haskinds;

	rv = exp_leaksize(x, rec, n, &fits, e);
	if (!fits)
		return MREC_DAMAGED;
	ptrsize = (size_t)x->ctx->ptrsize;
	buf_init(&b, d, n, x->ctx->be);
	for (i = 0; i < EXP_FRAMES; i++) {
		caller = buf_uint(&b, ptrsize);
		id = buf_uint(&b, ptrsize);
		/* The first zero caller ends the stack. */
		if (caller == 0 || nf != i)
			continue;
		f[i].offset = caller;
		f[i].object = u64map_get(&ep->objs, id);
		if (f[i].object == NULL)
			x->ctx->stats.badid++;
		nf = i + 1;
	}
	sum = buf_uint(&b, ptrsize);
	count = buf_uint(&b, ptrsize);
	/* The kinds record, if any, came just before (mdump.5). */
	haskinds = leak_takekinds(p->leaks, kinds);
	if (leak_add_kinds(p->leaks, f, nf, sum, count,
	    haskinds ? kinds : NULL) == -1) {
		md_seterr(e, rec->off, rec->recno, "leak kinds that do not "
		    "add up to the leak's %" PRIu64 " bytes in %" PRIu64
		    " allocations", sum, count);
		return MREC_DAMAGED;
	}
	return rv;
}

/*
 * Dump text comes in fragments of at most 100 bytes: the end banner may
 * be cut anywhere, so it is looked for in the text kept since the last
 * newline.
 */
static void
exp_dumpline(struct mproc *p, struct exp_proc *ep, const uint8_t *d,
    size_t n)
{
	for (; n > 0; d++, n--) {
		if (*d == '\n') {
			ep->linelen = 0;
			continue;
		}
		if (ep->linelen < BANNERLEN)
			ep->line[ep->linelen++] = (char)*d;
		else
			continue;
		if (ep->linelen == BANNERLEN &&
		    memcmp(ep->line, exp_endbanner, BANNERLEN) == 0)
			p->done = 1;
	}
}

static int
exp_record(void *xv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct exp *x = xv;
	struct exp_proc *ep = exp_proc(x, ps);

	switch (label) {
	case EXP_OBJECT:
		return exp_object(x, ep, rec, d, n, e);
	case EXP_LEAK:
		return exp_leak(x, p, ep, rec, d, n, e);
	default:
		exp_dumpline(p, ep, d, n);
		return MREC_OK;
	}
}

/* Another process's leak record still tells the pointer size. */
static int
exp_other(void *xv, size_t label, const struct ktr_record *rec,
    const uint8_t *d, size_t n, struct md_err *e)
{
	struct exp *x = xv;
	int fits, rv;

	(void)d;
	if (label != EXP_LEAK || x->ctx->ptrsize != 0)
		return MREC_OK;
	rv = exp_leaksize(x, rec, n, &fits, e);
	return fits ? rv : MREC_DAMAGED;
}

static void
exp_damaged(void *xv, void *ps)
{
	struct exp_proc *ep = ps;

	(void)xv;
	ep->linelen = 0;
}

static int
exp_finish(void *xv, struct mproc *p, void *ps, struct md_err *e)
{
	(void)xv;
	(void)p;
	(void)ps;
	(void)e;
	return MREC_OK;
}

static void
exp_procfree(void *xv, void *ps)
{
	struct exp_proc *ep = ps;
	size_t i;

	(void)xv;
	for (i = 0; i < ep->nrawobjs; i++)
		free(ep->rawobjs[i].bytes);
	free(ep->rawobjs);
	u64map_free(&ep->objs);
	free(ep);
}

static void
exp_close(void *xv)
{
	struct exp *x = xv;

	free(x->procs);
	free(x);
}

const char *
mrec_exp_path(void *xv, void **ps, uint64_t id, int *known, struct md_err *e)
{
	struct exp *x = xv;
	struct exp_proc *ep = exp_proc(x, ps);
	const char *path;

	if (x->ctx->ptrsize == 0) {
		x->ctx->ptrsize = 8;
		(void)exp_resolve_raw(x, e);
	}
	path = u64map_get(&ep->objs, id);
	*known = path != NULL || id == MREC_UNKNOWN_ID;
	/* mdtrace's frames dladdr could not place, without their record. */
	if (path == NULL && id == MREC_UNKNOWN_ID)
		path = strpool_intern("", 0);
	return path;
}

const struct mrec_decoder mrec_exp_decoder = {
	.labels = exp_labels,
	.nlabels = sizeof(exp_labels) / sizeof(exp_labels[0]),
	.open = exp_open,
	.record = exp_record,
	.other = exp_other,
	.damaged = exp_damaged,
	.finish = exp_finish,
	.procfree = exp_procfree,
	.close = exp_close,
};
