/*
 * report.h: the leak report in text (the original mdump's shape), JSON
 * and folded stacks, each with a summary of the totals, and the malloc
 * dump text for -D.  All of it goes out through one buffer (out.h).
 */
#ifndef MDUMP_REPORT_H
#define MDUMP_REPORT_H

#include <stdio.h>

struct mproc;
struct names;
struct sel_leak;
struct sel_opts;
struct snap_grow;
struct snap_age;
struct snap_head;
struct out;
struct sel_totals;
struct sel_view;
struct symbolizer;

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_FOLDED,
	REPORT_DUMP,		/* -D: report_dump() only */
	REPORT_HTML		/* report_html.h */
};

struct report;

struct report_opts {
	enum report_format	 format;
	struct symbolizer	*sym;
	struct names		*names;		/* how names are shown */
	int			 compare;	/* -b: show the growth */
	int			 hidden;	/* -k or -b: count hidden */
	int			 top;		/* -n: count shown */
	int			 snaplist;	/* -T: no leak summary */
	const struct sel_opts	*sel;		/* html: snapshots' leaks */
};

/* Which snapshot a report of leaks shows (-t), and how it is headed. */
struct report_snap {
	const struct snap_head	*at;
	const struct snap_head	*first;		/* the process's first */
	const struct snap_head	*base;		/* compared with (-t N:M) */
	/* Per leak shown, its blocks added since the previous snapshot
	   and its old blocks (at->older), or NULL. */
	const struct snap_age	*age;
	int			 onlyold;	/* -O: the leaks are old blocks */
};

/* One stack of the growth view (-g). */
struct report_grow {
	const struct sel_leak	*s;		/* its leak, as at the last */
	const struct snap_grow	*g;
	double			 rate;		/* bytes per second */
};

/* The options are copied; the stream, symbolizer and names not owned. */
struct report	*report_open(FILE *, const struct report_opts *);
/*
 * The leaks of one process chosen by select.h, and its totals.  With
 * header set, a line (or frame) names the process first and a summary
 * line of its own ends it.  The stream has it all on return.
 */
void		 report_proc(struct report *, const struct mproc *,
		    const struct sel_view *, int);
/* The same for the leaks of a snapshot, headed with its number and time. */
void		 report_snapshot(struct report *, const struct mproc *,
		    const struct sel_view *, int, const struct report_snap *);
/* -T: the snapshots of one process, one line (or object) each. */
void		 report_snaplist(struct report *, const struct mproc *, int);
/*
 * -g: the growth of the n stacks of one process, in the order given;
 * the totals of those chosen (as at the last snapshot) for its summary.
 */
void		 report_growth(struct report *, const struct mproc *,
		    const struct report_grow *, size_t,
		    const struct sel_totals *, int);
/* A rate of bytes per second, as "+1.5 KiB/s" or "+120.0 B/h". */
void		 report_rate(char *, size_t, double);
/* -D: the dump text of one process as it was written, the same way. */
void		 report_dump(struct report *, const struct mproc *, int);
/*
 * The summary of all processes; ends the document; frees the report.
 * Returns -1 if writing to the stream failed (errno says why).
 */
int		 report_close(struct report *);

/*
 * The holder line of a possibly lost or reachable leak as the text
 * report gives it under the leak, without its indent and line end:
 * "held by global p at x.c:5".  NULL when the leak has no holder (or
 * memory ran out); else the caller frees it.
 */
struct leak;
char		*report_holder_text(struct symbolizer *, struct names *,
		    const struct mproc *, const struct leak *);
/*
 * A JSON string (null for NULL).  Bytes that are not valid UTF-8 become
 * the code point of the same number.  With html set it is also safe
 * inside an HTML <script> element: '<', '>', '&', U+2028 and U+2029
 * are written as \u escapes.
 */
void		 report_json_string(struct out *, const char *, int);
/*
 * The JSON object of a summary, as the JSON report and the page give
 * it: {"leaks", "bytes", "allocations", "suppressed", "hidden", "shown"}
 * as select.h counts them, and when the trace gives kinds, "kinds":
 * {"definite", "indirect", "possible", "reachable"}, each {"bytes",
 * "allocations"}.
 */
void		 report_json_totals(struct out *, const struct sel_totals *);

#endif /* MDUMP_REPORT_H */
