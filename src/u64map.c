/*
 * u64map.c: open addressing with linear probing; grows by doubling when
 * half full, so lookups stay short whatever the trace holds.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "u64map.h"
#include "xmalloc.h"

#define U64MAP_MINSLOTS	16

static size_t
u64map_slot(uint64_t key, size_t nslots)
{
	return (size_t)hash_fmix(key) & (nslots - 1);
}

void *
u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (m->nslots == 0)
		return NULL;
	for (i = u64map_slot(key, m->nslots); m->vals[i] != NULL;
	    i = (i + 1) & (m->nslots - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NULL;
}

static void
u64map_grow(struct u64map *m)
{
	struct u64map old = *m;
	size_t i;

	m->nslots = old.nslots == 0 ? U64MAP_MINSLOTS : old.nslots * 2;
	m->keys = xcalloc(m->nslots, sizeof(*m->keys));
	m->vals = xcalloc(m->nslots, sizeof(*m->vals));
	m->n = 0;
	for (i = 0; i < old.nslots; i++)
		if (old.vals[i] != NULL)
			u64map_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

void *
u64map_put(struct u64map *m, uint64_t key, void *val)
{
	void *prev;
	size_t i;

	if ((m->n + 1) * 2 > m->nslots)
		u64map_grow(m);
	for (i = u64map_slot(key, m->nslots); m->vals[i] != NULL;
	    i = (i + 1) & (m->nslots - 1)) {
		if (m->keys[i] == key) {
			prev = m->vals[i];
			m->vals[i] = val;
			return prev;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return NULL;
}

void
u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
