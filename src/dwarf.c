/*
 * dwarf.c: the DWARF reader's entry points: open, lookup, close.
 *
 * Opening indexes the unit headers and the units' address ranges (from
 * .debug_aranges, else from each unit's root DIE), sorted once.  A
 * lookup finds the unit by binary search, decodes its line program and
 * function tree the first time an address lands in it, and builds the
 * inline chain from those without allocating.  A skeleton unit of split
 * DWARF takes its function tree from its .dwo, read by a reader of its
 * own over that file's sections.  The reader never prints and never
 * fails on damaged input: it answers with what it could read.
 */
#include <stdlib.h>
#include <string.h>

#include "bsearch.h"
#include "dwarf_impl.h"
#include "sym.h"
#include "xmalloc.h"

const struct dwarf_sect_name dwarf_sect_names[] = {
	{ ".debug_info", offsetof(struct dwarf_sections, info) },
	{ ".debug_abbrev", offsetof(struct dwarf_sections, abbrev) },
	{ ".debug_str", offsetof(struct dwarf_sections, str) },
	{ ".debug_line", offsetof(struct dwarf_sections, line) },
	{ ".debug_line_str", offsetof(struct dwarf_sections, line_str) },
	{ ".debug_ranges", offsetof(struct dwarf_sections, ranges) },
	{ ".debug_rnglists", offsetof(struct dwarf_sections, rnglists) },
	{ ".debug_aranges", offsetof(struct dwarf_sections, aranges) },
	{ ".debug_addr", offsetof(struct dwarf_sections, addr) },
	{ ".debug_str_offsets", offsetof(struct dwarf_sections, str_offsets) },
};
const size_t dwarf_nsect_names =
    sizeof(dwarf_sect_names) / sizeof(dwarf_sect_names[0]);

/*
 * Unit ranges should not overlap, but a linker's leftovers (code
 * removed by --gc-sections, kept at address 0) can make them.  A lookup
 * looks back over at most this many ranges that start below the
 * address for one that covers it.
 */
#define AR_LOOKBACK	8

