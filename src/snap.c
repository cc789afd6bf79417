/*
 * snap.c: the snapshots of one process, kept as the trace gives them:
 * totals per snapshot, and a log of the figures that changed, each
 * number as a variable-length integer (7 bits a byte), so that a change
 * of a small figure takes a few bytes instead of the trace's 40.
 *
 * A change in the log: the key shifted left by two, its low bits a tag;
 * then the figures the tag says:
 *
 *	0	bytes, blocks (new bytes and blocks are zero)
 *	1	bytes, blocks, new bytes, new blocks
 *	2	old bytes, old blocks (the others unchanged)
 */
#include <stdlib.h>
#include <string.h>

#include "snap.h"
#include "u64map.h"
#include "xmalloc.h"

struct snap_stack {
	size_t		at;		/* its first frame in frames[] */
	uint32_t	nframes;
};

struct snap_log {
	struct snap_stack	*stacks;
	size_t			 nstacks, stackcap;
	struct leak_frame	*frames;
	size_t			 nframes, framecap;
	struct u64map		 byid;		/* id -> index + 1 */
	struct u64map		 byhash;	/* frames' hash -> index + 1 */
	struct snap_head	*heads;
	size_t			 nheads, headcap;
	struct snap_head	 open;		/* being read */
	uint8_t			*log;
	size_t			 len, cap;
	size_t			 kept;		/* end of the last kept */
};

struct snap_log *
snap_open(void)
{
	return xcalloc(1, sizeof(struct snap_log));
}

void
snap_close(struct snap_log *s)
{
	if (s == NULL)
		return;
	free(s->stacks);
	free(s->frames);
	u64map_free(&s->byid);
	u64map_free(&s->byhash);
	free(s->heads);
	free(s->log);
	free(s);
}

/* Room for one more of n in *a of *cap, each of size sz. */
static void *
snap_grow(void *a, size_t n, size_t more, size_t *cap, size_t sz)
{
	size_t c = *cap;

	if (n + more <= c)
		return a;
	while (c < n + more)
		c = c == 0 ? 16 : c * 2;
	*cap = c;
	return xreallocarray(a, c, sz);
}

long
snap_stack(const struct snap_log *s, uint32_t id)
{
	void *v = u64map_get(&s->byid, id);

	return v == NULL ? -1 : (long)((uintptr_t)v - 1);
}

size_t
snap_nstacks(const struct snap_log *s)
{
	return s->nstacks;
}

const struct leak_frame *
snap_frames(const struct snap_log *s, size_t i, size_t *n)
{
	*n = s->stacks[i].nframes;
	return s->frames + s->stacks[i].at;
}

static int
snap_same(const struct snap_log *s, size_t i, const struct leak_frame *f,
    size_t n)
{
	const struct leak_frame *g = s->frames + s->stacks[i].at;
	size_t j;

	if (s->stacks[i].nframes != n)
		return 0;
	for (j = 0; j < n; j++)
		if (g[j].object != f[j].object || g[j].offset != f[j].offset)
			return 0;
	return 1;
}

int
snap_stack_add(struct snap_log *s, uint32_t id, const struct leak_frame *f,
    size_t n)
{
	struct snap_stack *st;
	uint64_t h;
	long old;
	void *v;
	size_t i;

	if (n > LEAK_MAXFRAMES)
		n = LEAK_MAXFRAMES;
	if ((old = snap_stack(s, id)) != -1)
		return snap_same(s, (size_t)old, f, n) ? 0 : -1;
	/* The same frames under another id are the same leak. */
	h = leak_frames_hash(f, n);
	if ((v = u64map_get(&s->byhash, h)) != NULL) {
		i = (size_t)((uintptr_t)v - 1);
		if (snap_same(s, i, f, n)) {
			u64map_put(&s->byid, id, v);
			return 0;
		}
	}
	s->stacks = snap_grow(s->stacks, s->nstacks, 1, &s->stackcap,
	    sizeof(*s->stacks));
	s->frames = snap_grow(s->frames, s->nframes, n, &s->framecap,
	    sizeof(*s->frames));
	st = &s->stacks[s->nstacks++];
	st->at = s->nframes;
	st->nframes = (uint32_t)n;
	if (n > 0)
		memcpy(s->frames + s->nframes, f, n * sizeof(*f));
	s->nframes += n;
	v = (void *)(uintptr_t)s->nstacks;
	u64map_put(&s->byid, id, v);
	if (u64map_get(&s->byhash, h) == NULL)
		u64map_put(&s->byhash, h, v);
	return 0;
}

