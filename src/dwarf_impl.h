/*
 * dwarf_impl.h: what the DWARF reader's own files share.
 *
 * The on-disk constants are defined here from the DWARF 2-5 standards
 * (no <dwarf.h>), together with the in-memory model: units with their
 * header and root-DIE fields, abbreviation tables, decoded line tables
 * and function trees.  Nothing outside src/dwarf*.c includes this file.
 */
#ifndef MDUMP_DWARF_IMPL_H
#define MDUMP_DWARF_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "u64map.h"
#include "dwarf.h"

/* Tags. */
#define DW_TAG_variable			0x34
#define DW_TAG_inlined_subroutine	0x1d
#define DW_TAG_subprogram		0x2e
#define DW_TAG_entry_point		0x03

/* Attributes. */
#define DW_AT_sibling			0x01
#define DW_AT_name			0x03
#define DW_AT_location			0x02
#define DW_AT_stmt_list			0x10
#define DW_AT_low_pc			0x11
#define DW_AT_high_pc			0x12
#define DW_AT_comp_dir			0x1b
#define DW_AT_decl_file			0x3a
#define DW_AT_decl_line			0x3b
#define DW_AT_abstract_origin		0x31
#define DW_AT_specification		0x47
#define DW_AT_ranges			0x55
#define DW_AT_call_file			0x58
#define DW_AT_call_line			0x59
#define DW_AT_linkage_name		0x6e
#define DW_AT_str_offsets_base		0x72
#define DW_AT_addr_base			0x73
#define DW_AT_rnglists_base		0x74
#define DW_AT_dwo_name			0x76
#define DW_AT_MIPS_linkage_name		0x2007
#define DW_AT_GNU_dwo_name		0x2130
#define DW_AT_GNU_dwo_id		0x2131
#define DW_AT_GNU_ranges_base		0x2132
#define DW_AT_GNU_addr_base		0x2133

/* Forms. */
#define DW_FORM_addr			0x01
#define DW_FORM_block2			0x03
#define DW_FORM_block4			0x04
#define DW_FORM_data2			0x05
#define DW_FORM_data4			0x06
#define DW_FORM_data8			0x07
#define DW_FORM_string			0x08
#define DW_FORM_block			0x09
#define DW_FORM_block1			0x0a
#define DW_FORM_data1			0x0b
#define DW_FORM_flag			0x0c
#define DW_FORM_sdata			0x0d
#define DW_FORM_strp			0x0e
#define DW_FORM_udata			0x0f
#define DW_FORM_ref_addr		0x10
#define DW_FORM_ref1			0x11
#define DW_FORM_ref2			0x12
#define DW_FORM_ref4			0x13
#define DW_FORM_ref8			0x14
#define DW_FORM_ref_udata		0x15
#define DW_FORM_indirect		0x16
#define DW_FORM_sec_offset		0x17
#define DW_FORM_exprloc			0x18
#define DW_FORM_flag_present		0x19
#define DW_FORM_strx			0x1a
#define DW_FORM_addrx			0x1b
#define DW_FORM_ref_sup4		0x1c
#define DW_FORM_strp_sup		0x1d
#define DW_FORM_data16			0x1e
#define DW_FORM_line_strp		0x1f
#define DW_FORM_ref_sig8		0x20
#define DW_FORM_implicit_const		0x21
#define DW_FORM_loclistx		0x22
#define DW_FORM_rnglistx		0x23
#define DW_FORM_ref_sup8		0x24
#define DW_FORM_strx1			0x25
#define DW_FORM_strx2			0x26
#define DW_FORM_strx3			0x27
#define DW_FORM_strx4			0x28
#define DW_FORM_addrx1			0x29
#define DW_FORM_addrx2			0x2a
#define DW_FORM_addrx3			0x2b
#define DW_FORM_addrx4			0x2c
#define DW_FORM_GNU_addr_index		0x1f01
#define DW_FORM_GNU_str_index		0x1f02
#define DW_FORM_GNU_ref_alt		0x1f20
#define DW_FORM_GNU_strp_alt		0x1f21

/* Location expression operations (dwarf_var.c). */
#define DW_OP_addr			0x03
#define DW_OP_const4u			0x0c
#define DW_OP_const8u			0x0e
#define DW_OP_constu			0x10
#define DW_OP_form_tls_address		0x9b
#define DW_OP_addrx			0xa1
#define DW_OP_GNU_push_tls_address	0xe0
#define DW_OP_GNU_addr_index		0xfb

/* Unit types (DWARF 5). */
#define DW_UT_compile			0x01
#define DW_UT_type			0x02
#define DW_UT_partial			0x03
#define DW_UT_skeleton			0x04
#define DW_UT_split_compile		0x05
#define DW_UT_split_type		0x06

