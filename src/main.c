/*
 * mdump: read a ktrace.out file holding malloc's leak records and print
 * the leaks with their stacks as function, file and line.
 *
 * This file holds the options, the pipeline from trace to report, and
 * the exit status; it is the one place that prints errors (the modules
 * hand them back, mdump.h) and chooses the status.  What makes running
 * on pointless (bad options, a trace that cannot be opened) ends the
 * program here with err(3)'s message; only running out of memory ends
 * it elsewhere (xmalloc.c).
 * The pipeline: read the baseline (-b) if any, then the trace; for each
 * process, order its leaks (-s), choose those to show (select.h: -S,
 * -k, -b, -n) and print them (report.h), then the summary.  A process
 * that left no report at exit but took snapshots (snap.h) shows its last
 * one in its place; -T, -t and -g show the snapshots instead.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "demangle.h"
#include "ktrace.h"
#include "leak.h"
#include "longopt.h"
#include "mrec.h"
#include "names.h"
#include "report.h"
#include "select.h"
#include "snap.h"
#include "strpool.h"
#include "suppress.h"
#include "sym.h"
#include "u64map.h"
#include "version.h"
#include "xmalloc.h"

/* How long follow mode sleeps at the end of the file, in milliseconds. */
#define FOLLOW_MS	200

/* The exit status of -x when leaks were found (1 is taken by errors). */
#define EXIT_LEAKS	2

/* getopt(3)'s string; -h and -V also stand for --help and --version. */
#define OPTSTRING	"ab:CDe:f:ghk:lNn:Oo:P:p:rS:s:Tt:Vvx"

struct options {
	int		 allkinds;	/* -a */
	const char	*baseline;	/* -b */
	int		 demangle;	/* -C */
	int		 dump;		/* -D */
	const char	*exe;		/* -e */
	const char	*file;		/* -f */
	struct supp_list keep;		/* -k */
	int		 follow;	/* -l */
	size_t		 top;		/* -n */
	enum report_format format;	/* -o */
	int		 onlypid;	/* -p */
	int32_t		 pid;
	struct names	*names;		/* -C, -P */
	int		 nodbgd;	/* -N */
	int		 raw;		/* -r */
	struct supp_list supp;		/* -S */
	const char	*sortkey;	/* -s */
	int		 verbose;	/* -v */
	int		 exitleaks;	/* -x */
	int		 growth;	/* -g */
	int		 snaplist;	/* -T */
	size_t		 nsnapat;	/* -t: 1 shows, 2 compare */
	uint32_t	 snapat[2];
	int		 older;		/* -O */
};

static volatile sig_atomic_t interrupted;

static void	free_options(struct options *);

/* To fp: stdout for -h, stderr for wrong options.  Returns -1. */
static int
usage(FILE *fp)
{
	fprintf(fp, "usage: mdump [-aCDglNOrTvx] [-b baseline] [-e file] "
	    "[-f file] [-k pattern]\n"
	    "             [-n N] [-o format] [-P prefix] [-p pid] [-S file] "
	    "[-s key]\n"
	    "             [-t snapshot[:snapshot]]\n"
	    "       mdump -h | -V\n");
	return -1;
}

static void
sym_warning(void *arg, const char *msg)
{
	if (*(int *)arg)
		warnx("%s", msg);
}

/* A symbolizer warning that shows without -v too. */
static void
sym_alert(void *arg, const char *msg)
{
	(void)arg;
	warnx("%s", msg);
}

/* An error from a core module, with where it happened. */
static void
trace_error(const char *name, const struct md_err *e)
{
	if (e->off == MD_NOOFF)
		warnx("%s: %s", name, e->msg);
	else if (e->recno == 0)
		warnx("%s: offset %" PRIu64 ": %s", name, e->off, e->msg);
	else
		warnx("%s: offset %" PRIu64 " (record %" PRIu64 "): %s",
		    name, e->off, e->recno, e->msg);
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * A decimal number from min to max, digits only, as OpenBSD's
 * strtonum(3) checks it (which glibc lacks).  Returns 0, or -1 with a
 * warning naming what the number was for.
 */
static int
parse_num(const char *s, unsigned long long min, unsigned long long max,
    const char *what, unsigned long long *v)
{
	char *end;

	errno = 0;
	if (*s >= '0' && *s <= '9') {
		*v = strtoull(s, &end, 10);
		if (*end == '\0' && errno == 0 && *v >= min && *v <= max)
			return 0;
	}
	warnx("invalid %s: %s", what, s);
	return -1;
}

/* One of the n words of list (NULL: none there); its index or -1. */
static int
parse_word(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] != NULL && strcmp(s, list[i]) == 0)
			return (int)i;
	return -1;
}

