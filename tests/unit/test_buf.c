/* link: src/buf.c */
/*
 * test_buf.c: unit tests of the bounded cursor in src/buf.c.
 *
 * Each case prints "ok buf/NAME" or "not ok buf/NAME (what)", and the
 * program always exits 0: the test runner counts the lines.  Expected
 * values were worked out by hand (LEB128 ones from the tables and
 * examples in DWARF 4, 7.6), never by calling the code under test.
 *
 * Every case reads from a heap copy of exactly its bytes, so a read one
 * past the end shows up under ASan or valgrind, not only as a wrong
 * value.  Build: cc -I src -o X tests/unit/test_buf.c src/buf.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static const char	*what;		/* first failed check */
static uint8_t		*mem;		/* bytes of this case */

/* Record the first failed check of the current case. */
static void
check(int cond, const char *msg)
{
	if (!cond && what == NULL)
		what = msg;
}

/* Point b at a fresh heap copy of exactly the n bytes at p. */
static void
setup(struct buf *b, const void *p, size_t n, int be)
{
	free(mem);
	mem = malloc(n > 0 ? n : 1);
	if (mem == NULL) {
		perror("test_buf");
		exit(1);
	}
	if (n > 0)
		memcpy(mem, p, n);
	buf_init(b, mem, n, be);
}

static void
run(const char *name, void (*fn)(void))
{
	what = NULL;
	fn();
	free(mem);
	mem = NULL;
	if (what == NULL)
		printf("ok buf/%s\n", name);
	else
		printf("not ok buf/%s (%s)\n", name, what);
}

static void
t_init(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(b.len == 5 && b.pos == 0, "len 5, pos 0");
	check(b.err == 0, "err clear");
	check(b.be != 0, "big-endian flag kept");
	check(buf_left(&b) == 5, "left 5");
}

static void
t_init_null(void)
{
	struct buf b;

	buf_init(&b, NULL, 10, 0);
	check(b.len == 0, "NULL bytes give length 0");
	check(buf_left(&b) == 0, "left 0");
	check(buf_u8(&b) == 0 && b.err == 1, "u8 on NULL fails");
}

static void
t_u8_end(void)
{
	static const uint8_t d[] = { 0x7f, 0xab };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_u8(&b) == 0x7f, "first byte 0x7f");
	check(buf_u8(&b) == 0xab, "last byte 0xab");
	check(b.err == 0, "no error at exact end");
	check(buf_left(&b) == 0, "nothing left");
}

static void
t_u8_past(void)
{
	static const uint8_t d[] = { 0xab };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_u8(&b);
	check(buf_u8(&b) == 0, "read past end returns 0");
	check(b.err == 1, "read past end sets err");
}

static void
t_u16_le(void)
{
	static const uint8_t d[] = { 0x34, 0x12, 0x00, 0x80 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_u16(&b) == 0x1234, "0x1234");
	check(buf_u16(&b) == 0x8000, "0x8000 at exact end, no sign");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u16_be(void)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x80, 0x00 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(buf_u16(&b) == 0x1234, "0x1234");
	check(buf_u16(&b) == 0x8000, "0x8000 at exact end, no sign");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u16_past(void)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x56 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_u16(&b);
	check(buf_u16(&b) == 0, "one byte short returns 0");
	check(b.err == 1, "one byte short sets err");
	check(buf_left(&b) == 0, "a failed read leaves nothing to read");
}

