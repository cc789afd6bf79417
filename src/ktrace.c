/*
 * ktrace.c: the ktrace.out container: layout detection and record
 * iteration, for traces of any OpenBSD architecture read on any host.
 *
 * The layout is found from the file alone (doc/FORMATS.md, "Finding the
 * layout"): every layout that could have written the first bytes is tried by walking the
 * records in a prefix of the file, checking every header field that has
 * a known shape.  After that the file is streamed through a fixed
 * buffer, so memory does not grow with the file.  This file knows
 * nothing of malloc records: it hands out KTR_USER payloads and skips
 * every other record by its length.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
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

/*
 * The window: the most bytes from the first unread one that any
 * decision looks at.  It holds the detection prefix, a record with the
 * header after it (a record is believed only once the next header
 * checks out, see ktr_confirm()), and is what the search for a record
 * after damage looks through.  1 MiB covers every record the kernel
 * writes but the longest exec arguments, and makes each read(2) large
 * enough that its fixed cost vanishes.
 */
#define KTR_WINDOW	(1024 * 1024)

/*
 * The read buffer holds two windows, so that the unread bytes are moved
 * to its front only after more than a window has been consumed: moving
 * then costs less than one byte per byte read.  With a buffer of one
 * window, the search after damage moved a whole window for every header
 * whose record ran past the window's end, a window of work per few bytes
 * skipped.
 */
#define KTR_BUFLEN	(2 * KTR_WINDOW)

#define NSEC_PER_SEC	1000000000ULL

/* ktr_confirm(): the record's own length is the damage. */
#define KTR_BADLEN	3

/* ktr_type, ktr_pid and ktr_tid: bytes 0-11 in every layout. */
#define KTR_IDLEN	12

static const uint8_t ktr_magic[4] = { 'K', 'T', 'R', '\0' };

/*
 * In order of preference where a prefix fits several equally well
 * (a file holding nothing but its start record).  Little-endian 64-byte
 * headers are written both by LP64 machines and by armv7, whose pointer
 * size then comes from the payloads.
 */
static const struct ktr_layout ktr_layouts[] = {
	{ .name = "lp64le", .be = 0, .hdrlen = 64, .secoff = 16,
	    .nsecoff = 24, .nsecsize = 8, .commoff = 32, .commlen = 24,
	    .lenoff = 56, .lensize = 8, .ptrsize = 0 },
	{ .name = "lp64be", .be = 1, .hdrlen = 64, .secoff = 16,
	    .nsecoff = 24, .nsecsize = 8, .commoff = 32, .commlen = 24,
	    .lenoff = 56, .lensize = 8, .ptrsize = 8 },
	{ .name = "ilp32be", .be = 1, .hdrlen = 64, .secoff = 16,
	    .nsecoff = 24, .nsecsize = 4, .commoff = 32, .commlen = 24,
	    .lenoff = 56, .lensize = 4, .ptrsize = 4 },
	{ .name = "i386", .be = 0, .hdrlen = 52, .secoff = 12,
	    .nsecoff = 20, .nsecsize = 4, .commoff = 24, .commlen = 24,
	    .lenoff = 48, .lensize = 4, .ptrsize = 4 },
	{ .name = "ilp32le-old", .be = 0, .hdrlen = 56, .secoff = 16,
	    .nsecoff = 24, .nsecsize = 4, .commoff = 32, .commlen = 17,
	    .lenoff = 52, .lensize = 4, .ptrsize = 4 },
	{ .name = "ilp32be-old", .be = 1, .hdrlen = 56, .secoff = 16,
	    .nsecoff = 24, .nsecsize = 4, .commoff = 32, .commlen = 17,
	    .lenoff = 52, .lensize = 4, .ptrsize = 4 },
	{ .name = "i386-old", .be = 0, .hdrlen = 48, .secoff = 12,
	    .nsecoff = 20, .nsecsize = 4, .commoff = 24, .commlen = 17,
	    .lenoff = 44, .lensize = 4, .ptrsize = 4 },
};
#define NLAYOUTS	(sizeof(ktr_layouts) / sizeof(ktr_layouts[0]))
#define KTR_MAXHDR	64	/* the longest header of any layout */

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
	int			 resync;	/* looking for a record */
	uint64_t		 dmgoff;	/* where the damage began */
	uint64_t		 dmgrecno;	/* the damaged record */
	char			 dmgwhy[160];	/* what was wrong there */
	struct md_err		 dmg;		/* the last damage record */
	struct ktr_hdr		 ahead;		/* checked by ktr_confirm() */
	uint64_t		 aheadoff;	/* its offset; 0: none */
};

/*
 * Whether byte i of a header belongs to a field.  Bytes of no field are
 * padding, which the kernel zeroes.
 */