/*
 * Bounds on what the input controls.  Real compilers stay far below
 * each: DIE trees nest a few dozen levels (namespaces, classes, blocks,
 * inlines), origin chains are one or two links long, and no abbreviation
 * has more than a few dozen attributes.
 */
#define DW_MAX_DEPTH		1024	/* DIE nesting levels */
#define DW_MAX_ORIGIN		16	/* abstract_origin/specification links */
#define DW_MAX_ATTRS		512	/* attributes of one abbreviation */
#define DW_MAX_INDIRECT		4	/* DW_FORM_indirect nested in itself */
/*
 * Range list entries one reader reads in all, as a multiple of what the
 * two sections can hold.  Compilers point one DIE at each list, and the
 * reader reads a unit's own list twice at most (for the unit index and
 * for its functions); many DIEs of a crafted file pointing at one long
 * list would otherwise cost DIEs times entries.
 */
#define DW_RANGES_REUSE		4

#define DW_NONE			UINT32_MAX

/* What an attribute value is, after its form is decoded. */
enum dw_cls {
	DW_V_NONE,
	DW_V_ADDR,	/* u: address */
	DW_V_ADDRX,	/* u: index into .debug_addr */
	DW_V_CONST,	/* u: unsigned constant */
	DW_V_SCONST,	/* u: sign-extended constant */
	DW_V_STR,	/* s: string in place */
	DW_V_STRP,	/* u: offset into .debug_str */
	DW_V_LSTRP,	/* u: offset into .debug_line_str */
	DW_V_STRX,	/* u: index into .debug_str_offsets */
	DW_V_REF,	/* u: offset from the unit header */
	DW_V_REFADDR,	/* u: offset in .debug_info */
	DW_V_SECOFF,	/* u: offset into some other section */
	DW_V_RNGLISTX,	/* u: index into the unit's range list offsets */
	DW_V_STRP_ALT,	/* u: offset into the alternate file's .debug_str */
	DW_V_REF_ALT,	/* u: offset in the alternate file's .debug_info */
	DW_V_BLOCK,	/* s: u bytes in the section (blocks, exprloc) */
	DW_V_OTHER	/* blocks, flags, signatures, alternate files */
};

struct dw_val {
	enum dw_cls	 cls;
	uint64_t	 u;
	const char	*s;
};

struct dw_attrspec {
	uint32_t	 name;
	uint32_t	 form;
	int64_t		 implicit;	/* DW_FORM_implicit_const value */
	/*
	 * Worked out once when the abbreviation is read, as every DIE of
	 * a unit repeats them: where the value goes in struct dw_die (an
	 * enum dw_slot; DW_S_NONE when the reader does not keep it), and
	 * the bytes the form takes (form_size()).
	 */
	uint16_t	 slot;
	int16_t		 size;
};

struct dw_abbrev {
	uint64_t	 code;
	uint32_t	 tag;
	uint32_t	 first;		/* index of the first attribute spec */
	uint32_t	 nattrs;
	int32_t		 fixed;		/* bytes of all attributes, or -1 */
	uint8_t		 children;
};

/*
 * An abbreviation table, parsed once for all the units that share it
 * (dwz and LTO output do): the reader keeps each by its offset and the
 * unit fields form_size() depends on.
 */
struct dw_abbrevs {
	struct dw_abbrev	*v;
	size_t			 n;
	struct dw_attrspec	*a;
	size_t			 na;
	uint32_t		*dense;	/* code -> index, when codes are dense */
	size_t			 ndense;
	uint64_t		 off;	/* the key */
	uint16_t		 version;
	uint8_t			 addr_size, off_size;
	int			 bad;	/* damaged: units using it fail */
	struct dw_abbrevs	*same;	/* next with the same offset */
	struct dw_abbrevs	*all;	/* next of the reader's, to free */
};

/* One line-table row; end_sequence rows are kept in dw_seq.hi only. */
struct dw_row {
	uint64_t	 addr;
	uint32_t	 file;
	uint32_t	 line;
};

/*
 * Lookups first search a compact index holding the address of every
 * DW_LINE_STRIDE-th row, which stays in cache, and then at most that
 * many rows: a binary search over all rows of a big unit would miss
 * the cache at nearly every step.
 */
#define DW_LINE_STRIDE	16

struct dw_seq {
	uint64_t	 lo, hi;
	size_t		 first, n;	/* rows, sorted by address */
	size_t		 skip;		/* its first entry in dw_lines.skip */
};