#define NWORDS(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const formats[] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_FOLDED] = "folded",
	[REPORT_HTML] = "html",
	[REPORT_DUMP] = NULL		/* -D, not a word of -o */
};

static const char *const sortkeys[] = { "sum", "count", "avg" };

/* -t N or -t N:M, given once or twice: at most two snapshots. */
static int
parse_snapat(struct options *o, const char *arg)
{
	unsigned long long v;
	const char *colon = strchr(arg, ':');
	char first[32];
	size_t n;

	if (colon != NULL) {
		n = (size_t)(colon - arg);
		if (n >= sizeof(first)) {
			warnx("invalid snapshot: %s", arg);
			return -1;
		}
		memcpy(first, arg, n);
		first[n] = '\0';
		if (parse_snapat(o, first) == -1)
			return -1;
		arg = colon + 1;
	}
	if (o->nsnapat == 2) {
		warnx("-t: at most two snapshots");
		return -1;
	}
	if (parse_num(arg, 1, UINT32_MAX, "snapshot", &v) == -1)
		return -1;
	o->snapat[o->nsnapat++] = (uint32_t)v;
	return 0;
}

/* One option; -1 after a message when it is wrong. */
static int
parse_option(struct options *o, int ch, const char *arg)
{
	struct md_err e;
	unsigned long long v;
	int i;

	switch (ch) {
	case 'a':
		o->allkinds = 1;
		break;
	case 'b':
		o->baseline = arg;
		break;
	case 'C':
		o->demangle = 1;
		break;
	case 'D':
		o->dump = 1;
		break;
	case 'e':
		o->exe = arg;
		break;
	case 'f':
		o->file = arg;
		break;
	case 'g':
		o->growth = 1;
		break;
	case 'k':
		if (*arg == '\0') {
			warnx("empty pattern");
			return -1;
		}
		supp_add(&o->keep, arg, NULL, 0);
		break;
	case 'l':
		o->follow = 1;
		break;
	case 'N':
		o->nodbgd = 1;
		break;
	case 'n':
		if (parse_num(arg, 1, SIZE_MAX, "number of leaks", &v) == -1)
			return -1;
		o->top = (size_t)v;
		break;
	case 'o':
		if ((i = parse_word(arg, formats, NWORDS(formats))) == -1) {
			warnx("unknown output format: %s", arg);
			return -1;
		}
		o->format = (enum report_format)i;
		break;
	case 'P':
		names_strip(o->names, arg);
		break;
	case 'p':
		if (parse_num(arg, 0, INT32_MAX, "process id", &v) == -1)
			return -1;
		o->onlypid = 1;
		o->pid = (int32_t)v;
		break;
	case 'r':
		o->raw = 1;
		break;
	case 'S':
		if (supp_load(&o->supp, arg, &e) == -1) {
			warnx("%s", e.msg);
			return -2;	/* no usage for a bad file */
		}
		break;
	case 's':
		if (parse_word(arg, sortkeys, NWORDS(sortkeys)) == -1) {
			warnx("unknown sort key: %s", arg);
			return -1;
		}
		o->sortkey = arg;
		break;
	case 'O':
		o->older = 1;
		break;
	case 'T':
		o->snaplist = 1;
		break;
	case 't':
		return parse_snapat(o, arg);
	case 'v':
		o->verbose = 1;
		break;
	case 'x':
		o->exitleaks = 1;
		break;
	default:
		return -1;
	}
	return 0;
}

