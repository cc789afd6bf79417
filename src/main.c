/*
 * mdump: read a ktrace.out file holding malloc's leak records and print
 * the leaks with their stacks as function, file and line.
 *
 * This file holds the options, the pipeline from trace to report, and
 * the exit status; it is the one place that prints errors or exits.
 * The pipeline: read the baseline (-b) if any, then the trace; for each
 * process, order its leaks (-s), choose those to show (select.h: -S,
 * -k, -b, -n) and print them (report.h), then the summary.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "demangle.h"
#include "ktrace.h"
#include "leak.h"
#include "mrec.h"
#include "names.h"
#include "report.h"
#include "select.h"
#include "suppress.h"
#include "sym.h"

/* How long follow mode sleeps at the end of the file, in milliseconds. */
#define FOLLOW_MS	200

/* The exit status of -x when leaks were found (1 is taken by errors). */
#define EXIT_LEAKS	2

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
};

static volatile sig_atomic_t interrupted;
static const char *progname = "mdump";
/* The options being parsed, freed when parsing ends in an exit. */
static struct options *parsing;

static void	free_options(struct options *);

/* Exit while parsing options, leaving nothing allocated behind. */
static void
parse_exit(void)
{
	if (parsing != NULL)
		free_options(parsing);
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-aCDlNrvx] [-b baseline] [-e file] "
	    "[-f file] [-k pattern] [-n N]\n"
	    "             [-o format] [-P prefix] [-p pid] [-S file] "
	    "[-s key]\n", progname);
	parse_exit();
}

static void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
sym_warning(void *arg, const char *msg)
{
	if (*(int *)arg)
		warnmsg("%s", msg);
}

/* A symbolizer warning that shows without -v too. */
static void
sym_alert(void *arg, const char *msg)
{
	(void)arg;
	warnmsg("%s", msg);
}

/* An error from a core module, with where it happened. */
static void
trace_error(const char *name, const struct md_err *e)
{
	if (e->off == MD_NOOFF)
		warnmsg("%s: %s", name, e->msg);
	else if (e->recno == 0)
		warnmsg("%s: offset %" PRIu64 ": %s", name, e->off, e->msg);
	else
		warnmsg("%s: offset %" PRIu64 " (record %" PRIu64 "): %s",
		    name, e->off, e->recno, e->msg);
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int32_t
parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > INT32_MAX) {
		warnmsg("invalid process id: %s", s);
		usage();
	}
	return (int32_t)v;
}

/* -n: a count of leaks, at least 1. */
static size_t
parse_top(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v == 0 ||
	    v > SIZE_MAX) {
		warnmsg("invalid number of leaks: %s", s);
		usage();
	}
	return (size_t)v;
}

