/*
 * dwarf_func.c: functions and inline trees of a unit.
 *
 * When an address first lands in a unit, its DIE tree is walked once
 * (iteratively, depth bounded) to collect every subprogram and
 * inlined_subroutine that covers addresses, each linked to the function
 * it is nested in.  Their ranges are then flattened into disjoint
 * segments, each naming the innermost function, so the inline chain of
 * an address is one binary search and a walk up the parent links.
 * Names that live elsewhere (abstract_origin, specification) are looked
 * up on first use.  Lexical blocks, variables and types are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "bsearch.h"
#include "dwarf_impl.h"
#include "xmalloc.h"

/* A range of a function, with the DIE depth that orders nesting. */
struct frange {
	uint64_t	 lo, hi;
	uint32_t	 func;
	uint32_t	 depth;
};

struct fwalk {
	struct dw_funcs	*F;
	size_t		 fcap;
	struct frange	*r;
	size_t		 nr, rcap;
};

static uint64_t
die_origin(struct dw_unit *u, const struct dw_die *die)
{
	uint64_t o;

	if ((o = dw_val_ref(u, &die->v[DW_S_ORIGIN])) != UINT64_MAX)
		return o;
	return dw_val_ref(u, &die->v[DW_S_SPEC]);
}

/* A small unsigned constant (implicit_const ones arrive signed), or 0. */
static uint32_t
val_u32(const struct dw_val *v)
{
	if ((v->cls == DW_V_CONST || v->cls == DW_V_SCONST) &&
	    v->u <= UINT32_MAX)
		return (uint32_t)v->u;
	return 0;
}

/* Record a function DIE with its ranges (already in d->rv). */
static uint32_t
func_add(struct dwarf *d, struct dw_unit *u, struct fwalk *w,
    const struct dw_die *die, uint32_t parent, uint32_t depth)
{
	struct dw_func *f;
	struct frange *r;
	size_t i;
	uint32_t idx;

	if (w->F->n == w->fcap) {
		w->fcap = w->fcap ? w->fcap * 2 : 64;
		w->F->v = xreallocarray(w->F->v, w->fcap, sizeof(*w->F->v));
	}
	idx = (uint32_t)w->F->n++;
	f = &w->F->v[idx];
	f->parent = parent;
	f->inlined = die->tag == DW_TAG_inlined_subroutine;
	f->call_file = val_u32(&die->v[DW_S_CALL_FILE]);
	f->call_line = val_u32(&die->v[DW_S_CALL_LINE]);
	f->name = dw_val_str(d, u, &die->v[DW_S_LINKAGE]);
	f->origin = UINT64_MAX;
	if (f->name == NULL) {
		f->name = dw_val_str(d, u, &die->v[DW_S_NAME]);
		f->origin = die_origin(u, die);
	}
	f->named = f->origin == UINT64_MAX;
	for (i = 0; i < d->rv.n; i++) {
		if (w->nr == w->rcap) {
			w->rcap = w->rcap ? w->rcap * 2 : 256;
			w->r = xreallocarray(w->r, w->rcap, sizeof(*w->r));
		}
		r = &w->r[w->nr++];
		r->lo = d->rv.v[i].lo;
		r->hi = d->rv.v[i].hi;
		r->func = idx;
		r->depth = depth;
	}
	return idx;
}

/*
 * Walk the DIE tree.  encl[k] is the innermost recorded function
 * enclosing DIEs at depth k.  Each DIE consumes bytes of the unit, and
 * depth is capped by DW_MAX_DEPTH, so the walk ends; on damage whatever
 * was collected stays.
 */
