/*
 * mrec_text.c: the text leak report OpenBSD's own malloc writes since
 * 7.4, under the utrace label "malloc" (doc/FORMATS.md, "Text records").
 *
 * Records are joined per process and cut at newlines, so a line split
 * over records, or records holding several lines, read the same.  A leak
 * is a first-frame line with its numbers, followed by continuation lines
 * whose sum column is "-"; it is added to the table when the next leak,
 * a blank line or the end banner shows that its stack is complete.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "mrec_int.h"
#include "strpool.h"
#include "xmalloc.h"

/*
 * The longest text line kept.  A leak line holds one path (PATH_MAX is
 * 1024 on OpenBSD) and a few numbers; malloc's own buffer is 2048 bytes.
 */
#define TEXT_LINEMAX	4096

static const struct mrec_label text_labels[] = {
	MREC_LABEL("malloc", 1),
};

/* Where the parser of a process is. */
enum text_state {
	TEXT_NONE,		/* outside a dump */
	TEXT_DUMP,		/* after Start dump, before the leak report */
	TEXT_LEAKS		/* in the leak report */
};

/* The parser's state for one process. */
struct text_proc {
	char			*line;		/* a line being built */
	size_t			 linelen;
	int			 linebad;	/* overlong: drop to newline */
	enum text_state		 state;
	struct leak_frame	*pend;		/* the leak being built */
	size_t			 npend;
	int			 haspend;
	uint64_t		 pendsum;
	uint64_t		 pendcount;
	uint64_t		 pkinds[LEAK_KINDWORDS];	/* of the pending leak */
	int			 haspkinds;
};

/* The decoder's state for a trace. */
struct text {
	struct mrec_ctx		*ctx;
};

/* Fields of one leak line. */
struct text_leakline {
	int		 first;		/* has sum and count */
	uint64_t	 f;		/* return address in the process */
	uint64_t	 sum;
	uint64_t	 count;
	const char	*object;
	size_t		 objlen;
	uint64_t	 offset;
};

static int
text_isspace(int c)
{
	return c == ' ' || c == '\t';
}

/* Whether a token ends at s[i]: at the end of the line or a space. */
static int
text_tokend(const char *s, size_t n, size_t i)
{
	return i == n || text_isspace(s[i]);
}

#define TEXT_ONES	0x0101010101010101ULL
#define TEXT_HIGHS	0x8080808080808080ULL

/*
 * Skip spaces and tabs.  The columns of leak lines are padded with runs
 * of spaces: eight at a time while a whole word is spaces.  With the
 * word-at-a-time binary test below, bench/scale.sh's text trace takes
 * 2.10 s of CPU, 2.58 s byte by byte.
 */
static void
text_skipspace(const char *s, size_t n, size_t *pos)
{
	uint64_t w;
	uint32_t h;
	size_t i = *pos;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if (w != ' ' * TEXT_ONES)
			break;
		i += 8;
	}
	if (n - i >= 4) {
		memcpy(&h, s + i, 4);
		if (h == (uint32_t)(' ' * TEXT_ONES))
			i += 4;
	}
	while (i < n && text_isspace(s[i]))
		i++;
	*pos = i;
}

/* The value of each hex digit plus one; 0 for other bytes. */
static const uint8_t text_hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
	['E'] = 15, ['F'] = 16
};

/*
 * The token at s[*pos] is a whole 0x-hex number, nothing else, without
 * overflow; *pos moves past it.
 */
