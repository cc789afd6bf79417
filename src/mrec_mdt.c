/*
 * mrec_mdt.c: the records Linux mdtrace adds to the malloc formats
 * (doc/FORMATS.md, "mdtrace's extensions"): "mdtracestacks", its count
 * of stacks the unwinder ended early, summed over processes for -v
 * (other lengths are a later layout and are skipped); "mdtkinds", the
 * leak kinds of the process's next leak, handed to its leak table for
 * the decoder of that leak to take; "mdtholder", what holds a block of
 * one of that leak's kinds, handed over the same way; "mdtstart" and
 * "mdtuntraced", which say whether the process was traced: a process
 * whose last word is "mdtuntraced", or that started a traced image
 * ("mdtstart") whose report never came, was not, and mproc.untraced
 * says why; "mdtversion", the version of the mdtrace that wrote the
 * process's report, kept in the process.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "snap.h"
#include "strpool.h"
#include "xmalloc.h"

/* Two little-endian 64-bit counts: stacks cut, of them at bad CFI. */
#define MDT_STACKSLEN	16

static const struct mrec_label mdt_labels[] = {
	MREC_LABEL("mdtracestacks", 0),
	MREC_LABEL("mdtkinds", 0),
	MREC_LABEL("mdtholder", 0),
	MREC_LABEL("mdtstart", 0),
	MREC_LABEL("mdtuntraced", 0),
	MREC_LABEL("mdtversion", 0),
};
#define MDT_KINDS	1	/* the index of "mdtkinds" */
#define MDT_HOLDER	2	/* the index of "mdtholder" */
#define MDT_START	3
#define MDT_UNTRACED	4
#define MDT_VERSION	5	/* the index of "mdtversion" */

/* The longest holder record (mdump.5). */
#define MDT_HOLDERMAX	2048
/* Every hop takes a line of at least 8 bytes ("block 0x0\n" is 10). */
#define MDT_MAXHOPS	(MDT_HOLDERMAX / 8)
/* How much of a line an error message quotes. */
#define MDT_QUOTE	48

/* Why a traced image that never wrote its report shows no leaks. */
static const char mdt_noreport[] = "it ended without writing its report "
    "(a signal, _exit, or an exec the tracer did not see)";
static const char mdt_cutreport[] = "its report stops before its end (the "
    "trace was cut short, as on a full disk, or it was killed while "
    "writing it)";

/* What the decoder keeps of a process: a traced image began. */
struct mdt_proc {
	int		started;
	uint64_t	startend;	/* offset past its start record */
};

/* s[0..n) is one NUL-terminated string and nothing after: its length. */
static int
mdt_string(const uint8_t *s, size_t n, size_t *len)
{
	const uint8_t *nul = memchr(s, '\0', n);

	if (nul == NULL)
		return -1;
	*len = (size_t)(nul - s);
	return 0;
}

static void
mdt_set(char **field, const uint8_t *s, size_t n)
{
	free(*field);
	*field = NULL;
	if (s != NULL) {
		*field = xmalloc(n + 1);
		memcpy(*field, s, n);
		(*field)[n] = '\0';
	}
}

/*
 * "mdtstart": path, NUL.  "mdtuntraced": path, NUL, reason, NUL.  A
 * payload of another shape is damage.
 */
static int
mdt_tracing(struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mdt_proc *mp = *ps;
	size_t plen, rlen = 0;

	if (mdt_string(d, n, &plen) == -1 || (label == MDT_UNTRACED &&
	    (mdt_string(d + plen + 1, n - plen - 1, &rlen) == -1 ||
	    rlen == 0))) {
		md_seterr(e, rec->off, rec->recno, "%s record of %zu bytes "
		    "without its strings", mdt_labels[label].name, n);
		return MREC_DAMAGED;
	}
	if (mp == NULL)
		*ps = mp = xcalloc(1, sizeof(*mp));
	mdt_set(&p->program, d, plen);
	if (label == MDT_START) {
		/* A traced image: its report, its snapshots are to come. */
		mp->started = 1;
		mp->startend = p->end;
		p->done = 0;
		p->image++;
		if (p->snaps != NULL) {
			snap_close(p->snaps);
			p->snaps = NULL;
		}
		mdt_set(&p->untraced, NULL, 0);
	} else {
		mp->started = 0;
		mdt_set(&p->untraced, d + plen + 1, rlen);
	}
	return MREC_OK;
}

