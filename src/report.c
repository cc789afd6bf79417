/*
 * report.c: printing leaks.  The text report keeps the seed tool's
 * shape; JSON is for tools; folded stacks feed flame-graph tools.
 *
 * Nothing printed depends on the run (no times, no ASLR addresses), so
 * the same trace always gives the same report.  Every frame shows what
 * the trace holds even when the symbolizer knows nothing of it.
 *
 * It prints the leaks select.c chose, names as names.c shows them, and
 * a summary of the totals: a line after each process and one at the
 * end in text, "summary" objects in JSON, nothing in folded stacks
 * (whose every line is a stack).  It does not choose or order leaks.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_html.h"
#include "xmalloc.h"

/*
 * The text report goes through a buffer of its own: stdio takes a lock
 * on every call, and a report of many frames makes many calls.
 */
#define REPORT_BUFLEN	(64 * 1024)

struct report {
	FILE			*out;
	struct report_opts	 o;
	enum report_format	 format;
	struct symbolizer	*sym;
	struct names		*nm;
	int			 nprocs;	/* JSON: processes printed */
	struct sel_totals	 tot;		/* of every process */
	struct html_report	*html;		/* -o html */
	size_t			 buflen;
	char			 buf[REPORT_BUFLEN];
};

static void
out_flush(struct report *r)
{
	if (r->buflen > 0)
		fwrite(r->buf, 1, r->buflen, r->out);
	r->buflen = 0;
}

static void
out_mem(struct report *r, const char *s, size_t n)
{
	if (n > REPORT_BUFLEN - r->buflen) {
		out_flush(r);
		if (n > REPORT_BUFLEN) {
			fwrite(s, 1, n, r->out);
			return;
		}
	}
	memcpy(r->buf + r->buflen, s, n);
	r->buflen += n;
}

static void
out_str(struct report *r, const char *s)
{
	out_mem(r, s, strlen(s));
}

/* A number in decimal, without printf: the report prints many. */
static void
out_u64(struct report *r, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	out_mem(r, p, (size_t)(b + sizeof(b) - p));
}

struct report *
report_open(FILE *out, const struct report_opts *o)
{
	struct report *r;

	r = xcalloc(1, sizeof(*r));
	r->out = out;
	r->o = *o;
	r->format = o->format;
	r->sym = o->sym;
	r->nm = o->names;
	if (r->format == REPORT_JSON)
		fputs("{\n  \"processes\": [", out);
	if (r->format == REPORT_HTML)
		r->html = html_open(out, o->sym, o->names, o->compare,
		    o->hidden, o->top);
	return r;
}

/*
 * "leaks=2 bytes=49152 allocations=11 suppressed=0", in the shape of the
 * Leak line so that scripts read both alike; hidden= and shown= only
 * when -k, -b or -n can make them differ from leaks=.
 */
static void
text_totals(const struct report *r, const struct sel_totals *t)
{
	fprintf(r->out, "leaks=%" PRIu64 " bytes=%" PRIu64 " allocations=%"
	    PRIu64 " suppressed=%" PRIu64, t->leaks, t->bytes, t->allocs,
	    t->suppressed);
	if (r->o.hidden)
		fprintf(r->out, " hidden=%" PRIu64, t->hidden);
	if (r->o.top)
		fprintf(r->out, " shown=%" PRIu64, t->shown);
	fputc('\n', r->out);
}

static void
json_totals(const struct report *r, const struct sel_totals *t,
    const char *indent)
{
	fprintf(r->out, "%s\"summary\": {\"leaks\": %" PRIu64 ", "
	    "\"bytes\": %" PRIu64 ", \"allocations\": %" PRIu64 ", "
	    "\"suppressed\": %" PRIu64 ", \"hidden\": %" PRIu64 ", "
	    "\"shown\": %" PRIu64 "}", indent, t->leaks, t->bytes, t->allocs,
	    t->suppressed, t->hidden, t->shown);
}