static int
ar_cmp(const void *a, const void *b)
{
	const struct dw_arange *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* A reader with its units indexed, none read yet. */
static struct dwarf *
reader_new(const struct dwarf_sections *s)
{
	struct dwarf *d;

	if (s->info.p == NULL || s->info.len == 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->s = *s;
	/* An entry takes 4 bytes at least in .debug_ranges, 1 in rnglists. */
	d->range_budget = DW_RANGES_REUSE *
	    ((uint64_t)s->ranges.len / 4 + (uint64_t)s->rnglists.len);
	dw_units_scan(d);
	return d;
}

/*
 * Prepare a reader over the caller's section bytes (which must outlive
 * it), with its alternate file's reader if any.  Returns NULL when there
 * is no .debug_info.
 */
struct dwarf *
dwarf_open(const struct dwarf_sections *s, struct dwarf *alt)
{
	struct dwarf *d;

	if ((d = reader_new(s)) == NULL)
		return NULL;
	/* Units read their root DIEs below: the alternate comes first. */
	if (alt != NULL && alt->alt == NULL)
		d->alt = alt;
	dw_aranges_load(d);
	if (d->nar > 1)
		qsort(d->ar, d->nar, sizeof(*d->ar), ar_cmp);
	return d;
}

void
dwarf_set_dwo(struct dwarf *d, dwarf_dwo_fn fn, void *arg)
{
	if (d != NULL) {
		d->dwo_fn = fn;
		d->dwo_arg = arg;
	}
}

/*
 * The size of the header of a DWARF 5 table section (.debug_str_offsets
 * 8 or 16, .debug_rnglists 12 or 20, by the offset size its length
 * says): a split unit's tables start after the header of the only
 * table of its file.
 */
static uint64_t
table_header(const struct dwarf_sect *s, int be, uint64_t small)
{
	if (s->p == NULL || s->len < 4)
		return small;
	return buf_get32(s->p, be) == 0xffffffffu ? small + 8 : small;
}

/* Make u, a unit of the .dwo reader sub, the split unit of skel. */
static int
split_unit(struct dwarf *sub, struct dw_unit *u, const struct dw_unit *skel)
{
	int be = sub->s.big_endian;

	if (u->root != 0)
		return -1;
	u->addr_base = skel->addr_base;
	if (u->version >= 5) {
		u->str_base = table_header(&sub->s.str_offsets, be, 8);
		u->rng_base = table_header(&sub->s.rnglists, be, 12);
		u->has_rng_base = 1;
	} else
		u->ranges_bias = skel->gnu_rng_base;
	if (dw_root_read(sub, u) == -1)
		return -1;
	if (u->has_dwo_id && skel->has_dwo_id && u->dwo_id != skel->dwo_id)
		return -1;
	return 0;
}

/*
 * Decode the functions of skeleton unit u from its .dwo, into u->funcs;
 * -1 when there is no .dwo or no unit there that matches.  A .dwo that
 * several skeletons name is read once: only a crafted file does that.
 */
static int
split_decode(struct dwarf *d, struct dw_unit *u)
{
	struct dwarf_sections ds;
	struct dwarf *sub;
	size_t i;

	memset(&ds, 0, sizeof(ds));
	if (d->dwo_fn == NULL || u->dwo_name == NULL ||
	    d->dwo_fn(d->dwo_arg, u->comp_dir, u->dwo_name, &ds) == -1 ||
	    ds.info.p == NULL)
		return -1;
	if ((sub = u64map_get(&d->splits, (uintptr_t)ds.info.p)) == NULL) {
		/* Addresses and old range lists stay in the main file. */
		ds.addr = d->s.addr;
		if (ds.ranges.p == NULL)
			ds.ranges = d->s.ranges;
		ds.big_endian = d->s.big_endian;
		ds.addr_size = d->s.addr_size;
		/* No address index: the skeleton has the ranges. */
		if ((sub = reader_new(&ds)) == NULL)
			return -1;
		(void)u64map_put(&d->splits, (uintptr_t)ds.info.p, sub);
		sub->next_split = d->split_list;
		d->split_list = sub;
	}
	for (i = 0; i < sub->nunits; i++)
		if ((sub->units[i].type == DW_UT_split_compile ||
		    (sub->units[i].version < 5 &&
		    sub->units[i].type == DW_UT_compile)) &&
		    split_unit(sub, &sub->units[i], u) == 0) {
			dw_funcs_decode(sub, &sub->units[i], u->funcs);
			u->fd = sub;
			return 0;
		}
	return -1;
}

/* The unit covering addr, decoded; NULL when none does. */
static struct dw_unit *
unit_for(struct dwarf *d, uint64_t addr)
{
	size_t lo, i;
	struct dw_unit *u = NULL;

	lo = BS_UPPER(d->ar, d->nar, struct dw_arange, lo, addr);
	for (i = lo; i > 0 && lo - i < AR_LOOKBACK; i--)
		if (addr < d->ar[i - 1].hi) {
			u = &d->units[d->ar[i - 1].unit];
			break;
		}
	if (u == NULL)
		return NULL;
	if (!u->decoded) {
		u->decoded = 1;
		u->funcs = xcalloc(1, sizeof(*u->funcs));
		u->fd = d;
		if (dw_root_read(d, u) == -1)
			dw_damaged(d, ".debug_info", u->die_off,
			    "unreadable unit DIE or abbreviations");
		else {
			dw_lines_decode(d, u);
			if (u->dwo_name == NULL || split_decode(d, u) == -1)
				dw_funcs_decode(d, u, u->funcs);
		}
	}
	return u;
}

/*
 * Fill chain[0..max) with the inline chain of addr, innermost first.
 * The strings belong to the reader.  Returns the number filled, 0 when
 * no unit covers addr.
 */
size_t
dwarf_lookup(struct dwarf *d, uint64_t addr, struct sym_loc *chain,
    size_t max)
{
	struct dw_unit *u;
	const struct dw_row *row;
	struct dw_func *f;
	uint32_t fi;
	size_t n;

	if (d == NULL || max == 0 || (u = unit_for(d, addr)) == NULL)
		return 0;
	row = u->lines != NULL ? dw_lines_find(u->lines, addr) : NULL;
	chain[0].file = row != NULL ? dw_lines_file(u, row->file) : NULL;
	chain[0].line = row != NULL ? row->line : 0;
	chain[0].function = NULL;
	if ((fi = dw_funcs_find(u->funcs, addr)) == DW_NONE)
		return 1;
	f = &u->funcs->v[fi];
	chain[0].function = dw_func_name(u->fd, f);
	/* Parent links point outward, to lower indices: the walk ends. */
	for (n = 1; n < max && f->inlined; n++) {
		chain[n].file = dw_lines_file(u, f->call_file);
		chain[n].line = f->call_line;
		chain[n].function = NULL;
		if (f->parent == DW_NONE || f->parent >= fi) {
			n++;
			break;
		}
		fi = f->parent;
		f = &u->funcs->v[fi];
		chain[n].function = dw_func_name(u->fd, f);
	}
	return n;
}

void
dw_damaged(struct dwarf *d, const char *sect, uint64_t off, const char *what)
{
	if (d->dmg_sect != NULL)
		return;
	d->dmg_sect = sect;
	d->dmg_off = off;
	d->dmg_what = what;
}

int
dwarf_damage(struct dwarf *d, const char **sect, uint64_t *off,
    const char **what)
{
	if (d == NULL || d->dmg_sect == NULL || d->dmg_told)
		return 0;
	d->dmg_told = 1;
	*sect = d->dmg_sect;
	*off = d->dmg_off;
	*what = d->dmg_what;
	return 1;
}

void
dwarf_close(struct dwarf *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nunits; i++) {
		dw_lines_unit_free(&d->units[i]);
		if (d->units[i].funcs != NULL) {
			dw_funcs_free(d->units[i].funcs);
			free(d->units[i].funcs);
		}
	}
	dw_abbrevs_free(d);
	dw_lines_free(d);
	while (d->split_list != NULL) {
		struct dwarf *sub = d->split_list;

		d->split_list = sub->next_split;
		dwarf_close(sub);
	}
	u64map_free(&d->splits);
	free(d->units);
	free(d->ar);
	dw_rvec_free(&d->rv);
	u64map_free(&d->origin_names);
	dw_vars_free(d);
	free(d);
}
