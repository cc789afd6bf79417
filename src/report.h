/*
 * report.h: the leak report in text (the seed's shape), JSON and folded
 * stacks, each with a summary of the totals, and the malloc dump text
 * for -D.
 */
#ifndef MDUMP_REPORT_H
#define MDUMP_REPORT_H

#include <stdio.h>

#include "mrec.h"
#include "names.h"
#include "select.h"
#include "sym.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_FOLDED,
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
};

/* The options are copied; the stream, symbolizer and names not owned. */
struct report	*report_open(FILE *, const struct report_opts *);
/*
 * The leaks of one process chosen by select.h, and its totals.  With
 * header set, a line (or frame) names the process first and a summary
 * line of its own ends it.
 */
void		 report_proc(struct report *, const struct mproc *,
		    const struct sel_view *, int);
/* The summary of all processes; ends the document; frees the report. */
void		 report_close(struct report *);
/* -D: the dump text of one process as it was written. */
void		 report_dump(FILE *, const struct mproc *, int);
/* The length of a valid UTF-8 sequence at the bytes, or 0. */
size_t		 report_utf8len(const unsigned char *);

#endif /* MDUMP_REPORT_H */