void
report_close(struct report *r)
{
	if (r->format == REPORT_JSON) {
		fputs(r->nprocs > 0 ? "\n  ],\n" : "],\n", r->out);
		json_totals(r, &r->tot, "  ");
		fputs("\n}\n", r->out);
	} else if (r->format == REPORT_TEXT) {
		fputs("Summary ", r->out);
		text_totals(r, &r->tot);
	} else if (r->format == REPORT_HTML)
		html_close(r->html, &r->tot);
	free(r);
}

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "??";
}

/* "object+0xoffset", with "??" for an object id the trace never named. */
static void
text_where(struct report *r, const struct leak_frame *f)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "+0x%" PRIx64 ")", f->offset);
	out_str(r, " (");
	out_str(r, or_unknown(names_path(r->nm, f->object)));
	out_str(r, hex);
}

static void
text_frame(struct report *r, const struct leak_frame *f)
{
	const struct sym_frame *sf;
	const struct sym_loc *l;
	size_t i;

	sf = sym_lookup(r->sym, f->object, f->offset);
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		out_str(r, i == 0 ? " " : "  (inlined by) ");
		out_str(r, or_unknown(names_function(r->nm, l->function)));
		out_str(r, " at ");
		out_str(r, or_unknown(names_path(r->nm, l->file)));
		out_mem(r, ":", 1);
		out_u64(r, l->line);
		/* Without a line, the object and offset say where. */
		if (i == 0 && (l->file == NULL || l->function == NULL))
			text_where(r, f);
		out_mem(r, "\n", 1);
	}
}

static uint64_t
avg(const struct leak *l)
{
	return l->count == 0 ? 0 : l->sum / l->count;
}

/* With -b, what the Leak line adds: how the stack compares. */
static void
text_growth(struct report *r, const struct cmp_growth *g)
{
	if (!r->o.compare)
		return;
	if (g->isnew) {
		out_str(r, " new");
		return;
	}
	out_str(r, " grown sum=+");
	out_u64(r, g->sum);
	out_str(r, " count=+");
	out_u64(r, g->count);
}

static void
text_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	const struct leak *l;
	size_t i, j;

	if (header)
		fprintf(r->out, "Process %" PRId32 " (%s)\n", p->pid, p->comm);
	for (i = 0; i < v->nleaks; i++) {
		l = v->leaks[i].leak;
		out_str(r, "Leak sum=");
		out_u64(r, l->sum);
		out_str(r, " count=");
		out_u64(r, l->count);
		out_str(r, " avg=");
		out_u64(r, avg(l));
		text_growth(r, &v->leaks[i].growth);
		out_mem(r, "\n", 1);
		for (j = 0; j < l->nframes; j++)
			text_frame(r, &l->frames[j]);
		out_mem(r, "\n", 1);
	}
	out_flush(r);
	if (header) {
		fprintf(r->out, "Summary pid=%" PRId32 " ", p->pid);
		text_totals(r, &v->tot);
	}
}

size_t
report_utf8len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * A JSON string.  Bytes that are not valid UTF-8 become the code point
 * of the same number, so the document stays valid whatever a path holds.
 */
static void
json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else if ((n = report_utf8len(p)) == 0) {
			fprintf(out, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
	fputc('"', out);
}

static void
json_frame(struct report *r, const struct leak_frame *f, int last)
{
	const struct sym_frame *sf;
	const struct sym_loc *l;
	size_t i;

	sf = sym_lookup(r->sym, f->object, f->offset);
	fputs("            {\n              \"object\": ", r->out);
	json_string(r->out, names_path(r->nm, f->object));
	fprintf(r->out, ",\n              \"offset\": %" PRIu64 ",\n"
	    "              \"locations\": [\n", f->offset);
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		fputs("                {\"function\": ", r->out);
		json_string(r->out, names_function(r->nm, l->function));
		fputs(", \"file\": ", r->out);
		json_string(r->out, names_path(r->nm, l->file));
		if (l->line == 0)
			fputs(", \"line\": null}", r->out);
		else
			fprintf(r->out, ", \"line\": %lu}", l->line);
		fputs(i + 1 < sf->nlocs ? ",\n" : "\n", r->out);
	}
	fprintf(r->out, "              ]\n            }%s\n", last ? "" : ",");
}