static void
tree_walk(struct dwarf *d, struct dw_unit *u, struct fwalk *w)
{
	static const uint32_t cap = DW_MAX_DEPTH;
	uint32_t *encl, depth = 0, self;
	const struct dw_abbrev *ab;
	struct dw_die die;
	struct buf b;

	encl = xreallocarray(NULL, cap, sizeof(*encl));
	encl[0] = DW_NONE;
	buf_init(&b, d->s.info.p, u->end, d->s.big_endian);
	if (buf_seek(&b, u->die_off) == -1)
		goto out;
	while (b.pos < u->end) {
		if (dw_die_begin(u, &b, &ab) == -1)
			break;
		if (ab == NULL) {
			if (depth == 0)
				break;
			depth--;
			continue;
		}
		self = encl[depth];
		if (ab->tag == DW_TAG_subprogram ||
		    ab->tag == DW_TAG_inlined_subroutine) {
			if (dw_die_attrs(u, &b, ab, &die) == -1)
				break;
			if (dw_die_ranges(d, u, &die, &d->rv) > 0)
				self = func_add(d, u, w, &die, self, depth);
		} else if (dw_die_skip(u, &b, ab) == -1)
			break;
		if (ab->children) {
			if (depth + 1 >= cap)
				break;
			encl[++depth] = self;
		}
	}
out:
	free(encl);
}

/* Sweep order: by start, outer before inner, longer first, DIE order. */
static int
frange_less(const struct frange *x, const struct frange *y)
{
	if (x->lo != y->lo)
		return x->lo < y->lo;
	if (x->depth != y->depth)
		return x->depth < y->depth;
	if (x->hi != y->hi)
		return x->hi > y->hi;
	return x->func < y->func;
}

/* Slices this short are sorted by insertion. */
#define FRANGE_RUN	16

/*
 * Sort r[0..n) with tmp[0..n) as scratch: a merge sort with the compare
 * inline, several times faster than qsort() on the tens of thousands of
 * ranges of an inlining-heavy unit.  The order is total, so no two
 * distinct ranges compare equal and the result is the same everywhere.
 */
static void
frange_sort(struct frange *r, struct frange *tmp, size_t n)
{
	struct frange t;
	size_t h, i, j, k;

	if (n <= FRANGE_RUN) {
		for (i = 1; i < n; i++) {
			t = r[i];
			for (j = i; j > 0 && frange_less(&t, &r[j - 1]); j--)
				r[j] = r[j - 1];
			r[j] = t;
		}
		return;
	}
	h = n / 2;
	frange_sort(r, tmp, h);
	frange_sort(r + h, tmp, n - h);
	/* Already in order across the halves: nothing to merge. */
	if (!frange_less(&r[h], &r[h - 1]))
		return;
	memcpy(tmp, r, h * sizeof(*r));
	for (i = 0, j = h, k = 0; i < h && j < n; k++)
		r[k] = frange_less(&r[j], &tmp[i]) ? r[j++] : tmp[i++];
	while (i < h)
		r[k++] = tmp[i++];
}

static void
seg_emit(struct dw_funcs *F, size_t *cap, uint64_t lo, uint64_t hi,
    uint32_t func)
{
	struct dw_seg *s;

	if (F->nsegs > 0) {
		s = &F->segs[F->nsegs - 1];
		if (s->hi == lo && s->func == func) {
			s->hi = hi;
			return;
		}
	}
	if (F->nsegs == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		F->segs = xreallocarray(F->segs, *cap, sizeof(*F->segs));
	}
	s = &F->segs[F->nsegs++];
	s->lo = lo;
	s->hi = hi;
	s->func = func;
}

/* Emit segments of the open ranges up to limit, closing those that end. */
static void
sweep_flush(struct dw_funcs *F, size_t *cap, const struct frange **st,
    size_t *sp, uint64_t *pos, uint64_t limit)
{
	const struct frange *t;
	uint64_t end;

	while (*sp > 0) {
		t = st[*sp - 1];
		end = t->hi < limit ? t->hi : limit;
		if (*pos < end) {
			seg_emit(F, cap, *pos, end, t->func);
			*pos = end;
		}
		if (t->hi > limit)
			break;
		(*sp)--;
	}
}

