/*
 * out.c: the report's buffered output (out.h).  Numbers are formatted
 * here rather than by printf: the report prints several on each line.
 * bench/scale.sh's experimental trace as JSON: 2.47 s of CPU this way,
 * 3.53 s with strings written to stdio a character at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "xmalloc.h"

struct out *
out_open(FILE *fp)
{
	struct out *o;

	o = xmalloc(sizeof(*o));
	o->fp = fp;
	o->len = 0;
	return o;
}

/* The buffer to the stream, without flushing the stream. */
static void
out_drain(struct out *o)
{
	if (o->len > 0)
		fwrite(o->buf, 1, o->len, o->fp);
	o->len = 0;
}

int
out_flush(struct out *o)
{
	out_drain(o);
	return fflush(o->fp) == EOF || ferror(o->fp) ? -1 : 0;
}

int
out_close(struct out *o)
{
	int rv;

	rv = out_flush(o);
	free(o);
	return rv;
}

void
out_mem_slow(struct out *o, const void *p, size_t n)
{
	out_drain(o);
	if (n > OUT_BUFLEN) {
		fwrite(p, 1, n, o->fp);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void
out_char_slow(struct out *o, int c)
{
	out_drain(o);
	o->buf[o->len++] = (char)c;
}

/*
 * "00" to "99": numbers are formatted two digits a step, one division
 * for two digits.  bench/symbolize.sh's 100000 frames as JSON: 845 M
 * instructions one digit a step, 835 M two.
 */
static const char out_digits2[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void
out_u64(struct out *o, uint64_t v)
{
	char b[20], *p = b + sizeof(b);
	unsigned d;

	while (v >= 100) {
		d = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		memcpy(p, out_digits2 + 2 * d, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, out_digits2 + 2 * v, 2);
	} else
		*--p = (char)('0' + v);
	out_mem(o, p, (size_t)(b + sizeof(b) - p));
}

void
out_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_char(o, '-');
		out_u64(o, -(uint64_t)v);
	} else
		out_u64(o, (uint64_t)v);
}

void
out_hex(struct out *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char b[16], *p = b + sizeof(b);

	do {
		*--p = digits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	out_mem(o, p, (size_t)(b + sizeof(b) - p));
}

void
out_subst(struct out *o, const char *s, const char *set, int with)
{
	size_t n;

	for (;;) {
		n = strcspn(s, set);
		out_mem(o, s, n);
		if (s[n] == '\0')
			return;
		out_char(o, with);
		s += n + 1;
	}
}
