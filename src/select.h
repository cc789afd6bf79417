/*
 * select.h: which leaks of a process the report shows: suppressions
 * (-S) first, then focus (-k), then the baseline (-b), then the kinds
 * (-a), then the N largest (-n); with the totals of the summary line.
 */
#ifndef MDUMP_SELECT_H
#define MDUMP_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "compare.h"
#include "leak.h"

struct leak;
struct mproc;
struct names;
struct supp_list;
struct sym_frame;
struct symbolizer;

struct sel_opts {
	struct supp_list	*supp;	/* -S; NULL or empty: none */
	struct supp_list	*keep;	/* -k; NULL or empty: all */
	struct cmp_base		*base;	/* -b; NULL: none */
	size_t			 top;	/* -n; 0: all */
	unsigned		 kinds;	/* 1 << kind shown; LEAK_ANY always */
	struct symbolizer	*sym;
	struct names		*names;
};

struct sel_leak {
	const struct leak	 *leak;
	struct cmp_growth	  growth;	/* with -b */
	/* Its frames symbolized, in the order of leak->frames. */
	const struct sym_frame	**frames;
};

struct sel_totals {
	uint64_t	leaks;		/* found: past -S, -k and -b */
	uint64_t	bytes;		/* theirs (with -b: the growth) */
	uint64_t	allocs;
	uint64_t	suppressed;	/* leaks matched by -S */
	uint64_t	hidden;		/* leaks left out by -k or -b */
	uint64_t	shown;		/* leaks printed (-n) */
	uint64_t	lost;		/* of leaks, those not reachable */
	/* Leaks of each kind past -S, -k and -b, shown or not. */
	uint64_t	kleaks[LEAK_NKINDS];
	uint64_t	kbytes[LEAK_NKINDS];
	uint64_t	kallocs[LEAK_NKINDS];
};

struct sel_view {
	struct sel_leak		*leaks;	/* owned; those to print, in order */
	size_t			 nleaks;
	const struct sym_frame	**frames;	/* owned; what leaks[] use */
	struct sel_totals	 tot;
};

/*
 * Choose the leaks of one process to show, and symbolize their frames.
 * The counts of the -S patterns go up with the leaks they match.  Free
 * with sel_free().
 */
void	sel_proc(const struct sel_opts *, const struct mproc *,
	    struct sel_view *);
void	sel_free(struct sel_view *);
/* Add one process's totals to a sum. */
void	sel_sum(struct sel_totals *, const struct sel_totals *);

#endif /* MDUMP_SELECT_H */
