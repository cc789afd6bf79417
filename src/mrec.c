/*
 * mrec.c: the process table and the dispatch of utrace records by label
 * to the decoders of the two malloc formats (mrec_exp.c, mrec_text.c).
 *
 * Records of other labels are counted and skipped.  Nothing here knows
 * the byte layout of a payload.
 */
#include <stdlib.h>
#include <string.h>

#include "mrec.h"
#include "xmalloc.h"

struct mrec_label {
	const char	*label;
	size_t		 len;
	int		(*decode)(struct mrec_state *, struct mproc *,
			    const struct ktr_record *, const uint8_t *, size_t,
			    struct md_err *);
};

/* A label and its length. */
#define LABEL(s)	s, sizeof(s) - 1

/*
 * "mdtracestacks": Linux mdtrace's count of stacks its unwinder ended
 * early (mdump.5).  Summed over processes for -v; other lengths are a
 * later layout and are skipped.
 */
static int
mrec_cutcount(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	uint64_t v[2] = { 0, 0 };
	size_t i, k;

	(void)p;
	(void)rec;
	(void)e;
	if (n != 16)
		return 0;
	for (k = 0; k < 2; k++)
		for (i = 0; i < 8; i++)
			v[k] |= (uint64_t)d[8 * k + i] << (8 * i);
	st->stats.cut += v[0];
	st->stats.cutbad += v[1];
	return 0;
}

/*
 * "mdtkinds": the kinds of the process's next leak (mdtrace's leak
 * check, mdump.5), eight 64-bit little-endian numbers; the decoder of
 * that leak takes them.  Longer payloads are a later layout: the first
 * 64 bytes still count.
 */
static int
mrec_kinds(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	uint64_t k[LEAK_KINDWORDS];
	size_t i, j;

	(void)st;
	if (n < 8 * LEAK_KINDWORDS) {
		md_seterr(e, rec->off, rec->recno, "leak kinds of %zu bytes, "
		    "expected %d", n, 8 * LEAK_KINDWORDS);
		return -1;
	}
	for (j = 0; j < LEAK_KINDWORDS; j++)
		for (k[j] = 0, i = 0; i < 8; i++)
			k[j] |= (uint64_t)d[8 * j + i] << (8 * i);
	leak_setkinds(&p->leaks, k);
	return 0;
}

static const struct mrec_label mrec_labels[] = {
	{ LABEL("mallocobjectrecord"),	mrec_exp_object },
	{ LABEL("mallocleakrecord"),	mrec_exp_leak },
	{ LABEL("mallocdumpline"),	mrec_exp_dumpline },
	{ LABEL("malloc"),		mrec_text_record },
	{ LABEL("mallocbuildid"),	mrec_buildid },
	{ LABEL("mdtracestacks"),	mrec_cutcount },
	{ LABEL("mdtkinds"),		mrec_kinds },
};
#define NLABELS	(sizeof(mrec_labels) / sizeof(mrec_labels[0]))

void
mrec_init(struct mrec_state *st, const struct ktr_layout *lay, int keepdump)
{
	memset(st, 0, sizeof(*st));
	st->ptrsize = lay->ptrsize;
	st->be = lay->be;
	st->keepdump = keepdump;
}

void
mrec_select(struct mrec_state *st, int32_t pid)
{
	st->onlypid = 1;
	st->pid = pid;
}

struct mproc *
mrec_proc(struct mrec_state *st, const struct ktr_record *rec)
{
	struct mproc *p;

	/* Records of one process mostly come one after the other. */
	if ((p = st->last) == NULL || p->pid != rec->pid)
		p = u64map_get(&st->bypid, (uint32_t)rec->pid);
	/* exec keeps the pid; the report is written by the last image. */
	if (p != NULL) {
		memcpy(p->comm, rec->comm, sizeof(p->comm));
		return st->last = p;
	}
	p = xcalloc(1, sizeof(*p));
	p->pid = rec->pid;
	memcpy(p->comm, rec->comm, sizeof(p->comm));
	leak_init(&p->leaks);
	if (st->nprocs == st->cap) {
		st->cap = st->cap == 0 ? 8 : st->cap * 2;
		st->procs = xreallocarray(st->procs, st->cap,
		    sizeof(*st->procs));
	}
	st->procs[st->nprocs++] = p;
	u64map_put(&st->bypid, (uint32_t)rec->pid, p);
	return st->last = p;
}

