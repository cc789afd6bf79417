/* link: src/ktrace.c src/buf.c src/xmalloc.c src/mdump_err.c */
/*
 * test_ktrace.c: unit tests of ktr_detect(), the header layout detection
 * of the trace reader, on byte arrays built here field by field.
 *
 * The header layouts are written down again from doc/FORMATS.md
 * ("Header layouts") rather than taken from ktrace.c or tracegen, so a
 * wrong offset in either shows up as a failure here.  Prints "ok ktrace/NAME" or
 * "not ok ktrace/NAME (why)" per check, then the plan; exit status 1 if
 * any failed.
 *
 * This does not test record iteration (ktr_next); the golden tests of
 * mdump do that through whole traces.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ktrace.h"

/* Room for a few records of any layout; checks use far less. */
#define TBUF_MAX	1024

#define T_KTR_SYSCALL	1
#define T_SEC		1700000000ULL
#define T_NSEC		123456789ULL

/* Where one layout keeps its fields (doc/FORMATS.md, "Header layouts"). */
struct tlayout {
	const char	*name;		/* as tracegen names it */
	size_t		 hdrlen;
	int		 be;
	size_t		 secoff;
	size_t		 nsecoff;
	size_t		 nsecsize;
	size_t		 commoff;
	size_t		 commlen;
	size_t		 lenoff;
	size_t		 lensize;
	const char	*want;		/* the layout ktr_detect() names */
	int		 wantptr;	/* its pointer size, 0: unknown */
};

/*
 * LE 64-byte headers are the same for amd64, armv7 and their pre-2021
 * kernels (a 17-byte comm zero-filled to 24 reads the same), so all four
 * are "lp64le" with the pointer size left to the payloads; the BE LP64
 * ones are "lp64be" with 8-byte pointers.
 */
static const struct tlayout tlayouts[] = {
	{ "lp64le",	 64, 0, 16, 24, 8, 32, 24, 56, 8, "lp64le", 0 },
	{ "lp64be",	 64, 1, 16, 24, 8, 32, 24, 56, 8, "lp64be", 8 },
	{ "ilp32le",	 64, 0, 16, 24, 4, 32, 24, 56, 4, "lp64le", 0 },
	{ "ilp32be",	 64, 1, 16, 24, 4, 32, 24, 56, 4, "ilp32be", 4 },
	{ "i386",	 52, 0, 12, 20, 4, 24, 24, 48, 4, "i386", 4 },
	{ "i386-old",	 48, 0, 12, 20, 4, 24, 17, 44, 4, "i386-old", 4 },
	{ "ilp32le-old", 56, 0, 16, 24, 4, 32, 17, 52, 4, "ilp32le-old", 4 },
	{ "ilp32be-old", 56, 1, 16, 24, 4, 32, 17, 52, 4, "ilp32be-old", 4 },
	{ "lp64le-old",	 64, 0, 16, 24, 8, 32, 17, 56, 8, "lp64le", 0 },
	{ "lp64be-old",	 64, 1, 16, 24, 8, 32, 17, 56, 8, "lp64be", 8 },
};
#define NTLAYOUTS	(sizeof(tlayouts) / sizeof(tlayouts[0]))

/* A trace being built. */
struct tbuf {
	uint8_t	b[TBUF_MAX];
	size_t	n;
};

static int failed;
static int nresults;	/* the plan, printed last: the cases vary by layout */

static void
ok(const char *name)
{
	printf("ok ktrace/%s\n", name);
	nresults++;
}

static void
notok(const char *name, const char *why, const char *detail)
{
	printf("not ok ktrace/%s (%s%s)\n", name, why, detail);
	nresults++;
	failed = 1;
}

/* Store the low n bytes of v at p in the given byte order. */
static void
put(uint8_t *p, uint64_t v, size_t n, int be)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/*
 * Append a header.  A start record has the big-endian "KTR\0" type,
 * pid and tid -1, an empty comm and length 0; others have comm "a.out".
 */