/* The snapshot options go with some others only. */
static int
check_snapopts(const struct options *o)
{
	const char *which = o->snaplist ? "-T" : o->growth ? "-g" :
	    o->nsnapat > 0 ? "-t" : o->older ? "-O" : NULL;

	if (which == NULL)
		return 0;
	if (o->snaplist + o->growth + (o->nsnapat > 0) > 1)
		warnx("-T, -g and -t are each a view of their own");
	else if (o->older && (o->snaplist || o->growth))
		warnx("-O shows the leaks of a snapshot: not with %s", which);
	else if (o->dump)
		warnx("%s shows snapshots, -D the dump text", which);
	else if (o->follow)
		warnx("%s reads the trace whole: not with -l", which);
	else if (o->baseline != NULL && (o->nsnapat == 2 || o->snaplist ||
	    o->growth))
		warnx("%s does not compare with a baseline", which);
	else if (o->snaplist && (o->format == REPORT_FOLDED ||
	    o->format == REPORT_HTML))
		warnx("-T writes text or json");
	else if (o->growth && o->format == REPORT_HTML)
		warnx("-g writes text, json or folded stacks");
	else
		return 0;
	return -1;
}

/*
 * Returns 0; 'h' or 'V' for -h or -V (and --help, --version), which
 * end the reading of options; or -1 when the options are wrong (said
 * on stderr).
 */
static int
parse_options(int argc, char *argv[], struct options *o)
{
	int ch, rv;

	memset(o, 0, sizeof(*o));
	o->exe = "a.out";
	o->file = "ktrace.out";
	supp_init(&o->supp);
	supp_init(&o->keep);
	o->names = names_open();
	longopt_map(argc, argv, OPTSTRING);
	while ((ch = getopt(argc, argv, OPTSTRING)) != -1) {
		if (ch == 'h' || ch == 'V')
			return ch;
		if ((rv = parse_option(o, ch, optarg)) < 0)
			return rv == -1 ? usage(stderr) : -1;
	}
	if (optind != argc)
		return usage(stderr);
	if (check_snapopts(o) == -1)
		return -1;
	/* The N largest: by bytes, unless -s says by what. */
	if (o->top != 0 && o->sortkey == NULL)
		o->sortkey = "sum";
	names_demangle(o->names, o->demangle);
	return 0;
}

struct run {
	struct options		*o;
	const char		*name;	/* the trace, for messages */
	struct mrec		*st;	/* NULL until the first record */
	struct u64map		 printed;	/* pid -> report_tag() */
	struct report		*rep;		/* NULL until there is a trace */
	struct report_opts	 ro;
	const char		*layout;	/* the header layout found */
	struct sel_opts		 sel;
	uint64_t		 found;		/* lost leaks past -S, -k, -b */
	uint64_t		 untraced;	/* processes not traced */
	int			 empty;		/* a trace without processes */
	size_t			 bids;		/* build-ids given to sym */
	struct u64map		 follows;	/* pid -> struct follow */
	int			 snapseen;	/* a process had snapshots */
	int			 status;
};

/* Follow mode's place in the snapshots of one process. */
struct follow {
	struct snap_state	 st;
	size_t			 printed;	/* snapshots printed */
};

/* Which report of its process p holds: never NULL, one for each. */
static void *
report_tag(const struct mproc *p)
{
	return (void *)((uintptr_t)p->report * 2 + 1);
}

/* Whether follow mode printed the report p holds now. */
static int
printed(const struct run *run, const struct mproc *p)
{
	return u64map_get(&run->printed, (uint32_t)p->pid) == report_tag(p);
}

/*
 * The report, begun when the input proves to be a trace: input that is
 * not one gives its error and nothing on standard output.
 */
static struct report *
report_of(struct run *run)
{
	if (run->rep == NULL)
		run->rep = report_open(stdout, &run->ro);
	return run->rep;
}

/* Print one process, in the order asked for. */
static void
print_proc(struct run *run, struct mproc *p, int header)
{
	struct sel_view v;

	(void)report_of(run);
	if (p->untraced != NULL) {
		run->untraced++;
		/* Formats with no place for it say it here. */
		if (run->ro.format != REPORT_TEXT &&
		    run->ro.format != REPORT_JSON)
			warnx("%s: process %" PRId32 " (%s) was not traced: %s",
			    run->name, p->pid, p->program != NULL ?
			    p->program : p->comm, p->untraced);
	}
	if (run->o->dump) {
		report_dump(run->rep, p, header);
	} else {
		if (run->o->sortkey != NULL)
			leak_sort(p->leaks, run->o->sortkey);
		sel_proc(&run->sel, p, &v);
		run->found += v.tot.lost;
		report_proc(run->rep, p, &v, header);
		sel_free(&v);
	}
	u64map_put(&run->printed, (uint32_t)p->pid, report_tag(p));
}

