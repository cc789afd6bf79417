/*
 * mrec_exp.c: the experimental binary records of the 2020-2021 malloc
 * patch (FORMATS.md 2): object records, leak records and dump lines.
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
#include "mrec.h"
#include "xmalloc.h"

/* A leak record: 4 frames of {offset, id}, then sum and count. */
#define EXP_FRAMES	4
#define EXP_LEAKWORDS	(EXP_FRAMES * 2 + 2)

static int
exp_object_decode(struct mrec_state *st, struct mproc *p, const uint8_t *d,
    size_t n, uint64_t off, uint64_t recno, struct md_err *e)
{
	struct buf b;
	const char *path;
	uint64_t id;

	buf_init(&b, d, n, st->be);
	id = buf_uint(&b, (size_t)st->ptrsize);
	path = buf_cstr(&b);
	if (b.err || path == NULL) {
		md_seterr(e, off, recno, "object record of %zu bytes without "
		    "a NUL-terminated path", n);
		return -1;
	}
	u64map_put(&p->objs, id, (void *)strpool_intern(path, strlen(path)));
	return 0;
}

int
mrec_exp_object(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mrec_rawobj *r;

	if (st->ptrsize != 0)
		return exp_object_decode(st, p, d, n, rec->off, rec->recno, e);
	/*
	 * The array doubles when its count reaches a power of two, so a
	 * trace of many object records before the first leak record costs
	 * linear time, not a copy of the whole array per record.
	 */
	if ((p->nrawobjs & (p->nrawobjs - 1)) == 0)
		p->rawobjs = xreallocarray(p->rawobjs,
		    p->nrawobjs == 0 ? 1 : 2 * p->nrawobjs,
		    sizeof(*p->rawobjs));
	r = &p->rawobjs[p->nrawobjs++];
	r->bytes = xmalloc(n);
	memcpy(r->bytes, d, n);
	r->len = n;
	r->off = rec->off;
	r->recno = rec->recno;
	return 0;
}

/* The pointer size is known now: decode what waited for it. */
static int
exp_resolve_raw(struct mrec_state *st, struct md_err *e)
{
	struct mproc *p;
	struct mrec_rawobj *r;
	size_t i, j;
	int rv = 0;

	for (i = 0; i < st->nprocs; i++) {
		p = st->procs[i];
		for (j = 0; j < p->nrawobjs; j++) {
			r = &p->rawobjs[j];
			if (exp_object_decode(st, p, r->bytes, r->len, r->off,
			    r->recno, e) == -1)
				rv = -1;
			free(r->bytes);
		}
		free(p->rawobjs);
		p->rawobjs = NULL;
		p->nrawobjs = 0;
	}
	return rv;
}

int
mrec_exp_leak(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct leak_frame f[EXP_FRAMES];
	struct buf b;
	uint64_t caller, id, sum, count, kinds[LEAK_KINDWORDS];
	size_t i, nf = 0;
	int rv = 0, haskinds;

	if (st->ptrsize == 0 && (n == EXP_LEAKWORDS * 8 ||
	    n == EXP_LEAKWORDS * 4)) {
		st->ptrsize = (int)(n / EXP_LEAKWORDS);
		rv = exp_resolve_raw(st, e);
	}
	if (st->ptrsize == 0 || n != EXP_LEAKWORDS * (size_t)st->ptrsize) {
		md_seterr(e, rec->off, rec->recno, "leak record of %zu bytes, "
		    "expected %d", n, st->ptrsize == 0 ? EXP_LEAKWORDS * 8 :
		    EXP_LEAKWORDS * st->ptrsize);
		return -1;
	}
	if (p == NULL)
		return rv;
	buf_init(&b, d, n, st->be);
	for (i = 0; i < EXP_FRAMES; i++) {
		caller = buf_uint(&b, (size_t)st->ptrsize);
		id = buf_uint(&b, (size_t)st->ptrsize);
		/* The first zero caller ends the stack. */
		if (caller == 0 || nf != i)
			continue;
		f[i].offset = caller;
		f[i].object = u64map_get(&p->objs, id);
		if (f[i].object == NULL)
			st->stats.badid++;
		nf = i + 1;
	}
	sum = buf_uint(&b, (size_t)st->ptrsize);
	count = buf_uint(&b, (size_t)st->ptrsize);
	haskinds = leak_takekinds(&p->leaks, kinds);
	if (leak_add_kinds(&p->leaks, f, nf, sum, count,
	    haskinds ? kinds : NULL) == -1) {
		md_seterr(e, rec->off, rec->recno, "leak kinds that do not "
		    "add up to the leak's %" PRIu64 " bytes in %" PRIu64
		    " allocations", sum, count);
		return -1;
	}
	return rv;
}

static const char exp_endbanner[] = "******** End dump ";
#define BANNERLEN	(sizeof(exp_endbanner) - 1)

int
mrec_exp_dumpline(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	(void)rec;
	(void)e;
	if (st->keepdump)
		mrec_dumptext(p, d, n);
	/*
	 * Fragments of at most 100 bytes: the end banner may be cut
	 * anywhere, so it is looked for in the text kept since the last
	 * newline.
	 */
	for (; n > 0; d++, n--) {
		if (*d == '\n') {
			p->bannerlen = 0;
			continue;
		}
		if (p->bannerlen < sizeof(p->banner))
			p->banner[p->bannerlen++] = (char)*d;
		if (p->bannerlen == BANNERLEN &&
		    memcmp(p->banner, exp_endbanner, BANNERLEN) == 0) {
			p->done = 1;
			leak_flush(&p->leaks);
		}
	}
	return 0;
}

void
mrec_exp_free(struct mproc *p)
{
	size_t i;

	for (i = 0; i < p->nrawobjs; i++)
		free(p->rawobjs[i].bytes);
	free(p->rawobjs);
	u64map_free(&p->objs);
}