static int
ktr_field_used(const struct ktr_layout *l, size_t i)
{
	if (i < KTR_IDLEN)
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
	static const uint8_t zero[KTR_COMMLEN];
	const uint8_t *c = p + l->commoff, *nul;
	size_t i, k = (size_t)(l - ktr_layouts);

	if (!ktr_pad_done)
		ktr_pad_init();
	for (i = 0; i < ktr_npad[k]; i++)
		if (p[ktr_pad[k][i]] != 0)
			return 0;
	if ((nul = memchr(c, '\0', l->commlen)) == NULL)
		return 0;
	/* Every header is checked twice: the rest of comm in one compare. */
	return memcmp(nul, zero, l->commlen - (size_t)(nul - c)) == 0;
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
 * A resynchronization point must look more like a record than a header
 * that merely passes ktr_check(): binary payloads are rich in zeros.  No
 * traced process has pid 0 (the swapper).
 */
static int
ktr_plausible(const struct ktr_hdr *h)
{
	return ktr_check(h) == NULL && (h->start || h->pid > 0);
}

/*
 * Whether a chain of records starts at p[q]: a plausible header followed
 * by another one, or by the exact end of a whole file.  One header of
 * the right shape could be chance; two in a row, each where the other's
 * length says, are not.  A record cut by the end of the file confirms
 * nothing.  Returns 1 or 0, or -1 when the n bytes at p do not tell
 * because the file goes on past them.
 */
/*
 * Whether the type field at p could start a plausible header: most
 * offsets a damage scan tries fail on it alone, before a whole decode.
 */
static int
ktr_type_ok(const struct ktr_layout *l, const uint8_t *p)
{
	uint64_t t = buf_get32(p, l->be);

	return (t != 0 && t <= KTR_TYPEMAX) ||
	    memcmp(p, ktr_magic, sizeof(ktr_magic)) == 0;
}

static int
ktr_chain(const struct ktr_layout *l, const uint8_t *p, size_t n, size_t q,
    int whole)
{
	struct ktr_hdr h;
	size_t next;

	if (q > n || n - q < l->hdrlen)
		return whole ? 0 : -1;
	if (!ktr_type_ok(l, p + q))
		return 0;
	ktr_decode(l, p + q, &h);
	if (!ktr_plausible(&h))
		return 0;
	if (h.len > n - q - l->hdrlen)
		return whole ? 0 : -1;
	next = q + l->hdrlen + (size_t)h.len;
	if (next == n)
		return whole ? 1 : -1;
	if (n - next < l->hdrlen)
		return whole ? 0 : -1;
	if (!ktr_type_ok(l, p + next))
		return 0;
	ktr_decode(l, p + next, &h);
	return ktr_plausible(&h);
}

/* How well one layout walks a prefix. */
struct ktr_walk {
	size_t		 nrec;		/* headers of the right shape */
	uint64_t	 covered;	/* bytes in those records */
	size_t		 ndamage;	/* bad headers skipped */
	int		 end;		/* see ktr_walk() */
};

/*
 * Walk a prefix with one layout as the reader would: after a bad header,
 * go on at the next offset where a chain of records starts.  In w->end:
 * the walk ended exactly at the end of the prefix (2), in a record or
 * header running past it (1), or in damage with no record after it (0).
 * Every byte is tried at most once as a header, so this takes time
 * linear in n.
 */
static void
ktr_walk(const struct ktr_layout *l, const uint8_t *p, size_t n, int whole,
    struct ktr_walk *w)
{
	struct ktr_hdr h;
	size_t pos = 0, q;
	int c = 0;

	memset(w, 0, sizeof(*w));
	while (n - pos >= l->hdrlen) {
		ktr_decode(l, p + pos, &h);
		if (ktr_check(&h) == NULL) {
			w->nrec++;
			if (h.len > n - pos - l->hdrlen) {
				w->covered += n - pos;
				w->end = 1;
				return;
			}
			w->covered += l->hdrlen + h.len;
			pos += l->hdrlen + (size_t)h.len;
			continue;
		}
		w->ndamage++;
		for (q = pos + 1; n - q >= l->hdrlen; q++)
			if ((c = ktr_chain(l, p, n, q, whole)) != 0)
				break;
		if (n - q < l->hdrlen || c == -1) {
			w->end = c == -1;
			return;
		}
		pos = q;
	}
	w->end = pos == n ? 2 : 1;
}

/*
 * Whether walk a is better than walk b: more bytes in records of the
 * right shape, then fewer bad headers, then the cleaner end.  Counting
 * bytes rather than records keeps a layout with shorter headers from
 * winning by cutting the same bytes into more pieces.
 */
static int
ktr_walk_better(const struct ktr_walk *a, const struct ktr_walk *b)
{
	if (a->covered != b->covered)
		return a->covered > b->covered;
	if (a->ndamage != b->ndamage)
		return a->ndamage < b->ndamage;
	return a->end > b->end;
}

/*
 * The layout that walks the prefix best (ktr_walk_better).  Damage
 * anywhere, also in the first records, still leaves the right layout:
 * a wrong one finds no chain of records to resume at, as every header
 * must pass every check of ktr_check() twice in a row.  A layout must
 * find at least one record besides a start record unless the prefix is
 * a clean run of start records (an empty trace).  A prefix cut from a
 * longer file ends anywhere, so only in a whole file does ending on a
 * record boundary count more.
 */
const struct ktr_layout *
ktr_detect(const uint8_t *p, size_t n, int whole)
{
	const struct ktr_layout *best = NULL;
	struct ktr_walk w, bw;
	size_t i;

	if (n < sizeof(ktr_magic) || memcmp(p, ktr_magic, 4) != 0)
		return NULL;
	memset(&bw, 0, sizeof(bw));
	for (i = 0; i < NLAYOUTS; i++) {
		ktr_walk(&ktr_layouts[i], p, n, whole, &w);
		if (w.nrec == 0 ||
		    (w.nrec == 1 && (w.ndamage > 0 || w.end == 0)))
			continue;
		if (w.end == 1 && !whole)
			w.end = 2;
		if (best == NULL || ktr_walk_better(&w, &bw)) {
			best = &ktr_layouts[i];
			bw = w;
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

/*
 * The bytes a decision looks at: the unread ones, at most a window.
 * *whole says whether they run to the end of a file that is complete.
 */
static size_t
ktr_window(const struct ktr_reader *r, int *whole)
{
	*whole = r->eof && !r->follow;
	if (ktr_avail(r) > KTR_WINDOW) {
		*whole = 0;
		return KTR_WINDOW;
	}
	return ktr_avail(r);
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

	if (want > KTR_WINDOW)
		want = KTR_WINDOW;
	if (ktr_avail(r) >= want)
		return 0;
	/* Move only when the wanted bytes do not fit behind the unread. */
	if (r->start > 0 && r->start + want > KTR_BUFLEN) {
		memmove(r->buf, r->buf + r->start, ktr_avail(r));
		r->end -= r->start;
		r->start = 0;
	}
	if (r->follow)
		r->eof = 0;
	while (ktr_avail(r) < want && !r->eof) {
		n = read(r->fd, r->buf + r->end, KTR_BUFLEN - r->end);
		if (n == -1 && errno == EINTR) {
			/* Let follow mode look at its signals. */
			if (r->follow)
				break;
			continue;
		}
		if (n == -1) {
			md_seterr(e, r->off + ktr_avail(r), 0, "read: %s",
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

/* The shortest header of any layout: a start record has at least this. */
static size_t
ktr_minhdr(void)
{
	size_t i, n = ktr_layouts[0].hdrlen;

	for (i = 1; i < NLAYOUTS; i++)
		if (ktr_layouts[i].hdrlen < n)
			n = ktr_layouts[i].hdrlen;
	return n;
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
	if (r->eof && !r->follow && ktr_avail(r) < ktr_minhdr()) {
		md_seterr(e, 0, 0, "truncated start record: the file ends "
		    "after %zu bytes, a header has at least %zu",
		    ktr_avail(r), ktr_minhdr());
		return ktr_fail(r);
	}
	/* More than the prefix would only make detection slower. */
	r->lay = ktr_detect(r->buf, ktr_avail(r) < KTR_DETECTLEN ?
	    ktr_avail(r) : KTR_DETECTLEN,
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
			if (ktr_fill(r, KTR_WINDOW, e) == -1)
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
	rec->damage = NULL;
}

/*
 * Damage at r->off: remember where and what, count it as one record,
 * and start looking for the next record.
 */
static void
ktr_damage(struct ktr_reader *r, const char *fmt, ...)
{
	va_list ap;

	r->resync = 1;
	r->dmgoff = r->off;
	r->dmgrecno = ++r->recno;
	va_start(ap, fmt);
	vsnprintf(r->dmgwhy, sizeof(r->dmgwhy), fmt, ap);
	va_end(ap);
}

/* Reading resumes at r->off: hand out the damage as a record of its own. */
static int
ktr_damaged(struct ktr_reader *r, struct ktr_record *rec)
{
	r->resync = 0;
	md_seterr(&r->dmg, r->dmgoff, r->dmgrecno, "%s; %" PRIu64 " bytes "
	    "skipped, reading resumes at offset %" PRIu64, r->dmgwhy,
	    r->off - r->dmgoff, r->off);
	memset(rec, 0, sizeof(*rec));
	rec->type = KTR_DAMAGED;
	rec->pid = -1;
	rec->tid = -1;
	rec->off = r->dmgoff;
	rec->recno = r->dmgrecno;
	rec->damage = &r->dmg;
	return KTR_REC;
}

/*
 * After damage, find the next offset where a chain of records starts
 * (ktr_chain()), through the buffer window.  Each offset is tried once,
 * so this takes time linear in the bytes skipped.  A candidate whose
 * record does not fit the window cannot be confirmed and is passed over.
 * In follow mode, running out of bytes means "not yet".
 */
static int
ktr_resync(struct ktr_reader *r, struct ktr_record *rec, struct md_err *e)
{
	size_t n, q, before;
	int c, whole;

	for (;;) {
		n = ktr_window(r, &whole);
		for (c = 0, q = 0; q < n; q++)
			if ((c = ktr_chain(r->lay, r->buf + r->start, n, q,
			    whole)) != 0)
				break;
		if (c == 1) {
			ktr_consume(r, q);
			return ktr_damaged(r, rec);
		}
		if (c == 0 && whole) {
			md_seterr(e, r->dmgoff, r->dmgrecno, "%s; no valid "
			    "record after it (%" PRIu64 " bytes to the end)",
			    r->dmgwhy, r->off + n - r->dmgoff);
			ktr_consume(r, n);
			return ktr_fail(r);
		}
		if (q == 0 && n == KTR_WINDOW) {
			ktr_consume(r, 1);
			continue;
		}
		ktr_consume(r, q);
		before = ktr_avail(r);
		if (ktr_fill(r, KTR_WINDOW, e) == -1)
			return ktr_fail(r);
		if (r->follow && ktr_avail(r) == before)
			return KTR_AGAIN;
	}
}

/*
 * A header of the right shape is believed once the record after it
 * starts with one too, or the file ends there: a flipped bit in a length
 * would otherwise make the reader skip good records or read the next
 * header as payload.  When the next header is bad and a chain of records
 * starts inside this record's extent, this record's length is what is
 * wrong: it is damage, and reading resumes at that chain.  Otherwise the
 * record is read and the damage after it is found in its turn.  Returns
 * KTR_REC to go on, KTR_BADLEN when this record is damage, or KTR_ERR.
 */
static int
ktr_confirm(struct ktr_reader *r, const struct ktr_hdr *h, struct md_err *e)
{
	const struct ktr_layout *l = r->lay;
	struct ktr_hdr nh;
	size_t ext, n, q, lim;
	int whole;

	/* Longer than the window (exec arguments): trusted as it is. */
	if (h->len > KTR_WINDOW - 2 * l->hdrlen)
		return KTR_REC;
	ext = l->hdrlen + (size_t)h->len;
	if (ktr_avail(r) < ext + l->hdrlen &&
	    ktr_fill(r, ext + l->hdrlen, e) == -1)
		return ktr_fail(r);
	n = ktr_window(r, &whole);
	if (ext <= n && n - ext >= l->hdrlen) {
		ktr_decode(l, r->buf + r->start + ext, &nh);
		if (ktr_check(&nh) == NULL) {
			/* ktr_next() need not decode it again. */
			r->ahead = nh;
			r->aheadoff = r->off + ext;
			return KTR_REC;
		}
	} else if (ext <= n || !whole)
		return KTR_REC;
	lim = ext < n ? ext : n;
	for (q = 1; q < lim; q++)
		if (ktr_chain(l, r->buf + r->start, n, q, whole) == 1)
			break;
	if (q >= lim)
		return KTR_REC;
	if (ext > n)
		ktr_damage(r, "record length %" PRIu64 " runs past the end "
		    "of the file", h->len);
	else
		ktr_damage(r, "record length %" PRIu64 " does not lead to a "
		    "valid record header", h->len);
	ktr_consume(r, q);
	return KTR_BADLEN;
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
		if (r->resync)
			return ktr_resync(r, rec, e);
		if ((rv = ktr_skip(r, e)) != KTR_REC)
			return rv;
		rv = ktr_need(r, r->lay->hdrlen, NULL, r->recno + 1, e);
		if (rv != KTR_REC)
			return rv;
		/* The bytes at an offset stay what they were. */
		if (r->aheadoff == r->off && r->off > 0) {
			h = r->ahead;
			why = NULL;
		} else {
			ktr_decode(r->lay, r->buf + r->start, &h);
			why = ktr_check(&h);
		}
		if (why != NULL) {
			ktr_damage(r, "bad record header (%s layout): %s",
			    r->lay->name, why);
			ktr_consume(r, 1);
			continue;
		}
		if ((rv = ktr_confirm(r, &h, e)) == KTR_BADLEN)
			return ktr_damaged(r, rec);
		if (rv != KTR_REC)
			return rv;
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
