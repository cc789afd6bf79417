/*
 * leak.c: the leak table: merging identical stacks, ordering.
 *
 * A hash table with open addressing, grown by doubling, so memory grows
 * with the distinct stacks, not with the trace.
 * Leaks are packed in chunks that belong to their table, and the cache
 * lines a lookup will read are fetched while the next adds are decoded:
 * with a million stacks the table is far larger than any cache.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
/* madvise() and MADV_HUGEPAGE, see leak_hugepages(). */
#define _DEFAULT_SOURCE
#endif

#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "leak.h"
#include "mdump.h"
#include "xmalloc.h"

/* Tables grow when more than half full. */
#define HASH_MINSLOTS	64

/*
 * A hash slot: the stack's hash and depth kept beside the leak, so a
 * probe that misses costs no visit to the leak itself, and the lines of
 * the leak a lookup will read can be fetched ahead.
 */
struct leak_slot {
	struct leak	*leak;		/* NULL: free */
	uint32_t	 hash;
	uint32_t	 nframes;
};

/* A leak waiting in the queue in front of the table. */
struct leak_pending {
	uint64_t		 sum;
	uint64_t		 count;
	enum leak_kind		 kind;
	struct leak_holder	*holder;	/* owned; NULL: none */
	uint32_t		 hash;
	size_t			 nframes;
	struct leak_frame	 frames[LEAK_MAXFRAMES];
};

/* Leaks live in chunks, one after the other in order of appearance. */
struct leak_chunk {
	struct leak_chunk	*next;
	size_t			 used;		/* bytes of mem in use */
	size_t			 size;		/* bytes of mem */
	uint64_t		 mem[];		/* 8-byte aligned leaks */
};

struct leak_table {
	struct leak	**leaks;	/* in order of first appearance */
	size_t		  nleaks;
	size_t		  cap;
	struct leak_slot *slots;	/* open hash */
	size_t		  nslots;
	struct leak_pending *queue;	/* adds not yet in the table */
	size_t		  qhead;
	size_t		  qlen;
	struct leak_chunk *chunks;	/* the newest first */
	uint64_t	  kinds[LEAK_KINDWORDS];	/* for the next leak */
	int		  haskinds;
	/* Holders of possible [0] and reachable [1]: given, taken. */
	struct leak_holder *given[2];
	struct leak_holder *taken[2];
	struct leak_holder *holders;	/* those leaks keep */
};

struct leak_table *
leak_open(void)
{
	return xcalloc(1, sizeof(struct leak_table));
}

uint64_t
leak_frames_hash(const struct leak_frame *f, size_t n)
{
	uint64_t h = n;
	size_t i;

	/* Interned paths: the pointer names the string. */
	for (i = 0; i < n; i++) {
		h = hash_word(h, (uint64_t)(uintptr_t)f[i].object);
		h = hash_word(h, f[i].offset);
	}
	/* Offsets a fixed stride apart must not share a lattice of slots. */
	return hash_fmix(h);
}

static uint32_t
leak_hash(const struct leak_frame *f, size_t n)
{
	return (uint32_t)leak_frames_hash(f, n);
}

static int
leak_same(const struct leak *l, const struct leak_frame *f, size_t n,
    enum leak_kind kind)
{
	size_t i;

	if (l->nframes != n || l->kind != kind)
		return 0;
	for (i = 0; i < n; i++)
		if (l->frames[i].object != f[i].object ||
		    l->frames[i].offset != f[i].offset)
			return 0;
	return 1;
}

/*
 * A table of a million stacks spans tens of thousands of pages, so
 * nearly every lookup would also wait for the page tables to be walked.
 * Linux gives huge pages to those who ask: bench/scale.sh's experimental
 * trace (1 M stacks) takes 2.49 s of CPU with them, 2.70 s without.
 * Only regions of several huge pages ask, so that small tables, one for
 * each of many processes, do not each hold a huge page.  Elsewhere the
 * system decides alone.
 */
#define LEAK_HUGE	(2 * 1024 * 1024)	/* amd64, arm64 */
#define LEAK_HUGEMIN	(2 * LEAK_HUGE)

