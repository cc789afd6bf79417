/*
 * report.c: printing leaks.  The text report keeps the original mdump's
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leak.h"
#include "mrec.h"
#include "names.h"
#include "out.h"
#include "report.h"
#include "report_html.h"
#include "select.h"
#include "snap.h"
#include "sym.h"
#include "u64map.h"
#include "version.h"
#include "xmalloc.h"

/* JSON: frame names seen needing no escape, by address (json_name). */
#define JSON_SEEN	4096

struct json_seen {
	const char	*s;		/* NULL: a free slot */
	size_t		 len;
};

/* What a process's last section printed adds to the summary. */
struct proc_total {
	struct sel_totals	 tot;
	int			 untraced;
};

struct report {
	struct out		*out;
	struct report_opts	 o;
	int			 nprocs;	/* JSON: processes printed */
	struct sel_totals	 tot;		/* of every process, at close */
	struct u64map		 last;		/* mproc: struct proc_total */
	uint64_t		 untraced;	/* processes not traced, at close */
	uint64_t		 traced;	/* the others, at close */
	struct json_seen	 seen[JSON_SEEN];
	struct html_report	*html;		/* -o html */
	const struct report_snap *snap;		/* of the process printed */
};

struct report *
report_open(FILE *fp, const struct report_opts *o)
{
	struct report *r;

	r = xcalloc(1, sizeof(*r));
	r->out = out_open(fp);
	r->o = *o;
	if (r->o.format == REPORT_JSON)
		out_str(r->out, "{\n  \"mdump_version\": \"" MDUMP_VERSION
		    "\",\n  \"processes\": [");
	if (r->o.format == REPORT_HTML)
		r->html = html_open(r->out, o->sym, o->names, o->sel,
		    o->compare, o->hidden, o->top);
	return r;
}

/* Did the trace give kinds to any of these leaks? */
static int
has_kinds(const struct sel_totals *t)
{
	int k;

	for (k = LEAK_DEFINITE; k < LEAK_NKINDS; k++)
		if (t->kleaks[k] > 0)
			return 1;
	return 0;
}

/*
 * "leaks=2 bytes=49152 allocations=11 suppressed=0", in the shape of the
 * Leak line so that scripts read both alike; hidden= and shown= only
 * when -k, -b or -n can make them differ from leaks=.  With kinds, the
 * bytes and allocations of each, as in valgrind's leak summary:
 * "definite=1001/1 indirect=0/0 possible=0/0 reachable=8192/1".  Then,
 * if some processes were not traced, how many: "untraced=1".
 */
static void
text_totals(struct report *r, const struct sel_totals *t, uint64_t untraced)
{
	struct out *o = r->out;
	int k;

	out_str(o, "leaks=");
	out_u64(o, t->leaks);
	out_str(o, " bytes=");
	out_u64(o, t->bytes);
	out_str(o, " allocations=");
	out_u64(o, t->allocs);
	out_str(o, " suppressed=");
	out_u64(o, t->suppressed);
	if (r->o.hidden) {
		out_str(o, " hidden=");
		out_u64(o, t->hidden);
	}
	if (r->o.top) {
		out_str(o, " shown=");
		out_u64(o, t->shown);
	}
	for (k = LEAK_DEFINITE; k < LEAK_NKINDS && has_kinds(t); k++) {
		out_char(o, ' ');
		out_str(o, leak_kindname((enum leak_kind)k));
		out_char(o, '=');
		out_u64(o, t->kbytes[k]);
		out_char(o, '/');
		out_u64(o, t->kallocs[k]);
	}
	if (untraced > 0) {
		out_str(o, " untraced=");
		out_u64(o, untraced);
	}
	out_char(o, '\n');
}

void
report_json_totals(struct out *o, const struct sel_totals *t)
{
	int k;

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
	for (k = LEAK_DEFINITE; k < LEAK_NKINDS && has_kinds(t); k++) {
		out_str(o, k == LEAK_DEFINITE ? ", \"kinds\": {\"" : ", \"");
		out_str(o, leak_kindname((enum leak_kind)k));
		out_str(o, "\": {\"bytes\": ");
		out_u64(o, t->kbytes[k]);
		out_str(o, ", \"allocations\": ");
		out_u64(o, t->kallocs[k]);
		out_str(o, k + 1 == LEAK_NKINDS ? "}}" : "}");
	}
	out_char(o, '}');
}

/* "summary": and the totals, after indent. */
static void
json_totals(struct report *r, const struct sel_totals *t, const char *indent)
{
	out_str(r->out, indent);
	out_str(r->out, "\"summary\": ");
	report_json_totals(r->out, t);
}

/*
 * Count p's section in the summary.  Follow mode (-l) prints a process
 * once for each snapshot and again for its report at exit: the last
 * one printed is what the process counts for, once.
 */
static void
count_proc(struct report *r, const struct mproc *p,
    const struct sel_totals *tot)
{
	struct proc_total *pt = u64map_get(&r->last, (uintptr_t)p);

	if (pt == NULL) {
		pt = xcalloc(1, sizeof(*pt));
		u64map_put(&r->last, (uintptr_t)p, pt);
	}
	pt->tot = *tot;
	pt->untraced = p->untraced != NULL;
}

/*
 * The summary of every process's last section, and how many processes
 * were traced and not; frees what counted them.
 */
static void
sum_procs(struct report *r)
{
	struct proc_total *pt;
	size_t i;

	for (i = 0; i < r->last.nslots; i++)
		if ((pt = r->last.vals[i]) != NULL) {
			sel_sum(&r->tot, &pt->tot);
			if (pt->untraced)
				r->untraced++;
			else
				r->traced++;
			free(pt);
		}
	u64map_free(&r->last);
}