static void *
mdt_open(struct mrec_ctx *ctx)
{
	return ctx;
}

static uint64_t
mdt_le64(const uint8_t *d)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

/* A line being read: its bytes, and the position in them. */
struct mdt_line {
	const char	*s;
	size_t		 n;
	size_t		 pos;
};

/* The next word, up to a space or the end; NULL when empty. */
static const char *
mdt_word(struct mdt_line *l, size_t *len)
{
	size_t b = l->pos;

	while (l->pos < l->n && l->s[l->pos] != ' ')
		l->pos++;
	*len = l->pos - b;
	if (l->pos < l->n)
		l->pos++;		/* the space */
	return *len > 0 ? l->s + b : NULL;
}

static int
mdt_is(const char *w, size_t len, const char *word)
{
	return w != NULL && len == strlen(word) && memcmp(w, word, len) == 0;
}

/* A number: "0x" and 1 to 16 hex digits, or 1 to 19 decimal digits. */
static int
mdt_num(struct mdt_line *l, int hex, uint64_t *v)
{
	const char *w;
	size_t len, i;
	int d;

	if ((w = mdt_word(l, &len)) == NULL)
		return -1;
	if (hex) {
		if (len < 3 || w[0] != '0' || w[1] != 'x' || len > 18)
			return -1;
		w += 2;
		len -= 2;
	} else if (len > 19)
		return -1;
	for (*v = 0, i = 0; i < len; i++) {
		if (w[i] >= '0' && w[i] <= '9')
			d = w[i] - '0';
		else if (hex && w[i] >= 'a' && w[i] <= 'f')
			d = w[i] - 'a' + 10;
		else if (hex && w[i] >= 'A' && w[i] <= 'F')
			d = w[i] - 'A' + 10;
		else
			return -1;
		*v = *v * (hex ? 16 : 10) + (uint64_t)d;
	}
	return 0;
}

/* The rest of the line, interned: a path, maybe empty. */
static const char *
mdt_rest(struct mdt_line *l)
{
	const char *r = strpool_intern(l->s + l->pos, l->n - l->pos);

	l->pos = l->n;
	return r;
}

/* A root line after "root": 0, or -1 when of another shape. */
static int
mdt_root(struct mdt_line *l, struct leak_hop *h)
{
	static const char *const words[] = { "data", "tls", "stack",
	    "register", "loader", "memory" };
	const char *w;
	size_t len, i;

	w = mdt_word(l, &len);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (mdt_is(w, len, words[i]))
			break;
	h->kind = (enum leak_hopkind)(LEAK_ROOT_DATA + i);
	switch (h->kind) {
	case LEAK_ROOT_TLS:
	case LEAK_ROOT_STACK:
	case LEAK_ROOT_REGISTER:
		if (mdt_num(l, 0, &h->tid) == -1)
			return -1;
		if (h->kind == LEAK_ROOT_STACK && l->pos == l->n &&
		    l->s[l->n - 1] != ' ')
			return 0;
		if (h->kind != LEAK_ROOT_REGISTER)
			break;
		w = mdt_word(l, &len);
		if (w == NULL || len >= LEAK_REGLEN || l->pos != l->n ||
		    l->s[l->n - 1] == ' ')
			return -1;
		for (i = 0; i < len; i++)
			if (!((w[i] >= 'a' && w[i] <= 'z') ||
			    (w[i] >= 'A' && w[i] <= 'Z') ||
			    (w[i] >= '0' && w[i] <= '9') || w[i] == '_'))
				return -1;
		memcpy(h->reg, w, len);
		return 0;
	case LEAK_ROOT_DATA:
		break;
	case LEAK_ROOT_LOADER:
		return l->pos == l->n ? 0 : -1;
	case LEAK_ROOT_MEMORY:
		return mdt_num(l, 1, &h->offset) == -1 || l->pos != l->n ||
		    l->s[l->n - 1] == ' ' ? -1 : 0;
	default:
		return -1;
	}
	if (mdt_num(l, 1, &h->offset) == -1)
		return -1;
	h->object = mdt_rest(l);
	return 0;
}