/* Whether a process left a report at exit (else its snapshots stand in). */
static int
has_report(struct mproc *p)
{
	size_t n;

	if (p->done || p->snaps == NULL || snap_count(p->snaps) == 0)
		return 1;
	(void)leak_list(p->leaks, &n);
	return n > 0;
}

/*
 * The leaks of the snapshot a state is at, as a process to report;
 * with older, their old blocks only (-O).
 */
static void
snap_proc(struct mproc *m, const struct mproc *p, const struct snap_state *st,
    int older)
{
	*m = *p;
	m->leaks = leak_open();
	snap_table(p->snaps, st, m->leaks, older);
}

/*
 * The ages of the leaks of m (snap_proc() with older, not sorted yet),
 * by leak: into idx, each leak's index in the array returned, plus 1;
 * free() the array.
 */
static struct snap_age *
snap_leak_ages(const struct mproc *p, const struct snap_state *st,
    const struct mproc *m, int older, struct u64map *idx)
{
	struct snap_age *byleak;
	struct leak *const *leaks;
	size_t i, n;

	byleak = snap_ages(p->snaps, st, m->leaks, older);
	leaks = leak_list(m->leaks, &n);
	for (i = 0; i < n; i++)
		u64map_put(idx, (uint64_t)(uintptr_t)leaks[i],
		    (void *)(uintptr_t)(i + 1));
	return byleak;
}

/* Those ages for the leaks of v, in v's order; free() the array. */
static struct snap_age *
snap_view_ages(const struct snap_age *byleak, const struct u64map *idx,
    const struct sel_view *v)
{
	struct snap_age *a;
	size_t i;
	void *r;

	a = xcalloc(v->nleaks == 0 ? 1 : v->nleaks, sizeof(*a));
	for (i = 0; i < v->nleaks; i++)
		if ((r = u64map_get(idx, (uint64_t)(uintptr_t)
		    v->leaks[i].leak)) != NULL)
			a[i] = byleak[(uintptr_t)r - 1];
	return a;
}

/*
 * Print snapshot i of p (an index) as a leak report; base (an index, or
 * -1) is the snapshot it is compared with, as -b compares with a trace.
 */
static void
print_snapshot(struct run *run, struct mproc *p, struct snap_state *st,
    size_t i, long base, int header)
{
	struct report_snap rs;
	struct snap_state bst;
	struct mproc m, bm;
	struct leak *const *leaks;
	struct cmp_base *saved = run->sel.base;
	struct sel_view v;
	struct snap_age *age, *byleak;
	struct u64map idx = { NULL, NULL, 0, 0 };
	size_t j, n;
	int older = run->o->older;

	rs.first = snap_get(p->snaps, 0);
	rs.at = snap_get(p->snaps, i);
	rs.base = NULL;
	rs.onlyold = older;
	if (older && rs.at->older == 0) {
		warnx("%s: process %" PRId32 ": snapshot %" PRIu32 " has no "
		    "figures of old blocks: the tracer had no age T", run->name,
		    p->pid, rs.at->num);
		run->status = 1;
		return;
	}
	if (base >= 0) {
		rs.base = snap_get(p->snaps, (size_t)base);
		memset(&bst, 0, sizeof(bst));
		snap_replay(p->snaps, &bst, (size_t)base);
		snap_proc(&bm, p, &bst, older);
		snap_state_free(&bst);
		run->sel.base = cmp_open();
		leaks = leak_list(bm.leaks, &n);
		for (j = 0; j < n; j++)
			cmp_add(run->sel.base, run->sel.sym, run->o->names,
			    leaks[j]);
		leak_close(bm.leaks);
	}
	snap_replay(p->snaps, st, i);
	snap_proc(&m, p, st, older);
	/* The ages go by the leaks' first order, before any sort. */
	byleak = snap_leak_ages(p, st, &m, older, &idx);
	if (run->o->sortkey != NULL)
		leak_sort(m.leaks, run->o->sortkey);
	sel_proc(&run->sel, &m, &v);
	run->found += v.tot.lost;
	rs.age = age = snap_view_ages(byleak, &idx, &v);
	report_snapshot(report_of(run), &m, &v, header, &rs);
	free(age);
	free(byleak);
	u64map_free(&idx);
	sel_free(&v);
	leak_close(m.leaks);
	if (base >= 0)
		cmp_close(run->sel.base);
	run->sel.base = saved;
}

