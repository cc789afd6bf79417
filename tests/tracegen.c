/*
 * tracegen.c: write an OpenBSD ktrace.out file from a readable text
 * description, so the test suite can make traces of every header layout,
 * both malloc record formats and every kind of damage without an OpenBSD
 * machine.
 *
 * Usage: tracegen [-o outfile] [descfile]
 *
 * One directive per line, tokens separated by blanks.  A line whose first
 * non-blank character is '#' is a comment (elsewhere '#' is data); blank
 * lines are ignored.  Numbers are in C syntax (0x1f, 017, 31) and may be
 * negative (two's complement); each must fit the field it goes into.
 *
 * layout NAME     first directive: lp64le lp64be ilp32le ilp32be i386
 *                 i386-old ilp32le-old ilp32be-old lp64le-old lp64be-old
 *                 (doc/FORMATS.md, "Header layouts", and the table
 *                 below)
 * ptr 4|8         pointer size of the experimental payloads; the default
 *                 is 8 for lp64*, 4 for the others
 * time SEC NSEC   timestamp of the following records
 *                 (default 1700000000 123456789)
 * start           a start record: type bytes "KTR\0", pid and tid -1,
 *                 the current time, comm zero, length 0
 * proc PID COMM   following records carry pid PID, tid PID+100000 and
 *                 comm COMM (shorter than the comm field)
 * tid N           tid of the following records, until the next proc
 * object ID PATH  "mallocobjectrecord": ID (pointer-sized), PATH, NUL.
 *                 PATH is the rest of the line after ID and one blank,
 *                 verbatim; it may be empty
 * leak SUM COUNT [OFF@ID ...]
 *                 "mallocleakrecord": 4 frames {OFF, ID}, SUM, COUNT,
 *                 all pointer-sized; missing frames are 0@0
 * dump TEXT       "mallocdumpline" with TEXT; no NUL is added
 * text TEXT       "malloc" (the in-tree format) with TEXT.
 *                 TEXT is the rest of the line after the keyword and one
 *                 blank; if it starts with '"' it must end with '"' and
 *                 the quotes are dropped.  Escapes: \n \t \\ \" \xNN
 * snap NUM COUNT MONO REAL [BYTES BLOCKS DB DN IB IN PB PN RB RN STOP]
 *                 "mdtsnap" (doc/FORMATS.md, "Snapshots"): the snapshot
 *                 number and entry count (4 bytes each), then 8-byte
 *                 numbers, those left out 0
 * stack ID [OFF@OBJ ...]
 *                 "mdtstack": ID, the number of frames, then each frame's
 *                 offset and object id (8 bytes each)
 * snapent NUM [ID:KIND:BYTES:BLOCKS[:NEWBYTES:NEWBLOCKS] ...]
 *                 "mdtsnapent": NUM, then one 40-byte entry per word
 *                 (new bytes and blocks 0 when left out)
 * older NUM T [ID:KIND:BYTES:BLOCKS ...]
 *                 "mdtolder": NUM (4 bytes), T in nanoseconds (8), then
 *                 one 24-byte entry per word
 * utrace LABEL HEX  any label (at most 19 characters), hex payload
 * utext LABEL TEXT  any label, TEXT as for "text"
 * record TYPE HEX a record of ktrace type TYPE with a hex payload
 * len N           the next record's ktr_len is N, whatever follows it
 * raw HEX         these bytes, as they are
 * cut N           drop the last N bytes of the finished trace (once)
 *
 * HEX is pairs of hex digits; blanks may appear anywhere between digits.
 * Records other than start need a proc first.  A utrace payload is the
 * label NUL-padded to 20 bytes, then the data.
 *
 * The whole trace is built in memory and written only when the
 * description was read without error, so a bad description never leaves
 * a half-written file behind.  On error the program prints
 * "tracegen: LINE: message" and exits 1.
 *
 * This is a test tool: it trusts nothing in the description (every number
 * is range-checked against the field it goes into), but it does not try
 * to stop anyone from writing a damaged trace on purpose; that is its job.
 * It does not read traces and does not check that a description makes a
 * trace mdump would accept.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Longest description line.  A full 2048-byte utrace payload written as
 * spaced hex ("xx " per byte) takes 6144 characters, so this leaves room.
 */
