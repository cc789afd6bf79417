/*
 * report.c: printing leaks.  The text report keeps the seed tool's
 * shape; JSON is for tools; folded stacks feed flame-graph tools.
 *
 * Nothing printed depends on the run (no times, no ASLR addresses), so
 * the same trace always gives the same report.  Every frame shows what
 * the trace holds even when the symbolizer knows nothing of it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

struct report {
	FILE			*out;
	enum report_format	 format;
	struct symbolizer	*sym;
	int			 nprocs;	/* JSON: processes printed */
};

struct report *
report_open(FILE *out, enum report_format format, struct symbolizer *sym)
{
	struct report *r;

	r = xcalloc(1, sizeof(*r));
	r->out = out;
	r->format = format;
	r->sym = sym;
	if (format == REPORT_JSON)
		fputs("{\n  \"processes\": [", out);
	return r;
}

void
report_close(struct report *r)
{
	if (r->format == REPORT_JSON)
		fputs(r->nprocs > 0 ? "\n  ]\n}\n" : "]\n}\n", r->out);
	free(r);
}

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "??";
}

/* "object+0xoffset", with "??" for an object id the trace never named. */
static void
text_where(FILE *out, const struct leak_frame *f)
{
	fprintf(out, " (%s+0x%" PRIx64 ")", or_unknown(f->object), f->offset);
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
		fprintf(r->out, "%s%s at %s:%lu", i == 0 ? " " :
		    "  (inlined by) ", or_unknown(l->function),
		    or_unknown(l->file), l->line);
		/* Without a line, the object and offset say where. */
		if (i == 0 && (l->file == NULL || l->function == NULL))
			text_where(r->out, f);
		fputc('\n', r->out);
	}
}

static uint64_t
avg(const struct leak *l)
{
	return l->count == 0 ? 0 : l->sum / l->count;
}

static void
text_proc(struct report *r, const struct mproc *p, int header)
{
	const struct leak *l;
	size_t i, j;

	if (header)
		fprintf(r->out, "Process %" PRId32 " (%s)\n", p->pid, p->comm);
	for (i = 0; i < p->leaks.nleaks; i++) {
		l = p->leaks.leaks[i];
		fprintf(r->out, "Leak sum=%" PRIu64 " count=%" PRIu64
		    " avg=%" PRIu64 "\n", l->sum, l->count, avg(l));
		for (j = 0; j < l->nframes; j++)
			text_frame(r, &l->frames[j]);
		fputc('\n', r->out);
	}
}

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
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
		} else if ((n = utf8_len(p)) == 0) {
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
	json_string(r->out, f->object);
	fprintf(r->out, ",\n              \"offset\": %" PRIu64 ",\n"
	    "              \"locations\": [\n", f->offset);
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		fputs("                {\"function\": ", r->out);
		json_string(r->out, l->function);
		fputs(", \"file\": ", r->out);
		json_string(r->out, l->file);
		if (l->line == 0)
			fputs(", \"line\": null}", r->out);
		else
			fprintf(r->out, ", \"line\": %lu}", l->line);
		fputs(i + 1 < sf->nlocs ? ",\n" : "\n", r->out);
	}
	fprintf(r->out, "              ]\n            }%s\n", last ? "" : ",");
}

static void
json_proc(struct report *r, const struct mproc *p)
{
	const struct leak *l;
	size_t i, j;

	fprintf(r->out, "%s\n    {\n      \"pid\": %" PRId32
	    ",\n      \"command\": ", r->nprocs++ > 0 ? "," : "", p->pid);
	json_string(r->out, p->comm);
	fputs(",\n      \"leaks\": [", r->out);
	for (i = 0; i < p->leaks.nleaks; i++) {
		l = p->leaks.leaks[i];
		fprintf(r->out, "%s\n        {\n          \"bytes\": %" PRIu64
		    ",\n          \"count\": %" PRIu64 ",\n"
		    "          \"frames\": [", i > 0 ? "," : "", l->sum,
		    l->count);
		if (l->nframes > 0)
			fputc('\n', r->out);
		for (j = 0; j < l->nframes; j++)
			json_frame(r, &l->frames[j], j + 1 == l->nframes);
		fputs(l->nframes > 0 ? "          ]\n        }" : "]\n        }",
		    r->out);
	}
	fputs(p->leaks.nleaks > 0 ? "\n      ]\n    }" : "]\n    }", r->out);
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
			folded_name(r->out, sf->locs[i - 1].function);
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
folded_proc(struct report *r, const struct mproc *p, int header)
{
	const struct leak *l;
	size_t i, j;
	int sep;

	for (i = 0; i < p->leaks.nleaks; i++) {
		l = p->leaks.leaks[i];
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
		fprintf(r->out, " %" PRIu64 "\n", l->sum);
	}
}

void
report_proc(struct report *r, const struct mproc *p, int header)
{
	switch (r->format) {
	case REPORT_TEXT:
		text_proc(r, p, header);
		break;
	case REPORT_JSON:
		json_proc(r, p);
		break;
	case REPORT_FOLDED:
		folded_proc(r, p, header);
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