static void
t_u32_le(void)
{
	static const uint8_t d[] = { 0x78, 0x56, 0x34, 0x12, 0xff, 0xff,
	    0xff, 0xff };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_u32(&b) == 0x12345678UL, "0x12345678");
	check(buf_u32(&b) == 0xffffffffUL, "0xffffffff at exact end");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u32_be(void)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x56, 0x78, 0x80, 0, 0, 1 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(buf_u32(&b) == 0x12345678UL, "0x12345678");
	check(buf_u32(&b) == 0x80000001UL, "0x80000001 at exact end");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u32_past(void)
{
	static const uint8_t d[] = { 1, 2, 3 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(buf_u32(&b) == 0, "three bytes: returns 0");
	check(b.err == 1, "three bytes: err");
	check(buf_left(&b) == 0, "a failed read leaves nothing to read");
}

static void
t_u64_le(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_u64(&b) == 0x0807060504030201ULL, "0x0807060504030201");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u64_be(void)
{
	static const uint8_t d[] = { 0xf1, 2, 3, 4, 5, 6, 7, 8 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(buf_u64(&b) == 0xf102030405060708ULL, "0xf102030405060708");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_u64_past(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_u64(&b) == 0, "seven bytes: returns 0");
	check(b.err == 1, "seven bytes: err");
}

static void
t_uint_odd_sizes(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_uint(&b, 3) == 0x030201, "le 3 bytes 0x030201");
	check(buf_uint(&b, 4) == 0x07060504, "le 4 bytes to the end");
	setup(&b, d, sizeof(d), 1);
	check(buf_uint(&b, 5) == 0x0102030405ULL, "be 5 bytes");
	check(buf_uint(&b, 1) == 0x06, "be 1 byte");
	check(buf_uint(&b, 1) == 0x07, "be 1 byte at the end");
	check(buf_uint(&b, 1) == 0 && b.err == 1, "be 1 byte past the end");
	setup(&b, d, sizeof(d), 0);
	check(buf_uint(&b, 6) == 0x060504030201ULL, "le 6 bytes");
	check(b.err == 0, "no error");
	setup(&b, d, sizeof(d), 1);
	check(buf_uint(&b, 7) == 0x01020304050607ULL, "be 7 bytes");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_uint0(void)
{
	static const uint8_t d[] = { 1, 2 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_uint(&b, 0) == 0, "returns 0");
	check(b.err == 1, "sets err");
	check(b.pos == 0, "consumes nothing");
}

static void
t_uint9(void)
{
	static const uint8_t d[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct buf b;

	setup(&b, d, sizeof(d), 1);
	check(buf_uint(&b, 9) == 0, "returns 0");
	check(b.err == 1, "sets err");
	check(b.pos == 0, "consumes nothing");
}

static void
t_sticky(void)
{
	static const uint8_t d[] = { 0x11, 0x22 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_u32(&b);
	check(b.err == 1, "short read sets err");
	check(buf_seek(&b, 0) == 0, "seek back to 0 works");
	check(buf_u8(&b) == 0x11, "later good read returns its value");
	check(b.err == 1, "err stays set after a good read");
	check(buf_seek(&b, 1) == 0 && b.err == 1, "and after a good seek");
}

static void
t_be_nonzero(void)
{
	static const uint8_t d[] = { 0x12, 0x34 };
	struct buf b;

	setup(&b, d, sizeof(d), 2);
	check(buf_u16(&b) == 0x1234, "any non-zero be means big-endian");
}

static void
t_get(void)
{
	static const uint8_t d[] = { 0xa1, 0xb2, 0xc3, 1, 2, 3, 4, 5, 6 };

	check(buf_get(d, 3, 0) == 0xc3b2a1, "le 3");
	check(buf_get(d, 3, 1) == 0xa1b2c3, "be 3");
	check(buf_get(d, 1, 1) == 0xa1, "1 byte");
	check(buf_get(d, 0, 0) == 0, "0 bytes give 0");
	check(buf_get(d, 8, 1) == 0xa1b2c30102030405ULL, "be 8");
	check(buf_get(d, 9, 1) == 0xa1b2c30102030405ULL,
	    "more than 8 bytes read as 8");
}

/* Read one uleb from d and check its value, error and length. */
static void
uleb_case(const uint8_t *d, size_t n, uint64_t want, int err, size_t used,
    const char *msg)
{
	struct buf b;

	setup(&b, d, n, 0);
	check(buf_uleb(&b) == want, msg);
	check(b.err == err, msg);
	check(b.pos == used, msg);
}

static void
sleb_case(const uint8_t *d, size_t n, int64_t want, int err, size_t used,
    const char *msg)
{
	struct buf b;

	setup(&b, d, n, 0);
	check(buf_sleb(&b) == want, msg);
	check(b.err == err, msg);
	check(b.pos == used, msg);
}

static void
t_uleb_small(void)
{
	static const uint8_t a[] = { 0x02 }, c[] = { 0x7f },
	    e[] = { 0x80, 0x01 }, f[] = { 0x82, 0x01 }, g[] = { 0xb9, 0x64 },
	    h[] = { 0xe5, 0x8e, 0x26 }, z[] = { 0x00 };

	uleb_case(z, 1, 0, 0, 1, "0x00 is 0");
	uleb_case(a, 1, 2, 0, 1, "0x02 is 2");
	uleb_case(c, 1, 127, 0, 1, "0x7f is 127");
	uleb_case(e, 2, 128, 0, 2, "0x80 0x01 is 128");
	uleb_case(f, 2, 130, 0, 2, "0x82 0x01 is 130");
	uleb_case(g, 2, 12857, 0, 2, "0xb9 0x64 is 12857");
	uleb_case(h, 3, 624485, 0, 3, "0xe5 0x8e 0x26 is 624485");
}

static void
t_uleb_max64(void)
{
	static const uint8_t d[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0x01 };

	uleb_case(d, sizeof(d), UINT64_MAX, 0, 10, "ff*9 01 is 2^64-1");
}

static void
t_uleb_10byte(void)
{
	static const uint8_t d[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x01 };

	uleb_case(d, sizeof(d), (uint64_t)1 << 63, 0, 10, "80*9 01 is 2^63");
}

/* Zero padding inside 10 bytes is legal LEB128 and the value fits. */
static void
t_uleb_overlong(void)
{
	static const uint8_t d[] = { 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x00 }, e[] = { 0x80, 0x00 };

	uleb_case(d, sizeof(d), 1, 0, 10, "81 80*8 00 is 1");
	uleb_case(e, sizeof(e), 0, 0, 2, "80 00 is 0");
}

/*
 * buf.c promises that a value longer than 64 bits is consumed in full
 * with the error flag set.
 */
static void
t_uleb_11byte(void)
{
	static const uint8_t d[] = { 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x00, 0x42 };
	struct buf b;

	uleb_case(d, 11, 1, 1, 11, "11-byte uleb: value 1, err, 11 used");
	setup(&b, d, sizeof(d), 0);
	(void)buf_uleb(&b);
	check(buf_u8(&b) == 0x42, "11-byte uleb: cursor stays in sync");
}

static void
t_uleb_overflow(void)
{
	/* 2^64 and 2^64+1: bit 64 set in the tenth byte. */
	static const uint8_t d[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x02 }, e[] = { 0x81, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x7f };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_uleb(&b);
	check(b.err == 1, "2^64 (80*9 02) must set err");
	check(b.pos == 10, "2^64 consumed in full");
	setup(&b, e, sizeof(e), 0);
	(void)buf_uleb(&b);
	check(b.err == 1, "81 80*8 7f must set err");
}

static void
t_uleb_truncated(void)
{
	static const uint8_t a[] = { 0x80 }, c[] = { 0xff, 0xff, 0xff };
	struct buf b;

	uleb_case(a, 1, 0, 1, 1, "80: returns 0 with err");
	uleb_case(c, 3, 0, 1, 3, "ff ff ff: returns 0 with err");
	setup(&b, a, 0, 0);
	check(buf_uleb(&b) == 0 && b.err == 1, "empty: returns 0 with err");
}

/* The loop is bounded by the input, not by a count of bytes. */
static void
t_uleb_long_run(void)
{
	uint8_t d[1001];
	struct buf b;

	memset(d, 0x80, sizeof(d) - 1);
	d[sizeof(d) - 1] = 0x00;
	setup(&b, d, sizeof(d), 0);
	check(buf_uleb(&b) == 0, "1001-byte zero: value 0");
	check(b.pos == 1001, "1001-byte zero: consumed in full");
	check(b.err == 1, "1001-byte zero: err (longer than 10 bytes)");
	memset(d, 0x80, sizeof(d));
	setup(&b, d, sizeof(d), 0);
	check(buf_uleb(&b) == 0 && b.err == 1, "1001 bytes no end: err");
}

static void
t_uleb_sync(void)
{
	static const uint8_t d[] = { 0xe5, 0x8e, 0x26, 0x42, 0x7f };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_uleb(&b) == 624485, "624485");
	check(buf_u8(&b) == 0x42, "next byte");
	check(buf_uleb(&b) == 127, "127 at exact end");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
}

static void
t_sleb_small(void)
{
	static const uint8_t a[] = { 0x02 }, c[] = { 0x7e },
	    e[] = { 0xff, 0x00 }, f[] = { 0x81, 0x7f }, g[] = { 0x80, 0x01 },
	    h[] = { 0x80, 0x7f }, i[] = { 0x81, 0x01 }, j[] = { 0xff, 0x7e },
	    k[] = { 0xc0, 0xbb, 0x78 }, m[] = { 0x7f }, z[] = { 0x00 },
	    o[] = { 0x40 }, p[] = { 0x3f };

	sleb_case(z, 1, 0, 0, 1, "00 is 0");
	sleb_case(a, 1, 2, 0, 1, "02 is 2");
	sleb_case(c, 1, -2, 0, 1, "7e is -2");
	sleb_case(m, 1, -1, 0, 1, "7f is -1");
	sleb_case(o, 1, -64, 0, 1, "40 is -64");
	sleb_case(p, 1, 63, 0, 1, "3f is 63");
	sleb_case(e, 2, 127, 0, 2, "ff 00 is 127");
	sleb_case(f, 2, -127, 0, 2, "81 7f is -127");
	sleb_case(g, 2, 128, 0, 2, "80 01 is 128");
	sleb_case(h, 2, -128, 0, 2, "80 7f is -128");
	sleb_case(i, 2, 129, 0, 2, "81 01 is 129");
	sleb_case(j, 2, -129, 0, 2, "ff 7e is -129");
	sleb_case(k, 3, -123456, 0, 3, "c0 bb 78 is -123456");
}

static void
t_sleb_limits(void)
{
	static const uint8_t mn[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x7f }, mx[] = { 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x00 }, m1[] = { 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x7f }, n63[] = { 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x80, 0x40 };

	sleb_case(mn, 10, INT64_MIN, 0, 10, "80*9 7f is INT64_MIN");
	sleb_case(mx, 10, INT64_MAX, 0, 10, "ff*9 00 is INT64_MAX");
	sleb_case(m1, 10, -1, 0, 10, "ff*9 7f is -1");
	sleb_case(n63, 9, -((int64_t)1 << 62), 0, 9, "80*8 40 is -2^62");
}

static void
t_sleb_truncated(void)
{
	static const uint8_t a[] = { 0x80 }, c[] = { 0xff, 0xff };

	sleb_case(a, 1, 0, 1, 1, "80: returns 0 with err");
	sleb_case(c, 2, 0, 1, 2, "ff ff: returns 0 with err");
}

/* +2^63 (10th byte 01, sign clear) does not fit in int64_t. */
static void
t_sleb_overflow(void)
{
	static const uint8_t d[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x01 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_sleb(&b);
	check(b.pos == 10, "+2^63 consumed in full");
	check(b.err == 1, "+2^63 (80*9 01) must set err");
}

/* buf.c: values longer than 64 bits set the error flag, as for uleb. */
static void
t_sleb_11byte(void)
{
	static const uint8_t e[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x00, 0x42 };
	struct buf b;

	setup(&b, e, sizeof(e), 0);
	check(buf_sleb(&b) == 0, "11-byte zero: value 0");
	check(b.pos == 11, "11-byte sleb consumed in full");
	check(buf_u8(&b) == 0x42, "11-byte sleb: cursor in sync");
	check(b.err == 1, "11-byte sleb must set err");
}

static void
t_cstr(void)
{
	static const uint8_t d[] = { 'a', 'b', 0, 0, 'c', 'd', 0 };
	const char *s;
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	s = buf_cstr(&b);
	check(s != NULL && strcmp(s, "ab") == 0 && b.pos == 3, "\"ab\"");
	s = buf_cstr(&b);
	check(s != NULL && *s == '\0' && b.pos == 4, "empty string");
	s = buf_cstr(&b);
	check(s != NULL && strcmp(s, "cd") == 0, "\"cd\" ending at the end");
	check(b.err == 0 && buf_left(&b) == 0, "clean exact end");
	check(buf_cstr(&b) == NULL && b.err == 1, "at end: NULL and err");
}

static void
t_cstr_no_nul(void)
{
	static const uint8_t d[] = { 'x', 'a', 'b', 'c' };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	(void)buf_u8(&b);
	check(buf_cstr(&b) == NULL, "no NUL: NULL");
	check(b.err == 1, "no NUL: err");
	check(buf_left(&b) == 0, "no NUL: nothing left");
}

/*
 * buf_init accepts NULL bytes.  Under UBSan this case also checks that
 * no read forms NULL + 0, which C leaves undefined.
 */
static void
t_null_buf(void)
{
	struct buf b;

	buf_init(&b, NULL, 0, 0);
	check(buf_cstr(&b) == NULL && b.err == 1, "cstr: NULL and err");
	buf_init(&b, NULL, 0, 0);
	check(buf_bytes(&b, 1) == NULL && b.err == 1, "bytes(1): NULL, err");
	buf_init(&b, NULL, 0, 0);
	(void)buf_bytes(&b, 0);
	check(buf_skip(&b, 0) == 0 && buf_seek(&b, 0) == 0, "skip/seek 0");
	check(buf_uleb(&b) == 0 && b.err == 1, "uleb: 0 and err");
}

static void
t_seek(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_seek(&b, 4) == 0 && b.err == 0, "seek to len is fine");
	check(buf_left(&b) == 0, "nothing left at len");
	check(buf_seek(&b, 2) == 0 && buf_u8(&b) == 3, "seek back to 2");
	check(buf_seek(&b, 5) == -1 && b.err == 1, "seek past len fails");
	check(buf_left(&b) == 0, "failed seek leaves nothing to read");
	setup(&b, d, sizeof(d), 0);
	check(buf_seek(&b, SIZE_MAX) == -1 && b.err == 1, "seek SIZE_MAX");
}

static void
t_skip(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4 };
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	check(buf_skip(&b, 1) == 0 && buf_u8(&b) == 2, "skip 1");
	check(buf_skip(&b, 2) == 0 && b.err == 0, "skip to exact end");
	check(buf_skip(&b, 0) == 0 && b.err == 0, "skip 0 at end");
	check(buf_skip(&b, 1) == -1 && b.err == 1, "skip past end fails");
	setup(&b, d, sizeof(d), 0);
	(void)buf_u8(&b);
	check(buf_skip(&b, SIZE_MAX) == -1 && b.err == 1,
	    "skip SIZE_MAX does not wrap");
	check(buf_left(&b) == 0, "failed skip leaves nothing to read");
}

static void
t_bytes(void)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5 };
	const uint8_t *p;
	struct buf b;

	setup(&b, d, sizeof(d), 0);
	p = buf_bytes(&b, 2);
	check(p == mem && b.pos == 2, "first 2 bytes in place");
	p = buf_bytes(&b, 3);
	check(p == mem + 2 && p[2] == 5 && b.err == 0, "3 bytes to the end");
	p = buf_bytes(&b, 0);
	check(p != NULL && b.err == 0, "0 bytes at end is fine");
	check(buf_bytes(&b, 1) == NULL && b.err == 1, "1 byte past end");
	setup(&b, d, sizeof(d), 0);
	check(buf_bytes(&b, 6) == NULL && b.err == 1, "len+1 bytes fail");
	setup(&b, d, sizeof(d), 0);
	(void)buf_u8(&b);
	check(buf_bytes(&b, SIZE_MAX) == NULL && b.err == 1,
	    "SIZE_MAX bytes do not wrap");
}