/*
 * One line of a holder record into hops[*nhops]: the root, a block, or
 * a frame of the last block.  Unknown words after the root are skipped.
 */
static int
mdt_holdline(struct mdt_line *l, struct leak_hop *hops, size_t *nhops)
{
	struct leak_hop *h = &hops[*nhops], *b;
	const char *w;
	size_t len;

	w = mdt_word(l, &len);
	if (mdt_is(w, len, "root")) {
		if (*nhops > 0)
			return -1;
		memset(h, 0, sizeof(*h));
		if (mdt_root(l, h) == -1)
			return -1;
		(*nhops)++;
		return 0;
	}
	if (*nhops == 0)
		return -1;
	if (mdt_is(w, len, "block")) {
		if (*nhops == MDT_MAXHOPS)
			return -1;
		memset(h, 0, sizeof(*h));
		h->kind = LEAK_HOP_BLOCK;
		if (mdt_num(l, 1, &h->offset) == -1 || l->pos != l->n ||
		    l->s[l->n - 1] == ' ')
			return -1;
		(*nhops)++;
		return 0;
	}
	if (mdt_is(w, len, "frame")) {
		b = &hops[*nhops - 1];
		if (b->kind != LEAK_HOP_BLOCK || b->nframes == LEAK_HOPFRAMES ||
		    mdt_num(l, 1, &b->frames[b->nframes].offset) == -1)
			return -1;
		b->frames[b->nframes++].object = mdt_rest(l);
		return 0;
	}
	/* A later addition, or no word at all. */
	return w == NULL ? -1 : 0;
}

/*
 * The first MDT_QUOTE bytes of a line for a message, those that are not
 * printable ASCII as \xNN: damage does not reach the terminal.
 */
static void
mdt_quote(char *q, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	size_t i;

	for (i = 0; i < n && i < MDT_QUOTE; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			*q++ = (char)c;
			continue;
		}
		*q++ = '\\';
		*q++ = 'x';
		*q++ = hex[c >> 4];
		*q++ = hex[c & 0xf];
	}
	*q = '\0';
}

/* The holder record: 0, or -1 with the error set. */
static int
mdt_holder(struct mproc *p, const struct ktr_record *rec, const uint8_t *d,
    size_t n, struct md_err *e)
{
	struct leak_hop hops[MDT_MAXHOPS];
	struct leak_holder *h;
	struct mdt_line l;
	const char *s = (const char *)d, *nl;
	enum leak_kind kind = LEAK_ANY;
	size_t nhops = 0, at = 0;
	char q[4 * MDT_QUOTE + 1];

	if (n > MDT_HOLDERMAX) {
		md_seterr(e, rec->off, rec->recno, "holder record of %zu "
		    "bytes, at most %d", n, MDT_HOLDERMAX);
		return -1;
	}
	while (at < n) {
		l.s = s + at;
		l.pos = 0;
		if ((nl = memchr(l.s, '\n', n - at)) == NULL) {
			md_seterr(e, rec->off, rec->recno, "holder record "
			    "ends without a newline");
			return -1;
		}
		l.n = (size_t)(nl - l.s);
		at += l.n + 1;
		if (memchr(l.s, '\0', l.n) != NULL)
			goto bad;
		if (kind == LEAK_ANY) {
			if (l.n == 8 && memcmp(l.s, "possible", 8) == 0)
				kind = LEAK_POSSIBLE;
			else if (l.n == 9 && memcmp(l.s, "reachable", 9) == 0)
				kind = LEAK_REACHABLE;
			else
				goto bad;
			continue;
		}
		if (mdt_holdline(&l, hops, &nhops) == -1)
			goto bad;
	}
	if (nhops == 0) {
		md_seterr(e, rec->off, rec->recno, "holder record without "
		    "%s", kind == LEAK_ANY ? "a kind" : "a root");
		return -1;
	}
	h = xmalloc(sizeof(*h) + nhops * sizeof(h->hops[0]));
	h->next = NULL;
	h->nhops = nhops;
	memcpy(h->hops, hops, nhops * sizeof(hops[0]));
	leak_setholder(p->leaks, kind, h);
	return 0;
bad:
	mdt_quote(q, l.s, l.n);
	md_seterr(e, rec->off, rec->recno, "holder record line of another "
	    "shape: \"%s\"", q);
	return -1;
}

