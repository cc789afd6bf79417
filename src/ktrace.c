/*
 * ktrace.c: the ktrace.out container: layout detection and record
 * iteration, for traces of any OpenBSD architecture read on any host.
 *
 * The layout is found from the file alone (FORMATS.md 1.5): every layout
 * that could have written the first bytes is tried by walking the
 * records in a prefix of the file, checking every header field that has
 * a known shape.  After that the file is streamed through a fixed
 * buffer, so memory does not grow with the file.  This file knows
 * nothing of malloc records: it hands out KTR_USER payloads and skips
 * every other record by its length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ktrace.h"
#include "xmalloc.h"

/*
 * The highest record type taken as plausible.  OpenBSD uses 1 to 13;
 * a few spare numbers let a newer kernel's records be skipped rather
 * than taken for damage.
 */
#define KTR_TYPEMAX	32

/*
 * The longest non-utrace record taken as plausible.  The largest the
 * kernel writes are KTR_EXECARGS/EXECENV, bounded by ARG_MAX (512 KiB);
 * GENIO records are cut to a page.  Anything far beyond is damage.
 */
#define KTR_OTHERMAX	(4 * 1024 * 1024)

/* A prefix this long decides the layout: hundreds of records. */
#define KTR_DETECTLEN	(64 * 1024)

/* The buffer holds the detection prefix and any whole utrace record. */
#define KTR_BUFLEN	KTR_DETECTLEN

#define NSEC_PER_SEC	1000000000ULL

static const uint8_t ktr_magic[4] = { 'K', 'T', 'R', '\0' };

/*
 * In order of preference where a prefix fits several equally well
 * (a file holding nothing but its start record).  Little-endian 64-byte
 * headers are written both by LP64 machines and by armv7, whose pointer
 * size then comes from the payloads.
 */
static const struct ktr_layout ktr_layouts[] = {
	{ "lp64le",	 0, 64, 16, 24, 8, 32, 24, 56, 8, 0 },
	{ "lp64be",	 1, 64, 16, 24, 8, 32, 24, 56, 8, 8 },
	{ "ilp32be",	 1, 64, 16, 24, 4, 32, 24, 56, 4, 4 },
	{ "i386",	 0, 52, 12, 20, 4, 24, 24, 48, 4, 4 },
	{ "ilp32le-old", 0, 56, 16, 24, 4, 32, 17, 52, 4, 4 },
	{ "ilp32be-old", 1, 56, 16, 24, 4, 32, 17, 52, 4, 4 },
	{ "i386-old",	 0, 48, 12, 20, 4, 24, 17, 44, 4, 4 },
};
#define NLAYOUTS	(sizeof(ktr_layouts) / sizeof(ktr_layouts[0]))
#define KTR_MAXHDR	64	/* the longest header of any layout */

struct ktr_reader {
	int			 fd;
	int			 follow;
	int			 eof;		/* read() said end of file */
	int			 dead;		/* an error was returned */
	uint8_t			*buf;
	size_t			 start;		/* first unread byte */
	size_t			 end;		/* one past the last byte */
	size_t			 consume;	/* bytes of the last record */
	uint64_t		 off;		/* file offset of buf[start] */
	uint64_t		 recno;		/* records seen */
	uint64_t		 skip;		/* bytes still to skip */
	const struct ktr_layout	*lay;
};

/* A decoded header, valid or not. */
struct ktr_hdr {
	int		 start;		/* a start record */
	uint32_t	 type;
	int32_t		 pid;
	int32_t		 tid;
	uint64_t	 nsec;
	uint64_t	 len;
	int		 padok;		/* padding and comm are zero-filled */
};

/*
 * Whether byte i of a header belongs to a field.  Bytes of no field are
 * padding, which the kernel zeroes.
 */
