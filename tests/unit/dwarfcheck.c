/*
 * dwarfcheck.c: a test driver for the DWARF reader alone.
 *
 * Usage: dwarfcheck ELF-FILE < addresses
 * It finds the .debug_* sections with a minimal ELF section-header walk
 * of its own (test code: no program headers, symbols or compressed
 * sections), then prints, for each hexadecimal address on stdin, the
 * inline chain as "addr2line -f -i" would: function NEWLINE file:line
 * per entry, innermost first, "??" for unknowns, and an empty line
 * after each address so that a script can pair answers with questions.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/buf.h"
#include "../../src/dwarf.h"
#include "../../src/sym.h"
#include "../../src/xmalloc.h"

/*
 * Map the file, as the ELF layer does, so that timing runs see the
 * reader's cost and not the cost of copying the file.
 */
static uint8_t *
map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	if (st.st_size <= 0 || (uintmax_t)st.st_size > SIZE_MAX)
		errx(1, "%s: bad size", path);
	*len = (size_t)st.st_size;
	if ((p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0)) ==
	    MAP_FAILED)
		err(1, "%s", path);
	close(fd);
	return p;
}

static struct dwarf_sect *
sect_slot(struct dwarf_sections *s, const char *name)
{
	size_t i;

	for (i = 0; i < dwarf_nsect_names; i++)
		if (strcmp(name, dwarf_sect_names[i].name) == 0)
			return (struct dwarf_sect *)((char *)s +
			    dwarf_sect_names[i].off);
	return NULL;
}

/* Fill s from the section headers of the ELF image p. */
static void
elf_sections(const uint8_t *p, size_t len, struct dwarf_sections *s)
{
	struct buf b;
	uint64_t shoff, off, size, stroff = 0, strsize = 0, nameoff;
	unsigned shentsize, shnum, shstrndx, i, type;
	int is64, pass;
	struct dwarf_sect *slot;
	const char *name;

	memset(s, 0, sizeof(*s));
	if (len < 64 || memcmp(p, "\177ELF", 4) != 0)
		errx(1, "not ELF");
	is64 = p[4] == 2;
	s->big_endian = p[5] == 2;
	s->addr_size = is64 ? 8 : 4;
	buf_init(&b, p, len, s->big_endian);
	buf_seek(&b, is64 ? 0x28 : 0x20);
	shoff = buf_uint(&b, is64 ? 8 : 4);
	buf_seek(&b, is64 ? 0x3a : 0x2e);
	shentsize = buf_u16(&b);
	shnum = buf_u16(&b);
	shstrndx = buf_u16(&b);
	/* Pass 0 finds the section name table, pass 1 the sections. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < shnum; i++) {
			if (pass == 0 && i != shstrndx)
				continue;
			if (buf_seek(&b, shoff + (uint64_t)i * shentsize) == -1)
				errx(1, "bad section header");
			nameoff = buf_u32(&b);
			type = buf_u32(&b);
			buf_skip(&b, is64 ? 16 : 8);	/* flags, addr */
			off = buf_uint(&b, is64 ? 8 : 4);
			size = buf_uint(&b, is64 ? 8 : 4);
			if (b.err || off > len || size > len - off)
				errx(1, "bad section header");
			if (pass == 0) {
				stroff = off;
				strsize = size;
				continue;
			}
			if (type == 8 || nameoff >= strsize ||
			    memchr(p + stroff + nameoff, '\0',
			    strsize - nameoff) == NULL)
				continue;
			name = (const char *)p + stroff + nameoff;
			if ((slot = sect_slot(s, name)) != NULL) {
				slot->p = p + off;
				slot->len = size;
			}
		}
}

static void
print_chain(const struct sym_loc *loc, size_t n)
{
	size_t i;

	if (n == 0)
		printf("??\n??:0\n");
	for (i = 0; i < n; i++)
		printf("%s\n%s:%lu\n", loc[i].function ? loc[i].function :
		    "??", loc[i].file ? loc[i].file : "??", loc[i].line);
	printf("\n");
}

int
main(int argc, char *argv[])
{
	struct dwarf_sections s;
	struct sym_loc loc[SYM_MAX_INLINE];
	struct dwarf *d;
	uint8_t *p;
	size_t len, n;
	char line[256];
	int quiet = 0;

	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		quiet = 1;	/* look up, print nothing: for timing */
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: dwarfcheck [-q] elf-file < addrs\n");
		return 2;
	}
	p = map_file(argv[1], &len);
	elf_sections(p, len, &s);
	if ((d = dwarf_open(&s, NULL)) == NULL)
		errx(1, "%s: no .debug_info", argv[1]);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		n = dwarf_lookup(d, strtoull(line, NULL, 16), loc,
		    SYM_MAX_INLINE);
		if (!quiet)
			print_chain(loc, n);
	}
	dwarf_close(d);
	munmap(p, len);
	return 0;
}
