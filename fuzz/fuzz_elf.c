/*
 * fuzz_elf.c: libFuzzer harness for the ELF reader: elf_open_mem over
 * the input, then everything the symbolizer asks of an object: type,
 * byte order, class, link base, every section it looks for (inflating
 * compressed ones), function symbols at many addresses, the build-id
 * and the .gnu_debuglink, and the debug link CRC over the image.  The
 * DWARF sections found are handed to the DWARF reader and a few
 * addresses looked up, as sym.c does, so a damaged object is followed
 * all the way.
 *
 * The input is a whole ELF file.  This harness does not check answers
 * (tests/unit/test_elf.sh does, against other tools); it looks for
 * crashes, hangs, leaks and undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "debugfile.h"
#include "dwarf.h"
#include "elf.h"
#include "sym.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* How many addresses the harness asks symbols and DWARF for. */
#define FUZZ_NADDR	64

/* Reads into it are not optimized away, so ASan sees them. */
static volatile size_t sink;

static const char *const sect_names[] = {
	".debug_info", ".debug_abbrev", ".debug_str", ".debug_line",
	".debug_line_str", ".debug_ranges", ".debug_rnglists",
	".debug_aranges", ".debug_addr", ".debug_str_offsets",
	".symtab", ".dynsym", ".strtab", ".text", ".gnu_debuglink",
	".note.gnu.build-id", ".zdebug_info", ".shstrtab", "", "nosuch"
};
#define NSECT	(sizeof(sect_names) / sizeof(sect_names[0]))

/* The DWARF sections, in the order of struct dwarf_sections. */
static void
fuzz_dwarf(struct elf *e)
{
	struct dwarf_sections ds;
	struct dwarf_sect *v[10];
	struct sym_loc chain[SYM_MAX_INLINE];
	struct dwarf *d;
	size_t i;
	uint64_t a;

	memset(&ds, 0, sizeof(ds));
	v[0] = &ds.info; v[1] = &ds.abbrev; v[2] = &ds.str;
	v[3] = &ds.line; v[4] = &ds.line_str; v[5] = &ds.ranges;
	v[6] = &ds.rnglists; v[7] = &ds.aranges; v[8] = &ds.addr;
	v[9] = &ds.str_offsets;
	for (i = 0; i < 10; i++)
		if (elf_section(e, sect_names[i], &v[i]->p, &v[i]->len) != 0) {
			v[i]->p = NULL;
			v[i]->len = 0;
		}
	ds.big_endian = elf_big_endian(e);
	ds.addr_size = elf_addr_size(e);
	if ((d = dwarf_open(&ds, NULL)) == NULL)
		return;
	a = elf_link_base(e);
	for (i = 0; i < FUZZ_NADDR; i++)
		(void)dwarf_lookup(d, a + i * 37, chain, SYM_MAX_INLINE);
	dwarf_close(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf *e;
	const char *why = NULL, *name;
	const uint8_t *p, *img;
	size_t len, i;
	uint64_t base, start;
	uint32_t crc;

	if ((e = elf_open_mem(data, size, &why)) == NULL) {
		if (why == NULL)
			__builtin_trap();
		return 0;
	}
	(void)elf_type(e);
	base = elf_link_base(e);
	img = elf_image(e, &len);
	(void)debugfile_crc32(0, img, len);
	for (i = 0; i < NSECT; i++)
		if (elf_section(e, sect_names[i], &p, &len) == 0 && len > 0)
			sink += p[len - 1];
	for (i = 0; i < FUZZ_NADDR; i++) {
		name = elf_symbol(e, base + i * 61, &start);
		if (name != NULL)
			sink += strlen(name);
	}
	/* Addresses read from the input hit symbols the fuzzer made up. */
	for (i = 0; i + 8 <= size && i < 8 * FUZZ_NADDR; i += 8) {
		uint64_t a;

		memcpy(&a, data + i, 8);
		(void)elf_symbol(e, a, NULL);
	}
	if (elf_build_id(e, &p, &len) == 0 && len > 0)
		sink += p[len - 1];
	if ((name = elf_debuglink(e, &crc)) != NULL)
		sink += strlen(name);
	fuzz_dwarf(e);
	elf_close(e);
	return 0;
}
