/*
 * strpool.c: the string pool (strpool.h), one for the program: a hash
 * table with open addressing, grown by doubling when half full, so its
 * memory grows with the distinct strings, not with the trace.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strpool.h"
#include "xmalloc.h"

#define STRPOOL_MINSLOTS	64

static struct {
	char	**strs;
	size_t	  nstrs;
	size_t	  nslots;
	char	 *last;		/* the string asked for last time */
	size_t	  lastlen;
} pool;

static size_t
strpool_slot(const char *s, size_t n)
{
	return (size_t)hash_fmix(hash_bytes(HASH_INIT, s, n)) &
	    (pool.nslots - 1);
}

static void
strpool_grow(void)
{
	char **old = pool.strs;
	size_t i, j, n = pool.nslots;

	pool.nslots = n == 0 ? STRPOOL_MINSLOTS : n * 2;
	pool.strs = xcalloc(pool.nslots, sizeof(*pool.strs));
	for (i = 0; i < n; i++) {
		if (old[i] == NULL)
			continue;
		j = strpool_slot(old[i], strlen(old[i]));
		while (pool.strs[j] != NULL)
			j = (j + 1) & (pool.nslots - 1);
		pool.strs[j] = old[i];
	}
	free(old);
}

const char *
strpool_intern(const char *s, size_t n)
{
	size_t i;
	char *c;

	/* Frames of one stack mostly name the same object: no hashing. */
	if (pool.last != NULL && n == pool.lastlen &&
	    memcmp(pool.last, s, n) == 0)
		return pool.last;
	if ((pool.nstrs + 1) * 2 > pool.nslots)
		strpool_grow();
	for (i = strpool_slot(s, n); pool.strs[i] != NULL;
	    i = (i + 1) & (pool.nslots - 1))
		if (strncmp(pool.strs[i], s, n) == 0 &&
		    pool.strs[i][n] == '\0')
			break;
	if (pool.strs[i] == NULL) {
		c = xmalloc(n + 1);
		memcpy(c, s, n);
		c[n] = '\0';
		pool.strs[i] = c;
		pool.nstrs++;
	}
	pool.last = pool.strs[i];
	pool.lastlen = n;
	return pool.last;
}

void
strpool_free(void)
{
	size_t i;

	for (i = 0; i < pool.nslots; i++)
		free(pool.strs[i]);
	free(pool.strs);
	memset(&pool, 0, sizeof(pool));
}