static void
load_suppressions(struct options *o, const char *path)
{
	struct md_err e;

	if (supp_load(&o->supp, path, &e) == -1) {
		warnmsg("%s", e.msg);
		parse_exit();
	}
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->exe = "a.out";
	o->file = "ktrace.out";
	supp_init(&o->supp);
	supp_init(&o->keep);
	o->names = names_open();
	parsing = o;
	while ((ch = getopt(argc, argv, "ab:CDe:f:k:lNn:o:P:p:rS:s:vx")) != -1) {
		switch (ch) {
		case 'a':
			o->allkinds = 1;
			break;
		case 'b':
			o->baseline = optarg;
			break;
		case 'C':
			o->demangle = 1;
			break;
		case 'k':
			if (*optarg == '\0') {
				warnmsg("empty pattern");
				usage();
			}
			supp_add(&o->keep, optarg, NULL, 0);
			break;
		case 'N':
			o->nodbgd = 1;
			break;
		case 'n':
			o->top = parse_top(optarg);
			break;
		case 'P':
			names_strip(o->names, optarg);
			break;
		case 'S':
			load_suppressions(o, optarg);
			break;
		case 'x':
			o->exitleaks = 1;
			break;
		case 'D':
			o->dump = 1;
			break;
		case 'e':
			o->exe = optarg;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'l':
			o->follow = 1;
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0)
				o->format = REPORT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = REPORT_JSON;
			else if (strcmp(optarg, "folded") == 0)
				o->format = REPORT_FOLDED;
			else if (strcmp(optarg, "html") == 0)
				o->format = REPORT_HTML;
			else {
				warnmsg("unknown output format: %s", optarg);
				usage();
			}
			break;
		case 'p':
			o->onlypid = 1;
			o->pid = parse_pid(optarg);
			break;
		case 'r':
			o->raw = 1;
			break;
		case 's':
			if (strcmp(optarg, "sum") != 0 &&
			    strcmp(optarg, "count") != 0 &&
			    strcmp(optarg, "avg") != 0) {
				warnmsg("unknown sort key: %s", optarg);
				usage();
			}
			o->sortkey = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* The N largest: by bytes, unless -s says by what. */
	if (o->top != 0 && o->sortkey == NULL)
		o->sortkey = "sum";
	names_demangle(o->names, o->demangle);
	parsing = NULL;
}

struct run {
	struct options		*o;
	const char		*name;	/* the trace, for messages */
	struct mrec_state	 st;
	int			 inited;
	struct report		*rep;
	const char		*layout;	/* the header layout found */
	struct sel_opts		 sel;
	uint64_t		 found;		/* lost leaks past -S, -k, -b */
	size_t			 bids;		/* build-ids given to sym */
	int			 status;
};

/* Print one process, in the order asked for. */
static void
print_proc(struct run *run, struct mproc *p, int header)
{
	struct sel_view v;

	if (run->o->dump) {
		report_dump(run->rep, p, header);
	} else {
		if (run->o->sortkey != NULL)
			leak_sort(&p->leaks, run->o->sortkey);
		sel_proc(&run->sel, p, &v);
		run->found += v.tot.lost;
		report_proc(run->rep, p, &v, header);
		sel_free(&v);
	}
	p->printed = 1;
}

static void
feed(struct run *run, const struct ktr_reader *r, const struct ktr_record *rec)
{
	struct mproc *p;
	struct md_err e;

	if (!run->inited) {
		mrec_init(&run->st, ktr_layout(r), run->o->dump);
		if (run->o->onlypid)
			mrec_select(&run->st, run->o->pid);
		run->inited = 1;
	}
	if (mrec_feed(&run->st, rec, &p, &e) == -1) {
		trace_error(run->name, &e);
		run->status = 1;
	}
	/* Build-ids the trace gives, for objects not on this machine. */
	for (; run->bids < run->st.nbids; run->bids++)
		sym_object_id(run->sel.sym, run->st.bids[run->bids].path,
		    run->st.bids[run->bids].id, run->st.bids[run->bids].len);
	/* Follow mode prints each report once its end banner is there. */
	if (run->o->follow && p != NULL && p->done && !p->printed)
		print_proc(run, p, !run->o->onlypid);
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
	const struct mrec_stats *s = &run->st.stats;

	if (run->layout != NULL && run->st.ptrsize != 0)
		warnmsg("%s: %s header layout, %d-byte pointers", run->name,
		    run->layout, run->st.ptrsize);
	else if (run->layout != NULL)
		warnmsg("%s: %s header layout", run->name, run->layout);
	if (s->other > 0)
		warnmsg("%" PRIu64 " records of other ktrace types skipped",
		    s->other);
	if (s->labels > 0)
		warnmsg("%" PRIu64 " utrace records of other labels skipped",
		    s->labels);
	if (s->binary > 0)
		warnmsg("%" PRIu64 " binary \"malloc\" records skipped",
		    s->binary);
	if (s->badid > 0)
		warnmsg("%" PRIu64 " frames name an object id the trace "
		    "never defined", s->badid);
	if (s->deep > 0)
		warnmsg("%" PRIu64 " frames beyond %d per stack dropped",
		    s->deep, LEAK_MAXFRAMES);
	if (s->cut > 0)
		warnmsg("%" PRIu64 " allocations' stacks cut short by the "
		    "tracer, %" PRIu64 " at damaged frame information",
		    s->cut, s->cutbad);
}

/* -v: how many leaks each suppression matched, so stale ones show. */
static void
print_suppressions(const struct options *o)
{
	const struct supp_pat *p;
	size_t i;

	for (i = 0; i < o->supp.npats; i++) {
		p = &o->supp.pats[i];
		warnmsg("%s:%lu: leak:%s matched %" PRIu64 " leaks, %" PRIu64
		    " bytes", p->file, p->line, p->text, p->leaks, p->bytes);
	}
}

static void
finish(struct run *run)
{
	struct md_err e;
	size_t i;
	int header, found = 0;

	if (run->inited && mrec_finish(&run->st, &e) == -1) {
		trace_error(run->name, &e);
		run->status = 1;
	}
	header = !run->o->onlypid && (run->st.nprocs > 1 || run->o->follow);
	for (i = 0; i < run->st.nprocs; i++) {
		found = 1;
		if (!run->st.procs[i]->printed)
			print_proc(run, run->st.procs[i], header);
	}
	if (run->o->onlypid && !found) {
		warnmsg("%s: no malloc records of process %" PRId32,
		    run->name, run->o->pid);
		run->status = 1;
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
	struct md_err e;
	size_t i, j;
	int fd;

	bo.follow = bo.onlypid = bo.dump = 0;
	memset(&brun, 0, sizeof(brun));
	brun.o = &bo;
	brun.name = o->baseline;
	brun.sel.sym = sym;
	if ((fd = open(o->baseline, O_RDONLY)) == -1) {
		warnmsg("%s: %s", o->baseline, strerror(errno));
		return NULL;
	}
	read_trace(&brun, fd);
	close(fd);
	if (brun.inited && mrec_finish(&brun.st, &e) == -1) {
		trace_error(brun.name, &e);
		brun.status = 1;
	}
	base = cmp_open();
	for (i = 0; i < brun.st.nprocs; i++)
		for (j = 0; j < brun.st.procs[i]->leaks.nleaks; j++)
			cmp_add(base, sym, o->names,
			    brun.st.procs[i]->leaks.leaks[j]);
	if (brun.inited)
		mrec_free(&brun.st);
	if (brun.status != 0)
		*status = brun.status;
	return base;
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
	struct report_opts ro;
	struct symbolizer *sym;
	struct run run;
	struct sigaction sa;
	int fd;

	parse_options(argc, argv, &o);
	memset(&run, 0, sizeof(run));
	run.o = &o;
	if (strcmp(o.file, "-") == 0) {
		fd = STDIN_FILENO;
		run.name = "(stdin)";
	} else if ((fd = open(o.file, O_RDONLY)) == -1) {
		warnmsg("%s: %s", o.file, strerror(errno));
		return 1;
	} else
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
	    -1) {
		warnmsg("pledge: %s", strerror(errno));
		return 1;
	}
#endif
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (o.follow) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}

	memset(&so, 0, sizeof(so));
	so.exe = o.exe;
	so.raw = o.raw;
	so.no_debuginfod = o.nodbgd;
	so.warn = sym_warning;
	so.alert = sym_alert;
	so.warnarg = &o.verbose;
	sym = sym_open(&so);
	if (o.demangle && !demangle_available() && o.verbose)
		warnmsg("-C: this build has no C++ demangler");
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
	memset(&ro, 0, sizeof(ro));
	ro.format = o.dump ? REPORT_DUMP : o.format;
	ro.sym = sym;
	ro.names = o.names;
	ro.compare = run.sel.base != NULL;
	ro.hidden = o.keep.npats > 0 || run.sel.base != NULL;
	ro.top = o.top != 0;
	run.rep = report_open(stdout, &ro);

	read_trace(&run, fd);
	finish(&run);

	if (report_close(run.rep) == -1) {
		warnmsg("stdout: %s", strerror(errno));
		run.status = 1;
	}
	cmp_close(run.sel.base);
	sym_close(sym);
	if (run.inited)
		mrec_free(&run.st);
	strpool_free();
	free_options(&o);
	if (fd != STDIN_FILENO)
		close(fd);
	/* Errors first: a damaged trace may hide leaks. */
	if (run.status == 0 && o.exitleaks && run.found > 0)
		return EXIT_LEAKS;
	return run.status;
}
