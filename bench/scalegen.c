/*
 * scalegen.c: write a large ktrace.out of malloc leak records for the
 * scale benchmark (bench/scale.sh), fast: records are put together in
 * memory and written in large blocks, not described in text and run
 * through tests/tracegen.
 *
 * usage: scalegen [-f exp|text] [-n records] [-s stacks] -o file
 *
 * The trace is in the lp64le layout (amd64), one process.  "exp": the
 * experimental records, two object records, then one 4-frame
 * mallocleakrecord per leak.  "text": the in-tree format, the banners
 * and headings, then one "malloc" line per leak (one frame each).  Leak
 * i has stack i * 2654435761 mod stacks, so the stacks repeat in a
 * scattered order and every one of them appears.  The objects named do
 * not exist, so mdump's symbolizer costs nothing.
 *
 * This is a benchmark tool: it checks its arguments but nothing else.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDRLEN		64		/* lp64le header */
#define LABELLEN	20
#define KTR_USER	9
#define PID		4711
#define OUTBUF		(4 * 1024 * 1024)	/* bytes per write */

static uint8_t	*out;
static size_t	 outlen;
static FILE	*outf;

static void
flush_out(void)
{
	if (outlen > 0 && fwrite(out, 1, outlen, outf) != outlen) {
		perror("write");
		exit(1);
	}
	outlen = 0;
}

static void
put_le(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One record: header, then the label and data for utrace records. */
static void
record(int start, const char *label, const void *data, size_t n)
{
	uint8_t *p;
	size_t len = start ? 0 : LABELLEN + n;

	if (outlen + HDRLEN + len > OUTBUF)
		flush_out();
	p = out + outlen;
	memset(p, 0, HDRLEN + len);
	if (start) {
		memcpy(p, "KTR", 4);
		put_le(p + 4, UINT32_MAX, 4);
		put_le(p + 8, UINT32_MAX, 4);
	} else {
		put_le(p, KTR_USER, 4);
		put_le(p + 4, PID, 4);
		put_le(p + 8, PID + 100000, 4);
		memcpy(p + 32, "bench", 5);
	}
	put_le(p + 16, 1700000000, 8);
	put_le(p + 24, 123456789, 8);
	put_le(p + 56, len, 8);
	if (!start) {
		memcpy(p + HDRLEN, label, strlen(label));
		memcpy(p + HDRLEN + LABELLEN, data, n);
	}
	outlen += HDRLEN + len;
}

static void
object(uint64_t id, const char *path)
{
	uint8_t b[256];
	size_t n = strlen(path) + 1;

	put_le(b, id, 8);
	memcpy(b + 8, path, n);
	record(0, "mallocobjectrecord", b, 8 + n);
}

static void
exp_leak(uint64_t s)
{
	uint8_t b[80];
	int i;

	for (i = 0; i < 4; i++) {
		put_le(b + 16 * i, 0x1000 + s * 16 + (uint64_t)i * 4, 8);
		put_le(b + 16 * i + 8, i % 2 ? 0x20 : 0x10, 8);
	}
	put_le(b + 64, 64 * (s % 7 + 1), 8);
	put_le(b + 72, s % 7 + 1, 8);
	record(0, "mallocleakrecord", b, sizeof(b));
}

static void
text(const char *s)
{
	record(0, "malloc", s, strlen(s));
}

static void
text_leak(uint64_t s)
{
	char b[200];
	uint64_t count = s % 7 + 1;

	snprintf(b, sizeof(b), "%18llx %7llu %6llu %6llu addr2line -e "
	    "/nonexistent/bench 0x%llx\n", (unsigned long long)(0x5000000 +
	    s * 16), (unsigned long long)(64 * count),
	    (unsigned long long)count, 64ULL, (unsigned long long)(0x1000 +
	    s * 16));
	/* %18p prints 0x; keep the column width. */
	memcpy(b + strspn(b, " ") - 2, "0x", 2);
	text(b);
}

static unsigned long long
number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0 || v == 0) {
		fprintf(stderr, "scalegen: bad number: %s\n", s);
		exit(1);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	const char *fmt = "exp", *path = NULL;
	unsigned long long n = 10000000, stacks = 1000000, i;
	int ch, isexp;

	while ((ch = getopt(argc, argv, "f:n:o:s:")) != -1) {
		switch (ch) {
		case 'f':
			fmt = optarg;
			break;
		case 'n':
			n = number(optarg);
			break;
		case 'o':
			path = optarg;
			break;
		case 's':
			stacks = number(optarg);
			break;
		default:
			goto usage;
		}
	}
	isexp = strcmp(fmt, "exp") == 0;
	if (path == NULL || (!isexp && strcmp(fmt, "text") != 0))
		goto usage;
	if ((outf = fopen(path, "wb")) == NULL) {
		perror(path);
		return 1;
	}
	if ((out = malloc(OUTBUF)) == NULL) {
		perror("malloc");
		return 1;
	}
	record(1, NULL, NULL, 0);
	if (isexp) {
		object(0x10, "/nonexistent/bench");
		object(0x20, "/nonexistent/libbench.so");
	} else {
		text("******** Start dump bench *******\n");
		text("Leak report:\n");
		text("                 f     sum      #    avg\n");
	}
	for (i = 0; i < n; i++) {
		/* Every stack appears; the order is scattered. */
		uint64_t s = i < stacks ? i : (i * 2654435761ULL) % stacks;

		if (isexp)
			exp_leak(s);
		else
			text_leak(s);
	}
	if (!isexp) {
		text("\n");
		text("******** End dump bench *******\n");
	}
	flush_out();
	if (fclose(outf) != 0) {
		perror(path);
		return 1;
	}
	free(out);
	return 0;
usage:
	fprintf(stderr, "usage: scalegen [-f exp|text] [-n records] "
	    "[-s stacks] -o file\n");
	return 1;
}
