/*
 * fuzz_dwarf.c: libFuzzer harness for the DWARF reader: unit headers,
 * abbreviations, root DIEs, .debug_aranges, line programs, range lists
 * and the function and inline trees, reached through dwarf_open and
 * many dwarf_lookup calls; variables' locations and declarations
 * through dwarf_variable with the same addresses.
 *
 * The input is the container fuzz/mkseed writes from a real object:
 *
 *   1 byte        bit 0: big-endian; bit 1: 8-byte addresses (else 4)
 *   10 times      u32 little-endian length L, then L bytes of a section
 *                 (info, abbrev, str, line, line_str, ranges, rnglists,
 *                 aranges, addr, str_offsets); L is cut to what is left
 *   the rest      u64 little-endian addresses to look up
 *
 * Each section is copied to a buffer of its own exact size, so reading
 * one byte past a section is caught by AddressSanitizer.  Besides the
 * addresses in the input, the harness looks up the first, middle and
 * last address of every unit range the reader indexed (it includes
 * dwarf_impl.h for that), so line programs and function trees are
 * decoded whatever the fuzzer did to the addresses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf.h"
#include "dwarf_impl.h"
#include "sym.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Lookups per input: enough to reach every unit of a seed binary. */
#define FUZZ_MAXRANGES	256
#define FUZZ_MAXADDRS	256
#define FUZZ_NSECT	10

static volatile size_t sink;

static void
fuzz_look(struct dwarf *d, uint64_t a)
{
	struct sym_loc chain[SYM_MAX_INLINE];
	const char *file;
	unsigned long line;
	size_t i, n;

	/* The address as a variable's, and as a TLS offset. */
	if (dwarf_variable(d, a, (int)(a & 1), &file, &line) == 0 &&
	    file != NULL)
		sink += strlen(file) + line;
	n = dwarf_lookup(d, a, chain, SYM_MAX_INLINE);
	if (n > SYM_MAX_INLINE)
		abort();
	/* Every string handed out must be readable to its NUL. */
	for (i = 0; i < n; i++) {
		if (chain[i].function != NULL)
			sink += strlen(chain[i].function);
		if (chain[i].file != NULL)
			sink += strlen(chain[i].file);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dwarf_sections ds;
	struct dwarf_sect *v[FUZZ_NSECT];
	uint8_t *copy[FUZZ_NSECT];
	struct dwarf *d;
	size_t pos = 1, i, len;
	uint64_t a;

	if (size < 1)
		return 0;
	memset(&ds, 0, sizeof(ds));
	ds.big_endian = data[0] & 1;
	ds.addr_size = data[0] & 2 ? 8 : 4;
	v[0] = &ds.info; v[1] = &ds.abbrev; v[2] = &ds.str;
	v[3] = &ds.line; v[4] = &ds.line_str; v[5] = &ds.ranges;
	v[6] = &ds.rnglists; v[7] = &ds.aranges; v[8] = &ds.addr;
	v[9] = &ds.str_offsets;
	for (i = 0; i < FUZZ_NSECT; i++) {
		copy[i] = NULL;
		if (size - pos < 4)
			continue;
		len = (size_t)data[pos] | (size_t)data[pos + 1] << 8 |
		    (size_t)data[pos + 2] << 16 | (size_t)data[pos + 3] << 24;
		pos += 4;
		if (len > size - pos)
			len = size - pos;
		if (len == 0)
			continue;
		copy[i] = malloc(len);
		memcpy(copy[i], data + pos, len);
		v[i]->p = copy[i];
		v[i]->len = len;
		pos += len;
	}
	if ((d = dwarf_open(&ds, NULL)) != NULL) {
		for (i = 0; i < d->nar && i < FUZZ_MAXRANGES; i++) {
			fuzz_look(d, d->ar[i].lo);
			fuzz_look(d, d->ar[i].lo + (d->ar[i].hi - d->ar[i].lo) / 2);
			fuzz_look(d, d->ar[i].hi - 1);
		}
		for (i = 0; pos + 8 <= size && i < FUZZ_MAXADDRS; i++) {
			memcpy(&a, data + pos, 8);
			fuzz_look(d, a);
			pos += 8;
		}
		dwarf_close(d);
	}
	for (i = 0; i < FUZZ_NSECT; i++)
		free(copy[i]);
	return 0;
}