static void
leak_hugepages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t b, e;

	if (n < LEAK_HUGEMIN)
		return;
	b = ((uintptr_t)p + LEAK_HUGE - 1) & ~(uintptr_t)(LEAK_HUGE - 1);
	e = ((uintptr_t)p + n) & ~(uintptr_t)(LEAK_HUGE - 1);
	/* Advice only: where it is refused, lookups are slower. */
	if (e > b)
		(void)madvise((void *)b, (size_t)(e - b), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/* Rebuild the hash slots for nslots slots (a power of two). */
static void
leak_rehash(struct leak_table *t, size_t nslots)
{
	size_t i, j;

	free(t->slots);
	t->nslots = nslots;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	leak_hugepages(t->slots, t->nslots * sizeof(*t->slots));
	for (i = 0; i < t->nleaks; i++) {
		j = t->leaks[i]->hash & (t->nslots - 1);
		while (t->slots[j].leak != NULL)
			j = (j + 1) & (t->nslots - 1);
		t->slots[j].leak = t->leaks[i];
		t->slots[j].hash = t->leaks[i]->hash;
		t->slots[j].nframes = t->leaks[i]->nframes;
	}
}

/*
 * Adds wait in a short queue in front of the table.  The slot of each is
 * prefetched when it arrives and the leak it points to halfway through,
 * so that with a million stacks the cache misses of several lookups
 * overlap instead of following one another.  The queue is first in,
 * first out: leaks keep the order of the trace.
 */
#define LEAK_QUEUE	16

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p)	__builtin_prefetch(p)
#else
#define PREFETCH(p)	((void)(p))
#endif

/* A cache line, on the machines we know. */
#define LEAK_LINE	64

/*
 * Chunks start small, for the many processes with a few leaks, and
 * double up to a size where allocating costs nothing per leak.  No leak
 * is larger than the smallest chunk: LEAK_MAXFRAMES frames are 1 KiB.
 */
#define LEAK_CHUNKMIN	(4 * 1024)
#define LEAK_CHUNKMAX	(8 * 1024 * 1024)

/* Bytes of a leak with n frames. */
static size_t
leak_size(size_t n)
{
	return sizeof(struct leak) + n * sizeof(struct leak_frame);
}

/*
 * Room for a leak of n bytes, 8-byte aligned.  Leaks are allocated one
 * after the other in chunks: no allocator overhead per leak, and the
 * leaks of a table are packed in order of appearance.  A leak that
 * would cross one cache line more than its size needs starts on a new
 * line instead: a lookup then reads one line fewer.
 */
static struct leak *
leak_alloc(struct leak_table *t, size_t n)
{
	struct leak_chunk *c = t->chunks;
	size_t size, at;
	void *l;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->size - c->used < n + LEAK_LINE) {
		size = c == NULL ? LEAK_CHUNKMIN : c->size * 2;
		if (size > LEAK_CHUNKMAX)
			size = LEAK_CHUNKMAX;
		c = xmalloc(sizeof(*c) + size);
		c->next = t->chunks;
		c->used = 0;
		c->size = size;
		leak_hugepages(c->mem, size);
		t->chunks = c;
	}
	at = (size_t)((uintptr_t)((char *)c->mem + c->used) % LEAK_LINE);
	if ((at + n + LEAK_LINE - 1) / LEAK_LINE > (n + LEAK_LINE - 1) /
	    LEAK_LINE)
		c->used += LEAK_LINE - at;
	l = (char *)c->mem + c->used;
	c->used += n;
	return l;
}

/* Leak l keeps holder h, which the table frees with it. */
static void
leak_keepholder(struct leak_table *t, struct leak *l, struct leak_holder *h)
{
	h->next = t->holders;
	t->holders = h;
	l->holder = h;
}

static void
leak_insert(struct leak_table *t, const struct leak_pending *q)
{
	struct leak *l;
	size_t i, n = q->nframes;

	if ((t->nleaks + 1) * 2 > t->nslots)
		leak_rehash(t, t->nslots == 0 ? HASH_MINSLOTS : t->nslots * 2);
	for (i = q->hash & (t->nslots - 1); t->slots[i].leak != NULL;
	    i = (i + 1) & (t->nslots - 1)) {
		l = t->slots[i].leak;
		if (t->slots[i].hash == q->hash &&
		    t->slots[i].nframes == n &&
		    leak_same(l, q->frames, n, q->kind)) {
			l->sum = md_addsat(l->sum, q->sum);
			l->count = md_addsat(l->count, q->count);
			/* The first path found stays. */
			if (l->holder == NULL && q->holder != NULL)
				leak_keepholder(t, l, q->holder);
			else
				free(q->holder);
			return;
		}
	}
	/*
	 * The leak and its frames together: one cache miss less per
	 * lookup with a million stacks.
	 */
	l = leak_alloc(t, leak_size(n));
	memset(l, 0, sizeof(*l));
	l->sum = q->sum;
	l->count = q->count;
	l->kind = q->kind;
	l->hash = q->hash;
	l->nframes = (uint32_t)n;
	l->frames = (struct leak_frame *)(l + 1);
	if (q->holder != NULL)
		leak_keepholder(t, l, q->holder);
	if (n > 0)
		memcpy(l->frames, q->frames, n * sizeof(*q->frames));
	if (t->nleaks == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->leaks = xreallocarray(t->leaks, t->cap, sizeof(*t->leaks));
	}
	t->leaks[t->nleaks++] = l;
	t->slots[i].leak = l;
	t->slots[i].hash = q->hash;
	t->slots[i].nframes = (uint32_t)n;
}

