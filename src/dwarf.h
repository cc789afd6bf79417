/*
 * dwarf.h: the DWARF 2-5 reader as the symbolizer sees it.
 *
 * The reader works on section bytes handed to it by the ELF layer and
 * knows nothing of files.  It indexes units lazily: a unit's line program
 * and function tree are decoded when an address first lands in it.
 */
#ifndef MDUMP_DWARF_H
#define MDUMP_DWARF_H

#include <stddef.h>
#include <stdint.h>

struct sym_loc;

struct dwarf_sect {
	const uint8_t	*p;		/* not owned; NULL when absent */
	size_t		 len;
};

struct dwarf_sections {
	struct dwarf_sect	info, abbrev, str, line, line_str, ranges,
				rnglists, aranges, addr, str_offsets;
	int			big_endian;	/* from the ELF header */
	int			addr_size;	/* 4 or 8, from the ELF class */
};

/* A section by its ELF name, and its place in struct dwarf_sections. */
struct dwarf_sect_name {
	const char	*name;
	size_t		 off;		/* offsetof(struct dwarf_sections, ...) */
};

/*
 * The sections of an object or debug file, .debug_info first, that
 * struct dwarf_sections holds: dwarf_nsect_names of them.
 */
extern const struct dwarf_sect_name	dwarf_sect_names[];
extern const size_t			dwarf_nsect_names;

/*
 * Prepare a reader.  The section bytes must stay valid until
 * dwarf_close(); the reader copies the struct.  Returns NULL only when
 * there is no .debug_info at all.
 *
 * alt, when not NULL, is the reader of the alternate file: the common
 * file dwz makes (.gnu_debugaltlink), whose strings and DIEs the forms
 * DW_FORM_GNU_strp_alt and DW_FORM_GNU_ref_alt (DWARF 5: strp_sup,
 * ref_sup4, ref_sup8) point into.  It must outlive this reader and have
 * no alternate of its own.  Without one, those values are unknown.
 */
struct dwarf	*dwarf_open(const struct dwarf_sections *, struct dwarf *);

/*
 * Opens the split DWARF file (.dwo) a skeleton unit names: the unit's
 * compilation directory (NULL when unknown) and the name.  On success
 * it fills the sections found there (.debug_info.dwo as info, and so
 * on) and returns 0; the bytes must stay valid until dwarf_close().
 * Returns -1 when there is no such file.
 */
typedef int	(*dwarf_dwo_fn)(void *, const char *, const char *,
		    struct dwarf_sections *);

/*
 * Let the reader open the .dwo files of skeleton units, each when an
 * address first lands in its unit.  Without this, or without the file,
 * such a unit still has its lines, and its functions come from the
 * symbol table.
 */
void		 dwarf_set_dwo(struct dwarf *, dwarf_dwo_fn, void *);

/*
 * Fill chain[0..max) with the inline chain of addr, innermost first:
 * chain[0] is the line-table row (file, line) with the innermost
 * (possibly inlined) function; each further entry names the caller with
 * the call file and line.  Returns the number filled, 0 when no unit
 * covers addr.  Strings are owned by the reader.
 */
size_t		 dwarf_lookup(struct dwarf *, uint64_t, struct sym_loc *,
		    size_t);
/*
 * Where the variable at key is defined: with tls 0 key is its address
 * (a DW_TAG_variable whose DW_AT_location is DW_OP_addr key), with tls 1
 * its offset in the TLS block (key, then DW_OP_GNU_push_tls_address or
 * DW_OP_form_tls_address).  *file gets its DW_AT_decl_file as the line
 * table names it (NULL when unknown), *line its DW_AT_decl_line, each
 * from the variable's DIE or those its DW_AT_specification or
 * DW_AT_abstract_origin chain leads to.  Returns 0, or -1 when no
 * variable there has a line.  The units are read in order, each once,
 * until one has the variable.
 */
int		 dwarf_variable(struct dwarf *, uint64_t, int, const char **,
		    unsigned long *);
/*
 * The first damage the reader has met in what it decoded: the section,
 * the offset in it and what was wrong.  Returns 1 the first time it is
 * asked after that, else 0, so that a caller says it once.
 */
int		 dwarf_damage(struct dwarf *, const char **, uint64_t *,
		    const char **);
void		 dwarf_close(struct dwarf *);

#endif /* MDUMP_DWARF_H */