static void
header(struct tbuf *t, const struct tlayout *l, int start, uint32_t type,
    uint64_t len)
{
	uint8_t *p = t->b + t->n;

	memset(p, 0, l->hdrlen);
	if (start) {
		memcpy(p, "KTR", 4);
		put(p + 4, UINT32_MAX, 4, l->be);
		put(p + 8, UINT32_MAX, 4, l->be);
	} else {
		put(p, type, 4, l->be);
		put(p + 4, 4711, 4, l->be);
		put(p + 8, 4711 + 100000, 4, l->be);
		memcpy(p + l->commoff, "a.out", 5);
	}
	put(p + l->secoff, T_SEC, 8, l->be);
	put(p + l->nsecoff, T_NSEC, l->nsecsize, l->be);
	put(p + l->lenoff, len, l->lensize, l->be);
	t->n += l->hdrlen;
}

/* Append a utrace record: label NUL-padded to 20 bytes, then data. */
static void
utrace(struct tbuf *t, const struct tlayout *l, const char *label,
    const void *data, size_t n)
{
	header(t, l, 0, KTR_USER, KTR_LABELLEN + n);
	memset(t->b + t->n, 0, KTR_LABELLEN);
	memcpy(t->b + t->n, label, strlen(label));
	t->n += KTR_LABELLEN;
	memcpy(t->b + t->n, data, n);
	t->n += n;
}

/* Append a record of another type with n payload bytes of value v. */
static void
other(struct tbuf *t, const struct tlayout *l, uint32_t type, size_t n,
    int v)
{
	header(t, l, 0, type, n);
	memset(t->b + t->n, v, n);
	t->n += n;
}

/* A start record, an in-tree text line and a syscall record. */
static void
sample(struct tbuf *t, const struct tlayout *l)
{
	static const char line[] = "Leak report:\n";

	t->n = 0;
	header(t, l, 1, 0, 0);
	utrace(t, l, "malloc", line, sizeof(line) - 1);
	other(t, l, T_KTR_SYSCALL, 12, 0x5a);
}

/* Check that detection names the layout want (NULL: none). */
static void
expect(const char *name, const uint8_t *p, size_t n, int whole,
    const char *want, int wantptr, size_t wanthdr)
{
	const struct ktr_layout *got;

	got = ktr_detect(p, n, whole);
	if (want == NULL) {
		if (got == NULL)
			ok(name);
		else
			notok(name, "detected as ", got->name);
		return;
	}
	if (got == NULL)
		notok(name, "not detected, expected ", want);
	else if (strcmp(got->name, want) != 0)
		notok(name, "detected as ", got->name);
	else if (got->ptrsize != wantptr)
		notok(name, "wrong pointer size for ", want);
	else if (got->hdrlen != wanthdr)
		notok(name, "wrong header length for ", want);
	else
		ok(name);
}

/*
 * Every layout: the whole sample, a prefix cut inside its last record
 * (as the reader's detection buffer may be), and a whole file whose last
 * record is truncated (a trace still being written, or cut short).
 */
static void
test_layouts(void)
{
	const struct tlayout *l;
	struct tbuf t;
	char name[64];
	size_t i;

	for (i = 0; i < NTLAYOUTS; i++) {
		l = &tlayouts[i];
		sample(&t, l);
		snprintf(name, sizeof(name), "%s", l->name);
		expect(name, t.b, t.n, 1, l->want, l->wantptr, l->hdrlen);
		snprintf(name, sizeof(name), "%s-prefix", l->name);
		expect(name, t.b, t.n - 5, 0, l->want, l->wantptr,
		    l->hdrlen);
		snprintf(name, sizeof(name), "%s-truncated", l->name);
		expect(name, t.b, t.n - 5, 1, l->want, l->wantptr,
		    l->hdrlen);
		snprintf(name, sizeof(name), "%s-cut-header", l->name);
		expect(name, t.b, t.n - 12 - l->hdrlen + 3, 1, l->want,
		    l->wantptr, l->hdrlen);
	}
}

/*
 * A file holding nothing but start records is valid and empty; the
 * start record's size (and for i386 its tv_sec in bytes 12-15) is all
 * there is to go by.  The 64-byte one fits every 64-byte layout: the
 * first preference, "lp64le", is taken.
 */
