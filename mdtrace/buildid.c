/*
 * buildid.c: the GNU build-id of every object loaded in the process,
 * read from its PT_NOTE segments in memory, for the "mallocbuildid"
 * records (mdump.5) that let mdump fetch an object by build-id when the
 * trace is read where the object is not.
 *
 * No malloc and no stdio: it runs at exit, under the tracer's recursion
 * guard.  Each object is named as objects.c names it, which is how the
 * leak records name it (the main program by its real path).
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */

#include <link.h>
#include <string.h>

#include "mdt.h"

#define NT_GNU_BUILD_ID	3

struct walk {
	void	(*fn)(void *, const unsigned char *, size_t, const char *);
	void	*arg;
};

/* The build-id note among the notes at p[0..len), aligned to align. */
static const unsigned char *
find_note(const unsigned char *p, size_t len, size_t align, size_t *idlen)
{
	uint32_t namesz, descsz, type;
	size_t off = 0, nlen, dlen;

	while (len - off >= 12) {
		memcpy(&namesz, p + off, 4);
		memcpy(&descsz, p + off + 4, 4);
		memcpy(&type, p + off + 8, 4);
		off += 12;
		nlen = ((size_t)namesz + align - 1) & ~(align - 1);
		dlen = ((size_t)descsz + align - 1) & ~(align - 1);
		if (nlen > len - off || dlen > len - off - nlen)
			return NULL;
		if (type == NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(p + off, "GNU", 4) == 0 && descsz > 0) {
			*idlen = descsz;
			return p + off + nlen;
		}
		off += nlen + dlen;
	}
	return NULL;
}

static int
one(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct walk *w = arg;
	const unsigned char *id = NULL;
	uintptr_t inside = 0, base;
	const char *name;
	size_t i, len = 0;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && inside == 0 && ph->p_memsz > 0)
			inside = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_NOTE && id == NULL)
			id = find_note((const unsigned char *)(info->dlpi_addr +
			    ph->p_vaddr), ph->p_memsz, ph->p_align == 8 ? 8 : 4,
			    &len);
	}
	if (id != NULL && inside != 0 && mdt_obj_find(inside, &base, &name) &&
	    name[0] != '\0')
		w->fn(w->arg, id, len, name);
	return 0;
}

void
mdt_buildids(void (*fn)(void *, const unsigned char *, size_t, const char *),
    void *arg)
{
	struct walk w;

	w.fn = fn;
	w.arg = arg;
	dl_iterate_phdr(one, &w);
}
