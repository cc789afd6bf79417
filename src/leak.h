/*
 * leak.h: the leak table of one process.  Identical stacks (same object
 * paths and offsets, frame by frame) are merged into one leak; leaks keep
 * the order in which their stacks first appeared, until sorted.
 */
#ifndef MDUMP_LEAK_H
#define MDUMP_LEAK_H

#include <stddef.h>
#include <stdint.h>

/* The deepest stack kept for one leak. */
#define LEAK_MAXFRAMES	64

struct leak_frame {
	const char	*object;	/* interned (strpool.h); NULL: unknown
					   object id */
	uint64_t	 offset;	/* as recorded */
};

/* Small, so that a leak of one frame fits in a cache line. */
struct leak {
	uint64_t		 sum;		/* bytes */
	uint64_t		 count;		/* allocations */
	uint32_t		 nframes;	/* 0: anonymous */
	uint32_t		 hash;
	struct leak_frame	*frames;	/* innermost first */
};

struct leak_table;

struct leak_table	*leak_open(void);
/* Add or merge one leak; the frames are copied, at most LEAK_MAXFRAMES. */
void			 leak_add(struct leak_table *, const struct leak_frame *,
			    size_t, uint64_t, uint64_t);
/*
 * The leaks, in their order, and their number in *n.  Valid until the
 * next leak_add(), leak_clear() or leak_sort().
 */
struct leak *const	*leak_list(struct leak_table *, size_t *);
/* Order by "sum", "count" or "avg", largest first, stable; -1: no key. */
int			 leak_sort(struct leak_table *, const char *);
/* Forget every leak (a new report replaces the old). */
void			 leak_clear(struct leak_table *);
void			 leak_close(struct leak_table *);

/* Bytes per allocation, rounded down; 0 without allocations. */
uint64_t		 leak_avg(const struct leak *);

#endif /* MDUMP_LEAK_H */
