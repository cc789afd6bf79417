/*
 * hash.h: the hash functions of mdump's tables, in one place.  Every
 * table uses open addressing with linear probing and takes the slot from
 * the low bits of the hash, so a hash must spread keys that differ only
 * in their high bits or by a fixed stride (crafted traces, code offsets)
 * over the low bits: both functions end with a full finalizer.
 */
#ifndef MDUMP_HASH_H
#define MDUMP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_INIT	0xcbf29ce484222325ULL	/* FNV-1a offset basis */

/* MurmurHash3's 64-bit finalizer: each input bit moves half the output. */
static inline uint64_t
hash_fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* Fold one word into a running hash (finish with hash_fmix). */
static inline uint64_t
hash_word(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* FNV-1a over n bytes, from h (HASH_INIT to start); short keys only. */
static inline uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif /* MDUMP_HASH_H */
