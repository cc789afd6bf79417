/*
 * snapshot.c: the figures of a leak check made while the program runs,
 * and their records (doc/FORMATS.md, "Snapshots").
 *
 * While the threads are stopped, the check hands every live block over
 * in address order with its kind (mdt_snap_block).  Each stack's
 * figures are summed per kind in a hash table keyed by the stack; a
 * block counts as new when the previous check did not see a block of
 * that address, stack and size (the blocks of the previous check are
 * kept sorted, and walked beside the new ones): a block freed and made
 * again at the same address, size and stack between two checks counts
 * as old.  After the threads run again, mdt_snap_write writes the
 * figures that changed since the previous snapshot, and the frames of
 * stacks it names for the first time.
 *
 * With MDTRACE_OLDER=T, each block of the list also keeps the number of
 * the check that first saw it (its age, as coarse as the checks), in a
 * list beside it that is made only then, and the monotonic time of
 * each check that may still be younger than T is kept: a block is old
 * when the check that first saw it was made at least T before this
 * one.  Old bytes and blocks are summed per stack and kind, and written
 * changes-only in "mdtolder" records.
 *
 * Memory comes from mmap(2); nothing here calls malloc.
 */
#define _GNU_SOURCE	/* MAP_ANONYMOUS */

#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "mdt.h"

#define SNAP_MAXENT	51	/* entries in one mdtsnapent record */
#define ENT_SIZE	40
#define OLD_MAXENT	84	/* entries in one mdtolder record */
#define OLD_HEAD	12
#define OLD_SIZE	24

/* bytes, blocks, new bytes, new blocks; old bytes, old blocks */
enum { F_LIVE = 0, F_NLIVE = 4, F_OLD = 4, F_NOLD = 2 };

struct fig {
	uint64_t	v[F_NLIVE + F_NOLD];
};

struct sstack {
	const struct mdt_stack	*stk;
	struct fig		 cur[MDT_NKINDS];
	struct fig		 last[MDT_NKINDS];	/* as last written */
	int			 written;		/* its mdtstack */
};

/* A block of the previous check. */
struct seen {
	uintptr_t	addr;
	uint32_t	id;
	uint32_t	size;
};

static struct {
	struct sstack	*tab;		/* open addressing by stack */
	size_t		 cap, n;
	struct seen	*prev, *next;	/* the previous check's, this one's */
	size_t		 nprev, nnext, capprev, capnext, j;
	uint32_t	*pborn, *nborn;	/* beside them: the check that first
					   saw each block (MDTRACE_OLDER) */
	uint64_t	 older;		/* T, nanoseconds, or 0 */
	uint32_t	 checks;	/* checks begun */
	uint32_t	 cut;		/* the last check at least T ago */
	uint64_t	*when;		/* times of checks cut + 1, ... */
	size_t		 wlo, whi, wcap;	/* at when[wlo .. whi) */
	uint32_t	 number;
	uint64_t	 mono, real, pause;
	struct fig	 total;
	struct fig	 kind[MDT_NKINDS];
} Z;

