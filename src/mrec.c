/*
 * mrec.c: the process table and the dispatch of utrace records by label
 * to the decoders of the malloc formats (mrec_int.h).
 *
 * Records of other labels are counted and skipped.  Nothing here knows
 * the byte layout of a payload.
 */
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "snap.h"
#include "u64map.h"
#include "xmalloc.h"

static const struct mrec_decoder *const decoders[] = {
	&mrec_exp_decoder,
	&mrec_text_decoder,
	&mrec_mdt_decoder,
	&mrec_bid_decoder,
	&mrec_snap_decoder,
};
#define EXP_DECODER	0	/* decoders[]'s mrec_exp_decoder */
#define NDECODERS	(sizeof(decoders) / sizeof(decoders[0]))

/* A process, and what the dispatcher and the decoders keep of it. */
struct proc {
	struct mproc	 m;
	size_t		 dumpcap;
	uint64_t	 damage;		/* mrec.damage it saw */
	void		*ps[NDECODERS];		/* each decoder's state */
};

struct mrec {
	struct mrec_ctx	  ctx;
	void		 *ds[NDECODERS];	/* each decoder's state */
	struct proc	**procs;		/* in order of appearance */
	size_t		  nprocs;
	size_t		  cap;
	struct u64map	  bypid;
	struct proc	 *last;			/* of the last record */
	size_t		  hdrlen;		/* of the layout */
	int		  keepdump;
	int		  onlypid;		/* -p */
	int32_t		  pid;
	uint64_t	  damage;		/* damage records so far */
};

struct mrec *
mrec_open(const struct ktr_layout *lay, int keepdump)
{
	struct mrec *st;
	size_t i;

	st = xcalloc(1, sizeof(*st));
	st->ctx.ptrsize = lay->ptrsize;
	st->ctx.be = lay->be;
	st->hdrlen = lay->hdrlen;
	st->keepdump = keepdump;
	for (i = 0; i < NDECODERS; i++)
		st->ds[i] = decoders[i]->open(&st->ctx);
	return st;
}

void
mrec_select(struct mrec *st, int32_t pid)
{
	st->onlypid = 1;
	st->pid = pid;
}

size_t
mrec_nprocs(const struct mrec *st)
{
	return st->nprocs;
}

struct mproc *
mrec_proc(const struct mrec *st, size_t i)
{
	return &st->procs[i]->m;
}

const struct mrec_stats *
mrec_stats(const struct mrec *st)
{
	return &st->ctx.stats;
}

size_t
mrec_nbids(const struct mrec *st)
{
	return st->ctx.nbids;
}

const struct mrec_bid *
mrec_bid(const struct mrec *st, size_t i)
{
	return &st->ctx.bids[i];
}

int
mrec_ptrsize(const struct mrec *st)
{
	return st->ctx.ptrsize;
}

static struct proc *
proc_get(struct mrec *st, const struct ktr_record *rec)
{
	struct proc *p;

	/* Records of one process mostly come one after the other. */
	if ((p = st->last) == NULL || p->m.pid != rec->pid)
		p = u64map_get(&st->bypid, (uint32_t)rec->pid);
	/* exec keeps the pid; the report is written by the last image. */
	if (p != NULL) {
		memcpy(p->m.comm, rec->comm, sizeof(p->m.comm));
		return st->last = p;
	}
	p = xcalloc(1, sizeof(*p));
	p->m.pid = rec->pid;
	memcpy(p->m.comm, rec->comm, sizeof(p->m.comm));
	p->m.leaks = leak_open();
	p->damage = st->damage;
	if (st->nprocs == st->cap) {
		st->cap = st->cap == 0 ? 8 : st->cap * 2;
		st->procs = xreallocarray(st->procs, st->cap,
		    sizeof(*st->procs));
	}
	st->procs[st->nprocs++] = p;
	u64map_put(&st->bypid, (uint32_t)rec->pid, p);
	return st->last = p;
}

/* -D: the payload as written, kept whole for the dump report. */
static void
proc_dumptext(struct proc *p, const uint8_t *s, size_t n)
{
	size_t cap;

	/* An empty payload adds nothing, and there may be no text yet. */
	if (n == 0)
		return;
	if (p->m.dumplen + n > p->dumpcap) {
		cap = p->dumpcap == 0 ? 4096 : p->dumpcap;
		while (cap < p->m.dumplen + n)
			cap *= 2;
		p->m.dump = xreallocarray(p->m.dump, cap, 1);
		p->dumpcap = cap;
	}
	memcpy(p->m.dump + p->m.dumplen, s, n);
	p->m.dumplen += n;
}

