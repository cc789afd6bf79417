/*
 * strpool.h: interned strings.  Equal strings are one pointer, so
 * frames compare object paths, and the baseline compares stacks, by
 * pointer.  The strings live until strpool_free().
 */
#ifndef MDUMP_STRPOOL_H
#define MDUMP_STRPOOL_H

#include <stddef.h>

/* The pooled copy of the n bytes at s (no NUL among them). */
const char	*strpool_intern(const char *, size_t);
void		 strpool_free(void);

#endif /* MDUMP_STRPOOL_H */