/* Follow mode: the snapshots of p that came since the last printed. */
static void
follow_snaps(struct run *run, struct mproc *p)
{
	struct follow *f;

	if ((f = u64map_get(&run->follows, (uint32_t)p->pid)) == NULL) {
		f = xcalloc(1, sizeof(*f));
		u64map_put(&run->follows, (uint32_t)p->pid, f);
	}
	for (; f->printed < snap_count(p->snaps); f->printed++)
		print_snapshot(run, p, &f->st, f->printed, -1,
		    !run->o->onlypid);
}

/* Whether follow mode printed the last snapshot of p. */
static int
followed(const struct run *run, const struct mproc *p)
{
	struct follow *f = u64map_get(&run->follows, (uint32_t)p->pid);

	return f != NULL && f->printed == snap_count(p->snaps);
}

static int
cmp_grow(const void *a, const void *b)
{
	const struct report_grow *x = a, *y = b;

	return snap_grow_cmp(x->g, y->g);
}

/* -g: the stacks of p by how steadily they grew. */
static void
print_growth(struct run *run, struct mproc *p, int header)
{
	struct snap_grow *g;
	struct report_grow *gv;
	struct leak *const *leaks;
	struct sel_opts so = run->sel;
	struct u64map row = { NULL, NULL, 0, 0 };
	struct sel_view v;
	struct mproc m;
	const struct leak_frame *f;
	size_t i, n, nl, nf, k;
	double span = snap_span(p->snaps);
	void *r;

	g = snap_growth(p->snaps, &n);
	m = *p;
	m.leaks = leak_open();
	for (i = 0; i < n; i++) {
		f = snap_frames(p->snaps, g[i].key / SNAP_NKINDS, &nf);
		leak_add_kind(m.leaks, f, nf, g[i].bytes, g[i].blocks,
		    snap_kind(g[i].key));
	}
	/* Each key is a leak of its own, in the same order. */
	leaks = leak_list(m.leaks, &nl);
	for (i = 0; i < nl && i < n; i++)
		u64map_put(&row, (uint64_t)(uintptr_t)leaks[i],
		    (void *)(uintptr_t)(i + 1));
	so.top = 0;
	sel_proc(&so, &m, &v);
	gv = xcalloc(v.nleaks == 0 ? 1 : v.nleaks, sizeof(*gv));
	for (i = 0, k = 0; i < v.nleaks; i++) {
		r = u64map_get(&row, (uint64_t)(uintptr_t)v.leaks[i].leak);
		if (r == NULL)
			continue;
		gv[k].s = &v.leaks[i];
		gv[k].g = &g[(uintptr_t)r - 1];
		gv[k].rate = span > 0 ? ((double)gv[k].g->bytes -
		    (double)gv[k].g->first) / span : 0;
		k++;
	}
	qsort(gv, k, sizeof(*gv), cmp_grow);
	if (run->o->top != 0 && k > run->o->top)
		k = run->o->top;
	v.tot.shown = k;
	run->found += v.tot.lost;
	report_growth(report_of(run), &m, gv, k, &v.tot, header);
	free(gv);
	sel_free(&v);
	u64map_free(&row);
	leak_close(m.leaks);
	free(g);
}

static void
feed(struct run *run, const struct ktr_reader *r, const struct ktr_record *rec)
{
	const struct mrec_bid *bid;
	struct mproc *p;
	struct md_err e;

	if (run->st == NULL) {
		run->st = mrec_open(ktr_layout(r), run->o->dump);
		if (run->o->onlypid)
			mrec_select(run->st, run->o->pid);
	}
	if (mrec_feed(run->st, rec, &p, &e) == -1) {
		trace_error(run->name, &e);
		run->status = 1;
	}
	/* Build-ids the trace gives, for objects not on this machine. */
	for (; run->bids < mrec_nbids(run->st); run->bids++) {
		bid = mrec_bid(run->st, run->bids);
		sym_object_id(run->sel.sym, bid->path, bid->id, bid->len);
	}
	/* Follow mode prints each report once its end banner is there. */
	if (run->o->follow && p != NULL && p->done && !printed(run, p))
		print_proc(run, p, !run->o->onlypid);
	/* And each snapshot once its last entry is there. */
	if (run->o->follow && p != NULL && !run->o->dump && p->snaps != NULL)
		follow_snaps(run, p);
}