/* With -b: "new" and "growth" after the count. */
static void
json_growth(struct report *r, const struct cmp_growth *g)
{
	if (!r->o.compare)
		return;
	fprintf(r->out, "          \"new\": %s,\n          \"growth\": "
	    "{\"bytes\": %" PRIu64 ", \"count\": %" PRIu64 "},\n",
	    g->isnew ? "true" : "false", g->sum, g->count);
}

static void
json_proc(struct report *r, const struct mproc *p, const struct sel_view *v)
{
	const struct leak *l;
	size_t i, j;

	fprintf(r->out, "%s\n    {\n      \"pid\": %" PRId32
	    ",\n      \"command\": ", r->nprocs++ > 0 ? "," : "", p->pid);
	json_string(r->out, p->comm);
	fputs(",\n      \"leaks\": [", r->out);
	for (i = 0; i < v->nleaks; i++) {
		l = v->leaks[i].leak;
		fprintf(r->out, "%s\n        {\n          \"bytes\": %" PRIu64
		    ",\n          \"count\": %" PRIu64 ",\n", i > 0 ? "," : "",
		    l->sum, l->count);
		json_growth(r, &v->leaks[i].growth);
		fputs("          \"frames\": [", r->out);
		if (l->nframes > 0)
			fputc('\n', r->out);
		for (j = 0; j < l->nframes; j++)
			json_frame(r, &l->frames[j], j + 1 == l->nframes);
		fputs(l->nframes > 0 ? "          ]\n        }" : "]\n        }",
		    r->out);
	}
	fputs(v->nleaks > 0 ? "\n      ],\n" : "],\n", r->out);
	json_totals(r, &v->tot, "      ");
	fputs("\n    }", r->out);
}

/* A folded-stack frame name: no ';' and no newline may appear in it. */
static void
folded_name(FILE *out, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == ';' || *s == '\n' ? '_' : *s, out);
}

static void
folded_frame(struct report *r, const struct leak_frame *f, int *sep)
{
	const struct sym_frame *sf;
	const char *base;
	size_t i;

	sf = sym_lookup(r->sym, f->object, f->offset);
	/* The chain is innermost first; folded stacks are outermost first. */
	for (i = sf->nlocs; i > 0; i--) {
		if ((*sep)++ > 0)
			fputc(';', r->out);
		if (sf->locs[i - 1].function != NULL) {
			folded_name(r->out, names_function(r->nm,
			    sf->locs[i - 1].function));
			continue;
		}
		if (f->object == NULL)
			base = "??";
		else if ((base = strrchr(f->object, '/')) != NULL)
			base++;
		else
			base = f->object;
		folded_name(r->out, base);
		fprintf(r->out, "+0x%" PRIx64, f->offset);
	}
}

static void
folded_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	const struct leak *l;
	size_t i, j;
	int sep;

	for (i = 0; i < v->nleaks; i++) {
		l = v->leaks[i].leak;
		sep = 0;
		/* With several processes, each is a root of the graph. */
		if (header) {
			folded_name(r->out, p->comm);
			fprintf(r->out, " (%" PRId32 ")", p->pid);
			sep = 1;
		}
		for (j = l->nframes; j > 0; j--)
			folded_frame(r, &l->frames[j - 1], &sep);
		if (l->nframes == 0)
			fputs(sep ? ";[anonymous]" : "[anonymous]", r->out);
		/* With -b the graph shows where the leaks grew. */
		fprintf(r->out, " %" PRIu64 "\n", r->o.compare ?
		    v->leaks[i].growth.sum : l->sum);
	}
}

void
report_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	sel_sum(&r->tot, &v->tot);
	switch (r->format) {
	case REPORT_TEXT:
		text_proc(r, p, v, header);
		break;
	case REPORT_JSON:
		json_proc(r, p, v);
		break;
	case REPORT_FOLDED:
		folded_proc(r, p, v, header);
		break;
	case REPORT_HTML:
		html_proc(r->html, p, v);
		break;
	}
}

void
report_dump(FILE *out, const struct mproc *p, int header)
{
	if (header)
		fprintf(out, "Process %" PRId32 " (%s)\n", p->pid, p->comm);
	if (p->dumplen > 0)
		fwrite(p->dump, 1, p->dumplen, out);
}
