/*
 * unload.c: dlclose(3) in libmdtrace.so, so that a frame in a library
 * the program unloads keeps that library's name.
 *
 * Stacks hold return addresses, named by dladdr when the report is
 * written at exit.  By then an unloaded library's addresses name
 * nothing, or another library loaded at the same address.  So dlclose
 * notes the objects loaded before the call; those gone after it get a
 * record here (path, load base) and every frame inside one of them is
 * rewritten as a reference to that record: the tag bit, the record's
 * index and the offset from the base.  The report names such a frame by
 * the record (mdt_gone_frame).  Return addresses of user code never
 * have the top bit set, so a tagged frame cannot be mistaken for one.
 *
 * 64-bit only: on 32-bit systems user addresses may use every bit, and
 * frames of unloaded libraries keep being named at exit as before.
 *
 * The snapshots allocate nothing (dl_iterate_phdr does not; the memory
 * comes from mmap), and the C library's dlclose is found by the
 * tracer's constructor (mdt_unload_init), under its recursion guard:
 * what the library's destructors allocate during the real dlclose is
 * traced.  A dlclose before the constructor finds it itself, while
 * nothing is traced yet.  A
 * stack interned by another thread while dlclose unloads may still hold
 * raw addresses of the unloaded object.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr, RTLD_NEXT */

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "mdt.h"

#define EXPORT	__attribute__((visibility("default")))

#if UINTPTR_MAX > 0xffffffffu
#define GONE_BIT	((uintptr_t)1 << 63)
#define GONE_SHIFT	40			/* offsets below 1 TiB */
#define GONE_MAX	((size_t)1 << 22)	/* record indexes */
#endif

/* An object as it was mapped. */
struct obj {
	uintptr_t	 base;
	uintptr_t	 lo, hi;	/* its PT_LOAD segments span this */
	char		*name;
};

/* The objects loaded, in memory from mmap. */
struct snap {
	struct obj	*o;
	size_t		 n, cap;
	char		*names;
	size_t		 nused, ncap;
	size_t		 want_n, want_names;	/* counted by count_cb */
};

/* Records of unloaded objects; the lock guards adding them. */
static struct obj	*gone;
static size_t		 ngone, gonecap;
static int		 gone_lock;

static int
count_cb(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct snap *s = arg;

	(void)size;
	s->want_n++;
	s->want_names += strlen(i->dlpi_name) + 1;
	return 0;
}

static int
fill_cb(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct snap *s = arg;
	struct obj *o;
	size_t k, len = strlen(i->dlpi_name) + 1;
	uintptr_t lo = UINTPTR_MAX, hi = 0, a;

	(void)size;
	if (s->n == s->cap || len > s->ncap - s->nused)
		return 0;
	for (k = 0; k < i->dlpi_phnum; k++) {
		if (i->dlpi_phdr[k].p_type != PT_LOAD)
			continue;
		a = i->dlpi_addr + i->dlpi_phdr[k].p_vaddr;
		if (a < lo)
			lo = a;
		if (a + i->dlpi_phdr[k].p_memsz > hi)
			hi = a + i->dlpi_phdr[k].p_memsz;
	}
	if (hi == 0)
		return 0;
	o = &s->o[s->n++];
	o->base = i->dlpi_addr;
	o->lo = lo;
	o->hi = hi;
	o->name = s->names + s->nused;
	memcpy(o->name, i->dlpi_name, len);
	s->nused += len;
	return 0;
}

static size_t
snap_size(const struct snap *s)
{
	return s->cap * sizeof(struct obj) + s->ncap;
}

/* Memory for a snapshot of up to n objects, names of nlen bytes. */
static int
snap_alloc(struct snap *s, size_t n, size_t nlen)
{
	memset(s, 0, sizeof(*s));
	s->cap = n;
	s->ncap = nlen;
	if ((s->o = mdt_mmap(snap_size(s))) == NULL)
		return -1;
	s->names = (char *)(s->o + s->cap);
	return 0;
}

/*
 * The objects loaded now, in memory allocated before: nothing may be
 * mapped between dlclose and the next dlopen, or it could take the
 * unloaded library's place.  An object that does not fit is left out
 * and counts as gone; its record still names it rightly.
 */
static void
snap_fill(struct snap *s)
{
	s->n = s->nused = 0;
	dl_iterate_phdr(fill_cb, s);
}

/* The objects loaded now; 0, or -1 without memory. */
static int
snap_take(struct snap *s)
{
	struct snap c;

	memset(&c, 0, sizeof(c));
	dl_iterate_phdr(count_cb, &c);
	if (snap_alloc(s, c.want_n + 1, c.want_names + 1) == -1)
		return -1;
	snap_fill(s);
	return 0;
}

static int
snap_has(const struct snap *s, const struct obj *o)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->o[i].base == o->base && s->o[i].lo == o->lo &&
		    strcmp(s->o[i].name, o->name) == 0)
			return 1;
	return 0;
}

