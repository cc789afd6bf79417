/*
 * names.c: names as the report shows them.  Function names are
 * demangled once each and kept; paths lose the longest -P prefix that
 * matches, so reports from different build directories read alike.
 *
 * It does not look anything up: the symbolizer gives the names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"
#include "names.h"
#include "u64map.h"
#include "xmalloc.h"

struct names {
	int		  demangle;
	char		**prefixes;	/* owned */
	size_t		  nprefixes;
	struct u64map	  cache;	/* name address -> name shown */
	char		**owned;	/* demangled names, to free */
	size_t		  nowned;
	size_t		  capowned;
};

struct names *
names_open(void)
{
	return xcalloc(1, sizeof(struct names));
}

void
names_demangle(struct names *n, int on)
{
	n->demangle = on;
}

void
names_strip(struct names *n, const char *prefix)
{
	n->prefixes = xreallocarray(n->prefixes, n->nprefixes + 1,
	    sizeof(*n->prefixes));
	n->prefixes[n->nprefixes++] = xstrdup(prefix);
}

static void
keep_owned(struct names *n, char *s)
{
	if (n->nowned == n->capowned) {
		n->capowned = n->capowned == 0 ? 16 : n->capowned * 2;
		n->owned = xreallocarray(n->owned, n->capowned,
		    sizeof(*n->owned));
	}
	n->owned[n->nowned++] = s;
}

const char *
names_function(struct names *n, const char *name)
{
	char *d;
	void *v;

	if (name == NULL || !n->demangle)
		return name;
	if ((v = u64map_get(&n->cache, (uint64_t)(uintptr_t)name)) != NULL)
		return v;
	/* A name that does not demangle maps to itself. */
	if ((d = demangle(name)) != NULL)
		keep_owned(n, d);
	else
		d = (char *)(uintptr_t)name;
	u64map_put(&n->cache, (uint64_t)(uintptr_t)name, d);
	return d;
}

/*
 * Strip the longest prefix that matches.  A prefix without a trailing
 * slash still takes the slash after it, so "-P /src" turns "/src/a.c"
 * into "a.c"; it must end at a path boundary, so "/src" leaves
 * "/srcdir/a.c" alone.  A path that equals a prefix is kept whole.
 */
const char *
names_path(const struct names *n, const char *path)
{
	const char *best = NULL, *rest;
	size_t i, len, bestlen = 0;

	if (path == NULL)
		return NULL;
	for (i = 0; i < n->nprefixes; i++) {
		len = strlen(n->prefixes[i]);
		if (len == 0 || strncmp(path, n->prefixes[i], len) != 0)
			continue;
		rest = path + len;
		if (n->prefixes[i][len - 1] != '/') {
			if (*rest != '/')
				continue;
			rest++;
		}
		if (*rest != '\0' && len >= bestlen) {
			best = rest;
			bestlen = len;
		}
	}
	return best != NULL ? best : path;
}

void
names_close(struct names *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nprefixes; i++)
		free(n->prefixes[i]);
	free(n->prefixes);
	for (i = 0; i < n->nowned; i++)
		free(n->owned[i]);
	free(n->owned);
	u64map_free(&n->cache);
	free(n);
}