#define MAX_LINE	16384

/*
 * Largest trace we build.  Tests need kilobytes; the cap only keeps a
 * runaway description from eating the machine.
 */
#define MAX_OUT		(64UL * 1024 * 1024)

/*
 * A payload is built from one line: it is never longer than the line
 * (hex and escapes shrink, the label adds 20 bytes, the object id and
 * the leak record add at most 8 and 80).
 */
#define MAX_PAYLOAD	(MAX_LINE + 128)

#define HDR_MAX		64	/* largest header of any layout */
#define LABEL_SIZE	20	/* ktr_id: utrace label, NUL-padded */
#define LEAK_FRAMES	4	/* frames in an experimental leak record */
#define KTR_USER	9	/* ktrace record type of utrace(2) */
#define TID_OFFSET	100000	/* the kernel adds this to thread ids */
#define DEF_SEC		1700000000ULL
#define DEF_NSEC	123456789ULL

/* Where the fields of one header layout live (doc/FORMATS.md). */
struct layout {
	const char	*name;
	size_t		 hdrsize;
	int		 be;
	size_t		 secoff;
	size_t		 nsecoff;
	size_t		 nsecsize;
	size_t		 commoff;
	size_t		 commsize;
	size_t		 lenoff;
	size_t		 lensize;
	size_t		 ptrsize;	/* default pointer size */
};

static const struct layout layouts[] = {
	/* name         hdr be sec nsec sz comm  sz len sz ptr */
	{ "lp64le",      64, 0, 16, 24, 8, 32, 24, 56, 8, 8 },
	{ "lp64be",      64, 1, 16, 24, 8, 32, 24, 56, 8, 8 },
	{ "ilp32le",     64, 0, 16, 24, 4, 32, 24, 56, 4, 4 },
	{ "ilp32be",     64, 1, 16, 24, 4, 32, 24, 56, 4, 4 },
	{ "i386",        52, 0, 12, 20, 4, 24, 24, 48, 4, 4 },
	{ "i386-old",    48, 0, 12, 20, 4, 24, 17, 44, 4, 4 },
	{ "ilp32le-old", 56, 0, 16, 24, 4, 32, 17, 52, 4, 4 },
	{ "ilp32be-old", 56, 1, 16, 24, 4, 32, 17, 52, 4, 4 },
	{ "lp64le-old",  64, 0, 16, 24, 8, 32, 17, 56, 8, 8 },
	{ "lp64be-old",  64, 1, 16, 24, 8, 32, 17, 56, 8, 8 },
};

/* What the directives so far have set, and the trace built so far. */
struct gen {
	unsigned long		 line;		/* of the description */
	const struct layout	*lay;		/* NULL before "layout" */
	size_t			 ptrsize;
	uint64_t		 sec;
	uint64_t		 nsec;
	int			 haveproc;
	uint32_t		 pid;
	uint32_t		 tid;
	char			 comm[HDR_MAX];
	int			 havelen;	/* a "len" is pending */
	uint64_t		 len;
	unsigned long		 lenline;
	int			 havecut;
	size_t			 cut;
	unsigned long		 cutline;
	uint8_t			*out;
	size_t			 outlen;
	size_t			 outcap;
	uint8_t			 payload[MAX_PAYLOAD];
};

#ifdef __GNUC__
static void	 fail(const struct gen *, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));
#endif

static void
fail(const struct gen *g, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tracegen: %lu: ", g->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tracegen [-o outfile] [descfile]\n");
	exit(1);
}

/* Store the low n bytes of v at p in the layout's byte order. */
static void
put_uint(uint8_t *p, uint64_t v, size_t n, int be)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (be)
			p[n - 1 - i] = (uint8_t)(v >> (8 * i));
		else
			p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void