/*
 * "mdtversion": 1 to MREC_VERMAX printable ASCII characters other than
 * blanks, then a NUL; what follows the NUL is for later fields.
 * Anything else is damage, and the process's version stays as it was.
 */
static int
mdt_version(struct mproc *p, const struct ktr_record *rec, const uint8_t *d,
    size_t n, struct md_err *e)
{
	size_t i;

	for (i = 0; i < n && i <= MREC_VERMAX; i++) {
		if (d[i] == '\0' && i > 0) {
			memcpy(p->tracer, d, i + 1);
			return MREC_OK;
		}
		if (d[i] <= ' ' || d[i] > '~')
			break;
	}
	md_seterr(e, rec->off, rec->recno, "version record of %zu bytes is "
	    "malformed", n);
	return MREC_DAMAGED;
}

static int
mdt_record(void *ctxv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct mrec_ctx *ctx = ctxv;
	uint64_t k[LEAK_KINDWORDS];
	size_t j;

	if (label == MDT_HOLDER)
		return mdt_holder(p, rec, d, n, e) == 0 ? MREC_OK :
		    MREC_DAMAGED;
	if (label == MDT_START || label == MDT_UNTRACED)
		return mdt_tracing(p, ps, label, rec, d, n, e);
	if (label == MDT_VERSION)
		return mdt_version(p, rec, d, n, e);
	if (label == MDT_KINDS) {
		/* Eight numbers; longer payloads are a later layout. */
		if (n < 8 * LEAK_KINDWORDS) {
			md_seterr(e, rec->off, rec->recno, "leak kinds of %zu "
			    "bytes, expected %d", n, 8 * LEAK_KINDWORDS);
			return MREC_DAMAGED;
		}
		for (j = 0; j < LEAK_KINDWORDS; j++)
			k[j] = mdt_le64(d + 8 * j);
		leak_setkinds(p->leaks, k);
		return MREC_OK;
	}
	if (n != MDT_STACKSLEN)
		return MREC_OK;
	ctx->stats.cut += mdt_le64(d);
	ctx->stats.cutbad += mdt_le64(d + 8);
	return MREC_OK;
}

/*
 * A traced image that began and wrote no complete report.  One that
 * wrote snapshots was traced: its last snapshot stands for the report.
 */
static int
mdt_finish(void *ctxv, struct mproc *p, void *ps, struct md_err *e)
{
	const struct mdt_proc *mp = ps;
	char why[256];
	int n;

	(void)ctxv;
	(void)e;
	/* One that wrote snapshots was traced: see above. */
	if (!mp->started || p->done || p->untraced != NULL ||
	    (p->snaps != NULL && snap_count(p->snaps) > 0))
		return MREC_OK;
	/* Records after the start record: the report began. */
	p->cut = p->end > mp->startend;
	n = snprintf(why, sizeof(why), "%s; its records end at offset %"
	    PRIu64, p->cut ? mdt_cutreport : mdt_noreport, p->end);
	mdt_set(&p->untraced, (const uint8_t *)why,
	    n > 0 && (size_t)n < sizeof(why) ? (size_t)n : 0);
	return MREC_OK;
}

static void
mdt_damaged(void *ctxv, void *ps)
{
	(void)ctxv;
	(void)ps;
}

static void
mdt_procfree(void *ctxv, void *ps)
{
	(void)ctxv;
	free(ps);
}

static void
mdt_close(void *ctxv)
{
	(void)ctxv;
}

const struct mrec_decoder mrec_mdt_decoder = {
	.labels = mdt_labels,
	.nlabels = sizeof(mdt_labels) / sizeof(mdt_labels[0]),
	.open = mdt_open,
	.record = mdt_record,
	.damaged = mdt_damaged,
	.finish = mdt_finish,
	.procfree = mdt_procfree,
	.close = mdt_close,
};
