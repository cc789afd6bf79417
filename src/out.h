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

#define OUT_BUFLEN	(64 * 1024)

/*
 * The members are out.c's; the inline writers below only append to the
 * buffer when the piece fits, which is nearly always.
 */
struct out {
	FILE	*fp;
	size_t	 len;
	char	 buf[OUT_BUFLEN];
};

/* The stream is not owned. */
struct out	*out_open(FILE *);
/*
 * What the buffer holds goes to the stream, which is flushed too.
 * Returns -1 if writing failed, now or before (errno says why).
 */
int		 out_flush(struct out *);
/* out_flush(), then free. */
int		 out_close(struct out *);

/* What out_mem() and out_char() do when the piece does not fit. */
void		 out_mem_slow(struct out *, const void *, size_t);
void		 out_char_slow(struct out *, int);

/*
 * Inline, so that a piece of a length the compiler knows (a literal,
 * most calls) is copied by a few moves, not by a call of memcpy().
 * On bench/symbolize.sh's 100000 frames as JSON: 917 M instructions
 * (callgrind) with out_mem() and out_char() in out.c only, 845 M
 * inline.
 */
static inline void
out_mem(struct out *o, const void *p, size_t n)
{
	if (n > OUT_BUFLEN - o->len) {
		out_mem_slow(o, p, n);
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void
out_char(struct out *o, int c)
{
	if (o->len == OUT_BUFLEN) {
		out_char_slow(o, c);
		return;
	}
	o->buf[o->len++] = (char)c;
}

/* A string (its length counted at compile time when it is a literal). */
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