int
report_close(struct report *r)
{
	int rv;

	sum_procs(r);
	switch (r->o.format) {
	case REPORT_JSON:
		if (r->o.snaplist) {
			out_str(r->out, r->nprocs > 0 ? "\n  ]\n}\n" :
			    "]\n}\n");
			break;
		}
		out_str(r->out, r->nprocs > 0 ? "\n  ],\n" : "],\n");
		json_totals(r, &r->tot, "  ");
		if (r->untraced > 0) {
			out_str(r->out, ",\n  \"untraced\": ");
			out_u64(r->out, r->untraced);
		}
		out_str(r->out, "\n}\n");
		break;
	case REPORT_TEXT:
		/* Not a word of leaks where no process was traced. */
		if (r->o.snaplist || (r->traced == 0 && r->untraced > 0 &&
		    r->tot.leaks == 0))
			break;
		out_str(r->out, "Summary ");
		text_totals(r, &r->tot, r->untraced);
		break;
	case REPORT_HTML:
		html_close(r->html, &r->tot);
		break;
	case REPORT_FOLDED:
	case REPORT_DUMP:
		break;
	}
	rv = out_close(r->out);
	free(r);
	return rv;
}

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "??";
}

/* "object+0xoffset", with "??" for an object id the trace never named. */
static void
text_objoff(struct report *r, const struct leak_frame *f)
{
	out_str(r->out, or_unknown(names_path(r->o.names, f->object)));
	out_str(r->out, "+0x");
	out_hex(r->out, f->offset);
}

/* The same in parentheses, after a space. */
static void
text_where(struct report *r, const struct leak_frame *f)
{
	out_str(r->out, " (");
	text_objoff(r, f);
	out_char(r->out, ')');
}

static void
text_frame(struct report *r, const struct leak_frame *f,
    const struct sym_frame *sf)
{
	const struct sym_loc *l;
	struct out *o = r->out;
	size_t i;

	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		out_str(o, i == 0 ? " " : "  (inlined by) ");
		out_str(o, or_unknown(names_function(r->o.names,
		    l->function)));
		out_str(o, " at ");
		out_str(o, or_unknown(names_path(r->o.names, l->file)));
		out_char(o, ':');
		out_u64(o, l->line);
		/* Without a line, the object and offset say where. */
		if (i == 0 && (l->file == NULL || l->function == NULL))
			text_where(r, f);
		out_char(o, '\n');
	}
}

/*
 * What holds a leak (leak.h): each hop symbolized.  A data or TLS root
 * is named by its variable; a stack root by the function of the frame;
 * a block by its allocation site, the innermost frame of its stack that
 * is not in an allocator (of the C library, C++ or the tracer), or the
 * first where all are.
 */
struct hop_desc {
	const char		*var;		/* data, tls: NULL unknown */
	int			 global;
	const struct sym_frame	*sf;		/* stack, block: or NULL */
	const struct leak_frame	*site;		/* block: the frame shown */
	const char		*vfile;		/* data, tls: where var is */
	unsigned long		 vline;		/* defined; 0 unknown */
};

static const char *const alloc_funcs[] = {
	"malloc", "calloc", "realloc", "reallocarray", "free", "memalign",
	"aligned_alloc", "posix_memalign", "valloc", "pvalloc", "strdup",
	"strndup", "recallocarray", "freezero"
};

