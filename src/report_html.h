/*
 * report_html.h: the leak report as one self-contained HTML page (-o
 * html): the page of src/html/ with the report embedded in it as JSON,
 * drawn by the page's own script as a flame graph and a table.
 */
#ifndef MDUMP_REPORT_HTML_H
#define MDUMP_REPORT_HTML_H

#include <stdint.h>

struct mproc;
struct names;
struct out;
struct sel_opts;
struct sel_totals;
struct sel_view;
struct symbolizer;

struct html_report;

/*
 * Start the page on the output.  sel: how the leaks of a snapshot are
 * chosen (as the report's, without -n); NULL: the page has no
 * snapshots.  compare: -b (leaks carry their growth); hidden: -k or -b;
 * top: -n.  The output, symbolizer, names and sel are not owned and must
 * outlive the report.
 */
struct html_report	*html_open(struct out *, struct symbolizer *,
			    struct names *, const struct sel_opts *, int, int,
			    int);
/*
 * The leaks of one process chosen by select.h, and its totals; at: the
 * number of the snapshot they are, 0 for the report at exit.  A process
 * with snapshots has them all in the page too (not with compare).
 */
void			 html_proc(struct html_report *,
			    const struct mproc *, const struct sel_view *,
			    uint32_t);
/* The totals of all processes; ends the page; frees the report. */
void			 html_close(struct html_report *,
			    const struct sel_totals *);

/* The page around the data (report_page.c, made from src/html/). */
extern const char *const html_page_head[];
extern const char *const html_page_tail[];

#endif /* MDUMP_REPORT_HTML_H */