static int
text_hex(const char *s, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = *pos, b;
	unsigned d;

	if (n - i < 3 || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
		return -1;
	for (b = i += 2; i < n && (d = text_hexval[(uint8_t)s[i]]) != 0;
	    i++) {
		if (x >> 60 != 0)
			return -1;
		x = x << 4 | (d - 1);
	}
	if (i == b || !text_tokend(s, n, i))
		return -1;
	*pos = i;
	*v = x;
	return 0;
}

/* The same for a decimal number. */
static int
text_dec(const char *s, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t x = 0, d;
	size_t i = *pos, b;

	for (b = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		d = (uint64_t)(s[i] - '0');
		/* x * 10 + d overflows; one compare for the usual small x. */
		if (x >= UINT64_MAX / 10 &&
		    (x > UINT64_MAX / 10 || d > UINT64_MAX % 10))
			return -1;
		x = x * 10 + d;
	}
	if (i == b || !text_tokend(s, n, i))
		return -1;
	*pos = i;
	*v = x;
	return 0;
}

/*
 * The token at s[*pos] is word; *pos moves past it.  The words are
 * short: compared here rather than by a call.
 */
static int
text_word(const char *s, size_t n, size_t *pos, const char *word,
    size_t wl)
{
	size_t i;

	if (n - *pos < wl)
		return -1;
	for (i = 0; i < wl; i++)
		if (s[*pos + i] != word[i])
			return -1;
	if (!text_tokend(s, n, *pos + wl))
		return -1;
	*pos += wl;
	return 0;
}

/* The next space-separated token of s[*pos..n). */
static const char *
text_token(const char *s, size_t n, size_t *pos, size_t *len)
{
	size_t i = *pos, b;

	while (i < n && text_isspace(s[i]))
		i++;
	b = i;
	while (i < n && !text_isspace(s[i]))
		i++;
	*pos = i;
	*len = i - b;
	return i > b ? s + b : NULL;
}

static int
text_is(const char *t, size_t tl, const char *word)
{
	return t != NULL && tl == strlen(word) && memcmp(t, word, tl) == 0;
}

/* The three number columns of a first frame, or three "-". */
static int
text_columns(const char *s, size_t n, size_t *pos, struct text_leakline *ll)
{
	uint64_t avg;
	int i;

	text_skipspace(s, n, pos);
	ll->first = text_word(s, n, pos, "-", 1) == -1;
	if (!ll->first) {
		for (i = 0; i < 2; i++) {
			text_skipspace(s, n, pos);
			if (text_word(s, n, pos, "-", 1) == -1)
				return -1;
		}
		return 0;
	}
	if (text_dec(s, n, pos, &ll->sum) == -1)
		return -1;
	text_skipspace(s, n, pos);
	if (text_dec(s, n, pos, &ll->count) == -1)
		return -1;
	text_skipspace(s, n, pos);
	return text_dec(s, n, pos, &avg);
}

/*
 * "%18p %7zu %6u %6zu addr2line -e %s %p", or the continuation with "-"
 * in the three number columns, read left to right in one pass.  Tokens
 * are separated by spaces and tabs.  The object may hold spaces: the
 * offset is what follows the last space.
 */
static int
text_parse_leak(const char *s, size_t n, struct text_leakline *ll)
{
	const char *sp;
	size_t pos = 0, i;

	text_skipspace(s, n, &pos);
	if (text_hex(s, n, &pos, &ll->f) == -1 ||
	    text_columns(s, n, &pos, ll) == -1)
		return -1;
	text_skipspace(s, n, &pos);
	if (text_word(s, n, &pos, "addr2line", 9) == -1)
		return -1;
	text_skipspace(s, n, &pos);
	if (text_word(s, n, &pos, "-e", 2) == -1)
		return -1;
	if (pos >= n || s[pos] != ' ')
		return -1;
	pos++;
	/* The offset is short: look for the last space from the end. */
	for (sp = NULL, i = n; i > pos; i--)
		if (s[i - 1] == ' ') {
			sp = s + i - 1;
			break;
		}
	if (sp == NULL || sp == s + pos)
		return -1;
	ll->object = s + pos;
	ll->objlen = (size_t)(sp - (s + pos));
	pos = (size_t)(sp + 1 - s);
	return text_hex(s, n, &pos, &ll->offset) == -1 || pos != n ? -1 : 0;
}

/* The leak being built is complete: add it to the table. */
static void
text_commit(struct mproc *p, struct text_proc *tp)
{
	if (!tp->haspend)
		return;
	/* The kinds were found to add up when the leak began. */
	(void)leak_add_kinds(p->leaks, tp->pend, tp->npend, tp->pendsum,
	    tp->pendcount, tp->haspkinds ? tp->pkinds : NULL);
	tp->haspend = 0;
	tp->npend = 0;
}

/* The kinds record before the leak that begins, if any (mdump.5). */
static int
text_kinds(struct mproc *p, struct text_proc *tp,
    const struct text_leakline *ll, const struct ktr_record *rec,
    struct md_err *e)
{
	tp->haspkinds = leak_takekinds(p->leaks, tp->pkinds);
	if (!tp->haspkinds ||
	    leak_kinds_valid(tp->pkinds, ll->sum, ll->count))
		return 0;
	tp->haspkinds = 0;
	md_seterr(e, rec->off, rec->recno, "leak kinds that do not add up "
	    "to the leak's %" PRIu64 " bytes in %" PRIu64 " allocations",
	    ll->sum, ll->count);
	return -1;
}

static void
text_frame(struct text_proc *tp, const struct text_leakline *ll,
    struct mrec_stats *stats)
{
	/* An unknown caller (0x0) says nothing about the stack. */
	if (ll->f == 0 && ll->offset == 0)
		return;
	if (tp->npend == LEAK_MAXFRAMES) {
		stats->deep++;
		return;
	}
	if (tp->pend == NULL)
		tp->pend = xreallocarray(NULL, LEAK_MAXFRAMES,
		    sizeof(*tp->pend));
	tp->pend[tp->npend].object = strpool_intern(ll->object, ll->objlen);
	tp->pend[tp->npend].offset = ll->offset;
	tp->npend++;
}

static int
text_starts(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	/* The first byte alone tells leak lines apart. */
	return n >= pl && s[0] == prefix[0] && memcmp(s, prefix, pl) == 0;
}

/* A new leak report for this process replaces what an older one said. */
static void
text_new_report(struct mproc *p, struct text_proc *tp)
{
	text_commit(p, tp);
	leak_clear(p->leaks);
	p->done = 0;
	p->report++;
}

/* How much of a line an error message quotes. */
#define TEXT_QUOTE	80

static const char text_leakreport[] = "Leak report:";
#define LEAKREPORTLEN	(sizeof(text_leakreport) - 1)

/* The header of the leak report's columns: "f sum # avg". */
static int
text_columns_header(const char *s, size_t n)
{
	static const char *const words[] = { "f", "sum", "#", "avg" };
	size_t pos = 0, len, i;
	const char *t;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		t = text_token(s, n, &pos, &len);
		if (!text_is(t, len, words[i]))
			return 0;
	}
	return pos == n;
}