/* Is this a frame of an allocator rather than of the program? */
static int
alloc_frame(const struct leak_frame *f, const struct sym_frame *sf)
{
	const char *fn = sf->locs[sf->nlocs - 1].function, *base;
	size_t i;

	if (f->object != NULL) {
		base = strrchr(f->object, '/');
		base = base != NULL ? base + 1 : f->object;
		if (strncmp(base, "libmdtrace", 10) == 0 ||
		    strncmp(base, "libc.so", 7) == 0 ||
		    strncmp(base, "libc-", 5) == 0)
			return 1;
	}
	if (fn == NULL)
		return 0;
	/* operator new and new[], of every signature */
	if (strncmp(fn, "_Znw", 4) == 0 || strncmp(fn, "_Zna", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(alloc_funcs) / sizeof(alloc_funcs[0]); i++)
		if (strcmp(fn, alloc_funcs[i]) == 0)
			return 1;
	return 0;
}

static void
hop_describe(struct report *r, const struct leak_hop *h, struct hop_desc *d)
{
	const struct sym_frame *sf;
	size_t i;

	memset(d, 0, sizeof(*d));
	switch (h->kind) {
	case LEAK_ROOT_DATA:
	case LEAK_ROOT_TLS:
		d->var = sym_variable(r->o.sym, h->object, h->offset,
		    h->kind == LEAK_ROOT_TLS, &d->global);
		if (d->var != NULL)
			(void)sym_variable_decl(r->o.sym, h->object,
			    h->offset, h->kind == LEAK_ROOT_TLS, &d->vfile,
			    &d->vline);
		break;
	case LEAK_ROOT_STACK:
		if (h->object != NULL)
			d->sf = sym_lookup(r->o.sym, h->object, h->offset);
		break;
	case LEAK_HOP_BLOCK:
		/* The innermost that is the program's, else the first. */
		for (i = 0; i < h->nframes; i++) {
			sf = sym_lookup(r->o.sym, h->frames[i].object,
			    h->frames[i].offset);
			if (i == 0 || !alloc_frame(&h->frames[i], sf)) {
				d->sf = sf;
				d->site = &h->frames[i];
			}
			if (!alloc_frame(&h->frames[i], sf))
				break;
		}
		break;
	default:
		break;
	}
}

/* "the main thread" or "thread 4711" */
static void
text_thread(struct report *r, const struct mproc *p, uint64_t tid)
{
	if (p->pid >= 0 && tid == (uint64_t)p->pid) {
		out_str(r->out, "the main thread");
		return;
	}
	out_str(r->out, "thread ");
	out_u64(r->out, tid);
}

/* "function at file:line" of a frame's innermost location. */
static void
text_loc(struct report *r, const struct leak_frame *f,
    const struct sym_frame *sf)
{
	const struct sym_loc *l = &sf->locs[0];

	out_str(r->out, or_unknown(names_function(r->o.names, l->function)));
	out_str(r->out, " at ");
	out_str(r->out, or_unknown(names_path(r->o.names, l->file)));
	out_char(r->out, ':');
	out_u64(r->out, l->line);
	if (l->file == NULL || l->function == NULL)
		text_where(r, f);
}

/* " at x.c:5": where a variable is defined, when DWARF says. */
static void
text_decl(struct report *r, const struct hop_desc *d)
{
	if (d->vline == 0)
		return;
	out_str(r->out, " at ");
	out_str(r->out, or_unknown(names_path(r->o.names, d->vfile)));
	out_char(r->out, ':');
	out_u64(r->out, d->vline);
}

/* One hop of the holder line, after "held by ". */
static void
text_hop(struct report *r, const struct mproc *p, const struct leak_hop *h)
{
	struct out *o = r->out;
	struct leak_frame at;
	struct hop_desc d;

	hop_describe(r, h, &d);
	at.object = h->object;
	at.offset = h->offset;
	switch (h->kind) {
	case LEAK_ROOT_DATA:
		if (d.var == NULL) {
			out_str(o, "data at ");
			text_objoff(r, &at);
			break;
		}
		out_str(o, d.global ? "global " : "static ");
		out_str(o, names_function(r->o.names, d.var));
		text_decl(r, &d);
		break;
	case LEAK_ROOT_TLS:
		text_thread(r, p, h->tid);
		out_str(o, "'s thread-local ");
		if (d.var != NULL) {
			out_str(o, names_function(r->o.names, d.var));
			text_decl(r, &d);
		} else {
			out_str(o, "storage at ");
			text_objoff(r, &at);
		}
		break;
	case LEAK_ROOT_STACK:
		text_thread(r, p, h->tid);
		out_str(o, "'s stack");
		if (d.sf != NULL) {
			out_str(o, ", in ");
			text_loc(r, &at, d.sf);
		}
		break;
	case LEAK_ROOT_REGISTER:
		out_str(o, "register ");
		out_str(o, h->reg);
		out_str(o, " of ");
		text_thread(r, p, h->tid);
		break;
	case LEAK_ROOT_LOADER:
		out_str(o, "the dynamic linker's memory");
		break;
	case LEAK_ROOT_MEMORY:
		out_str(o, "memory at 0x");
		out_hex(o, h->offset);
		break;
	case LEAK_HOP_BLOCK:
		out_str(o, "a block");
		if (d.sf != NULL) {
			out_str(o, " allocated at ");
			text_loc(r, d.site, d.sf);
		}
		out_str(o, " (at offset ");
		out_u64(o, h->offset);
		out_char(o, ')');
		break;
	}
}

/*
 * "held by a block allocated at f at x.c:3 (at offset 8), held by
 * global head": from the block that points to the leak back to the root.
 */
static void
text_holder_path(struct report *r, const struct mproc *p,
    const struct leak_holder *h)
{
	size_t i;

	for (i = h->nhops; i > 0; i--) {
		out_str(r->out, i == h->nhops ? "held by " : ", held by ");
		text_hop(r, p, &h->hops[i - 1]);
	}
}

/* The holder line of a leak, indented under its frames. */
static void
text_holder(struct report *r, const struct mproc *p, const struct leak *l)
{
	if (l->holder == NULL)
		return;
	out_str(r->out, "  ");
	text_holder_path(r, p, l->holder);
	out_char(r->out, '\n');
}

char *
report_holder_text(struct symbolizer *sym, struct names *names,
    const struct mproc *p, const struct leak *l)
{
	struct report *r;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	if (l->holder == NULL || (fp = open_memstream(&text, &len)) == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->out = out_open(fp);
	r->o.format = REPORT_TEXT;
	r->o.sym = sym;
	r->o.names = names;
	text_holder_path(r, p, l->holder);
	if (out_close(r->out) == -1) {
		fclose(fp);
		free(text);
		free(r);
		return NULL;
	}
	free(r);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* With -b, what the Leak line adds: how the stack compares. */
static void
text_growth(struct report *r, const struct cmp_growth *g)
{
	if (!r->o.compare)
		return;
	if (g->isnew) {
		out_str(r->out, " new");
		return;
	}
	out_str(r->out, " grown sum=+");
	out_u64(r->out, g->sum);
	out_str(r->out, " count=+");
	out_u64(r->out, g->count);
}

/* "Process 4711 (prog)" */
static void
text_process(struct report *r, const struct mproc *p)
{
	out_str(r->out, "Process ");
	out_i64(r->out, p->pid);
	out_str(r->out, " (");
	out_str(r->out, p->comm);
	out_str(r->out, ")\n");
}

/* "2026-12-07 01:02:03", in UTC: the same wherever it is read. */
static void
out_time(struct out *o, uint64_t ns, int iso)
{
	struct tm tm;
	time_t t = (time_t)(ns / 1000000000);
	char b[64];

	if (gmtime_r(&t, &tm) == NULL || strftime(b, sizeof(b), iso ?
	    "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(b, sizeof(b), "%llu", (unsigned long long)(ns /
		    1000000000));
	out_str(o, b);
}

/* Seconds from a to b, with d decimals (negative when b is earlier). */
static void
out_secs(struct out *o, const struct snap_head *a, const struct snap_head *b,
    int d)
{
	char s[64];
	double v = b->mono >= a->mono ? (double)(b->mono - a->mono) / 1e9 :
	    -(double)(a->mono - b->mono) / 1e9;

	snprintf(s, sizeof(s), "%.*f", d, v);
	out_str(o, s);
}

/* "snapshot 42 at 2026-12-07 01:02:03 UTC (12.3 s after the first check)" */
static void
text_snapline(struct report *r, const struct snap_head *h)
{
	out_str(r->out, "napshot ");
	out_u64(r->out, h->num);
	out_str(r->out, " at ");
	out_time(r->out, h->real, 0);
	out_str(r->out, " UTC (");
	out_secs(r->out, r->snap->first, h, 1);
	out_str(r->out, " s after the first check)\n");
}

/* T in seconds, as short as it is exact: "0.5", "2", "0.000001". */
static void
out_older(struct out *o, uint64_t ns)
{
	char b[64];
	size_t n;

	n = (size_t)snprintf(b, sizeof(b), "%" PRIu64 ".%09" PRIu64,
	    ns / 1000000000, ns % 1000000000);
	while (n > 0 && b[n - 1] == '0')
		b[--n] = '\0';
	if (n > 0 && b[n - 1] == '.')
		b[--n] = '\0';
	out_str(o, b);
}

/* What "older=" counts, or which blocks -O shows. */
static void
text_older(struct report *r)
{
	if (r->snap->at->older == 0)
		return;
	out_str(r->out, r->snap->onlyold ? "Only blocks older than " :
	    "Older than ");
	out_older(r->out, r->snap->at->older);
	out_str(r->out, " s: first seen by a check at least that long "
	    "before\n");
}

static void
text_snapshot(struct report *r)
{
	out_char(r->out, 'S');
	text_snapline(r, r->snap->at);
	if (r->snap->base != NULL) {
		out_str(r->out, "compared with s");
		text_snapline(r, r->snap->base);
	}
	text_older(r);
	out_char(r->out, '\n');
}

/* A pair of figures, as "=1024/4". */
static void
out_pair(struct out *o, uint64_t bytes, uint64_t blocks)
{
	out_char(o, '=');
	out_u64(o, bytes);
	out_char(o, '/');
	out_u64(o, blocks);
}

/*
 * In a snapshot, what the Leak line adds: " added=BYTES/BLOCKS" since
 * the previous snapshot, and " older=BYTES/BLOCKS" where there is a T;
 * nothing with -O, whose leaks are the old blocks.
 */
static void
text_age(struct report *r, size_t i)
{
	const struct snap_age *a;

	if (r->snap == NULL || r->snap->age == NULL || r->snap->onlyold)
		return;
	a = &r->snap->age[i];
	out_str(r->out, " added");
	out_pair(r->out, a->addbytes, a->addblocks);
	if (r->snap->at->older != 0) {
		out_str(r->out, " older");
		out_pair(r->out, a->oldbytes, a->oldblocks);
	}
}

/*
 * "Not traced: /usr/bin/prog (pid 4711): statically linked: ...", or
 * "Incomplete: ..." for a report cut short.
 */
static void
text_untraced(struct report *r, const struct mproc *p)
{
	out_str(r->out, p->cut ? "Incomplete: " : "Not traced: ");
	out_str(r->out, p->program != NULL && p->program[0] != '\0' ?
	    p->program : p->comm);
	out_str(r->out, " (pid ");
	out_i64(r->out, p->pid);
	out_str(r->out, "): ");
	out_str(r->out, p->untraced);
	out_char(r->out, '\n');
}

/* "Summary pid=4711 leaks=2 bytes=49152 ...": a process's totals. */
static void
text_summary(struct report *r, const struct mproc *p,
    const struct sel_totals *t)
{
	out_str(r->out, "Summary pid=");
	out_i64(r->out, p->pid);
	out_char(r->out, ' ');
	text_totals(r, t, 0);
}

static void
text_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	const struct leak *l;
	struct out *o = r->out;
	size_t i, j;

	if (header)
		text_process(r, p);
	if (r->snap != NULL)
		text_snapshot(r);
	for (i = 0; i < v->nleaks; i++) {
		l = v->leaks[i].leak;
		out_str(o, "Leak sum=");
		out_u64(o, l->sum);
		out_str(o, " count=");
		out_u64(o, l->count);
		out_str(o, " avg=");
		out_u64(o, leak_avg(l));
		if (leak_kindname(l->kind) != NULL) {
			out_str(o, " kind=");
			out_str(o, leak_kindname(l->kind));
		}
		text_growth(r, &v->leaks[i].growth);
		text_age(r, i);
		out_char(o, '\n');
		for (j = 0; j < l->nframes; j++)
			text_frame(r, &l->frames[j], v->leaks[i].frames[j]);
		text_holder(r, p, l);
		out_char(o, '\n');
	}
	/* A process not traced has no summary of its own, but a reason. */
	if (header && (p->untraced == NULL || v->tot.leaks > 0))
		text_summary(r, p, &v->tot);
	if (p->untraced != NULL)
		text_untraced(r, p);
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
 * Whether byte c stands for itself in a JSON string, if ASCII; in a
 * page's script not '<', '>' or '&' either.
 */
static int
json_plain(unsigned char c, int html)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' &&
	    (!html || (c != '<' && c != '>' && c != '&'));
}

/* Eight bytes at a time: a 1 in each byte, the top bit of each. */
#define JSON_ONES	0x0101010101010101ULL
#define JSON_HIGHS	0x8080808080808080ULL
/* Whether some byte of w is below c (c <= 0x80); never wrongly no. */
#define JSON_BELOW(w, c)	(((w) - (c) * JSON_ONES) & ~(w) & JSON_HIGHS)
/* Whether some byte of w is c. */
#define JSON_HAS(w, c)		JSON_BELOW((w) ^ (c) * JSON_ONES, 1)

/*
 * How many of the n bytes at p stand for themselves as ASCII: whole
 * words of eight are checked at once for a control byte, DEL, a quote,
 * a backslash, a byte of 0x80 and above, and for a page '<', '>' and
 * '&'; the byte loop finds where.
 */
static size_t
json_plain_run(const unsigned char *p, size_t n, int html)
{
	uint64_t w;
	size_t i;

	for (i = 0; n - i >= 8; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		if ((w & JSON_HIGHS) != 0 || JSON_BELOW(w, 0x20) != 0 ||
		    JSON_HAS(w, 0x7f) != 0 || JSON_HAS(w, '"') != 0 ||
		    JSON_HAS(w, '\\') != 0)
			break;
		if (html && (JSON_HAS(w, '<') != 0 || JSON_HAS(w, '>') != 0 ||
		    JSON_HAS(w, '&') != 0))
			break;
	}
	while (i < n && json_plain(p[i], html))
		i++;
	return i;
}

/* U+2028 or U+2029, which end a line in older JavaScript. */
static int
js_lineend(const unsigned char *p)
{
	return p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9);
}

/*
 * A JSON string.  Bytes that are not valid UTF-8 become the code point
 * of the same number, so the document stays valid whatever a path holds.
 * Runs of bytes that stand for themselves go out in one piece.
 */
void
report_json_string(struct out *o, const char *s, int html)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run, *end;
	char esc[6] = { '\\', 'u', '0', '0' };
	size_t n;

	if (s == NULL) {
		out_str(o, "null");
		return;
	}
	end = p + strlen(s);
	out_char(o, '"');
	while (p < end) {
		run = p;
		for (;;) {
			p += json_plain_run(p, (size_t)(end - p), html);
			if (p == end || *p < 0x80 || (n = utf8_len(p)) == 0 ||
			    (html && js_lineend(p)))
				break;
			p += n;
		}
		out_mem(o, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p == '"' || *p == '\\') {
			out_char(o, '\\');
			out_char(o, *p++);
		} else if (html && js_lineend(p)) {
			out_str(o, p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 3;
		} else {
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p++ & 0xf];
			out_mem(o, esc, sizeof(esc));
		}
	}
	out_char(o, '"');
}