static int
ktr_field_used(const struct ktr_layout *l, size_t i)
{
	if (i < 12)
		return 1;
	if (i >= l->secoff && i < l->secoff + 8)
		return 1;
	if (i >= l->nsecoff && i < l->nsecoff + l->nsecsize)
		return 1;
	if (i >= l->lenoff && i < l->lenoff + l->lensize)
		return 1;
	return i >= l->commoff && i < l->commoff + l->commlen;
}

/* Padding bytes of each layout, found once: every header checks them. */
static uint8_t	ktr_pad[NLAYOUTS][KTR_MAXHDR];
static size_t	ktr_npad[NLAYOUTS];
static int	ktr_pad_done;

static void
ktr_pad_init(void)
{
	size_t i, j;

	for (i = 0; i < NLAYOUTS; i++)
		for (j = 0; j < ktr_layouts[i].hdrlen; j++)
			if (!ktr_field_used(&ktr_layouts[i], j))
				ktr_pad[i][ktr_npad[i]++] = (uint8_t)j;
	ktr_pad_done = 1;
}

/* Padding is zero, and comm is NUL-terminated and zero after it. */
static int
ktr_padding_ok(const struct ktr_layout *l, const uint8_t *p)
{
	const uint8_t *c = p + l->commoff, *nul;
	size_t i, k = (size_t)(l - ktr_layouts);

	if (!ktr_pad_done)
		ktr_pad_init();
	for (i = 0; i < ktr_npad[k]; i++)
		if (p[ktr_pad[k][i]] != 0)
			return 0;
	if ((nul = memchr(c, '\0', l->commlen)) == NULL)
		return 0;
	for (i = (size_t)(nul - c); i < l->commlen; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

static void
ktr_decode(const struct ktr_layout *l, const uint8_t *p, struct ktr_hdr *h)
{
	h->start = memcmp(p, ktr_magic, sizeof(ktr_magic)) == 0;
	h->type = (uint32_t)buf_get(p, 4, l->be);
	h->pid = (int32_t)(uint32_t)buf_get(p + 4, 4, l->be);
	h->tid = (int32_t)(uint32_t)buf_get(p + 8, 4, l->be);
	h->nsec = buf_get(p + l->nsecoff, l->nsecsize, l->be);
	h->len = buf_get(p + l->lenoff, l->lensize, l->be);
	h->padok = ktr_padding_ok(l, p);
}

/*
 * Whether a header has the shape the kernel gives every header.  Returns
 * NULL when it does, else what is wrong.
 */
static const char *
ktr_check(const struct ktr_hdr *h)
{
	if (h->start)
		return h->pid == -1 && h->tid == -1 && h->len == 0 ?
		    NULL : "start record with pid, tid or length set";
	if (h->type == 0 || h->type > KTR_TYPEMAX)
		return "unknown record type";
	if (h->pid < 0)
		return "negative process id";
	if (h->nsec >= NSEC_PER_SEC)
		return "time stamp nanoseconds out of range";
	if (!h->padok)
		return "non-zero header padding";
	if (h->type == KTR_USER &&
	    (h->len < KTR_LABELLEN || h->len > KTR_LABELLEN + KTR_USERMAX))
		return "utrace record length out of range";
	if (h->len > KTR_OTHERMAX)
		return "record length out of range";
	return NULL;
}

/*
 * Walk a prefix with one layout.  Returns how many records fit before
 * the first header that does not (0: not even the start record), and in
 * *end whether the walk ended exactly at the end of the prefix (2), in a
 * record running past it (1), or at a bad header (0).
 */
static size_t
ktr_walk(const struct ktr_layout *l, const uint8_t *p, size_t n, int *end)
{
	struct ktr_hdr h;
	size_t pos = 0, nrec = 0;

	*end = 0;
	while (n - pos >= l->hdrlen) {
		ktr_decode(l, p + pos, &h);
		if (ktr_check(&h) != NULL || (nrec == 0 && !h.start))
			return nrec;
		nrec++;
		if (h.len > n - pos - l->hdrlen) {
			*end = 1;
			return nrec;
		}
		pos += l->hdrlen + (size_t)h.len;
	}
	*end = pos == n ? 2 : 1;
	return nrec;
}

/*
 * The layout that walks the prefix best: the most records before a bad
 * header, then the cleanest end; at least one record beyond the start
 * record before any damage.  Damage part-way thus still leaves the
 * right layout, and the reader reports the damage where it is.  A prefix
 * cut from a longer file ends anywhere, so only in a whole file does
 * ending on a record boundary count more.
 */
const struct ktr_layout *
ktr_detect(const uint8_t *p, size_t n, int whole)
{
	const struct ktr_layout *best = NULL;
	size_t i, nrec, bestn = 0;
	int end, bestend = -1;

	if (n < sizeof(ktr_magic) || memcmp(p, ktr_magic, 4) != 0)
		return NULL;
	for (i = 0; i < NLAYOUTS; i++) {
		nrec = ktr_walk(&ktr_layouts[i], p, n, &end);
		/* A start record alone before damage says nothing. */
		if (nrec == 0 || (nrec == 1 && end == 0))
			continue;
		if (end == 1 && !whole)
			end = 2;
		if (nrec > bestn || (nrec == bestn && end > bestend)) {
			best = &ktr_layouts[i];
			bestn = nrec;
			bestend = end;
		}
	}
	return best;
}

struct ktr_reader *
ktr_open(int fd, int follow)
{
	struct ktr_reader *r;

	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->follow = follow;
	r->buf = xmalloc(KTR_BUFLEN);
	return r;
}

void
ktr_close(struct ktr_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

const struct ktr_layout *
ktr_layout(const struct ktr_reader *r)
{
	return r->lay;
}

static size_t
ktr_avail(const struct ktr_reader *r)
{
	return r->end - r->start;
}

static void
ktr_consume(struct ktr_reader *r, size_t n)
{
	r->start += n;
	r->off += n;
}

/* Read until the buffer holds want bytes, or the file has no more. */
static int
ktr_fill(struct ktr_reader *r, size_t want, struct md_err *e)
{
	ssize_t n;

	if (want > KTR_BUFLEN)
		want = KTR_BUFLEN;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, ktr_avail(r));
		r->end -= r->start;
		r->start = 0;
	}
	if (r->follow)
		r->eof = 0;
	while (r->end < want && !r->eof) {
		n = read(r->fd, r->buf + r->end, KTR_BUFLEN - r->end);
		if (n == -1 && errno == EINTR) {
			/* Let follow mode look at its signals. */
			if (r->follow)
				break;
			continue;
		}
		if (n == -1) {
			md_seterr(e, r->off + r->end, 0, "read: %s",
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
	return 0;
}

static int
ktr_fail(struct ktr_reader *r)
{
	r->dead = 1;
	return KTR_ERR;
}

static int
ktr_find_layout(struct ktr_reader *r, struct md_err *e)
{
	if (ktr_fill(r, KTR_DETECTLEN, e) == -1)
		return ktr_fail(r);
	/* In follow mode, wait until more than a start record is there. */
	if (r->follow && ktr_avail(r) <= ktr_layouts[0].hdrlen)
		return KTR_AGAIN;
	if (ktr_avail(r) == 0) {
		if (r->follow)
			return KTR_AGAIN;
		md_seterr(e, 0, 0, "empty file, not a ktrace file");
		return ktr_fail(r);
	}
	if (ktr_avail(r) < sizeof(ktr_magic) ||
	    memcmp(r->buf, ktr_magic, sizeof(ktr_magic)) != 0) {
		if (r->follow && ktr_avail(r) < sizeof(ktr_magic))
			return KTR_AGAIN;
		md_seterr(e, 0, 0,
		    "not a ktrace file (no KTR start record)");
		return ktr_fail(r);
	}
	r->lay = ktr_detect(r->buf, ktr_avail(r),
	    r->eof && ktr_avail(r) < KTR_DETECTLEN);
	if (r->lay == NULL) {
		if (r->follow && ktr_avail(r) < KTR_DETECTLEN)
			return KTR_AGAIN;
		md_seterr(e, 0, 0, "unknown ktrace header layout");
		return ktr_fail(r);
	}
	return KTR_REC;
}

/* Skip what is left of a record we do not read. */
static int
ktr_skip(struct ktr_reader *r, struct md_err *e)
{
	size_t n;

	while (r->skip > 0) {
		if (ktr_avail(r) == 0) {
			if (ktr_fill(r, KTR_BUFLEN, e) == -1)
				return ktr_fail(r);
			if (ktr_avail(r) == 0)
				return r->follow ? KTR_AGAIN : KTR_EOF;
		}
		n = ktr_avail(r) < r->skip ? ktr_avail(r) : (size_t)r->skip;
		ktr_consume(r, n);
		r->skip -= n;
	}
	return KTR_REC;
}

/* Make need bytes available, or say why they are not. */
static int
ktr_need(struct ktr_reader *r, size_t need, const char *what,
    uint64_t recno, struct md_err *e)
{
	if (ktr_avail(r) >= need)
		return KTR_REC;
	if (ktr_fill(r, need, e) == -1)
		return ktr_fail(r);
	if (ktr_avail(r) >= need)
		return KTR_REC;
	if (r->follow)
		return KTR_AGAIN;
	if (ktr_avail(r) == 0 && what == NULL)
		return KTR_EOF;
	md_seterr(e, r->off, recno,
	    "truncated %s: %zu bytes of %zu", what ? what : "record header",
	    ktr_avail(r), need);
	return ktr_fail(r);
}

static void
ktr_fill_record(struct ktr_reader *r, const struct ktr_hdr *h,
    struct ktr_record *rec)
{
	const struct ktr_layout *l = r->lay;
	const uint8_t *p = r->buf + r->start;

	rec->type = h->type;
	rec->pid = h->pid;
	rec->tid = h->tid;
	memcpy(rec->comm, p + l->commoff, l->commlen);
	rec->comm[l->commlen] = '\0';
	rec->off = r->off;
	rec->recno = r->recno;
	rec->len = (size_t)h->len;
	rec->data = NULL;
}

int
ktr_next(struct ktr_reader *r, struct ktr_record *rec, struct md_err *e)
{
	struct ktr_hdr h;
	const char *why;
	int rv;

	if (r->dead) {
		md_seterr(e, r->off, 0, "trace reader already failed");
		return KTR_ERR;
	}
	if (r->lay == NULL && (rv = ktr_find_layout(r, e)) != KTR_REC)
		return rv;
	ktr_consume(r, r->consume);
	r->consume = 0;
	for (;;) {
		if ((rv = ktr_skip(r, e)) != KTR_REC)
			return rv;
		rv = ktr_need(r, r->lay->hdrlen, NULL, r->recno + 1, e);
		if (rv != KTR_REC)
			return rv;
		ktr_decode(r->lay, r->buf + r->start, &h);
		if ((why = ktr_check(&h)) != NULL) {
			md_seterr(e, r->off, r->recno + 1, "bad record header "
			    "(%s layout): %s", r->lay->name, why);
			return ktr_fail(r);
		}
		r->recno++;
		if (h.start) {
			ktr_consume(r, r->lay->hdrlen);
			continue;
		}
		if (h.type != KTR_USER) {
			ktr_fill_record(r, &h, rec);
			ktr_consume(r, r->lay->hdrlen);
			r->skip = h.len;
			return KTR_REC;
		}
		rv = ktr_need(r, r->lay->hdrlen + (size_t)h.len, "record",
		    r->recno, e);
		if (rv != KTR_REC) {
			r->recno--;
			return rv;
		}
		ktr_fill_record(r, &h, rec);
		rec->data = r->buf + r->start + r->lay->hdrlen;
		r->consume = r->lay->hdrlen + (size_t)h.len;
		return KTR_REC;
	}
}