#ifdef GONE_BIT
/* Rewrite the frames of one stack that lie in gone[idx]. */
static void
retag(struct mdt_stack *s, void *arg)
{
	size_t idx = *(size_t *)arg;
	const struct obj *o = &gone[idx];
	uint32_t i;

	/* As dladdr(ra - 1) in the report: a call may end the object. */
	for (i = 0; i < s->nframes; i++)
		if (s->frames[i] > o->lo && s->frames[i] <= o->hi)
			s->frames[i] = GONE_BIT | (uintptr_t)idx << GONE_SHIFT |
			    (s->frames[i] - o->base);
}

/* Room for n more records, taken before dlclose unmaps anything. */
static int
gone_reserve(size_t n)
{
	struct obj *ng;
	size_t ncap;
	int rc = 0;

	mdt_spin_lock(&gone_lock);
	if (ngone + n > gonecap) {
		for (ncap = gonecap == 0 ? 64 : gonecap; ncap < ngone + n;)
			ncap *= 2;
		if (ncap > GONE_MAX ||
		    (ng = mdt_mmap(ncap * sizeof(*ng))) == NULL)
			rc = -1;
		else {
			if (gone != NULL)
				memcpy(ng, gone, ngone * sizeof(*ng));
			/* The old array stays: the report may read it. */
			__atomic_store_n(&gone, ng, __ATOMIC_RELEASE);
			gonecap = ncap;
		}
	}
	mdt_spin_unlock(&gone_lock);
	return rc;
}

/* Keep a record of o, which is gone (its name stays where it is). */
static long
gone_add(const struct obj *o)
{
	long idx = -1;

	if (o->hi - o->base >= (uintptr_t)1 << GONE_SHIFT)
		return -1;
	mdt_spin_lock(&gone_lock);
	if (ngone < gonecap) {
		gone[ngone] = *o;
		idx = (long)ngone;
		__atomic_store_n(&ngone, ngone + 1, __ATOMIC_RELEASE);
	}
	mdt_spin_unlock(&gone_lock);
	return idx;
}

/*
 * The objects of before that after lacks are gone: retag their frames.
 * The number of records made, which point into before's names.
 */
static size_t
retag_gone(const struct snap *before, const struct snap *after)
{
	size_t i, idx, made = 0;
	long k;

	for (i = 0; i < before->n; i++) {
		if (snap_has(after, &before->o[i]) ||
		    (k = gone_add(&before->o[i])) == -1)
			continue;
		idx = (size_t)k;
		mdt_stack_each(retag, &idx);
		made++;
	}
	return made;
}

int
mdt_gone_frame(uintptr_t ra, const char **path, uintptr_t *base,
    uintptr_t *off)
{
	size_t idx;
	const struct obj *g;

	if ((ra & GONE_BIT) == 0)
		return 0;
	idx = (size_t)((ra & ~GONE_BIT) >> GONE_SHIFT);
	if (idx >= __atomic_load_n(&ngone, __ATOMIC_ACQUIRE))
		return 0;
	g = &__atomic_load_n(&gone, __ATOMIC_ACQUIRE)[idx];
	*path = g->name;
	*base = g->base;
	*off = ra & (((uintptr_t)1 << GONE_SHIFT) - 1);
	return 1;
}
#else
static int
gone_reserve(size_t n)
{
	(void)n;
	return -1;
}

static size_t
retag_gone(const struct snap *before, const struct snap *after)
{
	(void)before;
	(void)after;
	return 0;
}

int
mdt_gone_frame(uintptr_t ra, const char **path, uintptr_t *base,
    uintptr_t *off)
{
	(void)ra;
	(void)path;
	(void)base;
	(void)off;
	return 0;
}
#endif

static int	(*real_dlclose)(void *);

/* The C library's dlclose; the caller holds the recursion guard. */
void
mdt_unload_init(void)
{
	void *f;

	if (__atomic_load_n(&real_dlclose, __ATOMIC_ACQUIRE) != NULL)
		return;
	f = dlsym(RTLD_NEXT, "dlclose");
	/* ISO C has no cast between object and function pointers. */
	memcpy(&real_dlclose, &f, sizeof(f));
}

EXPORT int
dlclose(void *h)
{
	struct snap before, after;
	int rc, ready = 0;
	size_t made = 0;

	if (real_dlclose == NULL) {
		mdt_unload_init();
		if (real_dlclose == NULL)
			return -1;
	}
	if (snap_take(&before) == 0) {
		if (snap_alloc(&after, before.cap, before.ncap) == 0 &&
		    gone_reserve(before.n) == 0)
			ready = 1;
		else if (after.o != NULL)
			munmap(after.o, snap_size(&after));
	}
	mdt_unwind_forget();
	rc = real_dlclose(h);
	mdt_unwind_forget();
	if (ready) {
		snap_fill(&after);
		made = retag_gone(&before, &after);
		munmap(after.o, snap_size(&after));
	}
	/* Records of gone objects keep their names in before's memory. */
	if (before.o != NULL && made == 0)
		munmap(before.o, snap_size(&before));
	return rc;
}
