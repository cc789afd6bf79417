/*
 * wordfreq.c: counts the words of a text and forgets to free most of
 * what it allocated: a leak report with some depth, inlined helpers
 * among the frames.  The README's picture (doc/report.png) is its page:
 *
 *   cc -g -O0 -o examples/wordfreq examples/wordfreq.c
 *   MALLOC_OPTIONS=D8 mdtrace/mdtrace -f examples/wordfreq.ktrace \
 *       examples/wordfreq
 *   ./mdump -f examples/wordfreq.ktrace -e examples/wordfreq \
 *       -P "$PWD/examples" -o html >examples/wordfreq.html
 *   node tools/screenshot.js chromium examples/wordfreq.html \
 *       doc/report.png open=2 hover=4,560 width=1000
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct word {
	char		*text;
	unsigned	 count;
	struct word	*next;
};

struct table {
	struct word	**buckets;
	size_t		  nbuckets;
	size_t		  nwords;
};

struct list {
	char	**items;
	size_t	  n, cap;
};

static inline __attribute__((always_inline)) void *
xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL)
		abort();
	return p;
}

static inline __attribute__((always_inline)) char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static unsigned long
hash(const char *s, size_t n)
{
	unsigned long h = 5381;
	while (n-- > 0)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct word *
word_new(const char *s, size_t n)
{
	struct word *w = xmalloc(sizeof(*w));
	w->text = xstrndup(s, n);
	w->count = 0;
	w->next = NULL;
	return w;
}

static void
table_grow(struct table *t)
{
	struct word **nb;
	size_t i, n = t->nbuckets ? t->nbuckets * 2 : 8;

	nb = calloc(n, sizeof(*nb));
	for (i = 0; i < t->nbuckets; i++) {
		struct word *w = t->buckets[i], *next;
		for (; w != NULL; w = next) {
			next = w->next;
			unsigned long h = hash(w->text, strlen(w->text)) % n;
			w->next = nb[h];
			nb[h] = w;
		}
	}
	/* The old buckets are never freed. */
	t->buckets = nb;
	t->nbuckets = n;
}

static void
table_add(struct table *t, const char *s, size_t n)
{
	struct word *w;
	unsigned long h;

	if (t->nwords >= t->nbuckets)
		table_grow(t);
	h = hash(s, n) % t->nbuckets;
	for (w = t->buckets[h]; w != NULL; w = w->next)
		if (strlen(w->text) == n && memcmp(w->text, s, n) == 0)
			break;
	if (w == NULL) {
		w = word_new(s, n);
		w->next = t->buckets[h];
		t->buckets[h] = w;
		t->nwords++;
	}
	w->count++;
}

static void
list_push(struct list *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = realloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->n++] = s;
}

static void
count_words(struct table *t, struct list *lines, const char *text)
{
	const char *p = text, *start;

	while (*p != '\0') {
		start = p;
		while (*p != '\0' && *p != '\n')
			p++;
		list_push(lines, xstrndup(start, (size_t)(p - start)));
		if (*p == '\n')
			p++;
	}
	for (p = text; *p != '\0';) {
		while (*p != '\0' && !isalpha((unsigned char)*p))
			p++;
		start = p;
		while (isalpha((unsigned char)*p))
			p++;
		if (p > start)
			table_add(t, start, (size_t)(p - start));
	}
}

static char *
load_text(void)
{
	static const char poem[] =
	    "the quick brown fox jumps over the lazy dog\n"
	    "memory that is never freed is memory that is lost\n"
	    "a leak report shows where the lost bytes came from\n"
	    "and a flame graph shows which caller holds the most\n";
	char *buf = xmalloc(4 * sizeof(poem));
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < 4; i++)
		strcat(buf, poem);
	return buf;
}

int
main(void)
{
	struct table t = { NULL, 0, 0 };
	struct list lines = { NULL, 0, 0 };
	char *text = load_text();

	count_words(&t, &lines, text);
	free(lines.items);	/* the lines themselves leak */
	return t.nwords > 0 ? 0 : 1;
}