static void
json_string(struct out *o, const char *s)
{
	report_json_string(o, s, 0);
}

/*
 * A name of a frame (object, function, file) as a JSON string.  These
 * stay valid and unchanged while the report lives (sym.h, names.h) and
 * most repeat from frame to frame, so one that needs no escape is
 * remembered by its address and written again without a scan.
 */
static void
json_name(struct report *r, const char *s)
{
	struct json_seen *e;
	uintptr_t h = (uintptr_t)s;
	size_t n;

	if (s == NULL) {
		out_str(r->out, "null");
		return;
	}
	e = &r->seen[(h ^ h >> 9) & (JSON_SEEN - 1)];
	if (e->s != s) {
		n = strlen(s);
		if (json_plain_run((const unsigned char *)s, n, 0) != n) {
			json_string(r->out, s);
			return;
		}
		e->s = s;
		e->len = n;
	}
	out_char(r->out, '"');
	out_mem(r->out, s, e->len);
	out_char(r->out, '"');
}

/* "function": "f", "file": "x.c", "line": 3, each null when unknown. */
static void
json_loc(struct report *r, const struct sym_loc *l)
{
	struct out *o = r->out;

	out_str(o, "\"function\": ");
	json_name(r, names_function(r->o.names, l->function));
	out_str(o, ", \"file\": ");
	json_name(r, names_path(r->o.names, l->file));
	out_str(o, ", \"line\": ");
	if (l->line == 0)
		out_str(o, "null");
	else
		out_u64(o, l->line);
}