static int
text_line(struct text *x, struct mproc *p, struct text_proc *tp,
    const char *s, size_t n, const struct ktr_record *rec, struct md_err *e)
{
	struct text_leakline ll;

	if (text_starts(s, n, "******** Start dump ")) {
		text_commit(p, tp);
		tp->state = TEXT_DUMP;
		return MREC_OK;
	}
	if (text_starts(s, n, "******** End dump ")) {
		text_commit(p, tp);
		tp->state = TEXT_NONE;
		p->done = 1;
		return MREC_OK;
	}
	if (n == LEAKREPORTLEN && memcmp(s, text_leakreport, n) == 0) {
		text_new_report(p, tp);
		tp->state = TEXT_LEAKS;
		return MREC_OK;
	}
	if (n == 0) {
		text_commit(p, tp);
		return MREC_OK;
	}
	/* Leak lines, by far the most, start with the address. */
	if (text_parse_leak(s, n, &ll) == 0) {
		/* malloc_dump() called by the program has no banners. */
		if (tp->state == TEXT_NONE)
			tp->state = TEXT_LEAKS;
		if (ll.first) {
			text_commit(p, tp);
			tp->haspend = 1;
			tp->pendsum = ll.sum;
			tp->pendcount = ll.count;
			if (text_kinds(p, tp, &ll, rec, e) == -1) {
				text_frame(tp, &ll, &x->ctx->stats);
				return MREC_DAMAGED;
			}
		} else if (!tp->haspend) {
			md_seterr(e, rec->off, rec->recno, "continuation line "
			    "without a leak: \"%.*s\"",
			    (int)(n > TEXT_QUOTE ? TEXT_QUOTE : n), s);
			return MREC_DAMAGED;
		}
		text_frame(tp, &ll, &x->ctx->stats);
		return MREC_OK;
	}
	if (text_columns_header(s, n))
		return MREC_OK;
	/* The pool dump between the option line and the leak report. */
	if (tp->state == TEXT_DUMP)
		return MREC_OK;
	md_seterr(e, rec->off, rec->recno, "unrecognized malloc text line: "
	    "\"%.*s\"", (int)(n > TEXT_QUOTE ? TEXT_QUOTE : n), s);
	return MREC_DAMAGED;
}

/* Whether one byte is a control character other than tab, CR, newline. */
static int
text_ctl(uint8_t c)
{
	static const uint32_t ctl = ~((1u << '\t') | (1u << '\n') |
	    (1u << '\r'));

	if (c == 0x7f)
		return 1;
	return c < 0x20 && ((ctl >> c) & 1);
}

/* Whether d[i] says binary; the first newline seen goes to *nl. */
static int
text_byte(const uint8_t *d, size_t i, size_t *nl)
{
	if (d[i] == '\n' && i < *nl)
		*nl = i;
	return text_ctl(d[i]);
}

/*
 * Printable text ending lines, or a binary payload of another writer:
 * control characters other than tab, CR and newline, and DEL, say binary.
 * Eight bytes are tested at once: a word passes when no byte is below
 * 0x20 or equal to 0x7f (bytes from 0x80 up are text); the rare word that
 * does not, such as the one holding the newline, is looked at byte by
 * byte.  The test may flag a byte beside a real hit, never miss one, so
 * the byte order of the load does not matter.  The newline of a record
 * is in such a word: where the first one is goes to *nl (n: none).
 */
