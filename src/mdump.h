/*
 * mdump.h: what every module of the trace side shares: the error record
 * a core module hands back to main.c, which alone decides what to print.
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

#endif /* MDUMP_MDUMP_H */