static void
json_frame(struct report *r, const struct leak_frame *f,
    const struct sym_frame *sf, int last)
{
	struct out *o = r->out;
	size_t i;

	out_str(o, "            {\n              \"object\": ");
	json_name(r, names_path(r->o.names, f->object));
	out_str(o, ",\n              \"offset\": ");
	out_u64(o, f->offset);
	out_str(o, ",\n              \"locations\": [\n");
	for (i = 0; i < sf->nlocs; i++) {
		out_str(o, "                {");
		json_loc(r, &sf->locs[i]);
		out_str(o, i + 1 < sf->nlocs ? "},\n" : "}\n");
	}
	out_str(o, last ? "              ]\n            }\n" :
	    "              ]\n            },\n");
}

static const char *const hop_names[] = {
	"data", "tls", "stack", "register", "loader", "memory", "block"
};

/* One hop of "held_by", on one line but for a block's frames. */
static void
json_hop(struct report *r, const struct leak_hop *h, int last)
{
	struct out *o = r->out;
	struct hop_desc d;
	size_t j;

	hop_describe(r, h, &d);
	out_str(o, "            {\"kind\": \"");
	out_str(o, hop_names[h->kind]);
	out_char(o, '"');
	if (h->kind == LEAK_ROOT_TLS || h->kind == LEAK_ROOT_STACK ||
	    h->kind == LEAK_ROOT_REGISTER) {
		out_str(o, ", \"thread\": ");
		out_u64(o, h->tid);
	}
	if (h->kind == LEAK_ROOT_REGISTER) {
		out_str(o, ", \"register\": ");
		json_string(o, h->reg);
	}
	if (h->kind == LEAK_ROOT_MEMORY) {
		out_str(o, ", \"address\": ");
		out_u64(o, h->offset);
	}
	if (h->kind <= LEAK_ROOT_STACK && h->object != NULL) {
		out_str(o, ", \"object\": ");
		json_name(r, names_path(r->o.names, h->object));
	}
	if ((h->kind <= LEAK_ROOT_STACK && h->object != NULL) ||
	    h->kind == LEAK_HOP_BLOCK) {
		out_str(o, ", \"offset\": ");
		out_u64(o, h->offset);
	}
	if (h->kind == LEAK_ROOT_DATA || h->kind == LEAK_ROOT_TLS) {
		out_str(o, ", \"variable\": ");
		json_name(r, names_function(r->o.names, d.var));
		if (h->kind == LEAK_ROOT_DATA && d.var != NULL)
			out_str(o, d.global ? ", \"binding\": \"global\"" :
			    ", \"binding\": \"static\"");
		if (d.vline != 0) {
			out_str(o, ", \"file\": ");
			json_name(r, names_path(r->o.names, d.vfile));
			out_str(o, ", \"line\": ");
			out_u64(o, d.vline);
		}
	}
	if (d.sf != NULL) {
		out_str(o, ", ");
		json_loc(r, &d.sf->locs[0]);
	}
	if (h->kind == LEAK_HOP_BLOCK) {
		out_str(o, ", \"frames\": [");
		if (h->nframes > 0)
			out_char(o, '\n');
		for (j = 0; j < h->nframes; j++)
			json_frame(r, &h->frames[j], sym_lookup(r->o.sym,
			    h->frames[j].object, h->frames[j].offset),
			    j + 1 == h->nframes);
		out_str(o, h->nframes > 0 ? "            ]" : "]");
	}
	out_str(o, last ? "}\n" : "},\n");
}

