/*
 * out.h: the one path by which the report reaches its stream.  Pieces
 * are copied into a buffer that goes to the stream when full and at
 * out_flush(): stdio takes a lock on every call, and a report of many
 * frames is millions of small pieces (bench/scale.sh).
 */
#ifndef MDUMP_OUT_H
#define MDUMP_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct out;

/* The stream is not owned. */
struct out	*out_open(FILE *);
/*
 * What the buffer holds goes to the stream, which is flushed too.
 * Returns -1 if writing failed, now or before (errno says why).
 */
int		 out_flush(struct out *);
/* out_flush(), then free. */
int		 out_close(struct out *);

void		 out_mem(struct out *, const void *, size_t);
void		 out_char(struct out *, int);
/*
 * Inline, so that the compiler counts a literal's length (most calls
 * pass one) instead of strlen() at each call.
 */
static inline void
out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* Numbers in decimal, and in lower-case hex without a prefix. */
void		 out_u64(struct out *, uint64_t);
void		 out_i64(struct out *, int64_t);
void		 out_hex(struct out *, uint64_t);
/* A string with each byte found in the set replaced by another byte. */
void		 out_subst(struct out *, const char *, const char *, int);

#endif /* MDUMP_OUT_H */
