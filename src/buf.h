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
uint64_t	 buf_uleb(struct buf *);
int64_t		 buf_sleb(struct buf *);
const char	*buf_cstr(struct buf *);

/* Decode an unsigned integer of 1 to 8 bytes at p in the given order. */
uint64_t	 buf_get(const uint8_t *, size_t, int);

#endif /* MDUMP_BUF_H */
