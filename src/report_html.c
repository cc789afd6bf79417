/*
 * report_html.c: -o html, one HTML page that shows the report without
 * anything else: the page (src/html/, compiled in as report_page.c)
 * with the report embedded as JSON in a <script type="application/json">
 * element, which the page's script reads and draws.
 *
 * The JSON is the page's private format, written to be small, not a
 * public interface (that is -o json).  Names repeat across leaks, so
 * every string is written once in "strings" and every distinct frame
 * (object and offset) once in "frames"; leaks refer to them by index.
 * Frames of an object that can be read are told apart as the symbolizer
 * tells them (sym.h): one offset of the executable named "", "." and by
 * its path is one frame, under the name first seen.
 *
 *   {"v": 1, "compare": B, "hidden": B, "top": B,
 *    "processes": [{"pid": N, "command": S, "summary": T,
 *                   "leaks": [[bytes, count, [frame...], kind,
 *                              growth bytes, growth count, new,
 *                              holder], ...],
 *                   "snaps": X}],
 *    "frames": [[object, "hex offset", [function, file, line, ...]]],
 *    "strings": [S, ...], "summary": T}
 *
 * A leak's frames are innermost first and each frame's locations are its
 * inline chain, innermost first, three values each, as sym.h gives them.
 * A string index of -1 is unknown (null), line 0 unknown; kind is a
 * string index, -1 when the trace gives no kinds; the growth and "new" (0
 * or 1) are there with -b only; holder, the text report's line of what
 * holds a possibly lost or reachable leak ("held by global p at x.c:5",
 * a string in place, not an index), only when the trace gives one.  T
 * is the summary object of the JSON report (report_json_totals()), with
 * "kinds" when the trace has them.
 *
 * X, for a process with snapshots (snap.h) unless compare, holds them
 * all as the page needs them to draw a timeline and rebuild the leaks of
 * any snapshot:
 *
 *   {"at": N, "stacks": [[kind, [frame...]], ...], "grow": [stack...],
 *    "list": [[num, ms, bytes, blocks, bytes of each kind, blocks of
 *              each kind, [stack, bytes, blocks, ...]], ...]}
 *
 * "at" is the number of the snapshot the process's leaks are, 0 when
 * they are its report at exit.  A stack here is a leak of one kind (a
 * key of snap.h) that the report would show (past -S, -k and the kinds
 * of -a; -n does not apply), numbered in key order, which is the text
 * report's order of a snapshot's leaks; kind is a string index.
 * "grow" is those that grew in at least one interval, in the order of
 * -g, at most HTML_GROW.  Each snapshot of "list" has its number, the
 * milliseconds since the first (monotonic clock), the live bytes and
 * blocks, the bytes and blocks of each kind (definite, indirect,
 * possible, reachable: of the whole heap, as -T), and its
 * changes: the stacks whose live bytes or blocks changed since the one
 * before, with their new figures.  So the page's size grows with what
 * changed, not with snapshots times stacks.
 *
 * Nothing in the data can end the <script> element or be read as
 * markup: besides JSON's own escapes, '<', '>' and '&' are written as
 * \u escapes, and U+2028 and U+2029 too (line ends to older scripts).
 * The page builds its DOM with textContent only, so names stay text.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "leak.h"
#include "mrec.h"
#include "names.h"
#include "out.h"
#include "report.h"
#include "report_html.h"
#include "select.h"
#include "snap.h"
#include "strpool.h"
#include "suppress.h"
#include "sym.h"
#include "u64map.h"
#include "xmalloc.h"

/* A string by its address. */
struct html_slot {
	const char	*p;
	uint32_t	 id;		/* index in "strings" + 1; 0: free */
};

struct html_map {
	struct html_slot *slots;
	size_t		  nslots;	/* a power of two, or 0 */
	size_t		  n;
};

/*
 * A distinct frame, in order of first use.  Its index + 1 is the tag of
 * its symbolized frame; a frame the symbolizer knows nothing of shares
 * its answer (sym_unknown()) with others, and is found in the frame
 * map instead.
 */
