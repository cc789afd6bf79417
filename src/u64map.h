/*
 * u64map.h: a map from 64-bit keys to pointers (object ids, pids).
 */
#ifndef MDUMP_U64MAP_H
#define MDUMP_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t	*keys;
	void		**vals;		/* NULL: free slot */
	size_t		 n;
	size_t		 nslots;
};

/* The value for key, or NULL. */
void	*u64map_get(const struct u64map *, uint64_t);
/* Set key to a non-NULL value; returns the value it replaced, or NULL. */
void	*u64map_put(struct u64map *, uint64_t, void *);
/* Frees the map, not the values. */
void	 u64map_free(struct u64map *);

#endif /* MDUMP_U64MAP_H */