/*
 * A file entry of a line table.  Its path is joined on first use by a
 * unit (dw_lines_file()), as the compilation directory is the unit's:
 * decoding joins nothing, so a table of many entries costs no more than
 * its bytes.
 */
struct dw_lfile {
	const char	*name;
	const char	*dir;		/* "" when none */
	int		 cd;		/* the compilation directory goes first */
};

/*
 * A decoded line program, shared by the units whose DW_AT_stmt_list
 * names it (partial and type units share their unit's).
 */
struct dw_lines {
	struct dw_row	*rows;
	size_t		 nrows;
	struct dw_seq	*seqs;
	size_t		 nseqs;
	uint64_t	*skip;		/* every DW_LINE_STRIDE-th address */
	struct dw_lfile	*files;
	size_t		 nfiles;
	int		 v5;		/* file indices count from 0 */
	uint64_t	 off;		/* the key: offset in .debug_line */
	struct dw_lines	*all;		/* next of the reader's, to free */
};

/*
 * A joined path longer than this is taken for unknown: no system opens
 * a longer one (PATH_MAX is 4096 on Linux, 1024 on OpenBSD), and it
 * bounds what one file entry can cost.
 */
#define DW_MAX_PATH	4096

/* A subprogram or inlined_subroutine DIE that covers some addresses. */
struct dw_func {
	const char	*name;		/* NULL until resolved */
	uint64_t	 origin;	/* DIE to take the name from, or none */
	uint32_t	 parent;	/* enclosing function, or DW_NONE */
	uint32_t	 call_file;
	uint32_t	 call_line;
	uint8_t		 inlined;
	uint8_t		 named;		/* name lookup done */
};

/* A maximal address interval whose innermost function is func. */
struct dw_seg {
	uint64_t	 lo, hi;
	uint32_t	 func;
};

struct dw_funcs {
	struct dw_func	*v;
	size_t		 n;
	struct dw_seg	*segs;
	size_t		 nsegs;
};

struct dw_range {
	uint64_t	 lo, hi;
};

/* A growable list of ranges, reused between DIEs to avoid allocation. */
struct dw_rvec {
	struct dw_range	*v;
	size_t		 n, cap;
};

struct dw_unit {
	size_t		 off;		/* header offset in .debug_info */
	size_t		 die_off;	/* first DIE */
	size_t		 end;		/* one past the unit */
	uint64_t	 abbrev_off;
	uint16_t	 version;
	uint8_t		 type;
	uint8_t		 addr_size;
	uint8_t		 off_size;	/* 4 or 8 */

	int		 root;		/* 0 unread, 1 read, -1 damaged */
	const char	*comp_dir;
	uint64_t	 base;		/* DW_AT_low_pc: range list base */
	uint64_t	 stmt_list;
	int		 has_stmt;
	uint64_t	 str_base, addr_base, rng_base;
	int		 has_rng_base;
	/*
	 * Split DWARF.  A skeleton unit names its .dwo file and the id
	 * the unit there must have (from the header in DWARF 5, from
	 * DW_AT_GNU_dwo_id before), and before DWARF 5 the base its split
	 * unit's DW_AT_ranges offsets are relative to; the split unit
	 * keeps that base in ranges_bias.
	 */
	const char	*dwo_name;
	uint64_t	 dwo_id;
	int		 has_dwo_id;
	uint64_t	 gnu_rng_base;
	uint64_t	 ranges_bias;

	struct dw_abbrevs *ab;		/* shared; NULL until loaded */

	/* Set when an address first lands in the unit. */
	int		 decoded;
	struct dw_lines	*lines;		/* shared; NULL: none */
	struct dw_funcs	*funcs;		/* owned */
	struct dwarf	*fd;		/* the reader funcs' DIEs are in */
	struct u64map	 paths;		/* file index -> joined path, owned */
};

struct dw_arange {
	uint64_t	 lo, hi;
	size_t		 unit;
};

struct dwarf {
	struct dwarf_sections	 s;
	struct dw_unit		*units;
	size_t			 nunits;
	struct dw_arange	*ar;
	size_t			 nar;
	struct dw_rvec		 rv;	/* scratch for range lists */
	uint64_t		 range_budget;	/* entries left to read */
	/*
	 * The dwz common file (dwarf_open()'s alt); not owned.  Its DIE
	 * offsets, as dw_val_ref() returns them, carry DW_ALT_BIT.
	 */
	struct dwarf		*alt;
	/* Names found through origin chains, by the chain's first DIE. */
	struct u64map		 origin_names;
	/* Shared tables: abbreviations and line programs by offset. */
	struct u64map		 abbrevs;
	struct dw_abbrevs	*abbrev_list;
	struct u64map		 lines;
	struct dw_lines		*line_list;
	/* Split DWARF: how to open a .dwo, and the readers of those open. */
	dwarf_dwo_fn		 dwo_fn;
	void			*dwo_arg;
	struct u64map		 splits;	/* by .debug_info.dwo bytes */
	struct dwarf		*split_list;
	struct dwarf		*next_split;
	/* Variables by address, built as lookups need (dwarf_var.c). */
	struct dw_vars		*vars;
	/* The first damage met (dw_damaged()), for dwarf_damage(). */
	const char		*dmg_sect;	/* NULL: none */
	uint64_t		 dmg_off;
	const char		*dmg_what;
	int			 dmg_told;	/* dwarf_damage() said it */
};

