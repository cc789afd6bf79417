/*
 * dwarf.c: the DWARF reader's entry points: open, lookup, close.
 *
 * Opening indexes the unit headers and the units' address ranges (from
 * .debug_aranges, else from each unit's root DIE), sorted once.  A
 * lookup finds the unit by binary search, decodes its line program and
 * function tree the first time an address lands in it, and builds the
 * inline chain from those without allocating.  The reader never prints
 * and never fails on damaged input: it answers with what it could read.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarf_impl.h"
#include "xmalloc.h"

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

/*
 * Prepare a reader over the caller's section bytes (which must outlive
 * it), with its alternate file's reader if any.  Returns NULL when there
 * is no .debug_info.
 */
struct dwarf *
dwarf_open(const struct dwarf_sections *s, struct dwarf *alt)
{
	struct dwarf *d;

	if (s->info.p == NULL || s->info.len == 0)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->s = *s;
	/* Units read their root DIEs below: the alternate comes first. */
	if (alt != NULL && alt->alt == NULL)
		d->alt = alt;
	/* An entry takes 4 bytes at least in .debug_ranges, 1 in rnglists. */
	d->range_budget = DW_RANGES_REUSE *
	    ((uint64_t)s->ranges.len / 4 + (uint64_t)s->rnglists.len);
	dw_units_scan(d);
	dw_aranges_load(d);
	if (d->nar > 1)
		qsort(d->ar, d->nar, sizeof(*d->ar), ar_cmp);
	return d;
}

/* The unit covering addr, decoded; NULL when none does. */
static struct dw_unit *
unit_for(struct dwarf *d, uint64_t addr)
{
	size_t lo = 0, hi = d->nar, mid, i;
	struct dw_unit *u = NULL;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->ar[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
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
		if (dw_root_read(d, u) == 0) {
			dw_lines_decode(d, u);
			dw_funcs_decode(d, u);
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
	chain[0].function = dw_func_name(d, f);
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
		chain[n].function = dw_func_name(d, f);
	}
	return n;
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
	free(d->units);
	free(d->ar);
	dw_rvec_free(&d->rv);
	u64map_free(&d->origin_names);
	free(d);
}
