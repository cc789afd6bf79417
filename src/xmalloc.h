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
/* Call first: a heap of huge pages where asking for them helps. */
void	 xmalloc_hugeheap(void);

#endif /* MDUMP_XMALLOC_H */