static void
read_trace(struct run *run, int fd)
{
	struct ktr_reader *r;
	struct ktr_record rec;
	struct md_err e;
	struct timespec ts;
	int rv;

	r = ktr_open(fd, run->o->follow);
	while (!interrupted) {
		rv = ktr_next(r, &rec, &e);
		if (rv == KTR_REC) {
			feed(run, r, &rec);
		} else if (rv == KTR_AGAIN) {
			ts.tv_sec = 0;
			ts.tv_nsec = FOLLOW_MS * 1000000L;
			nanosleep(&ts, NULL);
		} else {
			if (rv == KTR_ERR) {
				trace_error(run->name, &e);
				run->status = 1;
			}
			break;
		}
	}
	if (ktr_layout(r) != NULL)
		run->layout = ktr_layout(r)->name;
	ktr_close(r);
}

static void
print_stats(const struct run *run)
{
	const struct mrec_stats *s;
	int ptrsize;

	if (run->st == NULL) {
		if (run->layout != NULL)
			warnx("%s: %s header layout", run->name,
			    run->layout);
		return;
	}
	s = mrec_stats(run->st);
	ptrsize = mrec_ptrsize(run->st);
	if (run->layout != NULL && ptrsize != 0)
		warnx("%s: %s header layout, %d-byte pointers", run->name,
		    run->layout, ptrsize);
	else if (run->layout != NULL)
		warnx("%s: %s header layout", run->name, run->layout);
	if (s->other > 0)
		warnx("%" PRIu64 " records of other ktrace types skipped",
		    s->other);
	if (s->labels > 0)
		warnx("%" PRIu64 " utrace records of other labels skipped",
		    s->labels);
	if (s->binary > 0)
		warnx("%" PRIu64 " binary \"malloc\" records skipped",
		    s->binary);
	if (s->badid > 0)
		warnx("%" PRIu64 " frames name an object id the trace "
		    "never defined", s->badid);
	if (s->deep > 0)
		warnx("%" PRIu64 " frames beyond %d per stack dropped",
		    s->deep, LEAK_MAXFRAMES);
	if (s->cut > 0)
		warnx("%" PRIu64 " allocations' stacks cut short by the "
		    "tracer, %" PRIu64 " at damaged frame information",
		    s->cut, s->cutbad);
	if (s->snapcut > 0)
		warnx("%" PRIu64 " snapshot%s cut short at the end of the "
		    "trace left out", s->snapcut, s->snapcut == 1 ? "" : "s");
}

/* -v: how many leaks each suppression matched, so stale ones show. */
static void
print_suppressions(const struct options *o)
{
	const struct supp_pat *p;
	size_t i;

	for (i = 0; i < o->supp.npats; i++) {
		p = &o->supp.pats[i];
		warnx("%s:%lu: leak:%s matched %" PRIu64 " leaks, %" PRIu64
		    " bytes", p->file, p->line, p->text, p->leaks, p->bytes);
	}
}

static int
snap_view(const struct options *o)
{
	return o->snaplist || o->growth || o->nsnapat > 0 || o->older;
}

/* A process's snapshots, as the options ask; the last by default. */
static void
finish_snaps(struct run *run, struct mproc *p, int header)
{
	struct snap_state st;
	size_t n = p->snaps == NULL ? 0 : snap_count(p->snaps);
	long at, base = -1;

	if (n == 0)
		return;
	run->snapseen = 1;
	if (run->o->snaplist) {
		report_snaplist(report_of(run), p, header);
		return;
	}
	if (run->o->growth) {
		print_growth(run, p, header);
		return;
	}
	at = (long)n - 1;
	if (run->o->nsnapat > 0) {
		at = snap_find(p->snaps, run->o->snapat[run->o->nsnapat - 1]);
		if (run->o->nsnapat == 2)
			base = snap_find(p->snaps, run->o->snapat[0]);
		if (at == -1 || (run->o->nsnapat == 2 && base == -1)) {
			warnx("%s: process %" PRId32 " has no snapshot %"
			    PRIu32, run->name, p->pid, at == -1 ?
			    run->o->snapat[run->o->nsnapat - 1] :
			    run->o->snapat[0]);
			run->status = 1;
			return;
		}
	}
	memset(&st, 0, sizeof(st));
	print_snapshot(run, p, &st, (size_t)at, base, header);
	snap_state_free(&st);
}

