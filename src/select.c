/*
 * select.c: the leaks a report shows, in the order of the leak table
 * (the trace's, or -s's).  A leak matching a suppression is counted
 * under the first pattern that matches it and not shown; -k keeps
 * leaks with a frame matching one of its patterns; -b keeps leaks that
 * are new or grew; leaks of a kind not asked for (reachable, without
 * -a) are counted under their kind only; -n prints only the first N of
 * what is left, but the totals count them all, so the summary says what
 * was found.
 *
 * It neither prints nor sorts.
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "leak.h"
#include "mdump.h"
#include "mrec.h"
#include "select.h"
#include "suppress.h"
#include "sym.h"
#include "xmalloc.h"

/* Is the leak suppressed?  Counts it under its pattern. */
static int
suppressed(const struct sel_opts *o, const struct leak *l)
{
	struct supp_pat *p;

	if (o->supp == NULL || o->supp->npats == 0)
		return 0;
	if ((p = supp_leak(o->supp, o->sym, o->names, l)) == NULL)
		return 0;
	p->leaks++;
	p->bytes = md_addsat(p->bytes, l->sum);
	return 1;
}

static int
kept(const struct sel_opts *o, const struct leak *l)
{
	if (o->keep == NULL || o->keep->npats == 0)
		return 1;
	return supp_leak(o->keep, o->sym, o->names, l) != NULL;
}

/*
 * Frames symbolized in one batch at most: 12 MiB of queries, so that a
 * report of millions of stacks does not double its memory for this.
 */
#define SEL_BATCH	(1U << 19)

/*
 * Symbolize the frames of the leaks shown in sorted batches
 * (sym_prefetch() says why), each answer kept in v->frames for the
 * report: looking a frame up again in the symbolizer's cache costs a
 * cache miss per frame.  On bench/symbolize.sh's 100000 frames the
 * text report takes 0.94 times the CPU time it took so (median of ten
 * paired runs).  -S, -k and -b look up frames
 * themselves, and only until a pattern decides: a frame they never
 * needed is never looked up.
 */
static void
prefetch(struct symbolizer *sym, struct sel_view *v)
{
	const struct leak *l;
	struct sel_leak *sel = v->leaks;
	struct sym_query *q;
	size_t i, j, nq = 0, total = 0;

	for (i = 0; i < v->nleaks; i++) {
		sel[i].frames = NULL;
		total += sel[i].leak->nframes;
	}
	if (total == 0)
		return;
	v->frames = xreallocarray(NULL, total, sizeof(*v->frames));
	q = xreallocarray(NULL, total < SEL_BATCH ? total : SEL_BATCH,
	    sizeof(*q));
	total = 0;
	for (i = 0; i < v->nleaks; i++) {
		l = sel[i].leak;
		sel[i].frames = v->frames + total;
		total += l->nframes;
		for (j = 0; j < l->nframes; j++) {
			if (nq == SEL_BATCH) {
				sym_prefetch(sym, q, nq);
				nq = 0;
			}
			q[nq].object = l->frames[j].object;
			q[nq].offset = l->frames[j].offset;
			q[nq++].frame = &sel[i].frames[j];
		}
	}
	sym_prefetch(sym, q, nq);
	free(q);
}

void
sel_proc(const struct sel_opts *o, const struct mproc *p, struct sel_view *v)
{
	struct leak *const *all;
	const struct leak *l;
	struct sel_leak *s;
	struct cmp_growth g;
	size_t i, n;
	int k;

	memset(v, 0, sizeof(*v));
	all = leak_list(p->leaks, &n);
	v->leaks = xreallocarray(NULL, n, sizeof(*v->leaks));
	for (i = 0; i < n; i++) {
		l = all[i];
		if (suppressed(o, l)) {
			v->tot.suppressed++;
			continue;
		}
		memset(&g, 0, sizeof(g));
		g.sum = l->sum;
		g.count = l->count;
		if (!kept(o, l) || (o->base != NULL &&
		    !cmp_take(o->base, o->sym, o->names, l, &g))) {
			v->tot.hidden++;
			continue;
		}
		k = l->kind < LEAK_NKINDS ? l->kind : LEAK_ANY;
		v->tot.kleaks[k]++;
		v->tot.kbytes[k] = md_addsat(v->tot.kbytes[k], g.sum);
		v->tot.kallocs[k] = md_addsat(v->tot.kallocs[k], g.count);
		if (k != LEAK_ANY && (o->kinds & (1U << k)) == 0)
			continue;
		v->tot.leaks++;
		v->tot.lost += k != LEAK_REACHABLE;
		v->tot.bytes = md_addsat(v->tot.bytes, g.sum);
		v->tot.allocs = md_addsat(v->tot.allocs, g.count);
		if (o->top != 0 && v->nleaks == o->top)
			continue;
		s = &v->leaks[v->nleaks++];
		s->leak = l;
		s->growth = g;
	}
	v->tot.shown = v->nleaks;
	prefetch(o->sym, v);
}

void
sel_free(struct sel_view *v)
{
	free(v->leaks);
	free(v->frames);
	memset(v, 0, sizeof(*v));
}

void
sel_sum(struct sel_totals *sum, const struct sel_totals *t)
{
	int k;

	sum->leaks = md_addsat(sum->leaks, t->leaks);
	sum->bytes = md_addsat(sum->bytes, t->bytes);
	sum->allocs = md_addsat(sum->allocs, t->allocs);
	sum->suppressed = md_addsat(sum->suppressed, t->suppressed);
	sum->hidden = md_addsat(sum->hidden, t->hidden);
	sum->shown = md_addsat(sum->shown, t->shown);
	sum->lost = md_addsat(sum->lost, t->lost);
	for (k = 0; k < LEAK_NKINDS; k++) {
		sum->kleaks[k] = md_addsat(sum->kleaks[k], t->kleaks[k]);
		sum->kbytes[k] = md_addsat(sum->kbytes[k], t->kbytes[k]);
		sum->kallocs[k] = md_addsat(sum->kallocs[k], t->kallocs[k]);
	}
}
