/*
 * mrec_text.c: the text leak report OpenBSD's own malloc writes since
 * 7.4, under the utrace label "malloc" (FORMATS.md 3).
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

#include "mrec.h"
#include "xmalloc.h"

/*
 * The longest text line kept.  A leak line holds one path (PATH_MAX is
 * 1024 on OpenBSD) and a few numbers; malloc's own buffer is 2048 bytes.
 */
#define TEXT_LINEMAX	4096

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
 * of spaces: eight at a time while a whole word is spaces.
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
text_commit(struct mproc *p)
{
	if (!p->haspend)
		return;
	/* The kinds were found to add up when the leak began. */
	(void)leak_add_kinds(&p->leaks, p->pend, p->npend, p->pendsum,
	    p->pendcount, p->haspkinds ? p->pkinds : NULL);
	p->haspend = 0;
	p->npend = 0;
}

/* The kinds record before the leak that begins, if any (mdump.5). */
static int
text_kinds(struct mproc *p, const struct text_leakline *ll,
    const struct ktr_record *rec, struct md_err *e)
{
	p->haspkinds = leak_takekinds(&p->leaks, p->pkinds);
	if (!p->haspkinds || leak_kinds_valid(p->pkinds, ll->sum, ll->count))
		return 0;
	p->haspkinds = 0;
	md_seterr(e, rec->off, rec->recno, "leak kinds that do not add up "
	    "to the leak's %" PRIu64 " bytes in %" PRIu64 " allocations",
	    ll->sum, ll->count);
	return -1;
}

static void
text_frame(struct mproc *p, const struct text_leakline *ll,
    struct mrec_stats *stats)
{
	/* An unknown caller (0x0) says nothing about the stack. */
	if (ll->f == 0 && ll->offset == 0)
		return;
	if (p->npend == LEAK_MAXFRAMES) {
		stats->deep++;
		return;
	}
	if (p->pend == NULL)
		p->pend = xreallocarray(NULL, LEAK_MAXFRAMES,
		    sizeof(*p->pend));
	p->pend[p->npend].object = strpool_intern(ll->object, ll->objlen);
	p->pend[p->npend].offset = ll->offset;
	p->npend++;
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
text_new_report(struct mproc *p)
{
	text_commit(p);
	leak_clear(&p->leaks);
	p->done = 0;
	p->printed = 0;
}

static int
text_line(struct mrec_state *st, struct mproc *p, const char *s, size_t n,
    const struct ktr_record *rec, struct md_err *e)
{
	struct text_leakline ll;
	size_t pos = 0, tl[4];
	const char *t[4];
	int i;

	if (text_starts(s, n, "******** Start dump ")) {
		text_commit(p);
		p->tstate = MTEXT_DUMP;
		return 0;
	}
	if (text_starts(s, n, "******** End dump ")) {
		text_commit(p);
		p->tstate = MTEXT_NONE;
		p->done = 1;
		leak_flush(&p->leaks);
		return 0;
	}
	if (n == 12 && memcmp(s, "Leak report:", 12) == 0) {
		text_new_report(p);
		p->tstate = MTEXT_LEAKS;
		return 0;
	}
	if (n == 0) {
		text_commit(p);
		return 0;
	}
	/* Leak lines, by far the most, start with the address. */
	if (text_parse_leak(s, n, &ll) == 0) {
		/* malloc_dump() called by the program has no banners. */
		if (p->tstate == MTEXT_NONE)
			p->tstate = MTEXT_LEAKS;
		if (ll.first) {
			text_commit(p);
			p->haspend = 1;
			p->pendsum = ll.sum;
			p->pendcount = ll.count;
			if (text_kinds(p, &ll, rec, e) == -1) {
				text_frame(p, &ll, &st->stats);
				return -1;
			}
		} else if (!p->haspend) {
			md_seterr(e, rec->off, rec->recno, "continuation line "
			    "without a leak: \"%.*s\"", (int)(n > 80 ? 80 : n),
			    s);
			return -1;
		}
		text_frame(p, &ll, &st->stats);
		return 0;
	}
	for (i = 0; i < 4; i++)
		t[i] = text_token(s, n, &pos, &tl[i]);
	if (text_is(t[0], tl[0], "f") && text_is(t[1], tl[1], "sum") &&
	    text_is(t[2], tl[2], "#") && text_is(t[3], tl[3], "avg") &&
	    pos == n)
		return 0;
	/* The pool dump between the option line and the leak report. */
	if (p->tstate == MTEXT_DUMP)
		return 0;
	md_seterr(e, rec->off, rec->recno, "unrecognized malloc text line: "
	    "\"%.*s\"", (int)(n > 80 ? 80 : n), s);
	return -1;
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
text_append(struct mproc *p, const uint8_t *d, size_t n)
{
	if (p->line == NULL)
		p->line = xmalloc(TEXT_LINEMAX);
	if (n > TEXT_LINEMAX - p->linelen) {
		p->linebad = 1;
		n = TEXT_LINEMAX - p->linelen;
	}
	memcpy(p->line + p->linelen, d, n);
	p->linelen += n;
}

/* One whole line, without its newline. */
static int
text_whole_line(struct mrec_state *st, struct mproc *p, const char *s,
    size_t n, const struct ktr_record *rec, struct md_err *e)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return text_line(st, p, s, n, rec, e);
}

int
mrec_text_record(struct mrec_state *st, struct mproc *p,
    const struct ktr_record *rec, const uint8_t *d, size_t n,
    struct md_err *e)
{
	const uint8_t *nl;
	size_t len, first;
	int rv = 0;

	if (text_is_binary(d, n, &first)) {
		st->stats.binary++;
		return 0;
	}
	if (st->keepdump)
		mrec_dumptext(p, d, n);
	/* A record is mostly one line: its end is known already. */
	for (nl = first < n ? d + first : NULL; nl != NULL;
	    nl = n > 0 ? memchr(d, '\n', n) : NULL) {
		len = (size_t)(nl - d);
		if (p->linelen == 0 && !p->linebad) {
			/* The usual case: a record is one line; no copy. */
			if (text_whole_line(st, p, (const char *)d, len, rec,
			    e) == -1)
				rv = -1;
		} else {
			text_append(p, d, len);
			if (p->linebad) {
				md_seterr(e, rec->off, rec->recno, "malloc "
				    "text line longer than %d bytes",
				    TEXT_LINEMAX);
				rv = -1;
			} else if (text_whole_line(st, p, p->line, p->linelen,
			    rec, e) == -1)
				rv = -1;
			p->linelen = 0;
			p->linebad = 0;
		}
		d = nl + 1;
		n -= len + 1;
	}
	if (n > 0)
		text_append(p, d, n);
	return rv;
}

/*
 * End of trace: a last line without its newline (a file cut short) is
 * still read, then the open leak is complete.
 */
int
mrec_text_finish(struct mrec_state *st, struct mproc *p, struct md_err *e)
{
	struct ktr_record none;
	int rv = 0;

	if (p->linelen > 0 && !p->linebad) {
		memset(&none, 0, sizeof(none));
		none.off = MD_NOOFF;
		rv = text_line(st, p, p->line, p->linelen, &none, e);
		p->linelen = 0;
	}
	text_commit(p);
	return rv;
}
