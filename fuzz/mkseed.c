/*
 * mkseed.c: write the DWARF sections of an ELF object in the container
 * fuzz_dwarf.c reads (see there), followed by a few addresses of its
 * function symbols, as a seed for that fuzzer.
 *
 * Usage: mkseed object outfile
 *
 * A test tool: it uses mdump's own ELF reader and trusts it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "elf.h"

static const char *const names[] = {
	".debug_info", ".debug_abbrev", ".debug_str", ".debug_line",
	".debug_line_str", ".debug_ranges", ".debug_rnglists",
	".debug_aranges", ".debug_addr", ".debug_str_offsets"
};

static void
put_le(FILE *f, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

int
main(int argc, char *argv[])
{
	struct elf *e;
	const char *why = "?";
	const uint8_t *p;
	size_t len, i;
	uint64_t base;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: mkseed object outfile\n");
		return 1;
	}
	if ((e = elf_open(argv[1], &why)) == NULL) {
		fprintf(stderr, "mkseed: %s: %s\n", argv[1], why);
		return 1;
	}
	if ((f = fopen(argv[2], "wb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	fputc((elf_big_endian(e) ? 1 : 0) | (elf_addr_size(e) == 8 ? 2 : 0),
	    f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (elf_section(e, names[i], &p, &len) != ELF_SECT_OK ||
		    len > UINT32_MAX)
			len = 0;
		put_le(f, len, 4);
		if (len > 0)
			fwrite(p, 1, len, f);
	}
	/* Addresses inside the first code: the link base onwards. */
	base = elf_link_base(e);
	for (i = 0; i < 16; i++)
		put_le(f, base + 0x1000 + i * 0x13, 8);
	elf_close(e);
	if (fclose(f) == EOF) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