static void
test_start_only(void)
{
	static const size_t idx[] = { 0, 4, 5, 6 };
	static const char *want[] = {
		"lp64le", "i386", "i386-old", "ilp32le-old"
	};
	const struct tlayout *l;
	struct tbuf t;
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		l = &tlayouts[idx[i]];
		t.n = 0;
		header(&t, l, 1, 0, 0);
		snprintf(name, sizeof(name), "start-only-%zu", l->hdrlen);
		expect(name, t.b, t.n, 1, want[i],
		    strcmp(want[i], "lp64le") == 0 ? 0 : 4, l->hdrlen);
		header(&t, l, 1, 0, 0);
		snprintf(name, sizeof(name), "two-starts-%zu", l->hdrlen);
		expect(name, t.b, t.n, 1, want[i],
		    strcmp(want[i], "lp64le") == 0 ? 0 : 4, l->hdrlen);
	}
}

/* Prefixes that are no trace, or no trace any layout can read. */
static void
test_invalid(void)
{
	const struct tlayout *le = &tlayouts[0], *be = &tlayouts[1];
	struct tbuf t;

	expect("empty", (const uint8_t *)"", 0, 1, NULL, 0, 0);
	expect("short-magic", (const uint8_t *)"KTR", 3, 1, NULL, 0, 0);
	expect("magic-only", (const uint8_t *)"KTR", 4, 1, NULL, 0, 0);
	sample(&t, le);
	t.b[3] = 1;
	expect("bad-magic", t.b, t.n, 1, NULL, 0, 0);

	/* Shorter than the smallest start record (48 bytes). */
	sample(&t, le);
	expect("start-cut", t.b, 40, 1, NULL, 0, 0);

	/*
	 * The start record must have pid -1; when it is damaged, the
	 * records after it still tell the layout.
	 */
	sample(&t, le);
	put(t.b + 4, 1, 4, 0);
	expect("start-pid", t.b, t.n, 1, "lp64le", 0, 64);
	t.n = le->hdrlen;
	expect("start-pid-alone", t.b, t.n, 1, NULL, 0, 0);

	/* A record of type 0 after the start record. */
	t.n = 0;
	header(&t, le, 1, 0, 0);
	other(&t, le, 0, 8, 0);
	expect("type-zero", t.b, t.n, 1, NULL, 0, 0);

	/* Bytes of 0xff: no type fits in either byte order. */
	t.n = 0;
	header(&t, be, 1, 0, 0);
	memset(t.b + t.n, 0xff, 64);
	t.n += 64;
	expect("garbage", t.b, t.n, 1, NULL, 0, 0);

	/* A utrace record too short to hold its 20-byte label. */
	t.n = 0;
	header(&t, le, 1, 0, 0);
	other(&t, le, KTR_USER, 10, 0);
	expect("utrace-short", t.b, t.n, 1, NULL, 0, 0);

	/*
	 * Non-zero padding (bytes 12-15) in a 64-byte header.  The
	 * sample is cut after the damaged record: the syscall record
	 * after it would show the layout (resynchronization).
	 */
	sample(&t, le);
	t.b[le->hdrlen + 13] = 1;
	expect("padding", t.b, t.n - le->hdrlen - 12, 1, NULL, 0, 0);

	/* Nanoseconds of 10^9 or more; cut as above. */
	sample(&t, le);
	put(t.b + le->hdrlen + le->nsecoff, 1000000000ULL, 8, 0);
	expect("nsec", t.b, t.n - le->hdrlen - 12, 1, NULL, 0, 0);
}

/*
 * Byte order comes from the records after the start record: the same
 * start record followed by a big-endian record is big-endian.
 */
static void
test_byte_order(void)
{
	const struct tlayout *le = &tlayouts[0], *be = &tlayouts[1];
	struct tbuf t;

	t.n = 0;
	header(&t, le, 1, 0, 0);
	other(&t, be, T_KTR_SYSCALL, 8, 0);
	expect("order-be", t.b, t.n, 1, "lp64be", 8, 64);
	t.n = 0;
	header(&t, be, 1, 0, 0);
	other(&t, le, T_KTR_SYSCALL, 8, 0);
	expect("order-le", t.b, t.n, 1, "lp64le", 0, 64);
}

int
main(void)
{
	test_layouts();
	test_start_only();
	test_invalid();
	test_byte_order();
	printf("1..%d\n", nresults);
	return failed;
}
