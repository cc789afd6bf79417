/*
 * mrec_snap.c: the snapshots mdtrace writes while the program runs
 * (doc/FORMATS.md, "Snapshots"): "mdtsnap" opens a snapshot and says
 * how many entries it has, "mdtstack" gives a stack's frames once,
 * "mdtsnapent" holds entries, the figures that changed, and "mdtolder"
 * (MDTRACE_OLDER) entries of the old figures that changed; the count
 * covers both.  A snapshot is kept (snap.h) when its last entry is
 * read; damage drops it, with the offset of the record that shows it,
 * and the next complete one is kept.
 *
 * Memory is bounded by what the trace holds: nothing is allocated for
 * a count the trace announces, only for entries read.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "snap.h"
#include "xmalloc.h"

enum { SNAP_HEAD, SNAP_STACK, SNAP_ENT, SNAP_OLD };

static const struct mrec_label snap_labels[] = {
	[SNAP_HEAD] = MREC_LABEL("mdtsnap", 0),
	[SNAP_STACK] = MREC_LABEL("mdtstack", 0),
	[SNAP_ENT] = MREC_LABEL("mdtsnapent", 0),
	[SNAP_OLD] = MREC_LABEL("mdtolder", 0),
};

#define SNAP_HEADLEN	112
#define SNAP_ENTLEN	40
#define SNAP_FRAMELEN	16
#define SNAP_OLDHEAD	12
#define SNAP_OLDLEN	24

/* A process's snapshot being read. */
struct snap_proc {
	int		 open;		/* a snapshot awaits entries */
	uint32_t	 num;		/* the open one's, or the last's */
	int		 seen;		/* a snapshot record came */
	uint64_t	 want;		/* entries still to come */
	uint64_t	 older;		/* the T its mdtolder records gave */
	uint64_t	 off;		/* its record, for messages */
	uint64_t	 recno;
	uint32_t	 image;		/* of the process's, it is for */
};

struct snapdec {
	struct mrec_ctx	*ctx;
};

static void *
snapdec_open(struct mrec_ctx *ctx)
{
	struct snapdec *d;

	d = xcalloc(1, sizeof(*d));
	d->ctx = ctx;
	return d;
}

static uint64_t
le(const uint8_t *d, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

/*
 * The process's snapshot state; a new image (after exec, the same pid)
 * numbers its snapshots and stacks anew.
 */
static struct snap_proc *
snapdec_proc(struct mproc *p, void **ps)
{
	struct snap_proc *sp;

	if (*ps == NULL)
		*ps = xcalloc(1, sizeof(struct snap_proc));
	sp = *ps;
	if (sp->image != p->image) {
		memset(sp, 0, sizeof(*sp));
		sp->image = p->image;
	}
	if (p->snaps == NULL)
		p->snaps = snap_open();
	return sp;
}

/* Damage to the open snapshot: it is dropped. */
static int
snapdec_drop(struct mproc *p, struct snap_proc *sp)
{
	if (sp->open && p->snaps != NULL)
		snap_drop(p->snaps);
	sp->open = 0;
	return MREC_DAMAGED;
}

static int
snapdec_head(struct mproc *p, struct snap_proc *sp,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct snap_head h;
	size_t k;
	int rv = MREC_OK;

	if (n != SNAP_HEADLEN) {
		md_seterr(e, rec->off, rec->recno, "snapshot record of %zu "
		    "bytes, expected %d", n, SNAP_HEADLEN);
		return snapdec_drop(p, sp);
	}
	memset(&h, 0, sizeof(h));
	h.num = (uint32_t)le(d, 4);
	h.nentries = (uint32_t)le(d + 4, 4);
	h.mono = le(d + 8, 8);
	h.real = le(d + 16, 8);
	h.bytes = le(d + 24, 8);
	h.blocks = le(d + 32, 8);
	for (k = 0; k < SNAP_NKINDS; k++) {
		h.kbytes[k] = le(d + 40 + 16 * k, 8);
		h.kblocks[k] = le(d + 48 + 16 * k, 8);
	}
	h.stopped = le(d + 104, 8);
	if (sp->open) {
		md_seterr(e, sp->off, sp->recno, "snapshot %" PRIu32 " lacks "
		    "%" PRIu64 " entries where snapshot %" PRIu32 " begins: "
		    "dropped", sp->num, sp->want, h.num);
		rv = snapdec_drop(p, sp);
	}
	if (h.num == 0 || (sp->seen && h.num <= sp->num)) {
		md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
		    " after snapshot %" PRIu32 ": dropped", h.num, sp->num);
		return MREC_DAMAGED;
	}
	sp->seen = 1;
	sp->num = h.num;
	if (snap_count(p->snaps) > 0 &&
	    h.mono < snap_get(p->snaps, snap_count(p->snaps) - 1)->mono) {
		md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
		    " taken before the one kept before it: dropped", h.num);
		return MREC_DAMAGED;
	}
	sp->want = h.nentries;
	sp->older = 0;
	sp->off = rec->off;
	sp->recno = rec->recno;
	snap_begin(p->snaps, &h);
	sp->open = 1;
	if (sp->want == 0) {
		snap_commit(p->snaps);
		sp->open = 0;
	}
	return rv;
}

