/* link: src/elf.c src/buf.c src/xmalloc.c */
/*
 * test_elflimits.c: the ELF reader stays linear on objects built to make
 * it slow (src/elf.c: strtab_end(), ELF_MAX_NOTE_AREAS,
 * ELF_SYM_LOOKBACK).
 *
 * Each case builds an ELF64 little-endian image in memory and runs what
 * the symbolizer asks of an object under alarm(2): without the limits,
 * each case takes minutes (tens of billions of steps); with them, well
 * under a second.  A case that overruns is killed by SIGALRM and the
 * runner reports the program's exit status.  The answers are checked
 * too, worked out from the images by hand.
 *
 * Prints "ok elflimits/NAME" or "not ok elflimits/NAME (what)".
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"

/* Seconds a case may take; the unbounded code takes minutes. */
#define CASE_SECONDS	20

#define EHDR	64
#define SHDR	64
#define SYMSZ	24

static void
put(uint8_t *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An ELF64 LSB header; shnum 0 with more than 0xff00 sections. */
static void
ehdr(uint8_t *p, uint64_t shoff, size_t shnum, size_t shstrndx)
{
	memcpy(p, "\177ELF", 4);
	p[4] = 2;			/* ELFCLASS64 */
	p[5] = 1;			/* ELFDATA2LSB */
	p[6] = 1;			/* EV_CURRENT */
	put(p + 16, 3, 2);		/* ET_DYN */
	put(p + 18, 62, 2);		/* EM_X86_64 */
	put(p + 20, 1, 4);
	put(p + 40, shoff, 8);
	put(p + 52, EHDR, 2);
	put(p + 58, SHDR, 2);
	put(p + 60, shnum >= 0xff00 ? 0 : shnum, 2);
	put(p + 62, shstrndx, 2);
}

static void
shdr(uint8_t *p, uint32_t name, uint32_t type, uint64_t off, uint64_t size,
    uint32_t link, uint64_t align, uint64_t entsize)
{
	put(p, name, 4);
	put(p + 4, type, 4);
	put(p + 24, off, 8);
	put(p + 32, size, 8);
	put(p + 40, link, 4);
	put(p + 48, align, 8);
	put(p + 56, entsize, 8);
}

static void
result(const char *name, const char *what)
{
	if (what == NULL)
		printf("ok elflimits/%s\n", name);
	else
		printf("not ok elflimits/%s (%s)\n", name, what);
	fflush(stdout);
}

/*
 * Section names: a string table of 8 MiB without a NUL, and 128 Ki
 * sections (extended numbering) whose names all start at its offset 0.
 * Searching each name for its NUL reads 1 TB.  No section has a name,
 * so none is found by one.
 */
static void
case_names(void)
{
	const size_t S = 8u << 20, N = 128u << 10;
	size_t len = EHDR + S + N * SHDR, i;
	uint8_t *img = calloc(1, len), *sh = img + EHDR + S;
	const uint8_t *p;
	const char *why = NULL, *what = NULL;
	size_t n;
	struct elf *e;

	if (img == NULL)
		abort();
	ehdr(img, EHDR + S, N, 1);
	memset(img + EHDR, 'A', S);
	/* Section 0 holds the real count, section 1 the string table. */
	shdr(sh, 0, 0, 0, N, 0, 0, 0);
	shdr(sh + SHDR, 0, 3, EHDR, S, 0, 1, 0);
	for (i = 2; i < N; i++)
		shdr(sh + i * SHDR, 0, 1, EHDR, 16, 0, 1, 0);
	alarm(CASE_SECONDS);
	if ((e = elf_open_mem(img, len, &why)) == NULL)
		what = why;
	else if (elf_section(e, ".debug_info", &p, &n) != ELF_SECT_ABSENT)
		what = "a section found by a name it does not have";
	alarm(0);
	elf_close(e);
	free(img);
	result("section-names-without-nul", what);
}

/*
 * Notes: 32 Ki SHT_NOTE sections, each over the same 2 MiB of empty
 * notes (12 zero bytes each, none a build-id).  Walking every one is
 * 5.7 billion notes.  There is no build-id to find.
 */
static void
case_notes(void)
{
	const size_t Z = 2u << 20, N = 32u << 10;
	size_t len = EHDR + Z + N * SHDR, i, n;
	uint8_t *img = calloc(1, len), *sh = img + EHDR + Z;
	const uint8_t *id;
	const char *why = NULL, *what = NULL;
	struct elf *e;

	if (img == NULL)
		abort();
	ehdr(img, EHDR + Z, N, 0);
	for (i = 1; i < N; i++)
		shdr(sh + i * SHDR, 0, 7, EHDR, Z - Z % 12, 0, 4, 0);
	alarm(CASE_SECONDS);
	if ((e = elf_open_mem(img, len, &why)) == NULL)
		what = why;
	else if (elf_build_id(e, &id, &n) != -1)
		what = "a build-id where there is none";
	alarm(0);
	elf_close(e);
	free(img);
	result("note-areas-overlapping", what);
}

/*
 * Symbols: one function "big" at 0x1000 of size 2^40, then 200 Ki
 * functions "f" of 8 bytes every 16 from 0x2000.  An address in the gap
 * after the last small one is covered by "big" alone, 200 Ki symbols
 * back: 100 Ki such lookups are 20 billion steps.  A lookup walks back
 * ELF_SYM_LOOKBACK symbols at most, so there it finds nothing; inside
 * a small function, and in the gap below the first, the answers stay.
 */
static void
case_symbols(void)
{
	const size_t M = 200u << 10, L = 100u << 10, nsym = M + 2;
	const size_t symoff = EHDR, stroff = symoff + nsym * SYMSZ;
	const size_t shoff = stroff + 8, len = shoff + 4 * SHDR;
	uint8_t *img = calloc(1, len), *y;
	uint64_t last = 0x2000 + 16 * (uint64_t)(M - 1), start = 0;
	const char *why = NULL, *what = NULL, *s;
	struct elf *e;
	size_t i;

	if (img == NULL)
		abort();
	ehdr(img, shoff, 4, 0);
	/* Section 1: code, for the symbols' index; 2: .symtab; 3: names. */
	shdr(img + shoff + SHDR, 0, 1, 0, 0, 0, 16, 0);
	put(img + shoff + SHDR + 8, 0x6, 8);	/* SHF_ALLOC|SHF_EXECINSTR */
	shdr(img + shoff + 2 * SHDR, 0, 2, symoff, nsym * SYMSZ, 3, 8, SYMSZ);
	shdr(img + shoff + 3 * SHDR, 0, 3, stroff, 8, 0, 1, 0);
	memcpy(img + stroff, "\0big\0f\0", 8);
	/* Symbol 0 is the null symbol; STB_GLOBAL STT_FUNC is 0x12. */
	for (i = 1; i < nsym; i++) {
		y = img + symoff + i * SYMSZ;
		put(y, i == 1 ? 1 : 5, 4);
		y[4] = 0x12;
		put(y + 6, 1, 2);
		put(y + 8, i == 1 ? 0x1000 : 0x2000 + 16 * (uint64_t)(i - 2),
		    8);
		put(y + 16, i == 1 ? (uint64_t)1 << 40 : 8, 8);
	}
	alarm(CASE_SECONDS);
	if ((e = elf_open_mem(img, len, &why)) == NULL)
		what = why;
	else {
		for (i = 0; i < L && what == NULL; i++)
			if (elf_symbol(e, last + 12, NULL) != NULL)
				what = "a symbol past the lookback";
		if (what == NULL && ((s = elf_symbol(e, last + 4, &start)) ==
		    NULL || strcmp(s, "f") != 0 || start != last))
			what = "the last small function not found";
		if (what == NULL && ((s = elf_symbol(e, 0x1800, &start)) ==
		    NULL || strcmp(s, "big") != 0 || start != 0x1000))
			what = "the big function not found below the others";
	}
	alarm(0);
	elf_close(e);
	free(img);
	result("symbol-covering-thousands", what);
}

int
main(void)
{
	printf("1..3\n");
	case_names();
	case_notes();
	case_symbols();
	return 0;
}