out_append(struct gen *g, const void *p, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (n > MAX_OUT - g->outlen)
		fail(g, "trace larger than %lu bytes", (unsigned long)MAX_OUT);
	if (g->outlen + n > g->outcap) {
		ncap = g->outcap == 0 ? 4096 : g->outcap;
		while (ncap < g->outlen + n)
			ncap *= 2;
		if ((np = realloc(g->out, ncap)) == NULL) {
			perror("tracegen");
			exit(1);
		}
		g->out = np;
		g->outcap = ncap;
	}
	if (n > 0)
		memcpy(g->out + g->outlen, p, n);
	g->outlen += n;
}

/*
 * Split off the next token of *sp, ended by a space, a tab or the end of
 * the line.  Exactly one separator after the token is consumed, so *sp
 * then points at the rest of the line as written: the object path and the
 * text directives take it verbatim.  Returns NULL at the end of the line.
 */
static char *
token(char **sp)
{
	char *s = *sp, *t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return NULL;
	}
	t = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return t;
}

static char *
need_token(const struct gen *g, char **sp, const char *what)
{
	char *t;

	if ((t = token(sp)) == NULL)
		fail(g, "missing %s", what);
	return t;
}

static void
need_end(const struct gen *g, char *s)
{
	if (token(&s) != NULL)
		fail(g, "unexpected argument");
}

/*
 * Parse a number in C syntax (0x.., 0.., decimal, optional '-') that must
 * fit a field of width bytes, as an unsigned value or as a negative one in
 * two's complement.  Returns the low width bytes.
 */
