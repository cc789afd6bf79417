/*
 * mdump_err.c: filling in the error record core modules hand back.
 */
#include <stdarg.h>
#include <stdio.h>

#include "mdump.h"

void
md_seterr(struct md_err *e, uint64_t off, uint64_t recno, const char *fmt,
    ...)
{
	va_list ap;

	e->off = off;
	e->recno = recno;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}