enum { TAG_LIVE, TAG_LIVENEW, TAG_OLD };

void
snap_begin(struct snap_log *s, const struct snap_head *h)
{
	s->open = *h;
	/* Its old figures are of the T of those before, unless it says. */
	if (s->open.older == 0 && s->nheads > 0)
		s->open.older = s->heads[s->nheads - 1].older;
}

void
snap_older(struct snap_log *s, uint64_t ns)
{
	s->open.older = ns;
}

static void
snap_put(struct snap_log *s, uint64_t v)
{
	s->log = snap_grow(s->log, s->len, 10, &s->cap, 1);
	while (v >= 0x80) {
		s->log[s->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	s->log[s->len++] = (uint8_t)v;
}

void
snap_entry(struct snap_log *s, size_t stack, unsigned kind,
    const uint64_t *fig)
{
	int hasnew = fig[SNAP_NEWBYTES] != 0 || fig[SNAP_NEWBLOCKS] != 0;

	snap_put(s, ((uint64_t)(stack * SNAP_NKINDS + kind) << 2) |
	    (hasnew ? TAG_LIVENEW : TAG_LIVE));
	snap_put(s, fig[SNAP_BYTES]);
	snap_put(s, fig[SNAP_BLOCKS]);
	if (hasnew) {
		snap_put(s, fig[SNAP_NEWBYTES]);
		snap_put(s, fig[SNAP_NEWBLOCKS]);
	}
}

void
snap_entry_old(struct snap_log *s, size_t stack, unsigned kind,
    uint64_t bytes, uint64_t blocks)
{
	snap_put(s, ((uint64_t)(stack * SNAP_NKINDS + kind) << 2) | TAG_OLD);
	snap_put(s, bytes);
	snap_put(s, blocks);
}

void
snap_commit(struct snap_log *s)
{
	s->heads = snap_grow(s->heads, s->nheads, 1, &s->headcap,
	    sizeof(*s->heads));
	s->open.end = s->len;
	s->heads[s->nheads++] = s->open;
	s->kept = s->len;
}

void
snap_drop(struct snap_log *s)
{
	/* Its changes stay in the log, for the next one kept. */
	memset(&s->open, 0, sizeof(s->open));
}

size_t
snap_count(const struct snap_log *s)
{
	return s->nheads;
}

const struct snap_head *
snap_get(const struct snap_log *s, size_t i)
{
	return &s->heads[i];
}

long
snap_find(const struct snap_log *s, uint32_t num)
{
	size_t lo = 0, hi = s->nheads, mid;

	/* Numbers only grow: a kept snapshot's is above the last one's. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->heads[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nheads && s->heads[lo].num == num ? (long)lo : -1;
}

enum leak_kind
snap_kind(size_t key)
{
	return (enum leak_kind)(LEAK_DEFINITE + key % SNAP_NKINDS);
}

static uint64_t
snap_get64(const uint8_t *log, size_t *at)
{
	uint64_t v = 0;
	unsigned sh = 0;
	uint8_t b;

	do {
		b = log[(*at)++];
		if (sh < 64)
			v |= (uint64_t)(b & 0x7f) << sh;
		sh += 7;
	} while (b & 0x80);
	return v;
}

/* One change at *at: its key, the figures it sets, which (SNAP_SET*). */
static size_t
snap_change(const uint8_t *log, size_t *at, uint64_t *fig, unsigned *set)
{
	uint64_t k = snap_get64(log, at);

	if ((k & 3) == TAG_OLD) {
		fig[SNAP_OLDBYTES] = snap_get64(log, at);
		fig[SNAP_OLDBLOCKS] = snap_get64(log, at);
		*set = SNAP_SETOLD;
		return (size_t)(k >> 2);
	}
	fig[SNAP_BYTES] = snap_get64(log, at);
	fig[SNAP_BLOCKS] = snap_get64(log, at);
	if ((k & 3) == TAG_LIVENEW) {
		fig[SNAP_NEWBYTES] = snap_get64(log, at);
		fig[SNAP_NEWBLOCKS] = snap_get64(log, at);
	} else
		fig[SNAP_NEWBYTES] = fig[SNAP_NEWBLOCKS] = 0;
	*set = SNAP_SETLIVE;
	return (size_t)(k >> 2);
}

size_t
snap_next(const struct snap_log *s, size_t *at, uint64_t *fig, unsigned *set)
{
	return snap_change(s->log, at, fig, set);
}

int
snap_grow_cmp(const struct snap_grow *x, const struct snap_grow *y)
{
	int64_t dx = (int64_t)(x->bytes - x->first);
	int64_t dy = (int64_t)(y->bytes - y->first);

	/* A server's leak grows in most intervals, and the most. */
	if (x->grew != y->grew)
		return x->grew > y->grew ? -1 : 1;
	if (dx != dy)
		return dx > dy ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

void
snap_replay(const struct snap_log *s, struct snap_state *st, size_t i)
{
	size_t nkeys = s->nstacks * SNAP_NKINDS, key, end;
	uint64_t fig[SNAP_NFIG];
	unsigned set;

	if (st->nkeys < nkeys) {
		st->fig = xreallocarray(st->fig, nkeys, sizeof(*st->fig));
		memset(st->fig + st->nkeys, 0, (nkeys - st->nkeys) *
		    sizeof(*st->fig));
		st->nkeys = nkeys;
	}
	if (i < st->next) {
		memset(st->fig, 0, st->nkeys * sizeof(*st->fig));
		st->next = 0;
		st->at = 0;
	}
	end = i < s->nheads ? s->heads[i].end : s->kept;
	/* A key's new figures are those of the snapshot that changed it. */
	while (st->at < end) {
		key = snap_change(s->log, &st->at, fig, &set);
		if (set == SNAP_SETOLD)
			memcpy(st->fig[key] + SNAP_OLDBYTES,
			    fig + SNAP_OLDBYTES, 2 * sizeof(*fig));
		else
			memcpy(st->fig[key], fig, SNAP_OLDBYTES *
			    sizeof(*fig));
	}
	st->next = i + 1;
}

void
snap_state_free(struct snap_state *st)
{
	free(st->fig);
	memset(st, 0, sizeof(*st));
}

double
snap_span(const struct snap_log *s)
{
	if (s->nheads < 2)
		return 0;
	return (double)(s->heads[s->nheads - 1].mono - s->heads[0].mono) /
	    1e9;
}

/* The snapshot index of sample j of m over n snapshots. */
static size_t
snap_sample(size_t j, size_t m, size_t n)
{
	return m < 2 ? n - 1 : (j * (n - 1) + (m - 1) / 2) / (m - 1);
}

struct snap_grow *
snap_growth(const struct snap_log *s, size_t *np)
{
	size_t nkeys = s->nstacks * SNAP_NKINDS, i, j, k, m, next, key;
	uint64_t fig[SNAP_NFIG], *cur, *prev;
	struct snap_grow *g, *out;
	size_t at = 0, n = s->nheads;
	unsigned set;

	*np = 0;
	if (n == 0)
		return NULL;
	m = n < SNAP_SAMPLES ? n : SNAP_SAMPLES;
	g = xcalloc(nkeys == 0 ? 1 : nkeys, sizeof(*g));
	cur = xcalloc(nkeys == 0 ? 1 : nkeys, sizeof(*cur));
	prev = xcalloc(nkeys == 0 ? 1 : nkeys, sizeof(*prev));
	for (k = 0; k < nkeys; k++)
		g[k].key = k;
	/*
	 * Each interval compares a key's bytes at the end of one snapshot
	 * with those at the end of the one before; a key changes at most
	 * once per snapshot that names it (the last entry counts).
	 */
	for (i = 0, j = 0, next = snap_sample(0, m, n); i < n; i++) {
		while (at < s->heads[i].end) {
			key = snap_change(s->log, &at, fig, &set);
			if (set != SNAP_SETLIVE)
				continue;
			cur[key] = fig[SNAP_BYTES];
			g[key].blocks = fig[SNAP_BLOCKS];
		}
		/* Only keys changed in snapshot i can have moved. */
		at = i == 0 ? 0 : s->heads[i - 1].end;
		while (at < s->heads[i].end) {
			key = snap_change(s->log, &at, fig, &set);
			if (i > 0 && cur[key] > prev[key])
				g[key].grew++;
			else if (i > 0 && cur[key] < prev[key])
				g[key].shrank++;
			prev[key] = cur[key];
		}
		if (i == 0)
			for (k = 0; k < nkeys; k++)
				g[k].first = cur[k];
		while (j < m && next == i) {
			for (k = 0; k < nkeys; k++) {
				g[k].snum[j] = s->heads[i].num;
				g[k].sbytes[j] = cur[k];
			}
			j++;
			next = j < m ? snap_sample(j, m, n) : n;
		}
	}
	out = g;
	for (k = 0, i = 0; k < nkeys; k++) {
		g[k].bytes = cur[k];
		g[k].nsamples = j;
		if (g[k].bytes == 0)
			continue;
		if (i != k)
			out[i] = g[k];
		i++;
	}
	free(cur);
	free(prev);
	*np = i;
	return out;
}

/* The bytes a key has in a table: live ones, or old ones with older. */
static const uint64_t *
snap_shown(const struct snap_state *st, size_t key, int older)
{
	const uint64_t *f = st->fig[key] + (older ? SNAP_OLDBYTES :
	    SNAP_BYTES);

	return f[0] == 0 && f[1] == 0 ? NULL : f;
}

void
snap_table(const struct snap_log *s, const struct snap_state *st,
    struct leak_table *t, int older)
{
	const struct leak_frame *f;
	const uint64_t *v;
	size_t key, n;

	for (key = 0; key < st->nkeys; key++) {
		if ((v = snap_shown(st, key, older)) == NULL)
			continue;
		f = snap_frames(s, key / SNAP_NKINDS, &n);
		leak_add_kind(t, f, n, v[0], v[1], snap_kind(key));
	}
}

/* Whether leak l is the one snap_table() made of the frames f, n, kind. */
static int
snap_is(const struct leak *l, const struct leak_frame *f, size_t n,
    enum leak_kind kind)
{
	size_t j;

	if (l->kind != kind || l->nframes != n)
		return 0;
	for (j = 0; j < n; j++)
		if (l->frames[j].object != f[j].object ||
		    l->frames[j].offset != f[j].offset)
			return 0;
	return 1;
}

struct snap_age *
snap_ages(const struct snap_log *s, const struct snap_state *st,
    struct leak_table *t, int older)
{
	struct leak *const *l;
	const struct leak_frame *f;
	const uint64_t *v;
	struct snap_age *a;
	size_t key, n, nl, i, j = 0;

	l = leak_list(t, &nl);
	a = xcalloc(nl == 0 ? 1 : nl, sizeof(*a));
	/* The leaks come in key order; a key merged into one before is
	   looked for among those. */
	for (key = 0; key < st->nkeys; key++) {
		if (snap_shown(st, key, older) == NULL)
			continue;
		f = snap_frames(s, key / SNAP_NKINDS, &n);
		if (j < nl && snap_is(l[j], f, n, snap_kind(key)))
			i = j++;
		else {
			for (i = 0; i < j && !snap_is(l[i], f, n,
			    snap_kind(key)); i++)
				;
			if (i == j)
				continue;
		}
		v = st->fig[key];
		a[i].addbytes += v[SNAP_NEWBYTES];
		a[i].addblocks += v[SNAP_NEWBLOCKS];
		a[i].oldbytes += v[SNAP_OLDBYTES];
		a[i].oldblocks += v[SNAP_OLDBLOCKS];
	}
	return a;
}
