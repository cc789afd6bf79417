/*
 * report.h: the leak report in text (the seed's shape), JSON and folded
 * stacks, and the malloc dump text for -D.
 */
#ifndef MDUMP_REPORT_H
#define MDUMP_REPORT_H

#include <stdio.h>

#include "mrec.h"
#include "sym.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_FOLDED
};

struct report;

/* Neither the stream nor the symbolizer is owned. */
struct report	*report_open(FILE *, enum report_format, struct symbolizer *);
/* One process; with header set, a line (or frame) names it first. */
void		 report_proc(struct report *, const struct mproc *, int);
/* Ends the document (JSON) and frees the report. */
void		 report_close(struct report *);
/* -D: the dump text of one process as it was written. */
void		 report_dump(FILE *, const struct mproc *, int);

#endif /* MDUMP_REPORT_H */
