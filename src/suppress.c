/*
 * suppress.c: suppression files and the patterns of -S and -k.
 *
 * A pattern follows LeakSanitizer's rules: it matches when it occurs
 * anywhere in the name; '*' stands for any run of characters; a leading
 * '^' anchors it at the start of the name and a trailing '$' at the end.
 * Each pattern is turned once into a glob ("foo" -> "*foo*",
 * "^foo$" -> "foo") and matched without recursion, in time bounded by
 * the product of the two lengths.
 *
 * It reads the suppression files but does not print: errors and counts
 * go back to main.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leak.h"
#include "mdump.h"
#include "names.h"
#include "suppress.h"
#include "sym.h"
#include "xmalloc.h"

#define SUPP_PREFIX	"leak:"

void
supp_init(struct supp_list *l)
{
	memset(l, 0, sizeof(*l));
}

/* The glob for a pattern: '*' added where no anchor is. */
static char *
compile(const char *text)
{
	size_t len = strlen(text), n = 0;
	int start = 0, end = 0;
	char *g;

	if (len > 0 && text[0] == '^') {
		start = 1;
		text++;
		len--;
	}
	if (len > 0 && text[len - 1] == '$') {
		end = 1;
		len--;
	}
	g = xmalloc(len + 3);
	if (!start)
		g[n++] = '*';
	memcpy(g + n, text, len);
	n += len;
	if (!end)
		g[n++] = '*';
	g[n] = '\0';
	return g;
}

void
supp_add(struct supp_list *l, const char *text, const char *file,
    unsigned long line)
{
	struct supp_pat *p;

	l->pats = xreallocarray(l->pats, l->npats + 1, sizeof(*l->pats));
	p = &l->pats[l->npats++];
	memset(p, 0, sizeof(*p));
	p->text = xstrdup(text);
	p->glob = compile(text);
	p->file = file != NULL ? xstrdup(file) : NULL;
	p->line = line;
}

/* Blanks around a line do not count; a newline ends it. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int
load_line(struct supp_list *l, const char *path, unsigned long lineno,
    char *line, size_t len, struct md_err *e)
{
	char *s;

	/* A NUL inside the line would cut the pattern short unseen. */
	if (strlen(line) != len) {
		md_seterr(e, MD_NOOFF, 0, "%s:%lu: NUL byte", path,
		    lineno);
		return -1;
	}
	s = trim(line);
	if (*s == '\0' || *s == '#')
		return 0;
	if (strncmp(s, SUPP_PREFIX, strlen(SUPP_PREFIX)) != 0) {
		md_seterr(e, MD_NOOFF, 0, "%s:%lu: not "
		    "\"leak:PATTERN\"", path, lineno);
		return -1;
	}
	s = trim(s + strlen(SUPP_PREFIX));
	if (*s == '\0' || strcmp(s, "^") == 0 || strcmp(s, "$") == 0) {
		md_seterr(e, MD_NOOFF, 0, "%s:%lu: empty pattern",
		    path, lineno);
		return -1;
	}
	supp_add(l, s, path, lineno);
	return 0;
}

int
supp_load(struct supp_list *l, const char *path, struct md_err *e)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rv = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		md_seterr(e, MD_NOOFF, 0, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* One pass over the file: the loop ends with it. */
	while ((len = getline(&line, &cap, fp)) != -1) {
		if ((rv = load_line(l, path, ++lineno, line, (size_t)len,
		    e)) == -1)
			break;
	}
	if (rv == 0 && ferror(fp)) {
		md_seterr(e, MD_NOOFF, 0, "%s: %s", path, strerror(errno));
		rv = -1;
	}
	free(line);
	fclose(fp);
	return rv;
}

/*
 * Glob matching with '*' only.  On a mismatch after a '*', the '*'
 * takes one more character and the rest is tried again: each restart
 * moves the string on by one, so the work is at most the product of
 * the lengths.
 */
static int
supp_match(const char *glob, const char *s)
{
	const char *star = NULL, *mark = NULL;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		if (*glob == '*') {
			star = glob++;
			mark = s;
		} else if (*glob != '\0' && *glob == *s) {
			glob++;
			s++;
		} else if (star != NULL) {
			glob = star + 1;
			s = ++mark;
		} else
			return 0;
	}
	while (*glob == '*')
		glob++;
	return *glob == '\0';
}

/* Both the recorded and the shown form of a path or name. */
static int
match_pair(const char *glob, const char *raw, const char *shown)
{
	return supp_match(glob, raw) ||
	    (shown != raw && supp_match(glob, shown));
}

static int
match_frame(const struct supp_pat *p, struct symbolizer *sym,
    struct names *nm, const struct leak_frame *f)
{
	const struct sym_frame *sf;
	const struct sym_loc *l;
	size_t i;

	if (match_pair(p->glob, f->object, names_path(nm, f->object)))
		return 1;
	sf = sym_lookup(sym, f->object, f->offset);
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		if (match_pair(p->glob, l->function,
		    names_function(nm, l->function)) ||
		    match_pair(p->glob, l->file, names_path(nm, l->file)))
			return 1;
	}
	return 0;
}

struct supp_pat *
supp_leak(const struct supp_list *l, struct symbolizer *sym,
    struct names *nm, const struct leak *lk)
{
	size_t i, j;

	for (i = 0; i < l->npats; i++)
		for (j = 0; j < lk->nframes; j++)
			if (match_frame(&l->pats[i], sym, nm, &lk->frames[j]))
				return &l->pats[i];
	return NULL;
}

void
supp_free(struct supp_list *l)
{
	size_t i;

	for (i = 0; i < l->npats; i++) {
		free(l->pats[i].text);
		free(l->pats[i].glob);
		free(l->pats[i].file);
	}
	free(l->pats);
	supp_init(l);
}
