/*
 * report_html.c: -o html, one HTML page that shows the report without
 * anything else: the page (src/html/, compiled in as report_page.c)
 * with the report embedded as JSON in a <script type="application/json">
 * element, which the page's script reads and draws.
 *
 * The JSON is the page's private format, written to be small, not a
 * public interface (that is -o json).  Names repeat across leaks, so
 * every string is written once in "strings" and every distinct frame
 * (object and offset) once in "frames"; leaks refer to them by index:
 *
 *   {"v": 1, "compare": B, "hidden": B, "top": B,
 *    "processes": [{"pid": N, "command": S, "summary": T,
 *                   "leaks": [[bytes, count, [frame...], kind,
 *                              growth bytes, growth count, new], ...]}],
 *    "frames": [[object, "hex offset", [function, file, line, ...]]],
 *    "strings": [S, ...], "summary": T}
 *
 * A leak's frames are innermost first and each frame's locations are its
 * inline chain, innermost first, three values each, as sym.h gives them.
 * A string index of -1 is unknown (null), line 0 unknown; kind is a
 * string index, -1 when the trace gives no kinds; the growth and "new" (0
 * or 1) are there with -b only.  T is {"leaks", "bytes", "allocations",
 * "suppressed", "hidden", "shown"} as select.h counts them.
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
#include "strpool.h"
#include "sym.h"
#include "xmalloc.h"

/* An interned pointer and a number: a string (v 0) or a frame. */
struct html_slot {
	const char	*p;
	uint64_t	 v;
	uint32_t	 id;		/* index in its list + 1; 0: free */
};

struct html_map {
	struct html_slot *slots;
	size_t		  nslots;	/* a power of two, or 0 */
	size_t		  n;
};

/* A distinct frame, in order of first use. */
struct html_frame {
	const char	*object;	/* interned by the leak table */
	uint64_t	 offset;
};

struct html_report {
	struct out		*out;
	struct symbolizer	*sym;
	struct names		*nm;
	int			 compare;
	int			 hidden;
	int			 top;
	int			 nprocs;
	struct html_map		 strmap;
	const char		**strs;		/* interned, by index */
	size_t			 nstrs;
	size_t			 strcap;
	struct html_map		 framemap;
	struct html_frame	*frames;	/* by index */
	size_t			 nframes;
	size_t			 framecap;
};