/* Marks a DIE offset as one in the alternate file. */
#define DW_ALT_BIT	(UINT64_C(1) << 63)

/* The attributes of a DIE the reader keeps, by their slot in dw_die. */
enum dw_slot {
	DW_S_NONE,		/* not kept */
	DW_S_LOW, DW_S_HIGH, DW_S_RANGES, DW_S_NAME, DW_S_LINKAGE,
	DW_S_ORIGIN, DW_S_SPEC, DW_S_CALL_FILE, DW_S_CALL_LINE, DW_S_STMT,
	DW_S_COMP_DIR, DW_S_STR_BASE, DW_S_ADDR_BASE, DW_S_RNG_BASE,
	DW_S_DWO_NAME, DW_S_DWO_ID, DW_S_GNU_RNG_BASE,
	DW_NSLOTS
};

/* The fields of one DIE the reader cares about. */
struct dw_die {
	size_t		 off;		/* in .debug_info */
	uint32_t	 tag;
	int		 children;
	struct dw_val	 v[DW_NSLOTS];	/* by enum dw_slot; cls DW_V_NONE
					   when absent */
};

/* dwarf_unit.c */
/*
 * Note damage at offset off of section sect (".debug_info" and so on):
 * what was read before it stays, and the first is kept for -v.
 */
void		 dw_damaged(struct dwarf *, const char *, uint64_t,
		    const char *);
void		 dw_units_scan(struct dwarf *);
struct dw_unit	*dw_unit_by_off(struct dwarf *, uint64_t);
int		 dw_abbrev_load(struct dwarf *, struct dw_unit *);
void		 dw_abbrevs_free(struct dwarf *);
int		 dw_root_read(struct dwarf *, struct dw_unit *);
int		 dw_form_read(const struct dw_unit *, struct buf *, uint32_t,
		    int64_t, struct dw_val *);
int		 dw_die_begin(struct dw_unit *, struct buf *,
		    const struct dw_abbrev **);
int		 dw_die_attrs(struct dw_unit *, struct buf *,
		    const struct dw_abbrev *, struct dw_die *);
int		 dw_die_skip(struct dw_unit *, struct buf *,
		    const struct dw_abbrev *);
int		 dw_die_at(struct dwarf **, uint64_t, struct dw_unit **,
		    struct dw_die *);
const char	*dw_val_str(struct dwarf *, struct dw_unit *,
		    const struct dw_val *);
int		 dw_val_addr(struct dwarf *, struct dw_unit *,
		    const struct dw_val *, uint64_t *);
uint64_t	 dw_val_ref(struct dw_unit *, const struct dw_val *);
const char	*dw_sect_str(const struct dwarf_sect *, uint64_t);
void		 dw_buf(struct dwarf *, struct buf *, const struct dwarf_sect *);

/* dwarf_ranges.c */
int		 dw_die_ranges(struct dwarf *, struct dw_unit *,
		    const struct dw_die *, struct dw_rvec *);
void		 dw_aranges_load(struct dwarf *);
void		 dw_rvec_free(struct dw_rvec *);

/* dwarf_line.c */
int		 dw_lines_decode(struct dwarf *, struct dw_unit *);
const struct dw_row *dw_lines_find(const struct dw_lines *, uint64_t);
const char	*dw_lines_file(struct dw_unit *, uint64_t);
void		 dw_lines_unit_free(struct dw_unit *);
void		 dw_lines_free(struct dwarf *);

/* dwarf_var.c */
void		 dw_vars_free(struct dwarf *);

/* dwarf_func.c */
int		 dw_funcs_decode(struct dwarf *, struct dw_unit *,
		    struct dw_funcs *);
uint32_t	 dw_funcs_find(const struct dw_funcs *, uint64_t);
const char	*dw_func_name(struct dwarf *, struct dw_func *);
void		 dw_funcs_free(struct dw_funcs *);

#endif /* MDUMP_DWARF_IMPL_H */