/* The lines of a deep leak beyond these are read when compared. */
#define LEAK_PFLINES	4

/*
 * Fetch the leak an add will meet: the first in its probe run whose hash
 * and depth are the same.  The run is short, and its slots were fetched
 * already.
 */
static void
leak_prefetch(const struct leak_table *t, const struct leak_pending *q)
{
	const struct leak_slot *s;
	const char *l;
	size_t i, o, end;

	for (i = q->hash & (t->nslots - 1); (s = &t->slots[i])->leak != NULL;
	    i = (i + 1) & (t->nslots - 1))
		if (s->hash == q->hash && s->nframes == q->nframes) {
			/* leak_alloc() keeps it on as few lines as can be. */
			l = (const char *)s->leak;
			end = leak_size(q->nframes);
			if (end > LEAK_PFLINES * LEAK_LINE)
				end = LEAK_PFLINES * LEAK_LINE;
			for (o = 0; o < end; o += LEAK_LINE)
				PREFETCH(l + o);
			return;
		}
}

static void	leak_add_held(struct leak_table *, const struct leak_frame *,
		    size_t, uint64_t, uint64_t, enum leak_kind,
		    struct leak_holder *);

static void
leak_dequeue(struct leak_table *t)
{
	leak_insert(t, &t->queue[t->qhead]);
	t->qhead = (t->qhead + 1) % LEAK_QUEUE;
	t->qlen--;
}

/* Every add waiting in the queue goes into the table. */
static void
leak_flush(struct leak_table *t)
{
	while (t->qlen > 0)
		leak_dequeue(t);
}

void
leak_add(struct leak_table *t, const struct leak_frame *f, size_t n,
    uint64_t sum, uint64_t count)
{
	leak_add_kind(t, f, n, sum, count, LEAK_ANY);
}

void
leak_add_kind(struct leak_table *t, const struct leak_frame *f, size_t n,
    uint64_t sum, uint64_t count, enum leak_kind kind)
{
	leak_add_held(t, f, n, sum, count, kind, NULL);
}

/* The holders of the two kinds that have them: given, taken. */
static int
leak_holdslot(enum leak_kind k)
{
	return k == LEAK_POSSIBLE ? 0 : k == LEAK_REACHABLE ? 1 : -1;
}

static void
leak_dropholders(struct leak_holder **h)
{
	free(h[0]);
	free(h[1]);
	h[0] = h[1] = NULL;
}

static void
leak_add_held(struct leak_table *t, const struct leak_frame *f, size_t n,
    uint64_t sum, uint64_t count, enum leak_kind kind, struct leak_holder *h)
{
	struct leak_pending *q;

	if (n > LEAK_MAXFRAMES)
		n = LEAK_MAXFRAMES;
	if (t->queue == NULL)
		t->queue = xcalloc(LEAK_QUEUE, sizeof(*t->queue));
	if (t->qlen == LEAK_QUEUE)
		leak_dequeue(t);
	q = &t->queue[(t->qhead + t->qlen++) % LEAK_QUEUE];
	q->sum = sum;
	q->count = count;
	q->kind = kind;
	q->holder = h;
	q->nframes = n;
	if (n > 0)
		memcpy(q->frames, f, n * sizeof(*f));
	/* Kinds of one stack differ in their hash, cheaply. */
	q->hash = leak_hash(f, n) + (uint32_t)kind * 0x9e3779b9u;
	if (t->nslots == 0)
		return;
	PREFETCH(&t->slots[q->hash & (t->nslots - 1)]);
	/* Halfway, the slots are in the cache: fetch the leak they name. */
	if (t->qlen > LEAK_QUEUE / 2)
		leak_prefetch(t, &t->queue[(t->qhead + t->qlen - 1 -
		    LEAK_QUEUE / 2) % LEAK_QUEUE]);
}

void
leak_setkinds(struct leak_table *t, const uint64_t *k)
{
	memcpy(t->kinds, k, sizeof(t->kinds));
	t->haskinds = 1;
	leak_dropholders(t->given);
}

void
leak_setholder(struct leak_table *t, enum leak_kind k, struct leak_holder *h)
{
	int i = leak_holdslot(k);

	if (i < 0 || t->given[i] != NULL) {
		free(h);
		return;
	}
	h->next = NULL;
	t->given[i] = h;
}

int
leak_takekinds(struct leak_table *t, uint64_t *k)
{
	leak_dropholders(t->taken);
	t->taken[0] = t->given[0];
	t->taken[1] = t->given[1];
	t->given[0] = t->given[1] = NULL;
	if (!t->haskinds) {
		leak_dropholders(t->taken);
		return 0;
	}
	memcpy(k, t->kinds, sizeof(t->kinds));
	t->haskinds = 0;
	return 1;
}