/* "held_by": the path from the root to the block holding the leak. */
static void
json_holder(struct report *r, const struct leak *l)
{
	size_t i;

	if (l->holder == NULL)
		return;
	out_str(r->out, "          \"held_by\": [\n");
	for (i = 0; i < l->holder->nhops; i++)
		json_hop(r, &l->holder->hops[i], i + 1 == l->holder->nhops);
	out_str(r->out, "          ],\n");
}

/* A pair of figures: {"bytes": 1024, "count": 4} */
static void
json_pair(struct out *o, uint64_t bytes, uint64_t count)
{
	out_str(o, "{\"bytes\": ");
	out_u64(o, bytes);
	out_str(o, ", \"count\": ");
	out_u64(o, count);
	out_str(o, "},\n");
}

/* With -b: "new" and "growth" after the count. */
static void
json_growth(struct report *r, const struct cmp_growth *g)
{
	if (!r->o.compare)
		return;
	out_str(r->out, g->isnew ? "          \"new\": true,\n" :
	    "          \"new\": false,\n");
	out_str(r->out, "          \"growth\": ");
	json_pair(r->out, g->sum, g->count);
}

/* In a snapshot, as text_age(): "added", and "older" where there is T. */
static void
json_age(struct report *r, size_t i)
{
	const struct snap_age *a;

	if (r->snap == NULL || r->snap->age == NULL || r->snap->onlyold)
		return;
	a = &r->snap->age[i];
	out_str(r->out, "          \"added\": ");
	json_pair(r->out, a->addbytes, a->addblocks);
	if (r->snap->at->older != 0) {
		out_str(r->out, "          \"older\": ");
		json_pair(r->out, a->oldbytes, a->oldblocks);
	}
}

/*
 * A process's object in the "processes" array, left open: its pid and
 * command, and where the trace gives them its program, why it was not
 * traced and the tracer's version; the same in every view.
 */
static void
json_begin(struct report *r, const struct mproc *p)
{
	struct out *o = r->out;

	out_str(o, r->nprocs++ > 0 ? ",\n    {\n      \"pid\": " :
	    "\n    {\n      \"pid\": ");
	out_i64(o, p->pid);
	out_str(o, ",\n      \"command\": ");
	json_string(o, p->comm);
	if (p->program != NULL) {
		out_str(o, ",\n      \"program\": ");
		json_string(o, p->program);
	}
	if (p->untraced != NULL) {
		out_str(o, ",\n      \"untraced\": ");
		json_string(o, p->untraced);
	}
	if (p->tracer[0] != '\0') {
		out_str(o, ",\n      \"tracer_version\": ");
		json_string(o, p->tracer);
	}
}

/* {"number": 42, "time": "2026-12-07T01:02:03Z", "seconds": 12.3, left open */
static void
json_snap_open(struct report *r, const struct snap_head *h)
{
	out_str(r->out, "{\"number\": ");
	out_u64(r->out, h->num);
	out_str(r->out, ", \"time\": \"");
	out_time(r->out, h->real, 1);
	out_str(r->out, "\", \"seconds\": ");
	out_secs(r->out, r->snap->first, h, 3);
}

static void
json_snap(struct report *r, const struct snap_head *h)
{
	json_snap_open(r, h);
	out_char(r->out, '}');
}

/*
 * A leak's "frames" array, its frames symbolized as sf, and the end of
 * the leak's object.
 */
static void
json_leak_frames(struct report *r, const struct leak *l,
    const struct sym_frame *const *sf)
{
	struct out *o = r->out;
	size_t j;

	out_str(o, "\"frames\": [");
	if (l->nframes > 0)
		out_char(o, '\n');
	for (j = 0; j < l->nframes; j++)
		json_frame(r, &l->frames[j], sf[j], j + 1 == l->nframes);
	out_str(o, l->nframes > 0 ? "          ]\n        }" :
	    "]\n        }");
}

/*
 * The end of a process's object: of its array of n leaks (or stacks),
 * then its totals.
 */
static void
json_proc_end(struct report *r, size_t n, const struct sel_totals *tot)
{
	out_str(r->out, n > 0 ? "\n      ],\n" : "],\n");
	json_totals(r, tot, "      ");
	out_str(r->out, "\n    }");
}

static void
json_proc(struct report *r, const struct mproc *p, const struct sel_view *v)
{
	const struct leak *l;
	struct out *o = r->out;
	size_t i;

	json_begin(r, p);
	if (r->snap != NULL) {
		out_str(o, ",\n      \"snapshot\": ");
		json_snap_open(r, r->snap->at);
		if (r->snap->at->older != 0) {
			out_str(o, ", \"older_than\": ");
			out_older(o, r->snap->at->older);
		}
		if (r->snap->onlyold)
			out_str(o, ", \"only_older\": true");
		out_char(o, '}');
		if (r->snap->base != NULL) {
			out_str(o, ",\n      \"compared_with\": ");
			json_snap(r, r->snap->base);
		}
	}
	out_str(o, ",\n      \"leaks\": [");
	for (i = 0; i < v->nleaks; i++) {
		l = v->leaks[i].leak;
		out_str(o, i > 0 ? ",\n        {\n          \"bytes\": " :
		    "\n        {\n          \"bytes\": ");
		out_u64(o, l->sum);
		out_str(o, ",\n          \"count\": ");
		out_u64(o, l->count);
		out_str(o, ",\n");
		if (leak_kindname(l->kind) != NULL) {
			out_str(o, "          \"kind\": \"");
			out_str(o, leak_kindname(l->kind));
			out_str(o, "\",\n");
		}
		json_growth(r, &v->leaks[i].growth);
		json_age(r, i);
		json_holder(r, l);
		out_str(o, "          ");
		json_leak_frames(r, l, v->leaks[i].frames);
	}
	json_proc_end(r, v->nleaks, &v->tot);
}

/* A folded-stack frame name: no ';' and no newline may appear in it. */
static void
folded_name(struct out *o, const char *s)
{
	out_subst(o, s, ";\n", '_');
}