/*
 * Flatten nested ranges into disjoint segments naming the innermost
 * function.  Ranges are sorted outer before inner; a stack holds the
 * ranges open at the sweep position.
 */
static void
segments_build(struct dw_funcs *F, struct frange *r, size_t nr)
{
	const struct frange **st;
	struct frange *tmp;
	size_t sp = 0, i, cap = 0;
	uint64_t pos = 0;

	tmp = xreallocarray(NULL, nr / 2 + 1, sizeof(*tmp));
	frange_sort(r, tmp, nr);
	free(tmp);
	st = xreallocarray(NULL, nr ? nr : 1, sizeof(*st));
	for (i = 0; i < nr; i++) {
		sweep_flush(F, &cap, st, &sp, &pos, r[i].lo);
		st[sp++] = &r[i];
		pos = r[i].lo;
	}
	sweep_flush(F, &cap, st, &sp, &pos, UINT64_MAX);
	free(st);
}

/* Decode u's functions into F; what was read before damage stays. */
int
dw_funcs_decode(struct dwarf *d, struct dw_unit *u, struct dw_funcs *F)
{
	struct fwalk w;

	memset(&w, 0, sizeof(w));
	w.F = F;
	if (dw_root_read(d, u) == -1)
		return -1;
	tree_walk(d, u, &w);
	segments_build(F, w.r, w.nr);
	free(w.r);
	return 0;
}

/* The innermost function covering addr, or DW_NONE. */
uint32_t
dw_funcs_find(const struct dw_funcs *F, uint64_t addr)
{
	size_t lo;

	lo = BS_UPPER(F->segs, F->nsegs, struct dw_seg, lo, addr);
	if (lo == 0 || addr >= F->segs[lo - 1].hi)
		return DW_NONE;
	return F->segs[lo - 1].func;
}

/* What origin_names holds for a chain that names nothing. */
static const char no_name[] = "";

/*
 * The name of a function: a linkage name anywhere along its
 * abstract_origin/specification chain first, else the first plain name,
 * as llvm-symbolizer --no-demangle and addr2line -f print them.  The
 * chain is followed at most DW_MAX_ORIGIN links, across units too.
 */
const char *
dw_func_name(struct dwarf *d, struct dw_func *f)
{
	struct dwarf *dd = d;
	struct dw_unit *u;
	struct dw_die die;
	const char *linkage = NULL, *first = NULL, *name;
	uint64_t off = f->origin;
	int i;

	if (f->named)
		return f->name;
	f->named = 1;
	/*
	 * Every inlined copy of a function points at the same abstract
	 * DIE: its chain is followed once.  A DIE with a name of its own
	 * (rare beside an origin) takes the slow way, as the answer then
	 * depends on it too.
	 */
	if (f->name == NULL &&
	    (name = u64map_get(&d->origin_names, f->origin)) != NULL)
		return f->name = name == no_name ? NULL : name;
	for (i = 0; i < DW_MAX_ORIGIN && off != UINT64_MAX; i++) {
		if (dw_die_at(&dd, off, &u, &die) == -1)
			break;
		if ((linkage = dw_val_str(dd, u, &die.v[DW_S_LINKAGE])) != NULL)
			break;
		if (first == NULL)
			first = dw_val_str(dd, u, &die.v[DW_S_NAME]);
		off = die_origin(u, &die);
	}
	name = linkage != NULL ? linkage : first;
	if (f->name == NULL) {
		(void)u64map_put(&d->origin_names, f->origin,
		    (void *)(uintptr_t)(name != NULL ? name : no_name));
		f->name = name;
	} else if (linkage != NULL)
		f->name = linkage;
	return f->name;
}

void
dw_funcs_free(struct dw_funcs *F)
{
	free(F->v);
	free(F->segs);
	memset(F, 0, sizeof(*F));
}