int
leak_kinds_valid(const uint64_t *k, uint64_t sum, uint64_t count)
{
	uint64_t s = 0, c = 0;
	int i;

	for (i = 0; i < LEAK_KINDWORDS; i += 2) {
		if (s + k[i] < s || c + k[i + 1] < c)
			return 0;
		s += k[i];
		c += k[i + 1];
	}
	return s == sum && c == count;
}

int
leak_add_kinds(struct leak_table *t, const struct leak_frame *f, size_t n,
    uint64_t sum, uint64_t count, const uint64_t *k)
{
	enum leak_kind kind;
	struct leak_holder *h;
	int i, j;

	if (k == NULL || !leak_kinds_valid(k, sum, count)) {
		leak_dropholders(t->taken);
		leak_add_kind(t, f, n, sum, count, LEAK_ANY);
		return k == NULL ? 0 : -1;
	}
	for (i = 0; i < LEAK_KINDWORDS; i += 2) {
		kind = (enum leak_kind)(LEAK_DEFINITE + i / 2);
		h = NULL;
		if ((j = leak_holdslot(kind)) >= 0) {
			h = t->taken[j];
			t->taken[j] = NULL;
		}
		if (k[i + 1] != 0 || k[i] != 0)
			leak_add_held(t, f, n, k[i], k[i + 1], kind, h);
		else
			free(h);
	}
	return 0;
}

const char *
leak_kindname(enum leak_kind k)
{
	static const char *const names[LEAK_NKINDS] = {
		NULL, "definite", "indirect", "possible", "reachable"
	};

	return k < LEAK_NKINDS ? names[k] : NULL;
}

void
leak_clear(struct leak_table *t)
{
	struct leak_chunk *c;
	struct leak_holder *h;

	t->haskinds = 0;
	leak_dropholders(t->given);
	leak_dropholders(t->taken);
	for (; t->qlen > 0; t->qlen--, t->qhead = (t->qhead + 1) % LEAK_QUEUE)
		free(t->queue[t->qhead].holder);
	while ((h = t->holders) != NULL) {
		t->holders = h->next;
		free(h);
	}
	while ((c = t->chunks) != NULL) {
		t->chunks = c->next;
		free(c);
	}
	t->nleaks = 0;
	/*
	 * The slots go, not their contents: clearing a big table for each
	 * of many "Leak report:" lines would cost slots times lines.  The
	 * next add starts a small one.
	 */
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}

void
leak_close(struct leak_table *t)
{
	if (t == NULL)
		return;
	leak_clear(t);
	free(t->leaks);
	free(t->queue);
	free(t);
}

struct leak *const *
leak_list(struct leak_table *t, size_t *n)
{
	leak_flush(t);
	*n = t->nleaks;
	return t->leaks;
}

uint64_t
leak_avg(const struct leak *l)
{
	return l->count == 0 ? 0 : l->sum / l->count;
}

/* The sort key, chosen once per sort; qsort has no context argument. */
static int sort_key;

static int
leak_cmp(const void *a, const void *b)
{
	const struct leak *x = *(const struct leak * const *)a;
	const struct leak *y = *(const struct leak * const *)b;
	uint64_t kx, ky;

	switch (sort_key) {
	case 's':
		kx = x->sum, ky = y->sum;
		break;
	case 'c':
		kx = x->count, ky = y->count;
		break;
	default:
		kx = leak_avg(x), ky = leak_avg(y);
		break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	return 0;
}

/*
 * qsort is not stable, so each leak is tagged with its position before
 * sorting and equal keys keep the order of first appearance.
 */
struct leak_pos {
	struct leak	*leak;
	size_t		 pos;
};

static int
leak_pos_cmp(const void *a, const void *b)
{
	const struct leak_pos *x = a, *y = b;
	int c;

	if ((c = leak_cmp(&x->leak, &y->leak)) != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int
leak_sort(struct leak_table *t, const char *key)
{
	struct leak_pos *v;
	size_t i;

	leak_flush(t);
	if (strcmp(key, "sum") == 0)
		sort_key = 's';
	else if (strcmp(key, "count") == 0)
		sort_key = 'c';
	else if (strcmp(key, "avg") == 0)
		sort_key = 'a';
	else
		return -1;
	v = xreallocarray(NULL, t->nleaks, sizeof(*v));
	for (i = 0; i < t->nleaks; i++) {
		v[i].leak = t->leaks[i];
		v[i].pos = i;
	}
	qsort(v, t->nleaks, sizeof(*v), leak_pos_cmp);
	for (i = 0; i < t->nleaks; i++)
		t->leaks[i] = v[i].leak;
	free(v);
	if (t->nslots > 0)
		leak_rehash(t, t->nslots);
	return 0;
}