struct html_frame {
	const char		*object;	/* interned by the leak table */
	uint64_t		 offset;
	const struct sym_frame	*sf;
};

/*
 * The frame map: 32 bits of the hash and the index + 1 (0: free) of an
 * unknown frame.  Small slots, made room for once per process
 * (html_reserve()), because a trace of objects not on this machine has
 * millions of them: bench/scale.sh's exp trace as a page took 3.05 s
 * of CPU and 542 MiB with slots of object, offset and index grown step
 * by step (median of three runs), 2.35 s and 417 MiB so (of five).
 */
struct html_fslot {
	uint32_t	hash;
	uint32_t	id;
};

struct html_fmap {
	struct html_fslot *slots;
	size_t		   nslots;	/* a power of two, or 0 */
	size_t		   n;
};

struct html_report {
	struct out		*out;
	struct symbolizer	*sym;
	struct names		*nm;
	const struct sel_opts	*sel;
	int			 compare;
	int			 hidden;
	int			 top;
	int			 nprocs;
	struct html_map		 strmap;
	const char		**strs;		/* interned, by index */
	size_t			 nstrs;
	size_t			 strcap;
	struct html_frame	*frames;	/* by index */
	size_t			 nframes;
	size_t			 framecap;
	struct html_fmap	 fmap;
	const struct sym_frame	*unknown;	/* sym_unknown() */
};

static uint64_t
map_hash(const char *p)
{
	return hash_fmix(hash_word(HASH_INIT, (uint64_t)(uintptr_t)p));
}

