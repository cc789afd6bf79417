/*
 * compare.c: the baseline of -b, the leaks of an earlier trace keyed by
 * their stacks as names.  A key lists, frame by frame and innermost
 * first, each location of the inline chain as function and file (the
 * file as -P shows it); a location without either names the object (as
 * -P shows it) and offset instead, the one thing left to tell it apart.
 * Lines are left out: an edit above a leak moves its line but not its
 * stack.  A leak's kind, when the trace gives one, begins its key.  Keys
 * are interned, so the map compares pointers.
 *
 * It does not read traces: main.c feeds it the baseline's leaks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "leak.h"
#include "mdump.h"
#include "names.h"
#include "strpool.h"
#include "sym.h"
#include "u64map.h"
#include "xmalloc.h"

struct cmp_ent {
	uint64_t	sum;
	uint64_t	count;
};

struct cmp_base {
	struct u64map	  map;		/* interned key -> entry */
	struct cmp_ent	**ents;		/* owned, to free */
	size_t		  nents;
};

/* A key being built. */
struct keybuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

struct cmp_base *
cmp_open(void)
{
	return xcalloc(1, sizeof(struct cmp_base));
}

static void
put(struct keybuf *k, const char *s)
{
	size_t n = strlen(s);

	while (k->len + n + 1 > k->cap) {
		k->cap = k->cap == 0 ? 256 : k->cap * 2;
		k->s = xreallocarray(k->s, k->cap, 1);
	}
	memcpy(k->s + k->len, s, n + 1);
	k->len += n;
}

/* Tabs and newlines separate the parts; names hold neither. */
static void
put_frame(struct keybuf *k, struct symbolizer *sym, struct names *nm,
    const struct leak_frame *f)
{
	const struct sym_frame *sf;
	const struct sym_loc *l;
	char off[32];
	size_t i;

	sf = sym_lookup(sym, f->object, f->offset);
	for (i = 0; i < sf->nlocs; i++) {
		l = &sf->locs[i];
		if (l->function == NULL && l->file == NULL) {
			snprintf(off, sizeof(off), "+0x%" PRIx64, f->offset);
			put(k, f->object != NULL ?
			    names_path(nm, f->object) : "??");
			put(k, off);
		} else {
			put(k, l->function != NULL ? l->function : "??");
			put(k, "\t");
			put(k, l->file != NULL ? names_path(nm, l->file) :
			    "??");
		}
		put(k, "\n");
	}
}

/* The key of a leak's stack, interned: equal stacks, one pointer. */
static const char *
cmp_key(struct symbolizer *sym, struct names *nm, const struct leak *lk)
{
	struct keybuf k;
	const char *key;
	size_t i;

	memset(&k, 0, sizeof(k));
	put(&k, "");
	/* A leak of a kind is compared with the baseline's of that kind. */
	if (leak_kindname(lk->kind) != NULL) {
		put(&k, leak_kindname(lk->kind));
		put(&k, "\n");
	}
	for (i = 0; i < lk->nframes; i++)
		put_frame(&k, sym, nm, &lk->frames[i]);
	key = strpool_intern(k.s, k.len);
	free(k.s);
	return key;
}

void
cmp_add(struct cmp_base *b, struct symbolizer *sym, struct names *nm,
    const struct leak *lk)
{
	const char *key = cmp_key(sym, nm, lk);
	struct cmp_ent *e;

	e = u64map_get(&b->map, (uint64_t)(uintptr_t)key);
	if (e == NULL) {
		e = xcalloc(1, sizeof(*e));
		/* Doubled at powers of two: linear in the stacks. */
		if ((b->nents & (b->nents - 1)) == 0)
			b->ents = xreallocarray(b->ents, b->nents == 0 ? 1 :
			    2 * b->nents, sizeof(*b->ents));
		b->ents[b->nents++] = e;
		u64map_put(&b->map, (uint64_t)(uintptr_t)key, e);
	}
	e->sum = md_addsat(e->sum, lk->sum);
	e->count = md_addsat(e->count, lk->count);
}

int
cmp_take(struct cmp_base *b, struct symbolizer *sym, struct names *nm,
    const struct leak *lk, struct cmp_growth *g)
{
	const char *key = cmp_key(sym, nm, lk);
	struct cmp_ent *e;
	uint64_t s, c;

	memset(g, 0, sizeof(*g));
	e = u64map_get(&b->map, (uint64_t)(uintptr_t)key);
	if (e == NULL) {
		g->isnew = 1;
		g->sum = lk->sum;
		g->count = lk->count;
		return 1;
	}
	s = lk->sum < e->sum ? lk->sum : e->sum;
	c = lk->count < e->count ? lk->count : e->count;
	g->sum = lk->sum - s;
	g->count = lk->count - c;
	e->sum -= s;
	e->count -= c;
	return g->sum > 0 || g->count > 0;
}

void
cmp_close(struct cmp_base *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nents; i++)
		free(b->ents[i]);
	free(b->ents);
	u64map_free(&b->map);
	free(b);
}