static uint64_t
parse_num(const struct gen *g, const char *s, size_t width, const char *what)
{
	const char *p = s;
	char *end;
	unsigned long long v;
	uint64_t max;
	int neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		fail(g, "%s: not a number: %s", what, s);
	errno = 0;
	v = strtoull(p, &end, 0);
	if (*end != '\0')
		fail(g, "%s: not a number: %s", what, s);
	max = width >= 8 ? UINT64_MAX : ((uint64_t)1 << (8 * width)) - 1;
	if (errno == ERANGE || v > max || (neg && v > max / 2 + 1))
		fail(g, "%s: does not fit in %zu bytes: %s", what, width, s);
	return neg ? ((uint64_t)0 - v) & max : v;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode hex byte pairs; blanks may stand anywhere between digits.
 * The output never exceeds half the input, so dst of MAX_PAYLOAD holds it.
 */
static size_t
parse_hex(const struct gen *g, const char *s, uint8_t *dst)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t')
			continue;
		if ((v = hexval((unsigned char)*s)) < 0)
			fail(g, "bad hex digit '%c'", *s);
		if (hi < 0)
			hi = v;
		else {
			dst[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		fail(g, "odd number of hex digits");
	return n;
}

/* Decode one backslash escape at s (pointing after the '\'). */
static const char *
unescape_one(const struct gen *g, const char *s, uint8_t *c)
{
	int h, l;

	switch (*s) {
	case 'n':
		*c = '\n';
		return s + 1;
	case 't':
		*c = '\t';
		return s + 1;
	case '\\':
	case '"':
		*c = (uint8_t)*s;
		return s + 1;
	case 'x':
		if ((h = hexval((unsigned char)s[1])) < 0 ||
		    (l = hexval((unsigned char)s[2])) < 0)
			fail(g, "\\x needs two hex digits");
		*c = (uint8_t)(h << 4 | l);
		return s + 3;
	case '\0':
		fail(g, "backslash at end of line");
	default:
		fail(g, "unknown escape \\%c", *s);
	}
	return s;
}

/*
 * Decode TEXT as C escapes.  When it starts with a double quote it must
 * end with an unescaped one (blanks may follow); the quotes are dropped.
 */
static size_t
parse_text(const struct gen *g, const char *s, uint8_t *dst)
{
	size_t n = 0;
	int quoted = 0;

	if (*s == '"') {
		quoted = 1;
		s++;
	}
	for (;;) {
		if (*s == '\0') {
			if (quoted)
				fail(g, "missing closing quote");
			break;
		}
		if (quoted && *s == '"') {
			s++;
			s += strspn(s, " \t");
			if (*s != '\0')
				fail(g, "text after closing quote");
			break;
		}
		if (*s == '\\')
			s = unescape_one(g, s + 1, &dst[n++]);
		else
			dst[n++] = (uint8_t)*s++;
	}
	return n;
}

/* Append one header for a record of plen payload bytes. */
static void
put_header(struct gen *g, int start, uint32_t type, size_t plen)
{
	const struct layout *l = g->lay;
	uint8_t h[HDR_MAX];
	uint64_t len = plen;
	uint32_t pid = g->pid, tid = g->tid;

	memset(h, 0, sizeof(h));
	if (g->havelen) {
		len = g->len;
		g->havelen = 0;
	} else if (l->lensize < 8 && plen > UINT32_MAX)
		fail(g, "payload too long for a 4-byte ktr_len");
	if (start) {
		/* KTR_START is written big-endian on every architecture. */
		memcpy(h, "KTR", 4);
		pid = tid = UINT32_MAX;
	} else
		put_uint(h, type, 4, l->be);
	put_uint(h + 4, pid, 4, l->be);
	put_uint(h + 8, tid, 4, l->be);
	put_uint(h + l->secoff, g->sec, 8, l->be);
	put_uint(h + l->nsecoff, g->nsec, l->nsecsize, l->be);
	if (!start)
		memcpy(h + l->commoff, g->comm, l->commsize);
	put_uint(h + l->lenoff, len, l->lensize, l->be);
	out_append(g, h, l->hdrsize);
}

static void
put_record(struct gen *g, uint32_t type, const uint8_t *p, size_t n)
{
	if (!g->haveproc)
		fail(g, "record before any proc directive");
	put_header(g, 0, type, n);
	out_append(g, p, n);
}

/*
 * Emit a utrace record: the label, NUL-padded to 20 bytes, is the start
 * of the payload, so callers build their data at g->payload + LABEL_SIZE.
 */
static void
put_utrace(struct gen *g, const char *label, size_t datalen)
{
	size_t n = strlen(label);

	if (n >= LABEL_SIZE)
		fail(g, "label longer than %d characters", LABEL_SIZE - 1);
	memset(g->payload, 0, LABEL_SIZE);
	memcpy(g->payload, label, n);
	put_record(g, KTR_USER, g->payload, LABEL_SIZE + datalen);
}

static void
do_layout(struct gen *g, char *rest)
{
	const char *name = need_token(g, &rest, "layout name");
	size_t i;

	need_end(g, rest);
	if (g->lay != NULL)
		fail(g, "layout given twice");
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (strcmp(layouts[i].name, name) == 0) {
			g->lay = &layouts[i];
			g->ptrsize = layouts[i].ptrsize;
			return;
		}
	}
	fail(g, "unknown layout: %s", name);
}

static void
do_ptr(struct gen *g, char *rest)
{
	const char *t = need_token(g, &rest, "pointer size");

	need_end(g, rest);
	if (strcmp(t, "4") == 0)
		g->ptrsize = 4;
	else if (strcmp(t, "8") == 0)
		g->ptrsize = 8;
	else
		fail(g, "pointer size must be 4 or 8: %s", t);
}

static void
do_time(struct gen *g, char *rest)
{
	const char *sec = need_token(g, &rest, "seconds");
	const char *nsec = need_token(g, &rest, "nanoseconds");

	need_end(g, rest);
	g->sec = parse_num(g, sec, 8, "seconds");
	g->nsec = parse_num(g, nsec, g->lay->nsecsize, "nanoseconds");
}

static void
do_start(struct gen *g, char *rest)
{
	need_end(g, rest);
	put_header(g, 1, 0, 0);
}

static void
do_proc(struct gen *g, char *rest)
{
	const char *pid = need_token(g, &rest, "pid");
	const char *comm = need_token(g, &rest, "command name");

	need_end(g, rest);
	g->pid = (uint32_t)parse_num(g, pid, 4, "pid");
	g->tid = g->pid + TID_OFFSET;
	if (strlen(comm) >= g->lay->commsize)
		fail(g, "command name longer than %zu characters",
		    g->lay->commsize - 1);
	memset(g->comm, 0, sizeof(g->comm));
	memcpy(g->comm, comm, strlen(comm));
	g->haveproc = 1;
}

static void
do_tid(struct gen *g, char *rest)
{
	const char *tid = need_token(g, &rest, "tid");

	need_end(g, rest);
	g->tid = (uint32_t)parse_num(g, tid, 4, "tid");
}

static void
do_object(struct gen *g, char *rest)
{
	const char *id = need_token(g, &rest, "object id");
	uint8_t *d = g->payload + LABEL_SIZE;
	size_t n = strlen(rest);

	put_uint(d, parse_num(g, id, g->ptrsize, "object id"), g->ptrsize,
	    g->lay->be);
	memcpy(d + g->ptrsize, rest, n + 1);
	put_utrace(g, "mallocobjectrecord", g->ptrsize + n + 1);
}

static void
do_leak(struct gen *g, char *rest)
{
	const char *sum = need_token(g, &rest, "sum");
	const char *count = need_token(g, &rest, "count");
	uint8_t *d = g->payload + LABEL_SIZE;
	size_t ps = g->ptrsize, i;
	char *t, *at;

	memset(d, 0, (2 * LEAK_FRAMES + 2) * ps);
	for (i = 0; (t = token(&rest)) != NULL; i++) {
		if (i == LEAK_FRAMES)
			fail(g, "more than %d frames", LEAK_FRAMES);
		if ((at = strchr(t, '@')) == NULL)
			fail(g, "frame is not OFFSET@ID: %s", t);
		*at++ = '\0';
		put_uint(d + 2 * i * ps, parse_num(g, t, ps, "offset"), ps,
		    g->lay->be);
		put_uint(d + (2 * i + 1) * ps, parse_num(g, at, ps, "id"), ps,
		    g->lay->be);
	}
	put_uint(d + 2 * LEAK_FRAMES * ps, parse_num(g, sum, ps, "sum"), ps,
	    g->lay->be);
	put_uint(d + (2 * LEAK_FRAMES + 1) * ps,
	    parse_num(g, count, ps, "count"), ps, g->lay->be);
	put_utrace(g, "mallocleakrecord", (2 * LEAK_FRAMES + 2) * ps);
}

/* Little-endian, whatever the layout: mdtrace's own records. */
static void
put_le(uint8_t *d, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (uint8_t)(v >> (8 * i));
}

static void
do_snap(struct gen *g, char *rest)
{
	uint8_t *d = g->payload + LABEL_SIZE;
	size_t i;
	char *t;

	memset(d, 0, 112);
	for (i = 0; (t = token(&rest)) != NULL; i++) {
		if (i == 15)
			fail(g, "more than 15 numbers");
		if (i < 2)
			put_le(d + 4 * i, parse_num(g, t, 4, "number"), 4);
		else
			put_le(d + 8 + 8 * (i - 2), parse_num(g, t, 8,
			    "number"), 8);
	}
	if (i < 4)
		fail(g, "snap needs NUM COUNT MONO REAL");
	put_utrace(g, "mdtsnap", 112);
}

static void
do_stack(struct gen *g, char *rest)
{
	const char *id = need_token(g, &rest, "stack id");
	uint8_t *d = g->payload + LABEL_SIZE;
	size_t i;
	char *t, *at;

	put_le(d, parse_num(g, id, 4, "stack id"), 4);
	for (i = 0; (t = token(&rest)) != NULL; i++) {
		if (8 + 16 * (i + 1) > MAX_PAYLOAD - LABEL_SIZE)
			fail(g, "too many frames");
		if ((at = strchr(t, '@')) == NULL)
			fail(g, "frame is not OFFSET@ID: %s", t);
		*at++ = '\0';
		put_le(d + 8 + 16 * i, parse_num(g, t, 8, "offset"), 8);
		put_le(d + 16 + 16 * i, parse_num(g, at, 8, "id"), 8);
	}
	put_le(d + 4, i, 4);
	put_utrace(g, "mdtstack", 8 + 16 * i);
}

/*
 * A snapshot entry's numbers, ID:KIND:BYTES:BLOCKS and up to max in all,
 * from t into e as mdtsnapent and mdtolder lay them out: two of 4
 * bytes, then 8 bytes each.
 */
static void
put_entry(struct gen *g, char *t, uint8_t *e, size_t max,
    const char *toomany)
{
	size_t j;
	char *f;

	for (j = 0; t != NULL; j++) {
		if (j == max)
			fail(g, "%s", toomany);
		if ((f = strchr(t, ':')) != NULL)
			*f++ = '\0';
		if (j < 2)
			put_le(e + 4 * j, parse_num(g, t, 4, "entry"), 4);
		else
			put_le(e + 8 * (j - 1), parse_num(g, t, 8, "entry"),
			    8);
		t = f;
	}
	if (j < 4)
		fail(g, "entry is not ID:KIND:BYTES:BLOCKS");
}

static void
do_snapent(struct gen *g, char *rest)
{
	const char *num = need_token(g, &rest, "snapshot number");
	uint8_t *d = g->payload + LABEL_SIZE, *e;
	size_t i;
	char *t;

	put_le(d, parse_num(g, num, 4, "snapshot number"), 4);
	for (i = 0; (t = token(&rest)) != NULL; i++) {
		if (4 + 40 * (i + 1) > MAX_PAYLOAD - LABEL_SIZE)
			fail(g, "too many entries");
		e = d + 4 + 40 * i;
		memset(e, 0, 40);
		put_entry(g, t, e, 6, "an entry has at most 6 numbers");
	}
	put_utrace(g, "mdtsnapent", 4 + 40 * i);
}

static void
do_older(struct gen *g, char *rest)
{
	const char *num = need_token(g, &rest, "snapshot number");
	const char *t = need_token(g, &rest, "T");
	uint8_t *d = g->payload + LABEL_SIZE;
	size_t i;
	char *w;

	put_le(d, parse_num(g, num, 4, "snapshot number"), 4);
	put_le(d + 4, parse_num(g, t, 8, "T"), 8);
	for (i = 0; (w = token(&rest)) != NULL; i++) {
		if (12 + 24 * (i + 1) > MAX_PAYLOAD - LABEL_SIZE)
			fail(g, "too many entries");
		put_entry(g, w, d + 12 + 24 * i, 4, "an entry has 4 numbers");
	}
	put_utrace(g, "mdtolder", 12 + 24 * i);
}

static void
do_dump(struct gen *g, char *rest)
{
	put_utrace(g, "mallocdumpline",
	    parse_text(g, rest, g->payload + LABEL_SIZE));
}

static void
do_text(struct gen *g, char *rest)
{
	put_utrace(g, "malloc", parse_text(g, rest, g->payload + LABEL_SIZE));
}

static void
do_utrace(struct gen *g, char *rest)
{
	const char *label = need_token(g, &rest, "label");

	put_utrace(g, label, parse_hex(g, rest, g->payload + LABEL_SIZE));
}

static void
do_utext(struct gen *g, char *rest)
{
	const char *label = need_token(g, &rest, "label");

	put_utrace(g, label, parse_text(g, rest, g->payload + LABEL_SIZE));
}

static void
do_record(struct gen *g, char *rest)
{
	const char *type = need_token(g, &rest, "record type");
	uint32_t t = (uint32_t)parse_num(g, type, 4, "record type");

	put_record(g, t, g->payload, parse_hex(g, rest, g->payload));
}

static void
do_len(struct gen *g, char *rest)
{
	const char *n = need_token(g, &rest, "length");

	need_end(g, rest);
	g->len = parse_num(g, n, g->lay->lensize, "length");
	g->havelen = 1;
	g->lenline = g->line;
}

static void
do_raw(struct gen *g, char *rest)
{
	out_append(g, g->payload, parse_hex(g, rest, g->payload));
}

static void
do_cut(struct gen *g, char *rest)
{
	const char *n = need_token(g, &rest, "byte count");

	need_end(g, rest);
	if (g->havecut)
		fail(g, "cut given twice");
	g->cut = (size_t)parse_num(g, n, 4, "byte count");
	g->havecut = 1;
	g->cutline = g->line;
}

static const struct directive {
	const char	*name;
	void		(*fn)(struct gen *, char *);
} directives[] = {
	{ "layout", do_layout },
	{ "ptr", do_ptr },
	{ "time", do_time },
	{ "start", do_start },
	{ "proc", do_proc },
	{ "tid", do_tid },
	{ "object", do_object },
	{ "leak", do_leak },
	{ "dump", do_dump },
	{ "snap", do_snap },
	{ "stack", do_stack },
	{ "snapent", do_snapent },
	{ "older", do_older },
	{ "text", do_text },
	{ "utrace", do_utrace },
	{ "utext", do_utext },
	{ "record", do_record },
	{ "len", do_len },
	{ "raw", do_raw },
	{ "cut", do_cut },
};

static void
do_line(struct gen *g, char *s)
{
	const char *kw;
	size_t i;

	s[strcspn(s, "\r\n")] = '\0';
	if (s[strspn(s, " \t")] == '#' || (kw = token(&s)) == NULL)
		return;
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (strcmp(directives[i].name, kw) == 0) {
			if (g->lay == NULL && directives[i].fn != do_layout)
				fail(g, "layout must come first");
			directives[i].fn(g, s);
			return;
		}
	}
	fail(g, "unknown directive: %s", kw);
}