static uint64_t
map_hash(const char *p, uint64_t v)
{
	return hash_fmix(hash_word(hash_word(HASH_INIT,
	    (uint64_t)(uintptr_t)p), v));
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
		j = map_hash(old[i].p, old[i].v) & (m->nslots - 1);
		while (m->slots[j].id != 0)
			j = (j + 1) & (m->nslots - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

/*
 * The slot of (p, v): the one holding it, or the free one where it
 * goes, its id then 0 for the caller to set.
 */
static struct html_slot *
map_find(struct html_map *m, const char *p, uint64_t v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->nslots)
		map_grow(m);
	i = map_hash(p, v) & (m->nslots - 1);
	while (m->slots[i].id != 0 &&
	    (m->slots[i].p != p || m->slots[i].v != v))
		i = (i + 1) & (m->nslots - 1);
	return &m->slots[i];
}

/* The index of a string in "strings", -1 for NULL. */
static long
str_index(struct html_report *r, const char *s)
{
	struct html_slot *sl;

	if (s == NULL)
		return -1;
	/* Equal texts behind different pointers are written once. */
	s = strpool_intern(s, strlen(s));
	sl = map_find(&r->strmap, s, 0);
	if (sl->id == 0) {
		if (r->nstrs == r->strcap) {
			r->strcap = r->strcap == 0 ? 64 : r->strcap * 2;
			r->strs = xreallocarray(r->strs, r->strcap,
			    sizeof(*r->strs));
		}
		r->strs[r->nstrs++] = s;
		sl->p = s;
		sl->id = (uint32_t)r->nstrs;
		r->strmap.n++;
	}
	return (long)sl->id - 1;
}

/* The index of a frame in "frames". */
static size_t
frame_index(struct html_report *r, const struct leak_frame *f)
{
	struct html_slot *sl;

	sl = map_find(&r->framemap, f->object, f->offset);
	if (sl->id == 0) {
		if (r->nframes == r->framecap) {
			r->framecap = r->framecap == 0 ? 64 : r->framecap * 2;
			r->frames = xreallocarray(r->frames, r->framecap,
			    sizeof(*r->frames));
		}
		r->frames[r->nframes].object = f->object;
		r->frames[r->nframes++].offset = f->offset;
		sl->p = f->object;
		sl->v = f->offset;
		sl->id = (uint32_t)r->nframes;
		r->framemap.n++;
	}
	return sl->id - 1;
}

static void
json_totals(struct out *o, const struct sel_totals *t)
{
	out_str(o, "{\"leaks\": ");
	out_u64(o, t->leaks);
	out_str(o, ", \"bytes\": ");
	out_u64(o, t->bytes);
	out_str(o, ", \"allocations\": ");
	out_u64(o, t->allocs);
	out_str(o, ", \"suppressed\": ");
	out_u64(o, t->suppressed);
	out_str(o, ", \"hidden\": ");
	out_u64(o, t->hidden);
	out_str(o, ", \"shown\": ");
	out_u64(o, t->shown);
	out_char(o, '}');
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
    int compare, int hidden, int top)
{
	struct html_report *r;

	r = xcalloc(1, sizeof(*r));
	r->out = out;
	r->sym = sym;
	r->nm = nm;
	r->compare = compare;
	r->hidden = hidden;
	r->top = top;
	put_lines(out, html_page_head);
	json_bool(out, "{\"v\": 1, \"compare\": ", compare);
	json_bool(out, ", \"hidden\": ", hidden);
	json_bool(out, ", \"top\": ", top);
	out_str(out, ",\n\"processes\": [");
	return r;
}

static void
html_leak(struct html_report *r, const struct sel_leak *s)
{
	const struct leak *l = s->leak;
	struct out *o = r->out;
	uint32_t i;

	out_char(o, '[');
	out_u64(o, l->sum);
	out_char(o, ',');
	out_u64(o, l->count);
	out_str(o, ",[");
	for (i = 0; i < l->nframes; i++) {
		if (i > 0)
			out_char(o, ',');
		out_u64(o, frame_index(r, &l->frames[i]));
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
	out_char(o, ']');
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p)	__builtin_prefetch(p)
#else
#define PREFETCH(p)	((void)(p))
#endif

/* How many leaks ahead html_proc() fetches the frame slots. */
#define HTML_AHEAD	8

/*
 * Fetch the slots the frames of a leak will probe: with a million
 * distinct frames the frame map is far larger than any cache, and each
 * first probe would wait for memory.  A slot array that grows before
 * the lookup makes the fetch wasted, never wrong.
 */
static void
html_prefetch(const struct html_report *r, const struct leak *l)
{
	const struct html_map *m = &r->framemap;
	uint32_t i;

	if (m->nslots == 0)
		return;
	for (i = 0; i < l->nframes; i++)
		PREFETCH(&m->slots[map_hash(l->frames[i].object,
		    l->frames[i].offset) & (m->nslots - 1)]);
}

void
html_proc(struct html_report *r, const struct mproc *p,
    const struct sel_view *v)
{
	struct out *o = r->out;
	size_t i;

	out_str(o, r->nprocs++ > 0 ? ",\n{\"pid\": " : "\n{\"pid\": ");
	out_i64(o, p->pid);
	out_str(o, ", \"command\": ");
	report_json_string(o, p->comm, 1);
	out_str(o, ", \"summary\": ");
	json_totals(o, &v->tot);
	out_str(o, ",\n\"leaks\": [");
	for (i = 0; i < v->nleaks; i++) {
		if (i + HTML_AHEAD < v->nleaks)
			html_prefetch(r, v->leaks[i + HTML_AHEAD].leak);
		out_str(o, i == 0 ? "\n" : ",\n");
		html_leak(r, &v->leaks[i]);
	}
	out_str(o, "]}");
}

/* One frame of "frames": its object, offset and inline chain. */
static void
html_frame(struct html_report *r, const struct html_frame *f)
{
	const struct sym_frame *sf;
	const struct sym_loc *l;
	struct out *o = r->out;
	size_t i;

	sf = sym_lookup(r->sym, f->object, f->offset);
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
		out_str(o, i == 0 ? "\n" : ",\n");
		html_frame(r, &r->frames[i]);
	}
	out_str(o, "],\n\"strings\": [");
	for (i = 0; i < r->nstrs; i++) {
		out_str(o, i == 0 ? "\n" : ",\n");
		report_json_string(o, r->strs[i], 1);
	}
	out_str(o, "],\n\"summary\": ");
	json_totals(o, tot);
	out_str(o, "}\n");
	put_lines(o, html_page_tail);
	free(r->strmap.slots);
	free(r->strs);
	free(r->framemap.slots);
	free(r->frames);
	free(r);
}