/*
 * Bytes were lost to damage, and whose they were is not known: a text
 * line left open in any process would be joined across the gap to bytes
 * that never followed it, so each process forgets its open lines when
 * it is next used (not every process at each damage: a trace of many
 * processes and many damaged records would cost their product).  Leaks
 * already built stay: each of their lines was whole.
 */
static void
proc_sync(const struct mrec *st, struct proc *p)
{
	size_t i;

	if (p->damage == st->damage)
		return;
	p->damage = st->damage;
	for (i = 0; i < NDECODERS; i++)
		if (p->ps[i] != NULL)
			decoders[i]->damaged(st->ds[i], p->ps[i]);
}

/*
 * The label: NUL-terminated within its 20 bytes, else not ours.  Found
 * as decoder *dp's label number *lp; its length picks the one label it
 * can be.
 */
static int
find_label(const uint8_t *data, size_t *dp, size_t *lp)
{
	const struct mrec_label *l;
	const uint8_t *nul;
	size_t d, i, len;

	if ((nul = memchr(data, '\0', KTR_LABELLEN)) == NULL)
		return -1;
	len = (size_t)(nul - data);
	for (d = 0; d < NDECODERS; d++)
		for (i = 0; i < decoders[d]->nlabels; i++) {
			l = &decoders[d]->labels[i];
			if (l->len == len &&
			    memcmp(data, l->name, len) == 0) {
				*dp = d;
				*lp = i;
				return 0;
			}
		}
	return -1;
}

int
mrec_feed(struct mrec *st, const struct ktr_record *rec, struct mproc **pp,
    struct md_err *e)
{
	const struct mrec_decoder *dec;
	const uint8_t *d;
	struct proc *p;
	size_t di, li, n;
	int rv;

	*pp = NULL;
	if (rec->type == KTR_DAMAGED && rec->damage != NULL) {
		st->damage++;
		*e = *rec->damage;
		return -1;
	}
	if (rec->type != KTR_USER || rec->data == NULL) {
		st->ctx.stats.other++;
		return 0;
	}
	if (find_label(rec->data, &di, &li) == -1) {
		st->ctx.stats.labels++;
		return 0;
	}
	dec = decoders[di];
	d = rec->data + KTR_LABELLEN;
	n = rec->len - KTR_LABELLEN;
	if (st->onlypid && rec->pid != st->pid)
		return dec->other == NULL ? 0 :
		    dec->other(st->ds[di], li, rec, d, n, e) == MREC_DAMAGED ?
		    -1 : 0;
	p = proc_get(st, rec);
	*pp = &p->m;
	proc_sync(st, p);
	p->m.end = rec->off + st->hdrlen + rec->len;
	rv = dec->record(st->ds[di], &p->m, &p->ps[di], li, rec, d, n, e);
	if (st->keepdump && dec->labels[li].dump && rv != MREC_FOREIGN)
		proc_dumptext(p, d, n);
	return rv == MREC_DAMAGED ? -1 : 0;
}

const char *
mrec_objpath(struct mrec_ctx *ctx, struct mproc *mp, uint64_t id, int *known,
    struct md_err *e)
{
	/* Both are the first members of what holds them. */
	struct mrec *st = (struct mrec *)(void *)ctx;
	struct proc *p = (struct proc *)(void *)mp;

	return mrec_exp_path(st->ds[EXP_DECODER], &p->ps[EXP_DECODER], id,
	    known, e);
}

int
mrec_finish(struct mrec *st, struct md_err *e)
{
	struct proc *p;
	size_t i, d;
	int rv = 0;

	for (i = 0; i < st->nprocs; i++) {
		p = st->procs[i];
		proc_sync(st, p);
		for (d = 0; d < NDECODERS; d++)
			if (p->ps[d] != NULL && decoders[d]->finish(st->ds[d],
			    &p->m, p->ps[d], e) == MREC_DAMAGED)
				rv = -1;
	}
	return rv;
}

void
mrec_close(struct mrec *st)
{
	struct proc *p;
	size_t i, d;

	if (st == NULL)
		return;
	for (i = 0; i < st->nprocs; i++) {
		p = st->procs[i];
		for (d = 0; d < NDECODERS; d++)
			if (p->ps[d] != NULL)
				decoders[d]->procfree(st->ds[d], p->ps[d]);
		leak_close(p->m.leaks);
		snap_close(p->m.snaps);
		free(p->m.dump);
		free(p->m.program);
		free(p->m.untraced);
		free(p);
	}
	for (d = 0; d < NDECODERS; d++)
		decoders[d]->close(st->ds[d]);
	free(st->procs);
	u64map_free(&st->bypid);
	free(st);
}