static void *
zmap(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t
slot_of(const struct mdt_stack *s, size_t cap)
{
	return (size_t)(mdt_mix64((uint64_t)(uintptr_t)s) & (cap - 1));
}

/* Double the table; -1 if there is no memory. */
static int
grow(void)
{
	size_t cap = Z.cap ? 2 * Z.cap : 1024, i, h;
	struct sstack *t;

	if ((t = zmap(cap * sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < Z.cap; i++) {
		if (Z.tab[i].stk == NULL)
			continue;
		for (h = slot_of(Z.tab[i].stk, cap); t[h].stk != NULL;
		    h = (h + 1) & (cap - 1))
			;
		t[h] = Z.tab[i];
	}
	if (Z.tab != NULL)
		munmap(Z.tab, Z.cap * sizeof(*Z.tab));
	Z.tab = t;
	Z.cap = cap;
	return 0;
}

static struct sstack *
entry(const struct mdt_stack *s)
{
	size_t h;

	if ((Z.n + 1) * 2 > Z.cap && grow() == -1)
		return NULL;
	for (h = slot_of(s, Z.cap); Z.tab[h].stk != NULL;
	    h = (h + 1) & (Z.cap - 1))
		if (Z.tab[h].stk == s)
			return &Z.tab[h];
	Z.tab[h].stk = s;
	Z.n++;
	return &Z.tab[h];
}

/*
 * The time of this check (Z.checks, at Z.mono) joins those kept; the
 * checks made at least T before it are done with, the last of them is
 * the cut: a block first seen by a check up to the cut is old.  -1 if
 * there is no memory.
 */
static int
age_checks(void)
{
	uint64_t *w;
	size_t cap;

	if (Z.whi == Z.wcap && Z.wlo > 0) {
		memmove(Z.when, Z.when + Z.wlo, (Z.whi - Z.wlo) *
		    sizeof(*Z.when));
		Z.whi -= Z.wlo;
		Z.wlo = 0;
	}
	if (Z.whi == Z.wcap) {
		cap = Z.wcap ? 2 * Z.wcap : 512;
		if ((w = zmap(cap * sizeof(*w))) == NULL)
			return -1;
		if (Z.when != NULL) {
			memcpy(w, Z.when, Z.whi * sizeof(*w));
			munmap(Z.when, Z.wcap * sizeof(*Z.when));
		}
		Z.when = w;
		Z.wcap = cap;
	}
	Z.when[Z.whi++] = Z.mono;
	while (Z.wlo < Z.whi && Z.mono - Z.when[Z.wlo] >= Z.older) {
		Z.wlo++;
		Z.cut++;
	}
	return 0;
}

/*
 * A check begins, with n live blocks: clear the figures.  -1 if there
 * is no memory for the list of blocks.
 */
int
mdt_snap_begin(size_t n)
{
	struct timespec ts;
	size_t i;

	for (i = 0; i < Z.cap; i++)
		memset(Z.tab[i].cur, 0, sizeof(Z.tab[i].cur));
	memset(&Z.total, 0, sizeof(Z.total));
	memset(Z.kind, 0, sizeof(Z.kind));
	if (n + 1 > Z.capnext || (Z.older != 0 && Z.nborn == NULL)) {
		if (Z.next != NULL)
			munmap(Z.next, Z.capnext * sizeof(*Z.next));
		if (Z.nborn != NULL)
			munmap(Z.nborn, Z.capnext * sizeof(*Z.nborn));
		Z.nborn = NULL;
		Z.capnext = n + 1 + n / 4;
		if ((Z.next = zmap(Z.capnext * sizeof(*Z.next))) == NULL ||
		    (Z.older != 0 && (Z.nborn = zmap(Z.capnext *
		    sizeof(*Z.nborn))) == NULL)) {
			if (Z.next != NULL)
				munmap(Z.next, Z.capnext * sizeof(*Z.next));
			Z.next = NULL;
			Z.capnext = 0;
			return -1;
		}
	}
	Z.nnext = 0;
	Z.j = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	Z.mono = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME, &ts);
	Z.real = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	Z.checks++;
	return Z.older != 0 ? age_checks() : 0;
}

static void
add(struct fig *f, uint64_t size, int isnew, int isold)
{
	f->v[0] += size;
	f->v[1]++;
	if (isnew) {
		f->v[2] += size;
		f->v[3]++;
	}
	if (isold) {
		f->v[F_OLD] += size;
		f->v[F_OLD + 1]++;
	}
}

/* One live block of kind k (enum mdt_kind), in address order. */
void
mdt_snap_block(const struct mdt_block *b, int k)
{
	struct sstack *e;
	struct seen *s;
	uint32_t born = 0;
	int isnew, isold = 0;

	while (Z.j < Z.nprev && Z.prev[Z.j].addr < b->addr)
		Z.j++;
	isnew = Z.j == Z.nprev || Z.prev[Z.j].addr != b->addr ||
	    Z.prev[Z.j].id != b->stk->id ||
	    Z.prev[Z.j].size != (uint32_t)b->size;
	if (Z.older != 0) {
		born = isnew || Z.pborn == NULL ? Z.checks : Z.pborn[Z.j];
		isold = born <= Z.cut;
	}
	if (Z.nnext < Z.capnext) {
		if (Z.nborn != NULL)
			Z.nborn[Z.nnext] = born;
		s = &Z.next[Z.nnext++];
		s->addr = b->addr;
		s->id = b->stk->id;
		s->size = (uint32_t)b->size;
	}
	add(&Z.total, b->size, isnew, isold);
	add(&Z.kind[k], b->size, isnew, isold);
	if ((e = entry(b->stk)) != NULL)
		add(&e->cur[k], b->size, isnew, isold);
}

/* The check is over: this check's blocks are the previous ones now. */
void
mdt_snap_end(uint64_t pause_ns)
{
	struct seen *t = Z.prev;
	uint32_t *bt = Z.pborn;
	size_t c = Z.capprev;

	Z.pause = pause_ns;
	Z.prev = Z.next;
	Z.pborn = Z.nborn;
	Z.nprev = Z.nnext;
	Z.capprev = Z.capnext;
	Z.next = t;
	Z.nborn = bt;
	Z.capnext = c;
	Z.nnext = 0;
}

/* Whether the live (and new) figures of a stack's kind k changed. */
static int
changed(const struct sstack *e, int k)
{
	return memcmp(e->cur[k].v + F_LIVE, e->last[k].v + F_LIVE,
	    F_NLIVE * sizeof(uint64_t)) != 0;
}

/* Whether its old figures changed. */
static int
changed_old(const struct sstack *e, int k)
{
	return memcmp(e->cur[k].v + F_OLD, e->last[k].v + F_OLD,
	    F_NOLD * sizeof(uint64_t)) != 0;
}

static int
changed_any(const struct sstack *e, int k)
{
	return changed(e, k) || changed_old(e, k);
}

/* The old figures' changes, in "mdtolder" records, at least one. */
static void
older_records(void)
{
	unsigned char d[OLD_HEAD + OLD_SIZE * OLD_MAXENT], *p;
	size_t i, k_in = 0;
	int k, wrote = 0;

	mdt_put_le(d, Z.number, 4);
	mdt_put_le(d + 4, Z.older, 8);
	for (i = 0; i < Z.cap; i++)
		for (k = 0; Z.tab[i].stk != NULL && k < MDT_NKINDS; k++) {
			if (!changed_old(&Z.tab[i], k))
				continue;
			p = d + OLD_HEAD + OLD_SIZE * k_in;
			mdt_put_le(p, Z.tab[i].stk->id, 4);
			mdt_put_le(p + 4, (uint64_t)k, 4);
			mdt_put_le(p + 8, Z.tab[i].cur[k].v[F_OLD], 8);
			mdt_put_le(p + 16, Z.tab[i].cur[k].v[F_OLD + 1], 8);
			memcpy(Z.tab[i].last[k].v + F_OLD,
			    Z.tab[i].cur[k].v + F_OLD,
			    F_NOLD * sizeof(uint64_t));
			if (++k_in == OLD_MAXENT) {
				mdt_snapout_utrace("mdtolder", d, OLD_HEAD +
				    OLD_SIZE * k_in);
				k_in = 0;
				wrote = 1;
			}
		}
	/* An empty record tells T where nothing old changed. */
	if (k_in > 0 || !wrote)
		mdt_snapout_utrace("mdtolder", d, OLD_HEAD + OLD_SIZE * k_in);
}

/* "mdtstack": the stack's id and frames, before its first entry. */
static void
stack_record(const struct mdt_stack *s)
{
	unsigned char d[8 + 16 * MDT_MAXFRAMES];
	uint64_t off, id;
	uint32_t i, n = s->nframes < MDT_MAXFRAMES ? s->nframes :
	    MDT_MAXFRAMES;

	mdt_put_le(d, s->id, 4);
	mdt_put_le(d + 4, n, 4);
	for (i = 0; i < n; i++) {
		mdt_snapout_frame(s->frames[i], &off, &id);
		mdt_put_le(d + 8 + 16 * i, off, 8);
		mdt_put_le(d + 16 + 16 * i, id, 8);
	}
	mdt_snapout_utrace("mdtstack", d, 8 + 16 * (size_t)n);
}

/*
 * Write the snapshot: its header, the stacks named for the first time,
 * with MDTRACE_OLDER the old figures that changed, and the entries that
 * changed.  The header counts the entries of both.  Returns its number,
 * or 0 if the trace could not be opened.
 */
uint32_t
mdt_snap_write(void)
{
	unsigned char h[112], d[4 + ENT_SIZE * SNAP_MAXENT], *p;
	size_t i, k_in = 0;
	uint32_t nchanged = 0, nold = 0;
	int k;

	for (i = 0; i < Z.cap; i++)
		for (k = 0; Z.tab[i].stk != NULL && k < MDT_NKINDS; k++) {
			nchanged += changed(&Z.tab[i], k);
			nold += changed_old(&Z.tab[i], k);
		}
	if (mdt_snapout_open() == -1)
		return 0;
	Z.number++;
	mdt_put_le(h, Z.number, 4);
	mdt_put_le(h + 4, nchanged + nold, 4);
	mdt_put_le(h + 8, Z.mono, 8);
	mdt_put_le(h + 16, Z.real, 8);
	mdt_put_le(h + 24, Z.total.v[0], 8);
	mdt_put_le(h + 32, Z.total.v[1], 8);
	for (k = 0; k < MDT_NKINDS; k++) {
		mdt_put_le(h + 40 + 16 * k, Z.kind[k].v[0], 8);
		mdt_put_le(h + 48 + 16 * k, Z.kind[k].v[1], 8);
	}
	mdt_put_le(h + 104, Z.pause, 8);
	mdt_snapout_utrace("mdtsnap", h, sizeof(h));
	for (i = 0; i < Z.cap; i++) {
		if (Z.tab[i].stk == NULL || Z.tab[i].written)
			continue;
		for (k = 0; k < MDT_NKINDS && !changed_any(&Z.tab[i], k); k++)
			;
		if (k < MDT_NKINDS) {
			stack_record(Z.tab[i].stk);
			Z.tab[i].written = 1;
		}
	}
	/* Before the entries, so that the snapshot is open for them. */
	if (Z.older != 0 && nchanged + nold > 0)
		older_records();
	mdt_put_le(d, Z.number, 4);
	for (i = 0; i < Z.cap; i++)
		for (k = 0; Z.tab[i].stk != NULL && k < MDT_NKINDS; k++) {
			if (!changed(&Z.tab[i], k))
				continue;
			p = d + 4 + ENT_SIZE * k_in;
			mdt_put_le(p, Z.tab[i].stk->id, 4);
			mdt_put_le(p + 4, (uint64_t)k, 4);
			mdt_put_le(p + 8, Z.tab[i].cur[k].v[0], 8);
			mdt_put_le(p + 16, Z.tab[i].cur[k].v[1], 8);
			mdt_put_le(p + 24, Z.tab[i].cur[k].v[2], 8);
			mdt_put_le(p + 32, Z.tab[i].cur[k].v[3], 8);
			memcpy(Z.tab[i].last[k].v + F_LIVE,
			    Z.tab[i].cur[k].v + F_LIVE,
			    F_NLIVE * sizeof(uint64_t));
			if (++k_in == SNAP_MAXENT) {
				mdt_snapout_utrace("mdtsnapent", d,
				    4 + ENT_SIZE * k_in);
				k_in = 0;
			}
		}
	if (k_in > 0)
		mdt_snapout_utrace("mdtsnapent", d, 4 + ENT_SIZE * k_in);
	mdt_snapout_close();
	return Z.number;
}

/* Add [p, p + len) to the ranges at r, when there is memory. */
static size_t
range(uintptr_t *r, size_t n, const void *p, size_t len)
{
	if (p == NULL)
		return n;
	r[2 * n] = (uintptr_t)p;
	r[2 * n + 1] = (uintptr_t)p + len;
	return n + 1;
}

/*
 * The lists of blocks, which the check must not take for roots: into
 * r, [lo, hi) pairs, at most MDT_SNAP_RANGES; how many.
 */
size_t
mdt_snap_memory(uintptr_t *r)
{
	size_t n = 0;

	n = range(r, n, Z.prev, Z.capprev * sizeof(*Z.prev));
	n = range(r, n, Z.next, Z.capnext * sizeof(*Z.next));
	n = range(r, n, Z.pborn, Z.capprev * sizeof(*Z.pborn));
	n = range(r, n, Z.nborn, Z.capnext * sizeof(*Z.nborn));
	return range(r, n, Z.when, Z.wcap * sizeof(*Z.when));
}

/* MDTRACE_OLDER: T in nanoseconds, 0 for none; before the first check. */
void
mdt_snap_older(uint64_t ns)
{
	Z.older = ns;
}

/* Bytes definitely or indirectly lost at the last check. */
uint64_t
mdt_snap_lost(void)
{
	return Z.kind[MDT_DEFINITE].v[0] + Z.kind[MDT_INDIRECT].v[0];
}

/* In a forked child: its snapshots are its own, from number 1. */
void
mdt_snap_forget(void)
{
	size_t i;

	for (i = 0; i < Z.cap; i++) {
		memset(Z.tab[i].last, 0, sizeof(Z.tab[i].last));
		Z.tab[i].written = 0;
	}
	Z.number = 0;
	Z.nprev = 0;
	/* Its blocks are first seen by its own checks. */
	Z.wlo = Z.whi = 0;
	Z.cut = Z.checks;
	mdt_snapout_forget();
}
