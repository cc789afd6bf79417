/*
 * buf.h: a bounded cursor over untrusted bytes.
 *
 * Every read checks what is left.  A read past the end returns zero and
 * sets the sticky error flag, so a decoder can read a whole structure and
 * check once at the end.  The cursor never owns the bytes it reads.
 */
#ifndef MDUMP_BUF_H
#define MDUMP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	const uint8_t	*p;	/* first byte; not owned */
	size_t		 len;	/* bytes in all */
	size_t		 pos;	/* next byte to read */
	int		 be;	/* multi-byte values are big-endian */
	int		 err;	/* sticky: a read ran past the end */
};

void		 buf_init(struct buf *, const void *, size_t, int);
size_t		 buf_left(const struct buf *);
int		 buf_seek(struct buf *, size_t);
int		 buf_skip(struct buf *, size_t);
const uint8_t	*buf_bytes(struct buf *, size_t);
uint8_t		 buf_u8(struct buf *);
uint16_t	 buf_u16(struct buf *);
uint32_t	 buf_u32(struct buf *);
uint64_t	 buf_u64(struct buf *);
uint64_t	 buf_uint(struct buf *, size_t);
uint64_t	 buf_uleb_long(struct buf *);
int64_t		 buf_sleb(struct buf *);
const char	*buf_cstr(struct buf *);

/*
 * An unsigned LEB128.  Inline for the one-byte values that most DWARF
 * numbers are (line advances, abbreviation codes, file indices); the
 * rest, and the end of the bytes, go to buf_uleb_long().
 */
static inline uint64_t
buf_uleb(struct buf *b)
{
	if (b->pos < b->len && b->p[b->pos] < 0x80)
		return b->p[b->pos++];
	return buf_uleb_long(b);
}

/*
 * Decode an unsigned integer of 1 to 8 bytes at p in the given order.
 * Inline, and the common sizes spelled out, because every header field
 * and pointer of a trace goes through here: compilers make them loads.
 */
static inline uint64_t
buf_get32(const uint8_t *p, int be)
{
	if (be)
		return (uint64_t)p[3] | (uint64_t)p[2] << 8 |
		    (uint64_t)p[1] << 16 | (uint64_t)p[0] << 24;
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

static inline uint64_t
buf_get(const uint8_t *p, size_t n, int be)
{
	uint64_t v = 0;
	size_t i;

	if (n == 4)
		return buf_get32(p, be);
	if (n == 8)
		return be ? buf_get32(p, 1) << 32 | buf_get32(p + 4, 1) :
		    buf_get32(p + 4, 0) << 32 | buf_get32(p, 0);
	if (n > 8)
		n = 8;
	if (be) {
		for (i = 0; i < n; i++)
			v = v << 8 | p[i];
	} else {
		for (i = n; i > 0; i--)
			v = v << 8 | p[i - 1];
	}
	return v;
}

#endif /* MDUMP_BUF_H */