static int
text_is_binary(const uint8_t *d, size_t n, size_t *nl)
{
	uint64_t w, low, del;
	size_t i = 0, j;

	*nl = n;
	for (; n - i >= 8; i += 8) {
		memcpy(&w, d + i, 8);
		low = (w - 0x20 * TEXT_ONES) & ~w & TEXT_HIGHS;
		del = ((w ^ 0x7f * TEXT_ONES) - TEXT_ONES) &
		    ~(w ^ 0x7f * TEXT_ONES) & TEXT_HIGHS;
		if ((low | del) == 0)
			continue;
		for (j = i; j < i + 8; j++)
			if (text_byte(d, j, nl))
				return 1;
	}
	for (; i < n; i++)
		if (text_byte(d, i, nl))
			return 1;
	return 0;
}

/* Add bytes to the line being built; too long a line is damage. */
static void
text_append(struct text_proc *tp, const uint8_t *d, size_t n)
{
	if (tp->line == NULL)
		tp->line = xmalloc(TEXT_LINEMAX);
	if (n > TEXT_LINEMAX - tp->linelen) {
		tp->linebad = 1;
		n = TEXT_LINEMAX - tp->linelen;
	}
	memcpy(tp->line + tp->linelen, d, n);
	tp->linelen += n;
}

/* One whole line, without its newline. */
static int
text_whole_line(struct text *x, struct mproc *p, struct text_proc *tp,
    const char *s, size_t n, const struct ktr_record *rec, struct md_err *e)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return text_line(x, p, tp, s, n, rec, e);
}

static void *
text_open(struct mrec_ctx *ctx)
{
	struct text *x;

	x = xmalloc(sizeof(*x));
	x->ctx = ctx;
	return x;
}

static int
text_record(void *xv, struct mproc *p, void **ps, size_t label,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	struct text *x = xv;
	struct text_proc *tp;
	const uint8_t *nl;
	size_t len, first;
	int rv = MREC_OK;

	(void)label;
	if (text_is_binary(d, n, &first)) {
		x->ctx->stats.binary++;
		return MREC_FOREIGN;
	}
	if ((tp = *ps) == NULL)
		tp = *ps = xcalloc(1, sizeof(*tp));
	/* A record is mostly one line: its end is known already. */
	for (nl = first < n ? d + first : NULL; nl != NULL;
	    nl = n > 0 ? memchr(d, '\n', n) : NULL) {
		len = (size_t)(nl - d);
		if (tp->linelen == 0 && !tp->linebad) {
			/* The usual case: a record is one line; no copy. */
			if (text_whole_line(x, p, tp, (const char *)d, len,
			    rec, e) == MREC_DAMAGED)
				rv = MREC_DAMAGED;
		} else {
			text_append(tp, d, len);
			if (tp->linebad) {
				md_seterr(e, rec->off, rec->recno, "malloc "
				    "text line longer than %d bytes",
				    TEXT_LINEMAX);
				rv = MREC_DAMAGED;
			} else if (text_whole_line(x, p, tp, tp->line,
			    tp->linelen, rec, e) == MREC_DAMAGED)
				rv = MREC_DAMAGED;
			tp->linelen = 0;
			tp->linebad = 0;
		}
		d = nl + 1;
		n -= len + 1;
	}
	if (n > 0)
		text_append(tp, d, n);
	return rv;
}

static void
text_damaged(void *xv, void *ps)
{
	struct text_proc *tp = ps;

	(void)xv;
	tp->linelen = 0;
	tp->linebad = 0;
}

/*
 * End of trace: a last line without its newline (a file cut short) is
 * still read, then the open leak is complete.
 */
static int
text_finish(void *xv, struct mproc *p, void *ps, struct md_err *e)
{
	struct text_proc *tp = ps;
	struct ktr_record none;
	int rv = MREC_OK;

	if (tp->linelen > 0 && !tp->linebad) {
		memset(&none, 0, sizeof(none));
		none.off = MD_NOOFF;
		rv = text_line(xv, p, tp, tp->line, tp->linelen, &none, e);
		tp->linelen = 0;
	}
	text_commit(p, tp);
	return rv;
}

static void
text_procfree(void *xv, void *ps)
{
	struct text_proc *tp = ps;

	(void)xv;
	free(tp->line);
	free(tp->pend);
	free(tp);
}

static void
text_close(void *xv)
{
	free(xv);
}

const struct mrec_decoder mrec_text_decoder = {
	.labels = text_labels,
	.nlabels = sizeof(text_labels) / sizeof(text_labels[0]),
	.open = text_open,
	.record = text_record,
	.other = NULL,
	.damaged = text_damaged,
	.finish = text_finish,
	.procfree = text_procfree,
	.close = text_close,
};
