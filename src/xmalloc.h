/*
 * xmalloc.h: allocation that cannot fail.  Running out of memory is the
 * one error mdump treats as fatal; hostile sizes are refused by the
 * decoders long before they reach these.
 */
#ifndef MDUMP_XMALLOC_H
#define MDUMP_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

#endif /* MDUMP_XMALLOC_H */