static void
read_desc(struct gen *g, FILE *fp)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&buf, &cap, fp)) != -1) {
		g->line++;
		if (n > MAX_LINE)
			fail(g, "line longer than %d bytes", MAX_LINE);
		if (memchr(buf, '\0', (size_t)n) != NULL)
			fail(g, "NUL byte in description");
		do_line(g, buf);
	}
	if (ferror(fp))
		fail(g, "read error: %s", strerror(errno));
	free(buf);
}

/* Checks that can only be made once the whole description is read. */
static void
finish(struct gen *g)
{
	if (g->lay == NULL)
		fail(g, "no layout directive");
	if (g->havelen) {
		g->line = g->lenline;
		fail(g, "len with no record after it");
	}
	if (g->havecut) {
		if (g->cut > g->outlen) {
			g->line = g->cutline;
			fail(g, "cut %zu bytes from a %zu-byte trace", g->cut,
			    g->outlen);
		}
		g->outlen -= g->cut;
	}
}

static void
write_trace(const struct gen *g, const char *path)
{
	FILE *fp = stdout;

	if (path != NULL && (fp = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "tracegen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if ((g->outlen > 0 && fwrite(g->out, g->outlen, 1, fp) != 1) ||
	    fflush(fp) == EOF || (fp != stdout && fclose(fp) == EOF)) {
		fprintf(stderr, "tracegen: %s: %s\n",
		    path != NULL ? path : "stdout", strerror(errno));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	static struct gen g;
	const char *outpath = NULL;
	FILE *in = stdin;
	int ch;

	while ((ch = getopt(argc, argv, "o:")) != -1) {
		switch (ch) {
		case 'o':
			outpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (argc == 1 && (in = fopen(argv[0], "r")) == NULL) {
		fprintf(stderr, "tracegen: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	g.sec = DEF_SEC;
	g.nsec = DEF_NSEC;
	read_desc(&g, in);
	if (in != stdin)
		fclose(in);
	finish(&g);
	write_trace(&g, outpath);
	free(g.out);
	return 0;
}
