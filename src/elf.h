/*
 * elf.h: a read-only ELF reader for the symbolizer.
 *
 * It reads ELF32 and ELF64 objects of either byte order: the file header,
 * section and program headers, sections by name (inflating compressed
 * debug sections when built with zlib), the function, data and TLS
 * symbols of .symtab or .dynsym, the GNU build-id and the
 * .gnu_debuglink.  Every header
 * field is checked against the file size before it is used; a damaged
 * part of a file makes that part absent, not the program crash.
 *
 * It does not relocate, does not read DWARF (see dwarf.h) and does not
 * look for separate debug files (see debugfile.h).
 */
#ifndef MDUMP_ELF_H
#define MDUMP_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The object types the symbolizer tells apart (e_type). */
#define ELF_ET_REL	1
#define ELF_ET_EXEC	2
#define ELF_ET_DYN	3

/* What elf_section() returns. */
#define ELF_SECT_OK	0	/* found; bytes are valid */
#define ELF_SECT_ABSENT	(-1)	/* no such section, or it has no bytes */
#define ELF_SECT_BAD	(-2)	/* out of the file, or does not inflate */
#define ELF_SECT_NOZLIB	(-3)	/* compressed, and built without zlib */

struct elf;

/*
 * Open the object at path: mapped read-only, or read into memory when it
 * cannot be mapped.  On failure returns NULL and points *why at a static
 * message ("not found", "not an ELF file", ...).  The caller owns the
 * result and frees it with elf_close().
 */
struct elf	*elf_open(const char *, const char **);

/*
 * The same over bytes in memory, which must stay valid until
 * elf_close().  The bytes are not copied and not freed.
 */
struct elf	*elf_open_mem(const void *, size_t, const char **);
void		 elf_close(struct elf *);

int		 elf_type(const struct elf *);		/* ELF_ET_* */
int		 elf_big_endian(const struct elf *);
int		 elf_addr_size(const struct elf *);	/* 4 or 8 */

/*
 * The address the first byte of the lowest PT_LOAD segment was linked
 * at, truncated to ELF_PAGE_SIZE: what a loader's base corresponds to.
 * Zero when there is no PT_LOAD.
 */
uint64_t	 elf_link_base(const struct elf *);

/* The whole file, for checksums.  Owned by the struct elf. */
const uint8_t	*elf_image(const struct elf *, size_t *);

/*
 * Find the section called name and point *p, *len at its bytes,
 * inflated when it is compressed (SHF_COMPRESSED, or a ".zdebug_*"
 * section found when a ".debug_*" name is asked for and absent).  The
 * bytes are owned by the struct elf and stay valid until elf_close().
 * Returns one of ELF_SECT_*.
 */
int		 elf_section(struct elf *, const char *, const uint8_t **,
		    size_t *);

/*
 * The name of the function symbol whose [value, value + size) holds
 * addr, a link-time address, from .symtab or else .dynsym; NULL when no
 * symbol covers it.  Symbols of size 0 never cover anything.  When
 * start is not NULL, *start gets the symbol's value.  The name is owned
 * by the struct elf.
 */
const char	*elf_symbol(struct elf *, uint64_t, uint64_t *);

/* The classes of symbols elf_symbol_of() looks in. */
#define ELF_SYMS_FUNC	0	/* functions, as elf_symbol() */
#define ELF_SYMS_DATA	1	/* STT_OBJECT and STT_COMMON: variables */
#define ELF_SYMS_TLS	2	/* STT_TLS: values are TLS block offsets */
#define ELF_NSYMS	3

/*
 * The same for a class of symbols: the name of the symbol of that class
 * whose [value, value + size) holds addr; *global (when not NULL) says
 * whether its binding is global or weak rather than local.
 */
const char	*elf_symbol_of(struct elf *, int, uint64_t, uint64_t *, int *);

/*
 * The NT_GNU_BUILD_ID note: 0 and *id, *len set when there is one,
 * -1 otherwise.  The bytes are owned by the struct elf.
 */
int		 elf_build_id(const struct elf *, const uint8_t **, size_t *);

/*
 * The file name in .gnu_debuglink, and its CRC32 in *crc; NULL when
 * there is no well-formed one.  Owned by the struct elf.
 */
const char	*elf_debuglink(struct elf *, uint32_t *);

#endif /* MDUMP_ELF_H */