static void
finish(struct run *run)
{
	struct md_err e;
	struct mproc *p;
	size_t i, n = 0;
	int header;

	if (run->st != NULL) {
		if (mrec_finish(run->st, &e) == -1) {
			trace_error(run->name, &e);
			run->status = 1;
		}
		n = mrec_nprocs(run->st);
	}
	header = !run->o->onlypid && (n > 1 || run->o->follow);
	for (i = 0; i < n; i++) {
		p = mrec_proc(run->st, i);
		if (snap_view(run->o))
			finish_snaps(run, p, header);
		else if (!run->o->dump && !has_report(p)) {
			if (!followed(run, p))
				finish_snaps(run, p, header);
		} else if (!printed(run, p))
			print_proc(run, p, header);
	}
	if (snap_view(run->o) && !run->snapseen) {
		warnx("%s: no snapshots%s", run->name, run->o->onlypid ?
		    " of that process" : "");
		run->status = 1;
	}
	/*
	 * A trace has its report, if an empty one; but a snapshot view that
	 * showed nothing has said why (no snapshots, none of that number,
	 * no old figures), and standard output stays empty, as for -p of a
	 * process without records.
	 */
	if (run->o->onlypid && n == 0) {
		warnx("%s: no malloc records of process %" PRId32,
		    run->name, run->o->pid);
		run->status = 1;
	} else if (run->layout != NULL && !snap_view(run->o))
		(void)report_of(run);
	/*
	 * No process left a record: nothing was recorded, which says
	 * nothing of leaks (MALLOC_OPTIONS without D, or ktrace without
	 * -tu).  The empty report stands, but not as "no leaks" alone.
	 */
	if (n == 0 && !run->o->onlypid && run->layout != NULL &&
	    !snap_view(run->o) && run->status == 0) {
		warnx("%s: no process left malloc records: nothing was "
		    "recorded (MALLOC_OPTIONS without D?)", run->name);
		run->empty = 1;
	}
	if (run->o->verbose) {
		print_stats(run);
		if (!run->o->dump)
			print_suppressions(run->o);
	}
}

/*
 * -b: read the baseline trace whole, every process, and keep its leaks
 * by stack.  Damage in it is reported as in the trace itself.
 */
static struct cmp_base *
read_baseline(struct options *o, struct symbolizer *sym, int *status)
{
	struct options bo = *o;
	struct run brun;
	struct cmp_base *base;
	struct leak *const *leaks;
	struct md_err e;
	size_t i, j, n;
	int fd;

	bo.follow = bo.onlypid = bo.dump = 0;
	memset(&brun, 0, sizeof(brun));
	brun.o = &bo;
	brun.name = o->baseline;
	brun.sel.sym = sym;
	if ((fd = open(o->baseline, O_RDONLY)) == -1) {
		warn("%s", o->baseline);
		return NULL;
	}
	read_trace(&brun, fd);
	close(fd);
	base = cmp_open();
	if (brun.st != NULL) {
		if (mrec_finish(brun.st, &e) == -1) {
			trace_error(brun.name, &e);
			brun.status = 1;
		}
		for (i = 0; i < mrec_nprocs(brun.st); i++) {
			leaks = leak_list(mrec_proc(brun.st, i)->leaks, &n);
			for (j = 0; j < n; j++)
				cmp_add(base, sym, o->names, leaks[j]);
		}
		mrec_close(brun.st);
	}
	if (brun.status != 0)
		*status = brun.status;
	return base;
}

static void
free_follows(struct u64map *m)
{
	struct follow *f;
	size_t i;

	for (i = 0; i < m->nslots; i++)
		if ((f = m->vals[i]) != NULL) {
			snap_state_free(&f->st);
			free(f);
		}
	u64map_free(m);
}

static void
free_options(struct options *o)
{
	supp_free(&o->supp);
	supp_free(&o->keep);
	names_close(o->names);
}