static int
snapdec_stack(struct snapdec *sd, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct leak_frame f[LEAK_MAXFRAMES];
	uint64_t id;
	uint32_t sid, nf = 0, i;
	int known;

	if (n < 8 || (nf = (uint32_t)le(d + 4, 4)) > LEAK_MAXFRAMES ||
	    n != 8 + (size_t)nf * SNAP_FRAMELEN) {
		md_seterr(e, rec->off, rec->recno, "stack record of %zu bytes "
		    "for %" PRIu32 " frames", n, nf);
		return MREC_DAMAGED;
	}
	sid = (uint32_t)le(d, 4);
	for (i = 0; i < nf; i++) {
		f[i].offset = le(d + 8 + SNAP_FRAMELEN * i, 8);
		id = le(d + 16 + SNAP_FRAMELEN * i, 8);
		f[i].object = mrec_objpath(sd->ctx, p, id, &known, e);
		if (!known)
			sd->ctx->stats.badid++;
	}
	if (snap_stack_add(p->snaps, sid, f, nf) == -1) {
		md_seterr(e, rec->off, rec->recno, "stack %" PRIu32 " given "
		    "other frames before: the first kept", sid);
		return MREC_DAMAGED;
	}
	return MREC_OK;
}

/*
 * The checks an entries record of either label passes before its
 * entries are read: hlen bytes before k entries of elen bytes (at
 * least one when empty is 0), for the open snapshot, no more entries
 * than it lacks.  Its number of entries, or -1 when the snapshot was
 * dropped.
 */
static long
snapdec_entries(struct mproc *p, struct snap_proc *sp,
    const struct ktr_record *rec, const uint8_t *d, size_t n, size_t hlen,
    size_t elen, int empty, struct md_err *e)
{
	uint32_t num;
	size_t k;

	if (n < hlen + (empty ? 0 : elen) || (n - hlen) % elen != 0) {
		md_seterr(e, rec->off, rec->recno, "%s of %zu bytes, not %zu "
		    "and a multiple of %zu%s", empty ? "older entries" :
		    "snapshot entries", n, hlen, elen,
		    sp->open ? ": snapshot dropped" : "");
		snapdec_drop(p, sp);
		return -1;
	}
	num = (uint32_t)le(d, 4);
	if (!sp->open || num != sp->num) {
		if (sp->open)
			md_seterr(e, rec->off, rec->recno, "entries of "
			    "snapshot %" PRIu32 " in snapshot %" PRIu32
			    ": dropped", num, sp->num);
		else
			md_seterr(e, rec->off, rec->recno, "entries of "
			    "snapshot %" PRIu32 " with no snapshot open",
			    num);
		snapdec_drop(p, sp);
		return -1;
	}
	k = (n - hlen) / elen;
	if (k > sp->want) {
		md_seterr(e, rec->off, rec->recno, "%zu entries where "
		    "snapshot %" PRIu32 " has %" PRIu64 " more: dropped", k,
		    num, sp->want);
		snapdec_drop(p, sp);
		return -1;
	}
	return (long)k;
}

/* The stack index of an entry at x, or -1 when the snapshot was dropped. */
static long
snapdec_key(struct mproc *p, struct snap_proc *sp,
    const struct ktr_record *rec, const uint8_t *x, unsigned *kindp,
    struct md_err *e)
{
	uint32_t sid = (uint32_t)le(x, 4), kind = (uint32_t)le(x + 4, 4);
	long st;

	if ((st = snap_stack(p->snaps, sid)) == -1) {
		md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
		    " names stack %" PRIu32 ", which no stack record "
		    "gave: dropped", sp->num, sid);
		snapdec_drop(p, sp);
		return -1;
	}
	if (kind >= SNAP_NKINDS) {
		md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
		    " has an entry of kind %" PRIu32 ": dropped", sp->num,
		    kind);
		snapdec_drop(p, sp);
		return -1;
	}
	*kindp = kind;
	return st;
}

/* k entries read: the snapshot is kept when they were its last. */
static int
snapdec_took(struct mproc *p, struct snap_proc *sp, size_t k)
{
	sp->want -= k;
	if (sp->want == 0) {
		snap_commit(p->snaps);
		sp->open = 0;
	}
	return MREC_OK;
}

