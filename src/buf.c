/*
 * buf.c: the bounded cursor every decoder in mdump reads through.
 *
 * Nothing here allocates, and nothing trusts a length it did not check
 * against what is left.  LEB128 values longer than 64 bits are consumed
 * in full (so the cursor stays in sync) but their high bits are dropped
 * and the error flag is set.
 */
#include <string.h>

#include "buf.h"

/* A LEB128 number needs at most 10 bytes for 64 bits. */
#define LEB_MAX_BYTES	10

void
buf_init(struct buf *b, const void *p, size_t len, int be)
{
	b->p = p;
	b->len = p == NULL ? 0 : len;
	b->pos = 0;
	b->be = be;
	b->err = 0;
}

size_t
buf_left(const struct buf *b)
{
	return b->pos <= b->len ? b->len - b->pos : 0;
}

int
buf_seek(struct buf *b, size_t pos)
{
	if (pos > b->len) {
		b->err = 1;
		b->pos = b->len;
		return -1;
	}
	b->pos = pos;
	return 0;
}

int
buf_skip(struct buf *b, size_t n)
{
	if (n > buf_left(b)) {
		b->err = 1;
		b->pos = b->len;
		return -1;
	}
	b->pos += n;
	return 0;
}

const uint8_t *
buf_bytes(struct buf *b, size_t n)
{
	const uint8_t *p;

	if (n > buf_left(b)) {
		b->err = 1;
		b->pos = b->len;
		return NULL;
	}
	if (n == 0)
		return b->p == NULL ? NULL : b->p + b->pos;
	p = b->p + b->pos;
	b->pos += n;
	return p;
}


uint64_t
buf_uint(struct buf *b, size_t n)
{
	const uint8_t *p;

	if (n == 0 || n > 8) {
		b->err = 1;
		return 0;
	}
	if ((p = buf_bytes(b, n)) == NULL)
		return 0;
	return buf_get(p, n, b->be);
}

uint8_t
buf_u8(struct buf *b)
{
	return (uint8_t)buf_uint(b, 1);
}

uint16_t
buf_u16(struct buf *b)
{
	return (uint16_t)buf_uint(b, 2);
}

uint32_t
buf_u32(struct buf *b)
{
	return (uint32_t)buf_uint(b, 4);
}

uint64_t
buf_u64(struct buf *b)
{
	return buf_uint(b, 8);
}

/*
 * LEB128.  The tenth byte holds bit 63 alone; any higher bit there, or
 * an eleventh byte, is an overflow: the value is kept to 64 bits, the
 * whole number consumed, and the error flag set.
 */
uint64_t
buf_uleb_long(struct buf *b)
{
	uint64_t v = 0;
	unsigned n = 0;
	uint8_t c;

	do {
		if (b->pos >= b->len) {
			b->err = 1;
			return 0;
		}
		c = b->p[b->pos++];
		if (n < LEB_MAX_BYTES - 1)
			v |= (uint64_t)(c & 0x7f) << (7 * n);
		else if (n == LEB_MAX_BYTES - 1) {
			v |= (uint64_t)(c & 0x01) << 63;
			if (c & 0x7e)
				b->err = 1;
		} else
			b->err = 1;	/* longer than any 64-bit value */
		if (n < LEB_MAX_BYTES)
			n++;
	} while (c & 0x80);
	return v;
}

int64_t
buf_sleb(struct buf *b)
{
	uint64_t v = 0;
	unsigned n = 0;
	uint8_t c;

	do {
		if (b->pos >= b->len) {
			b->err = 1;
			return 0;
		}
		c = b->p[b->pos++];
		if (n < LEB_MAX_BYTES - 1) {
			v |= (uint64_t)(c & 0x7f) << (7 * n);
		} else if (n == LEB_MAX_BYTES - 1) {
			/* Bit 63, and the same bit as sign padding. */
			if ((c & 0x7f) != 0x00 && (c & 0x7f) != 0x7f)
				b->err = 1;
			v |= (uint64_t)(c & 0x01) << 63;
		} else
			b->err = 1;	/* longer than any 64-bit value */
		if (n < LEB_MAX_BYTES)
			n++;
	} while (c & 0x80);
	if (n < LEB_MAX_BYTES && (c & 0x40))
		v |= ~(uint64_t)0 << (7 * n);
	return (int64_t)v;
}

const char *
buf_cstr(struct buf *b)
{
	const uint8_t *s, *nul;
	size_t left = buf_left(b);

	if (left == 0 || (nul = memchr(b->p + b->pos, '\0', left)) == NULL) {
		b->err = 1;
		b->pos = b->len;
		return NULL;
	}
	s = b->p + b->pos;
	b->pos += (size_t)(nul - s) + 1;
	return (const char *)s;
}
