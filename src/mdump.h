/*
 * mdump.h: what every module of the trace side shares: the error record
 * a core module hands back to main.c, which alone decides what to print,
 * and the saturating sum of byte and allocation counts.
 */
#ifndef MDUMP_MDUMP_H
#define MDUMP_MDUMP_H

#include <stdint.h>

#define MD_NOOFF	UINT64_MAX	/* no file offset applies */

struct md_err {
	uint64_t	off;		/* byte offset in the trace */
	uint64_t	recno;		/* 1-based record number; 0: none */
	char		msg[256];
};

void	md_seterr(struct md_err *, uint64_t, uint64_t, const char *, ...)
	    __attribute__((__format__(__printf__, 4, 5)));

/* a + b, or UINT64_MAX where that overflows: totals never wrap. */
static inline uint64_t
md_addsat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

#endif /* MDUMP_MDUMP_H */