int
main(int argc, char *argv[])
{
	struct options o;
	struct sym_opts so;
	struct report_opts *ro;
	struct symbolizer *sym;
	struct run run;
	struct sigaction sa;
	int fd;

	xmalloc_hugeheap();
	switch (parse_options(argc, argv, &o)) {
	case 0:
		break;
	case 'h':
		usage(stdout);
		free_options(&o);
		return fflush(stdout) == EOF ? 1 : 0;
	case 'V':
		printf("mdump %s\n", MDUMP_VERSION);
		free_options(&o);
		return fflush(stdout) == EOF ? 1 : 0;
	default:
		free_options(&o);
		return 1;
	}
	memset(&run, 0, sizeof(run));
	run.o = &o;
	if (strcmp(o.file, "-") == 0) {
		fd = STDIN_FILENO;
		run.name = "(stdin)";
	} else if ((fd = open(o.file, O_RDONLY)) == -1)
		err(1, "%s", o.file);
	else
		run.name = o.file;
#ifdef __OpenBSD__
	/*
	 * Only reading files from here on: traces, objects, debug files.
	 * No unveil(2): the objects to read are named by the trace (any
	 * absolute path, or one relative to the current directory) and
	 * their debug files by build-id or debuglink anywhere, so no
	 * smaller view of the file system would still work; "rpath"
	 * without "wpath", "cpath" or "exec" is the restriction that fits.
	 */
	/* -C may demangle in a child process (demangle.c says why). */
	if (pledge(o.demangle ? "stdio rpath proc" : "stdio rpath", NULL) ==
	    -1)
		err(1, "pledge");
#endif
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (o.follow && (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1))
		err(1, "sigaction");

	memset(&so, 0, sizeof(so));
	so.exe = o.exe;
	so.raw = o.raw;
	so.no_debuginfod = o.nodbgd;
	so.warn = sym_warning;
	so.alert = sym_alert;
	so.warnarg = &o.verbose;
	sym = sym_open(&so);
	if (o.demangle && !demangle_available() && o.verbose)
		warnx("-C: this build has no C++ demangler");
	run.sel.supp = &o.supp;
	run.sel.keep = &o.keep;
	run.sel.top = o.top;
	/* Still reachable memory is shown with -a only. */
	run.sel.kinds = (1U << LEAK_DEFINITE) | (1U << LEAK_INDIRECT) |
	    (1U << LEAK_POSSIBLE) | (o.allkinds ? 1U << LEAK_REACHABLE : 0);
	run.sel.sym = sym;
	run.sel.names = o.names;
	if (o.baseline != NULL && !o.dump &&
	    (run.sel.base = read_baseline(&o, sym, &run.status)) == NULL) {
		sym_close(sym);
		free_options(&o);
		return 1;
	}
	ro = &run.ro;
	ro->format = o.dump ? REPORT_DUMP : o.format;
	ro->sym = sym;
	ro->names = o.names;
	ro->compare = run.sel.base != NULL || o.nsnapat == 2;
	ro->hidden = o.keep.npats > 0 || ro->compare;
	ro->top = o.top != 0;
	ro->snaplist = o.snaplist;
	ro->sel = &run.sel;

	read_trace(&run, fd);
	finish(&run);

	if (run.rep != NULL && report_close(run.rep) == -1) {
		warn("stdout");
		run.status = 1;
	}
	cmp_close(run.sel.base);
	sym_close(sym);
	mrec_close(run.st);
	u64map_free(&run.printed);
	free_follows(&run.follows);
	strpool_free();
	free_options(&o);
	if (fd != STDIN_FILENO)
		close(fd);
	/* Errors first: a damaged trace may hide leaks. */
	if (run.status == 0 && o.exitleaks && run.untraced > 0) {
		warnx("%s: %" PRIu64 " process%s not traced: %s leaks are "
		    "unknown", run.name, run.untraced,
		    run.untraced == 1 ? " was" : "es were",
		    run.untraced == 1 ? "its" : "their");
		return EXIT_LEAKS;
	}
	/* Leaks found, or none could be: nothing was recorded. */
	if (run.status == 0 && o.exitleaks && (run.found > 0 || run.empty))
		return EXIT_LEAKS;
	return run.status;
}