static int
snapdec_ent(struct mproc *p, struct snap_proc *sp,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	const uint8_t *x;
	uint64_t fig[SNAP_NFIG];
	unsigned kind;
	long k, i, st;

	if ((k = snapdec_entries(p, sp, rec, d, n, 4, SNAP_ENTLEN, 0,
	    e)) == -1)
		return MREC_DAMAGED;
	for (i = 0; i < k; i++) {
		x = d + 4 + SNAP_ENTLEN * i;
		if ((st = snapdec_key(p, sp, rec, x, &kind, e)) == -1)
			return MREC_DAMAGED;
		fig[SNAP_BYTES] = le(x + 8, 8);
		fig[SNAP_BLOCKS] = le(x + 16, 8);
		fig[SNAP_NEWBYTES] = le(x + 24, 8);
		fig[SNAP_NEWBLOCKS] = le(x + 32, 8);
		snap_entry(p->snaps, (size_t)st, kind, fig);
	}
	return snapdec_took(p, sp, (size_t)k);
}

/*
 * "mdtolder": the snapshot's number, T, then entries of the old figures
 * that changed; none in a record that only tells T.  Every such record
 * of a snapshot gives the same T, not 0.
 */
static int
snapdec_old(struct mproc *p, struct snap_proc *sp,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	const uint8_t *x;
	uint64_t t;
	unsigned kind;
	long k, i, st;

	if ((k = snapdec_entries(p, sp, rec, d, n, SNAP_OLDHEAD, SNAP_OLDLEN,
	    1, e)) == -1)
		return MREC_DAMAGED;
	t = le(d + 4, 8);
	if (t == 0 || (sp->older != 0 && t != sp->older)) {
		if (t == 0)
			md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
			    " has old figures older than 0 ns: dropped",
			    sp->num);
		else
			md_seterr(e, rec->off, rec->recno, "snapshot %" PRIu32
			    " has old figures older than %" PRIu64 " ns and "
			    "%" PRIu64 " ns: dropped", sp->num, sp->older, t);
		snapdec_drop(p, sp);
		return MREC_DAMAGED;
	}
	sp->older = t;
	snap_older(p->snaps, t);
	for (i = 0; i < k; i++) {
		x = d + SNAP_OLDHEAD + SNAP_OLDLEN * i;
		if ((st = snapdec_key(p, sp, rec, x, &kind, e)) == -1)
			return MREC_DAMAGED;
		snap_entry_old(p->snaps, (size_t)st, kind, le(x + 8, 8),
		    le(x + 16, 8));
	}
	return snapdec_took(p, sp, (size_t)k);
}

static int
snapdec_record(void *dv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct snap_proc *sp = snapdec_proc(p, ps);

	switch (label) {
	case SNAP_HEAD:
		return snapdec_head(p, sp, rec, d, n, e);
	case SNAP_STACK:
		return snapdec_stack(dv, p, rec, d, n, e);
	case SNAP_OLD:
		return snapdec_old(p, sp, rec, d, n, e);
	default:
		return snapdec_ent(p, sp, rec, d, n, e);
	}
}

/*
 * Bytes of unknown processes were lost: nothing to forget.  A record of
 * the open snapshot among them leaves its count short, a stack record
 * leaves a stack unknown, a snapshot record leaves entries without a
 * snapshot: each is seen when the next record comes.
 */
static void
snapdec_damaged(void *dv, void *ps)
{
	(void)dv;
	(void)ps;
}

/* The end: a snapshot still open was cut short, and is left out. */
static int
snapdec_finish(void *dv, struct mproc *p, void *ps, struct md_err *e)
{
	struct snapdec *sd = dv;
	struct snap_proc *sp = ps;

	(void)e;
	/* One of an image since replaced went with that image's log. */
	if (sp->open && sp->image == p->image && p->snaps != NULL) {
		sd->ctx->stats.snapcut++;
		snap_drop(p->snaps);
	}
	sp->open = 0;
	return MREC_OK;
}

static void
snapdec_procfree(void *dv, void *ps)
{
	(void)dv;
	free(ps);
}

static void
snapdec_close(void *dv)
{
	free(dv);
}

const struct mrec_decoder mrec_snap_decoder = {
	.labels = snap_labels,
	.nlabels = sizeof(snap_labels) / sizeof(snap_labels[0]),
	.open = snapdec_open,
	.record = snapdec_record,
	.damaged = snapdec_damaged,
	.finish = snapdec_finish,
	.procfree = snapdec_procfree,
	.close = snapdec_close,
};