static void
folded_frame(struct report *r, const struct leak_frame *f,
    const struct sym_frame *sf, int *sep)
{
	const char *base;
	size_t i;

	/* The chain is innermost first; folded stacks are outermost first. */
	for (i = sf->nlocs; i > 0; i--) {
		if ((*sep)++ > 0)
			out_char(r->out, ';');
		if (sf->locs[i - 1].function != NULL) {
			folded_name(r->out, names_function(r->o.names,
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
		out_str(r->out, "+0x");
		out_hex(r->out, f->offset);
	}
}

/* One folded stack and its weight. */
static void
folded_stack(struct report *r, const struct mproc *p, const struct sel_leak *s,
    uint64_t weight, int header)
{
	const struct leak *l = s->leak;
	struct out *o = r->out;
	size_t j;
	int sep = 0;

	/* With several processes, each is a root of the graph. */
	if (header) {
		folded_name(o, p->comm);
		out_str(o, " (");
		out_i64(o, p->pid);
		out_char(o, ')');
		sep = 1;
	}
	for (j = l->nframes; j > 0; j--)
		folded_frame(r, &l->frames[j - 1], s->frames[j - 1], &sep);
	if (l->nframes == 0)
		out_str(o, sep ? ";[anonymous]" : "[anonymous]");
	out_char(o, ' ');
	out_u64(o, weight);
	out_char(o, '\n');
}

static void
folded_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	size_t i;

	/* With -b the graph shows where the leaks grew. */
	for (i = 0; i < v->nleaks; i++)
		folded_stack(r, p, &v->leaks[i], r->o.compare ?
		    v->leaks[i].growth.sum : v->leaks[i].leak->sum, header);
}

void
report_proc(struct report *r, const struct mproc *p, const struct sel_view *v,
    int header)
{
	count_proc(r, p, &v->tot);
	switch (r->o.format) {
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
		html_proc(r->html, p, v, r->snap != NULL ? r->snap->at->num :
		    0);
		break;
	case REPORT_DUMP:
		break;
	}
	/* Follow mode shows each process as soon as it is complete. */
	out_flush(r->out);
}

void
report_snapshot(struct report *r, const struct mproc *p,
    const struct sel_view *v, int header, const struct report_snap *s)
{
	r->snap = s;
	report_proc(r, p, v, header);
	r->snap = NULL;
}

/* The columns of -T, after the number and the time. */
static const char *const list_cols[] = { "seconds", "bytes", "blocks",
    "definite", "indirect", "possible", "reachable", "stopped_ms" };

static void
pad(struct out *o, const char *s, size_t w)
{
	size_t n = strlen(s);

	for (; n < w; n++)
		out_char(o, ' ');
	out_str(o, s);
}

static void
pad_u64(struct out *o, uint64_t v, size_t w)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	pad(o, b, w);
}

static void
text_snaplist(struct report *r, const struct mproc *p, int header)
{
	const struct snap_head *h, *first = snap_get(p->snaps, 0);
	struct report_snap rs;
	struct out *o = r->out;
	size_t i, k, n = snap_count(p->snaps);
	char b[64];

	if (header)
		text_process(r, p);
	out_str(o, "snapshot time (UTC)          ");
	for (k = 0; k < sizeof(list_cols) / sizeof(list_cols[0]); k++)
		pad(o, list_cols[k], k == 0 ? 10 : 11);
	out_char(o, '\n');
	rs.first = first;
	r->snap = &rs;
	for (i = 0; i < n; i++) {
		h = snap_get(p->snaps, i);
		pad_u64(o, h->num, 8);
		out_char(o, ' ');
		out_time(o, h->real, 0);
		out_str(o, " ");
		snprintf(b, sizeof(b), "%.1f", (double)(h->mono -
		    first->mono) / 1e9);
		pad(o, b, 10);
		pad_u64(o, h->bytes, 11);
		pad_u64(o, h->blocks, 11);
		for (k = 0; k < SNAP_NKINDS; k++)
			pad_u64(o, h->kbytes[k], 11);
		snprintf(b, sizeof(b), "%.3f", (double)h->stopped / 1e6);
		pad(o, b, 11);
		out_char(o, '\n');
	}
	r->snap = NULL;
}

static void
json_snaplist(struct report *r, const struct mproc *p)
{
	const struct snap_head *h;
	struct report_snap rs;
	struct out *o = r->out;
	size_t i, k, n = snap_count(p->snaps);
	char b[64];

	json_begin(r, p);
	out_str(o, ",\n      \"snapshots\": [");
	rs.first = snap_get(p->snaps, 0);
	r->snap = &rs;
	for (i = 0; i < n; i++) {
		h = snap_get(p->snaps, i);
		out_str(o, i > 0 ? ",\n        " : "\n        ");
		json_snap_open(r, h);
		out_str(o, ", \"bytes\": ");
		out_u64(o, h->bytes);
		out_str(o, ", \"blocks\": ");
		out_u64(o, h->blocks);
		out_str(o, ", \"kinds\": {");
		for (k = 0; k < SNAP_NKINDS; k++) {
			out_str(o, k > 0 ? ", \"" : "\"");
			out_str(o, leak_kindname(snap_kind(k)));
			out_str(o, "\": {\"bytes\": ");
			out_u64(o, h->kbytes[k]);
			out_str(o, ", \"allocations\": ");
			out_u64(o, h->kblocks[k]);
			out_char(o, '}');
		}
		snprintf(b, sizeof(b), "%.3f", (double)h->stopped / 1e6);
		out_str(o, "}, \"stopped_ms\": ");
		out_str(o, b);
		out_char(o, '}');
	}
	r->snap = NULL;
	out_str(o, n > 0 ? "\n      ]\n    }" : "]\n    }");
}

void
report_snaplist(struct report *r, const struct mproc *p, int header)
{
	if (p->snaps == NULL || snap_count(p->snaps) == 0)
		return;
	if (r->o.format == REPORT_JSON)
		json_snaplist(r, p);
	else
		text_snaplist(r, p, header);
	out_flush(r->out);
}

void
report_rate(char *b, size_t n, double bps)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB",
	    "TiB" };
	const char *per = "s";
	double v = bps < 0 ? -bps : bps;
	size_t u = 0;

	if (v == 0) {
		snprintf(b, n, "0 B/s");
		return;
	}
	/* Under a byte a second, by the hour: a slow leak still shows. */
	if (v < 1) {
		v *= 3600;
		per = "h";
	}
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(b, n, "%c%.1f %s/%s", bps < 0 ? '-' : '+', v, units[u], per);
}