static void
map_grow(struct html_map *m)
{
	struct html_slot *old = m->slots;
	size_t i, j, n = m->nslots;

	m->nslots = n == 0 ? 256 : n * 2;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (i = 0; i < n; i++) {
		if (old[i].id == 0)
			continue;
		j = map_hash(old[i].p) & (m->nslots - 1);
		while (m->slots[j].id != 0)
			j = (j + 1) & (m->nslots - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

/*
 * The slot of p: the one holding it, or the free one where it goes,
 * its id then 0 for the caller to set.  Call map_room() first.
 */
static struct html_slot *
map_find(struct html_map *m, const char *p)
{
	size_t i;

	i = map_hash(p) & (m->nslots - 1);
	while (m->slots[i].id != 0 && m->slots[i].p != p)
		i = (i + 1) & (m->nslots - 1);
	return &m->slots[i];
}

/* Room for n more slots, so that map_find() answers stay valid. */
static void
map_room(struct html_map *m, size_t n)
{
	while ((m->n + n) * 2 > m->nslots)
		map_grow(m);
}

/* Set slot sl for s, a string new to the list. */
static void
new_string(struct html_report *r, struct html_slot *sl, const char *s)
{
	if (r->nstrs == r->strcap) {
		r->strcap = r->strcap == 0 ? 64 : r->strcap * 2;
		r->strs = xreallocarray(r->strs, r->strcap, sizeof(*r->strs));
	}
	r->strs[r->nstrs++] = s;
	sl->p = s;
	sl->id = (uint32_t)r->nstrs;
	r->strmap.n++;
}

/*
 * The index of a string in "strings", -1 for NULL.  Equal texts behind
 * different addresses are written once: an address not seen before is
 * looked up by its interned copy's, and remembered with the same index.
 * Most strings are seen again, and are found by address alone.
 */
static long
str_index(struct html_report *r, const char *s)
{
	struct html_slot *sl, *isl;
	const char *is;

	if (s == NULL)
		return -1;
	map_room(&r->strmap, 2);
	sl = map_find(&r->strmap, s);
	if (sl->id != 0)
		return (long)sl->id - 1;
	is = strpool_intern(s, strlen(s));
	isl = map_find(&r->strmap, is);
	if (isl->id == 0)
		new_string(r, isl, is);
	if (is != s) {
		sl = map_find(&r->strmap, s);
		sl->p = s;
		sl->id = isl->id;
		r->strmap.n++;
	}
	return (long)isl->id - 1;
}

static uint32_t
frame_hash(const struct leak_frame *f)
{
	return (uint32_t)hash_fmix(hash_word(hash_word(HASH_INIT,
	    (uint64_t)(uintptr_t)f->object), f->offset));
}

/* Room for n more unknown frames in the frame map. */
static void
fmap_room(struct html_fmap *m, size_t n)
{
	struct html_fslot *old;
	size_t i, j, oldn;

	if ((m->n + n) * 2 <= m->nslots)
		return;
	old = m->slots;
	oldn = m->nslots;
	if (m->nslots == 0)
		m->nslots = 256;
	while ((m->n + n) * 2 > m->nslots)
		m->nslots *= 2;
	m->slots = xcalloc(m->nslots, sizeof(*m->slots));
	for (i = 0; i < oldn; i++) {
		if (old[i].id == 0)
			continue;
		j = old[i].hash & (m->nslots - 1);
		while (m->slots[j].id != 0)
			j = (j + 1) & (m->nslots - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

/* A new entry of "frames"; its index. */
static size_t
new_frame(struct html_report *r, const struct leak_frame *f,
    const struct sym_frame *sf)
{
	if (r->nframes == r->framecap) {
		r->framecap = r->framecap == 0 ? 64 : r->framecap * 2;
		r->frames = xreallocarray(r->frames, r->framecap,
		    sizeof(*r->frames));
	}
	r->frames[r->nframes].object = f->object;
	r->frames[r->nframes].offset = f->offset;
	r->frames[r->nframes].sf = sf;
	return r->nframes++;
}

/* The index in "frames" of a frame the symbolizer knows nothing of. */
static size_t
unknown_index(struct html_report *r, const struct leak_frame *f)
{
	struct html_fmap *m = &r->fmap;
	const struct html_frame *e;
	uint32_t h = frame_hash(f);
	size_t i;

	fmap_room(m, 1);
	for (i = h & (m->nslots - 1); m->slots[i].id != 0;
	    i = (i + 1) & (m->nslots - 1)) {
		if (m->slots[i].hash != h)
			continue;
		e = &r->frames[m->slots[i].id - 1];
		if (e->object == f->object && e->offset == f->offset)
			return m->slots[i].id - 1;
	}
	m->slots[i].hash = h;
	m->slots[i].id = (uint32_t)new_frame(r, f, r->unknown) + 1;
	m->n++;
	return m->slots[i].id - 1;
}

/* The index of a leak's frame in "frames", sf its symbolized frame. */
static size_t
frame_index(struct html_report *r, const struct leak_frame *f,
    const struct sym_frame *sf)
{
	if (sf == r->unknown)
		return unknown_index(r, f);
	if (sf->tag == 0)
		sym_settag(sf, new_frame(r, f, sf) + 1);
	return sf->tag - 1;
}

static void
json_bool(struct out *o, const char *name, int b)
{
	out_str(o, name);
	out_str(o, b ? "true" : "false");
}

static void
put_lines(struct out *o, const char *const *lines)
{
	for (; *lines != NULL; lines++)
		out_str(o, *lines);
}

struct html_report *
html_open(struct out *out, struct symbolizer *sym, struct names *nm,
    const struct sel_opts *sel, int compare, int hidden, int top)
{
	struct html_report *r;

	r = xcalloc(1, sizeof(*r));
	r->out = out;
	r->sym = sym;
	r->nm = nm;
	r->sel = sel;
	r->compare = compare;
	r->hidden = hidden;
	r->top = top;
	r->unknown = sym_unknown(sym);
	put_lines(out, html_page_head);
	json_bool(out, "{\"v\": 1, \"compare\": ", compare);
	json_bool(out, ", \"hidden\": ", hidden);
	json_bool(out, ", \"top\": ", top);
	out_str(out, ",\n\"processes\": [");
	return r;
}

static void
html_leak(struct html_report *r, const struct mproc *p,
    const struct sel_leak *s)
{
	const struct leak *l = s->leak;
	struct out *o = r->out;
	char *held;
	uint32_t i;

	out_char(o, '[');
	out_u64(o, l->sum);
	out_char(o, ',');
	out_u64(o, l->count);
	out_str(o, ",[");
	for (i = 0; i < l->nframes; i++) {
		if (i > 0)
			out_char(o, ',');
		out_u64(o, frame_index(r, &l->frames[i], s->frames[i]));
	}
	/* The kind's name, or -1 when the trace gives none. */
	out_str(o, "],");
	out_i64(o, str_index(r, leak_kindname(l->kind)));
	if (r->compare) {
		out_char(o, ',');
		out_u64(o, s->growth.sum);
		out_char(o, ',');
		out_u64(o, s->growth.count);
		out_str(o, s->growth.isnew ? ",1" : ",0");
	}
	/* What holds it, as the text report says: few leaks have one. */
	if ((held = report_holder_text(r->sym, r->nm, p, l)) != NULL) {
		out_char(o, ',');
		report_json_string(o, held, 1);
		free(held);
	}
	out_char(o, ']');
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p)	__builtin_prefetch(p)
#else
#define PREFETCH(p)	((void)(p))
#endif

/* How many leaks, or frames, ahead the page's writer fetches frames. */
#define HTML_AHEAD	8

/*
 * Fetch what numbering the frames of a leak reads: its symbolized
 * frames, or the map's slots for unknown frames.  With a million
 * distinct frames either is far more than any cache holds, and each
 * first read would wait for memory.  A map that grows before the
 * lookup makes the fetch wasted, never wrong.
 */
static void
html_prefetch(const struct html_report *r, const struct sel_leak *s)
{
	const struct html_fmap *m = &r->fmap;
	uint32_t i;

	for (i = 0; i < s->leak->nframes; i++) {
		if (s->frames[i] != r->unknown)
			PREFETCH(s->frames[i]);
		else if (m->nslots > 0)
			PREFETCH(&m->slots[frame_hash(&s->leak->frames[i]) &
			    (m->nslots - 1)]);
	}
}

/*
 * Make room in the frame map for every unknown frame of the view at
 * once: growing it step by step would move its slots again and again.
 */
static void
html_reserve(struct html_report *r, const struct sel_view *v)
{
	size_t i, j, n = 0;

	for (i = 0; i < v->nleaks; i++)
		for (j = 0; j < v->leaks[i].leak->nframes; j++)
			n += v->leaks[i].frames[j] == r->unknown;
	if (n > 0)
		fmap_room(&r->fmap, n);
}

/* The growing stacks the timeline draws, at most. */
#define HTML_GROW	5

static int
html_grow_cmp(const void *a, const void *b)
{
	return snap_grow_cmp(a, b);
}

/* Copy or restore the match counts of a pattern list. */
static void
html_counts(struct supp_list *l, uint64_t *c, int restore)
{
	size_t i;

	for (i = 0; l != NULL && i < l->npats; i++) {
		if (restore) {
			l->pats[i].leaks = c[2 * i];
			l->pats[i].bytes = c[2 * i + 1];
		} else {
			c[2 * i] = l->pats[i].leaks;
			c[2 * i + 1] = l->pats[i].bytes;
		}
	}
}

static size_t
html_npats(const struct supp_list *l)
{
	return l == NULL ? 0 : l->npats;
}

/*
 * The keys the report would show, as select.h chooses them: one leak
 * per key ever live, in key order.  page[key] is its stack's number in
 * the page, or -1; the stacks are written.  The counts of -S and -k
 * stay as they were: these are not leaks of the report.
 */
static long *
html_keys(struct html_report *r, const struct mproc *p, size_t *nshown)
{
	const struct snap_log *sl = p->snaps;
	size_t nkeys = snap_nstacks(sl) * SNAP_NKINDS, n = snap_count(sl);
	size_t at = 0, end, key, i, j, nf, nl;
	uint64_t fig[SNAP_NFIG], *counts;
	struct leak *const *leaks;
	struct sel_opts so = *r->sel;
	struct u64map bykey;
	struct sel_view v;
	struct mproc m;
	const struct leak_frame *f;
	const struct sel_leak *s;
	char *seen;
	long *page;
	unsigned set;
	void *k;

	seen = xcalloc(nkeys + 1, 1);
	page = xcalloc(nkeys + 1, sizeof(*page));
	end = snap_get(sl, n - 1)->end;
	while (at < end)
		seen[snap_next(sl, &at, fig, &set)] = 1;
	m = *p;
	m.leaks = leak_open();
	for (key = 0; key < nkeys; key++) {
		page[key] = -1;
		if (!seen[key])
			continue;
		f = snap_frames(sl, key / SNAP_NKINDS, &nf);
		leak_add_kind(m.leaks, f, nf, 1, 1, snap_kind(key));
	}
	memset(&bykey, 0, sizeof(bykey));
	leaks = leak_list(m.leaks, &nl);
	for (i = 0, key = 0; i < nl; i++, key++) {
		while (!seen[key])
			key++;
		u64map_put(&bykey, (uint64_t)(uintptr_t)leaks[i],
		    (void *)(uintptr_t)(key + 1));
	}
	counts = xcalloc(2 * (html_npats(so.supp) + html_npats(so.keep)) + 1,
	    sizeof(*counts));
	html_counts(so.supp, counts, 0);
	html_counts(so.keep, counts + 2 * html_npats(so.supp), 0);
	so.top = 0;
	so.base = NULL;
	sel_proc(&so, &m, &v);
	html_counts(so.supp, counts, 1);
	html_counts(so.keep, counts + 2 * html_npats(so.supp), 1);
	/* The chosen in key order: their place in v for now. */
	for (i = 0; i < v.nleaks; i++) {
		k = u64map_get(&bykey, (uint64_t)(uintptr_t)v.leaks[i].leak);
		if (k != NULL)
			page[(uintptr_t)k - 1] = (long)i;
	}
	*nshown = 0;
	out_str(r->out, "\"stacks\": [");
	for (key = 0; key < nkeys; key++) {
		if (page[key] == -1)
			continue;
		s = &v.leaks[page[key]];
		page[key] = (long)(*nshown)++;
		out_str(r->out, page[key] == 0 ? "\n[" : ",\n[");
		out_i64(r->out, str_index(r, leak_kindname(snap_kind(key))));
		out_str(r->out, ",[");
		for (j = 0; j < s->leak->nframes; j++) {
			if (j > 0)
				out_char(r->out, ',');
			out_u64(r->out, frame_index(r, &s->leak->frames[j],
			    s->frames[j]));
		}
		out_str(r->out, "]]");
	}
	out_str(r->out, "]");
	sel_free(&v);
	leak_close(m.leaks);
	u64map_free(&bykey);
	free(counts);
	free(seen);
	return page;
}

/* The snapshots of a process, "snaps" of the page's data. */
static void
html_snaps(struct html_report *r, const struct mproc *p, uint32_t atnum)
{
	const struct snap_log *sl = p->snaps;
	const struct snap_head *h, *first = snap_get(sl, 0);
	struct snap_grow *g;
	struct out *o = r->out;
	size_t i, k, n = snap_count(sl), ng, nshown, at = 0, key;
	uint64_t fig[SNAP_NFIG];
	long *page;
	unsigned set;
	int any;

	out_str(o, ",\n\"snaps\": {\"at\": ");
	out_u64(o, atnum);
	out_str(o, ", ");
	page = html_keys(r, p, &nshown);
	out_str(o, ",\n\"grow\": [");
	g = snap_growth(sl, &ng);
	for (i = 0, k = 0; i < ng; i++)
		if (page[g[i].key] != -1 && g[i].grew > 0)
			g[k++] = g[i];
	qsort(g, k, sizeof(*g), html_grow_cmp);
	for (i = 0; i < k && i < HTML_GROW; i++) {
		if (i > 0)
			out_char(o, ',');
		out_i64(o, page[g[i].key]);
	}
	free(g);
	out_str(o, "],\n\"list\": [");
	for (i = 0; i < n; i++) {
		h = snap_get(sl, i);
		out_str(o, i == 0 ? "\n[" : ",\n[");
		out_u64(o, h->num);
		out_char(o, ',');
		out_u64(o, (h->mono - first->mono) / 1000000);
		out_char(o, ',');
		out_u64(o, h->bytes);
		out_char(o, ',');
		out_u64(o, h->blocks);
		for (k = 0; k < SNAP_NKINDS; k++) {
			out_char(o, ',');
			out_u64(o, h->kbytes[k]);
		}
		for (k = 0; k < SNAP_NKINDS; k++) {
			out_char(o, ',');
			out_u64(o, h->kblocks[k]);
		}
		out_str(o, ",[");
		for (any = 0; at < h->end;) {
			key = snap_next(sl, &at, fig, &set);
			/* The page shows live figures; old ones are not its. */
			if (page[key] == -1 || set != SNAP_SETLIVE)
				continue;
			if (any++)
				out_char(o, ',');
			out_i64(o, page[key]);
			out_char(o, ',');
			out_u64(o, fig[SNAP_BYTES]);
			out_char(o, ',');
			out_u64(o, fig[SNAP_BLOCKS]);
		}
		out_str(o, "]]");
	}
	out_str(o, "]}");
	free(page);
}

void
html_proc(struct html_report *r, const struct mproc *p,
    const struct sel_view *v, uint32_t at)
{
	struct out *o = r->out;
	size_t i;

	html_reserve(r, v);
	out_str(o, r->nprocs++ > 0 ? ",\n{\"pid\": " : "\n{\"pid\": ");
	out_i64(o, p->pid);
	out_str(o, ", \"command\": ");
	report_json_string(o, p->comm, 1);
	out_str(o, ", \"summary\": ");
	report_json_totals(o, &v->tot);
	out_str(o, ",\n\"leaks\": [");
	for (i = 0; i < v->nleaks; i++) {
		if (i + HTML_AHEAD < v->nleaks)
			html_prefetch(r, &v->leaks[i + HTML_AHEAD]);
		out_str(o, i == 0 ? "\n" : ",\n");
		html_leak(r, p, &v->leaks[i]);
	}
	out_char(o, ']');
	if (p->snaps != NULL && snap_count(p->snaps) > 0 && r->sel != NULL &&
	    !r->compare)
		html_snaps(r, p, at);
	out_char(o, '}');
}

/* One frame of "frames": its object, offset and inline chain. */
static void
html_frame(struct html_report *r, const struct html_frame *f)
{
	const struct sym_frame *sf = f->sf;
	const struct sym_loc *l;
	struct out *o = r->out;
	size_t i;

	out_char(o, '[');
	out_i64(o, str_index(r, names_path(r->nm, f->object)));
	out_str(o, ",\"");
	out_hex(o, f->offset);
	out_str(o, "\",[");
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		if (i > 0)
			out_char(o, ',');
		out_i64(o, str_index(r, names_function(r->nm, l->function)));
		out_char(o, ',');
		out_i64(o, str_index(r, names_path(r->nm, l->file)));
		out_char(o, ',');
		out_u64(o, l->line);
	}
	out_str(o, "]]");
}

void
html_close(struct html_report *r, const struct sel_totals *tot)
{
	struct out *o = r->out;
	size_t i;

	out_str(o, "],\n\"frames\": [");
	/* Strings are numbered here, so "strings" comes last. */
	for (i = 0; i < r->nframes; i++) {
		if (i + HTML_AHEAD < r->nframes)
			PREFETCH(r->frames[i + HTML_AHEAD].sf);
		out_str(o, i == 0 ? "\n" : ",\n");
		html_frame(r, &r->frames[i]);
	}
	out_str(o, "],\n\"strings\": [");
	for (i = 0; i < r->nstrs; i++) {
		out_str(o, i == 0 ? "\n" : ",\n");
		report_json_string(o, r->strs[i], 1);
	}
	out_str(o, "],\n\"summary\": ");
	report_json_totals(o, tot);
	out_str(o, "}\n");
	put_lines(o, html_page_tail);
	free(r->strmap.slots);
	free(r->strs);
	free(r->frames);
	free(r->fmap.slots);
	free(r);
}
