/*
 * compare.h: the baseline of -b.  Leaks are compared by their stacks as
 * names (function and file, frame by frame, inlined frames included),
 * not by addresses, so a rebuilt program compares with its old trace.
 */
#ifndef MDUMP_COMPARE_H
#define MDUMP_COMPARE_H

#include <stdint.h>

struct cmp_base;
struct leak;
struct names;
struct symbolizer;

struct cmp_growth {
	int		 isnew;		/* the baseline has no such stack */
	uint64_t	 sum;		/* bytes more than the baseline */
	uint64_t	 count;		/* allocations more */
};

struct cmp_base	*cmp_open(void);
/* Add a leak of the baseline trace. */
void		 cmp_add(struct cmp_base *, struct symbolizer *,
		    struct names *, const struct leak *);
/*
 * Compare a leak of the new trace.  Returns 1 when it is new or has
 * grown, with the growth.  The baseline's bytes and allocations for the
 * stack are used up as leaks with that stack are compared, so two
 * leaks of one stack (in two processes, or at two lines of one
 * function) together grow by what their stack grew.
 */
int		 cmp_take(struct cmp_base *, struct symbolizer *,
		    struct names *, const struct leak *, struct cmp_growth *);
void		 cmp_close(struct cmp_base *);

#endif /* MDUMP_COMPARE_H */