void
mrec_dumptext(struct mproc *p, const uint8_t *s, size_t n)
{
	size_t cap;

	if (p->dumplen + n > p->dumpcap) {
		cap = p->dumpcap == 0 ? 4096 : p->dumpcap;
		while (cap < p->dumplen + n)
			cap *= 2;
		p->dump = xreallocarray(p->dump, cap, 1);
		p->dumpcap = cap;
	}
	memcpy(p->dump + p->dumplen, s, n);
	p->dumplen += n;
}

/*
 * The label: NUL-terminated within its 20 bytes, else not ours.  Its
 * length picks the one label it can be.
 */
static const struct mrec_label *
mrec_find_label(const uint8_t *data)
{
	const uint8_t *nul;
	size_t i, len;

	if ((nul = memchr(data, '\0', KTR_LABELLEN)) == NULL)
		return NULL;
	len = (size_t)(nul - data);
	for (i = 0; i < NLABELS; i++)
		if (mrec_labels[i].len == len &&
		    memcmp(data, mrec_labels[i].label, len) == 0)
			return &mrec_labels[i];
	return NULL;
}

/*
 * Bytes were lost to damage, and whose they were is not known: a text
 * line left open in any process would be joined across the gap to bytes
 * that never followed it, so every open line is dropped.  Leaks already
 * built stay: each of their lines was whole.
 */
static void
mrec_damaged(struct mrec_state *st)
{
	st->damage++;
}

/*
 * Drop p's open lines if damage came since p last had a record.  Done
 * when a process is next used, not for every process at each damage: a
 * trace of many processes and many damaged records would cost their
 * product.
 */
static void
mrec_sync(const struct mrec_state *st, struct mproc *p)
{
	if (p->damage == st->damage)
		return;
	p->damage = st->damage;
	p->linelen = 0;
	p->linebad = 0;
	p->bannerlen = 0;
}

int
mrec_feed(struct mrec_state *st, const struct ktr_record *rec,
    struct mproc **pp, struct md_err *e)
{
	const struct mrec_label *l;
	struct mproc *p;

	*pp = NULL;
	if (rec->type == KTR_DAMAGED && rec->damage != NULL) {
		mrec_damaged(st);
		*e = *rec->damage;
		return -1;
	}
	if (rec->type != KTR_USER || rec->data == NULL) {
		st->stats.other++;
		return 0;
	}
	if ((l = mrec_find_label(rec->data)) == NULL) {
		st->stats.labels++;
		return 0;
	}
	/* Another process's leak record still tells the pointer size. */
	if (st->onlypid && rec->pid != st->pid) {
		if (st->ptrsize == 0 && l->decode == mrec_exp_leak)
			return mrec_exp_leak(st, NULL, rec,
			    rec->data + KTR_LABELLEN, rec->len - KTR_LABELLEN,
			    e);
		return 0;
	}
	p = *pp = mrec_proc(st, rec);
	mrec_sync(st, p);
	return l->decode(st, p, rec, rec->data + KTR_LABELLEN,
	    rec->len - KTR_LABELLEN, e);
}

int
mrec_finish(struct mrec_state *st, struct md_err *e)
{
	size_t i;
	int rv = 0;

	for (i = 0; i < st->nprocs; i++) {
		mrec_sync(st, st->procs[i]);
		if (mrec_text_finish(st, st->procs[i], e) == -1)
			rv = -1;
		leak_flush(&st->procs[i]->leaks);
	}
	return rv;
}

void
mrec_free(struct mrec_state *st)
{
	struct mproc *p;
	size_t i;

	for (i = 0; i < st->nprocs; i++) {
		p = st->procs[i];
		leak_free(&p->leaks);
		mrec_exp_free(p);
		free(p->dump);
		free(p->line);
		free(p->pend);
		free(p);
	}
	free(st->procs);
	u64map_free(&st->bypid);
	mrec_bid_free(st);
	memset(st, 0, sizeof(*st));
}