/* " live 1:0 2:1000 ...": the stack's bytes at the sampled snapshots. */
static void
text_samples(struct report *r, const struct snap_grow *g)
{
	size_t j;

	out_str(r->out, " live");
	for (j = 0; j < g->nsamples; j++) {
		out_char(r->out, ' ');
		out_u64(r->out, g->snum[j]);
		out_char(r->out, ':');
		out_u64(r->out, g->sbytes[j]);
	}
	out_char(r->out, '\n');
}

/* "Growth over 5 snapshots (1 to 5), 40.0 s" */
static void
text_span(struct report *r, const struct mproc *p)
{
	size_t n = snap_count(p->snaps);
	char b[64];

	out_str(r->out, "Growth over ");
	out_u64(r->out, n);
	out_str(r->out, n == 1 ? " snapshot (" : " snapshots (");
	out_u64(r->out, snap_get(p->snaps, 0)->num);
	out_str(r->out, " to ");
	out_u64(r->out, snap_get(p->snaps, n - 1)->num);
	snprintf(b, sizeof(b), "), %.1f s\n\n", snap_span(p->snaps));
	out_str(r->out, b);
}

static void
text_growth_view(struct report *r, const struct mproc *p,
    const struct report_grow *gv, size_t n, const struct sel_totals *tot,
    int header)
{
	const struct leak *l;
	struct out *o = r->out;
	size_t i, j, iv = snap_count(p->snaps) - 1;
	char b[64];

	if (header)
		text_process(r, p);
	text_span(r, p);
	for (i = 0; i < n; i++) {
		l = gv[i].s->leak;
		out_str(o, "Stack grew=");
		out_u64(o, gv[i].g->grew);
		out_char(o, '/');
		out_u64(o, iv);
		out_str(o, " shrank=");
		out_u64(o, gv[i].g->shrank);
		report_rate(b, sizeof(b), gv[i].rate);
		out_str(o, " rate=");
		out_str(o, b);
		out_str(o, " sum=");
		out_u64(o, l->sum);
		out_str(o, " count=");
		out_u64(o, l->count);
		out_str(o, " kind=");
		out_str(o, leak_kindname(l->kind));
		out_char(o, '\n');
		text_samples(r, gv[i].g);
		for (j = 0; j < l->nframes; j++)
			text_frame(r, &l->frames[j], gv[i].s->frames[j]);
		out_char(o, '\n');
	}
	if (header)
		text_summary(r, p, tot);
}

static void
json_growth_view(struct report *r, const struct mproc *p,
    const struct report_grow *gv, size_t n, const struct sel_totals *tot)
{
	const struct leak *l;
	const struct snap_grow *g;
	struct out *o = r->out;
	size_t i, j, ns = snap_count(p->snaps);
	char b[64];

	json_begin(r, p);
	out_str(o, ",\n      \"snapshots\": ");
	out_u64(o, ns);
	out_str(o, ",\n      \"first\": ");
	out_u64(o, snap_get(p->snaps, 0)->num);
	out_str(o, ",\n      \"last\": ");
	out_u64(o, snap_get(p->snaps, ns - 1)->num);
	snprintf(b, sizeof(b), "%.3f", snap_span(p->snaps));
	out_str(o, ",\n      \"seconds\": ");
	out_str(o, b);
	out_str(o, ",\n      \"stacks\": [");
	for (i = 0; i < n; i++) {
		l = gv[i].s->leak;
		g = gv[i].g;
		out_str(o, i > 0 ? ",\n        {\n          \"grew\": " :
		    "\n        {\n          \"grew\": ");
		out_u64(o, g->grew);
		out_str(o, ",\n          \"shrank\": ");
		out_u64(o, g->shrank);
		out_str(o, ",\n          \"intervals\": ");
		out_u64(o, ns - 1);
		snprintf(b, sizeof(b), "%.3f", gv[i].rate);
		out_str(o, ",\n          \"rate\": ");
		out_str(o, b);
		out_str(o, ",\n          \"bytes\": ");
		out_u64(o, l->sum);
		out_str(o, ",\n          \"count\": ");
		out_u64(o, l->count);
		out_str(o, ",\n          \"kind\": \"");
		out_str(o, leak_kindname(l->kind));
		out_str(o, "\",\n          \"live\": [");
		for (j = 0; j < g->nsamples; j++) {
			out_str(o, j > 0 ? ", [" : "[");
			out_u64(o, g->snum[j]);
			out_str(o, ", ");
			out_u64(o, g->sbytes[j]);
			out_char(o, ']');
		}
		out_str(o, "],\n          ");
		json_leak_frames(r, l, gv[i].s->frames);
	}
	json_proc_end(r, n, tot);
}

/* Folded stacks weighed by what each grew from the first to the last. */
static void
folded_growth_view(struct report *r, const struct mproc *p,
    const struct report_grow *gv, size_t n, int header)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (gv[i].g->bytes > gv[i].g->first)
			folded_stack(r, p, gv[i].s, gv[i].g->bytes -
			    gv[i].g->first, header);
}

void
report_growth(struct report *r, const struct mproc *p,
    const struct report_grow *gv, size_t n, const struct sel_totals *tot,
    int header)
{
	count_proc(r, p, tot);
	switch (r->o.format) {
	case REPORT_JSON:
		json_growth_view(r, p, gv, n, tot);
		break;
	case REPORT_FOLDED:
		folded_growth_view(r, p, gv, n, header);
		break;
	default:
		text_growth_view(r, p, gv, n, tot, header);
		break;
	}
	out_flush(r->out);
}

void
report_dump(struct report *r, const struct mproc *p, int header)
{
	if (header)
		text_process(r, p);
	if (p->dumplen > 0)
		out_mem(r->out, p->dump, p->dumplen);
	out_flush(r->out);
}
