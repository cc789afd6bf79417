/*
 * objects.c: which loaded object an address lies in, for the report at
 * exit, without dladdr(3).
 *
 * dladdr also looks for the nearest symbol, a walk of the object's
 * whole symbol table: at exit every frame of every leak asks, and a
 * program with tens of thousands of dynamic symbols (node) then spends
 * seconds in it.  The report needs only the object, its load base and
 * its name, which the program headers give: here the PT_LOAD segments
 * of every object, as dl_iterate_phdr(3) lists them, are kept sorted by
 * address and searched by halving.  The table is built on first use
 * and again whenever the loader's counters of objects added and removed
 * (dlpi_adds, dlpi_subs) have moved since.
 *
 * The answers are dladdr's: the segment that holds the address, the
 * object's base as dladdr's dli_fbase (the load bias plus the lowest
 * segment's page-rounded address) and its name, except for the main
 * program, which dladdr names by argv[0] and this by its real path
 * (/proc/self/exe), so that mdump finds a program started through PATH.
 *
 * Memory comes from mmap (mdt_mmap), never malloc: the report runs
 * under the recursion guard, but the lookups must not depend on it.
 * Frames of objects dlclose unloaded before exit are unload.c's.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */

#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdt.h"

struct seg {
	uintptr_t	 lo, hi;	/* [lo, hi) */
	uintptr_t	 base;
	const char	*name;
};

struct table {
	struct seg		*s;
	size_t			 n, cap;
	size_t			 bytes;		/* mapped for s */
	unsigned long long	 adds, subs;	/* the loader's, when built */
};

static struct table	tab;
static int		tab_lock;
static char		exe[4096];

void
mdt_objects_init(void)
{
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? (size_t)n : 0] = '\0';
}

const char *
mdt_exe_path(void)
{
	return exe;
}

/* The loader's counters, from the first object it lists. */
static int
counters_cb(struct dl_phdr_info *i, size_t size, void *arg)
{
	unsigned long long *c = arg;

	if (size < offsetof(struct dl_phdr_info, dlpi_subs) +
	    sizeof(i->dlpi_subs))
		return 1;	/* a loader without them: c stays 0, 0 */
	c[0] = i->dlpi_adds;
	c[1] = i->dlpi_subs;
	return 1;
}

static int
count_cb(struct dl_phdr_info *i, size_t size, void *arg)
{
	size_t *n = arg, k;

	(void)size;
	for (k = 0; k < i->dlpi_phnum; k++)
		if (i->dlpi_phdr[k].p_type == PT_LOAD)
			(*n)++;
	return 0;
}

static int
fill_cb(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct table *t = arg;
	uintptr_t lo = UINTPTR_MAX, page = (uintptr_t)sysconf(_SC_PAGESIZE);
	const char *name = i->dlpi_name;
	size_t k, first = t->n;

	(void)size;
	/* The main program is listed first, with an empty name. */
	if (name == NULL || (name[0] == '\0' && first == 0))
		name = exe;
	for (k = 0; k < i->dlpi_phnum; k++) {
		const ElfW(Phdr) *ph = &i->dlpi_phdr[k];

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ph->p_vaddr < lo)
			lo = ph->p_vaddr;
		if (t->n == t->cap)
			break;
		t->s[t->n].lo = i->dlpi_addr + ph->p_vaddr;
		t->s[t->n].hi = t->s[t->n].lo + ph->p_memsz;
		t->s[t->n].name = name;
		t->n++;
	}
	for (k = first; k < t->n; k++)
		t->s[k].base = i->dlpi_addr + (lo & ~(page - 1));
	return 0;
}

/* Insertion sort: a few hundred segments, mostly in order already. */
static void
sort_segs(struct seg *s, size_t n)
{
	struct seg x;
	size_t i, j;

	for (i = 1; i < n; i++) {
		x = s[i];
		for (j = i; j > 0 && s[j - 1].lo > x.lo; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
}

/* Build the table again if objects came or went; -1 without memory. */
static int
refresh(struct table *t)
{
	unsigned long long c[2] = { 0, 0 };
	size_t want = 0, bytes;
	struct seg *s;

	dl_iterate_phdr(counters_cb, c);
	if (t->s != NULL && c[0] == t->adds && c[1] == t->subs &&
	    (c[0] != 0 || c[1] != 0))
		return 0;
	dl_iterate_phdr(count_cb, &want);
	want += 16;	/* room for objects loaded meanwhile */
	if (want > t->cap) {
		bytes = want * sizeof(*s);
		if ((s = mdt_mmap(bytes)) == NULL)
			return t->s != NULL ? 0 : -1;
		if (t->s != NULL)
			munmap(t->s, t->bytes);
		t->s = s;
		t->cap = want;
		t->bytes = bytes;
	}
	t->n = 0;
	dl_iterate_phdr(fill_cb, t);
	sort_segs(t->s, t->n);
	t->adds = c[0];
	t->subs = c[1];
	return 0;
}

int
mdt_obj_find(uintptr_t addr, uintptr_t *base, const char **name)
{
	size_t lo = 0, hi, mid;
	const struct seg *s;
	int found = 0;

	mdt_spin_lock(&tab_lock);
	if (refresh(&tab) == 0) {
		/* The last segment that starts at or below addr. */
		for (hi = tab.n; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (tab.s[mid].lo <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && addr < (s = &tab.s[lo - 1])->hi) {
			*base = s->base;
			*name = s->name;
			found = 1;
		}
	}
	mdt_spin_unlock(&tab_lock);
	return found;
}