static const struct tcase {
	const char	*name;
	void		(*fn)(void);
} cases[] = {
	{ "init", t_init },
	{ "init_null", t_init_null },
	{ "u8_end", t_u8_end },
	{ "u8_past", t_u8_past },
	{ "u16_le", t_u16_le },
	{ "u16_be", t_u16_be },
	{ "u16_past", t_u16_past },
	{ "u32_le", t_u32_le },
	{ "u32_be", t_u32_be },
	{ "u32_past", t_u32_past },
	{ "u64_le", t_u64_le },
	{ "u64_be", t_u64_be },
	{ "u64_past", t_u64_past },
	{ "uint_odd_sizes", t_uint_odd_sizes },
	{ "uint0", t_uint0 },
	{ "uint9", t_uint9 },
	{ "sticky_err", t_sticky },
	{ "be_nonzero", t_be_nonzero },
	{ "get", t_get },
	{ "uleb_small", t_uleb_small },
	{ "uleb_max64", t_uleb_max64 },
	{ "uleb_10byte", t_uleb_10byte },
	{ "uleb_overlong", t_uleb_overlong },
	{ "uleb_11byte", t_uleb_11byte },
	{ "uleb_overflow", t_uleb_overflow },
	{ "uleb_truncated", t_uleb_truncated },
	{ "uleb_long_run", t_uleb_long_run },
	{ "uleb_sync", t_uleb_sync },
	{ "sleb_small", t_sleb_small },
	{ "sleb_limits", t_sleb_limits },
	{ "sleb_truncated", t_sleb_truncated },
	{ "sleb_overflow", t_sleb_overflow },
	{ "sleb_11byte", t_sleb_11byte },
	{ "cstr", t_cstr },
	{ "cstr_no_nul", t_cstr_no_nul },
	{ "null_buf", t_null_buf },
	{ "seek", t_seek },
	{ "skip", t_skip },
	{ "bytes", t_bytes },
};

int
main(void)
{
	size_t i;

	printf("1..%zu\n", sizeof(cases) / sizeof(cases[0]));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run(cases[i].name, cases[i].fn);
	return 0;
}
