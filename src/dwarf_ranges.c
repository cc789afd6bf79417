/*
 * dwarf_ranges.c: address ranges of DIEs and of whole units.
 *
 * A DIE covers addresses through DW_AT_low_pc/DW_AT_high_pc or through
 * DW_AT_ranges, which points into .debug_ranges (DWARF 2-4) or
 * .debug_rnglists (DWARF 5, directly or by index).  Units are also
 * listed in .debug_aranges when the compiler emits it.  This file only
 * lists ranges; sorting and searching them is the callers' business.
 * Empty and inverted ranges are dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarf_impl.h"
#include "xmalloc.h"

/* Range list entry kinds of .debug_rnglists. */
#define DW_RLE_end_of_list	0x00
#define DW_RLE_base_addressx	0x01
#define DW_RLE_startx_endx	0x02
#define DW_RLE_startx_length	0x03
#define DW_RLE_offset_pair	0x04
#define DW_RLE_base_address	0x05
#define DW_RLE_start_end	0x06
#define DW_RLE_start_length	0x07

static void
rvec_push(struct dw_rvec *rv, uint64_t lo, uint64_t hi)
{
	if (lo >= hi)
		return;
	if (rv->n == rv->cap) {
		rv->cap = rv->cap ? rv->cap * 2 : 16;
		rv->v = xreallocarray(rv->v, rv->cap, sizeof(*rv->v));
	}
	rv->v[rv->n].lo = lo;
	rv->v[rv->n].hi = hi;
	rv->n++;
}

void
dw_rvec_free(struct dw_rvec *rv)
{
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
}

/* Take one range-list entry from the reader's budget; -1 when spent. */
static int
range_spend(struct dwarf *d)
{
	if (d->range_budget == 0)
		return -1;
	d->range_budget--;
	return 0;
}

/*
 * A DWARF 2-4 list in .debug_ranges: address pairs relative to a base,
 * a pair with an all-ones start selecting a new base, (0, 0) ending it.
 * Every entry consumes bytes, so the section bounds the loop, and the
 * reader's budget (DW_RANGES_REUSE) the lists read again.
 */
static void
ranges_v4(struct dwarf *d, struct dw_unit *u, uint64_t off,
    struct dw_rvec *rv)
{
	struct buf b;
	uint64_t lo, hi, base = u->base, ones;

	ones = u->addr_size == 8 ? UINT64_MAX :
	    ((uint64_t)1 << (u->addr_size * 8)) - 1;
	dw_buf(d, &b, &d->s.ranges);
	if (off > b.len || buf_seek(&b, (size_t)off) == -1)
		return;
	for (;;) {
		if (range_spend(d) == -1)
			return;
		lo = buf_uint(&b, u->addr_size);
		hi = buf_uint(&b, u->addr_size);
		if (b.err || (lo == 0 && hi == 0))
			return;
		if (lo == ones)
			base = hi;
		else
			rvec_push(rv, base + lo, base + hi);
	}
}

/* An address from .debug_addr by index; 0 (no range) when outside. */
static uint64_t
addrx(struct dwarf *d, struct dw_unit *u, uint64_t idx, int *ok)
{
	struct dw_val v;
	uint64_t a;

	v.cls = DW_V_ADDRX;
	v.u = idx;
	if (dw_val_addr(d, u, &v, &a) == -1) {
		*ok = 0;
		return 0;
	}
	return a;
}

/* A DWARF 5 list in .debug_rnglists; entries bound the loop as above. */
static void
ranges_v5(struct dwarf *d, struct dw_unit *u, uint64_t off,
    struct dw_rvec *rv)
{
	struct buf b;
	uint64_t base = u->base, lo, hi;
	int kind, ok;

	dw_buf(d, &b, &d->s.rnglists);
	if (off > b.len || buf_seek(&b, (size_t)off) == -1)
		return;
	for (;;) {
		if (range_spend(d) == -1)
			return;
		ok = 1;
		kind = buf_u8(&b);
		if (b.err || kind == DW_RLE_end_of_list)
			return;
		switch (kind) {
		case DW_RLE_base_addressx:
			base = addrx(d, u, buf_uleb(&b), &ok);
			continue;
		case DW_RLE_startx_endx:
			lo = addrx(d, u, buf_uleb(&b), &ok);
			hi = addrx(d, u, buf_uleb(&b), &ok);
			break;
		case DW_RLE_startx_length:
			lo = addrx(d, u, buf_uleb(&b), &ok);
			hi = lo + buf_uleb(&b);
			break;
		case DW_RLE_offset_pair:
			lo = base + buf_uleb(&b);
			hi = base + buf_uleb(&b);
			break;
		case DW_RLE_base_address:
			base = buf_uint(&b, u->addr_size);
			continue;
		case DW_RLE_start_end:
			lo = buf_uint(&b, u->addr_size);
			hi = buf_uint(&b, u->addr_size);
			break;
		case DW_RLE_start_length:
			lo = buf_uint(&b, u->addr_size);
			hi = lo + buf_uleb(&b);
			break;
		default:
			return;
		}
		if (!b.err && ok)
			rvec_push(rv, lo, hi);
	}
}

/* Where a DW_AT_ranges value points, or UINT64_MAX. */
static uint64_t
ranges_offset(struct dwarf *d, struct dw_unit *u, const struct dw_val *v)
{
	const struct dwarf_sect *s = &d->s.rnglists;
	uint64_t base = u->rng_base, idx = v->u;

	/* A split unit's offsets before DWARF 5 are from its skeleton's base. */
	if (v->cls == DW_V_SECOFF || v->cls == DW_V_CONST)
		return v->u + u->ranges_bias < v->u ? UINT64_MAX :
		    v->u + u->ranges_bias;
	if (v->cls != DW_V_RNGLISTX || !u->has_rng_base || s->p == NULL)
		return UINT64_MAX;
	/* The offsets table after the base is relative to the base. */
	if (base > s->len || idx > (s->len - base) / u->off_size ||
	    base + (idx + 1) * u->off_size > s->len)
		return UINT64_MAX;
	return base + buf_get(s->p + base + idx * u->off_size, u->off_size,
	    d->s.big_endian);
}

/* List the ranges a DIE covers into rv (emptied first); its count. */
int
dw_die_ranges(struct dwarf *d, struct dw_unit *u, const struct dw_die *die,
    struct dw_rvec *rv)
{
	uint64_t lo, hi, off;

	rv->n = 0;
	if (die->v[DW_S_LOW].cls != DW_V_NONE && die->v[DW_S_HIGH].cls != DW_V_NONE) {
		if (dw_val_addr(d, u, &die->v[DW_S_LOW], &lo) == -1)
			return 0;
		if (die->v[DW_S_HIGH].cls == DW_V_CONST || die->v[DW_S_HIGH].cls == DW_V_SCONST)
			hi = lo + die->v[DW_S_HIGH].u;
		else if (dw_val_addr(d, u, &die->v[DW_S_HIGH], &hi) == -1)
			return 0;
		rvec_push(rv, lo, hi);
	} else if (die->v[DW_S_RANGES].cls != DW_V_NONE) {
		if ((off = ranges_offset(d, u, &die->v[DW_S_RANGES])) == UINT64_MAX)
			return 0;
		if (u->version >= 5)
			ranges_v5(d, u, off, rv);
		else
			ranges_v4(d, u, off, rv);
	}
	return (int)(rv->n > INT32_MAX ? INT32_MAX : rv->n);
}

/* The index of the unit whose header is at off, or the unit count. */
static size_t
unit_at_header(struct dwarf *d, uint64_t off)
{
	size_t lo = 0, hi = d->nunits, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->units[mid].off == off)
			return mid;
		if (d->units[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return d->nunits;
}

static void
ar_push(struct dwarf *d, size_t *cap, uint64_t lo, uint64_t hi, size_t unit)
{
	if (lo >= hi)
		return;
	if (d->nar == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		d->ar = xreallocarray(d->ar, *cap, sizeof(*d->ar));
	}
	d->ar[d->nar].lo = lo;
	d->ar[d->nar].hi = hi;
	d->ar[d->nar].unit = unit;
	d->nar++;
}

/* Read one address range set (header and tuples) at b. */
static int
aranges_set(struct dwarf *d, struct buf *b, size_t *cap)
{
	uint64_t len, infooff, lo, n;
	size_t start = b->pos, end, unit, asz, offsz = 4;

	if ((len = buf_u32(b)) == 0xffffffffu) {
		offsz = 8;
		len = buf_u64(b);
	}
	if (b->err || len > buf_left(b))
		return -1;
	end = b->pos + (size_t)len;
	buf_u16(b);	/* version 2 only; nothing else depends on it */
	infooff = buf_uint(b, offsz);
	asz = buf_u8(b);
	buf_u8(b);	/* segment selector size, unused on ELF targets */
	if (b->err || (asz != 2 && asz != 4 && asz != 8))
		return buf_seek(b, end);
	/* Tuples start at a multiple of their own size from the set. */
	if ((b->pos - start) % (2 * asz) != 0)
		buf_skip(b, 2 * asz - (b->pos - start) % (2 * asz));
	unit = unit_at_header(d, infooff);
	while (b->pos + 2 * asz <= end) {
		lo = buf_uint(b, asz);
		n = buf_uint(b, asz);
		if (lo == 0 && n == 0)
			break;
		if (unit < d->nunits && lo + n >= lo)
			ar_push(d, cap, lo, lo + n, unit);
	}
	return buf_seek(b, end);
}

/*
 * List .debug_aranges, then add the ranges of every compile, skeleton
 * or partial unit it does not mention from the unit's root DIE, as
 * compilers that skip .debug_aranges (clang) leave them out.
 */
void
dw_aranges_load(struct dwarf *d)
{
	struct dwarf *dd = d;
	struct buf b;
	struct dw_unit *u;
	struct dw_die die;
	uint8_t *seen;
	size_t cap = 0, i, j;

	dw_buf(d, &b, &d->s.aranges);
	while (buf_left(&b) > 0)
		if (aranges_set(d, &b, &cap) == -1)
			break;
	seen = xcalloc(d->nunits, 1);
	for (i = 0; i < d->nar; i++)
		seen[d->ar[i].unit] = 1;
	for (i = 0; i < d->nunits; i++) {
		u = &d->units[i];
		if (seen[i] || (u->type != DW_UT_compile &&
		    u->type != DW_UT_partial && u->type != DW_UT_skeleton))
			continue;
		if (dw_die_at(&dd, u->die_off, &u, &die) == -1)
			continue;
		dw_die_ranges(d, u, &die, &d->rv);
		for (j = 0; j < d->rv.n; j++)
			ar_push(d, &cap, d->rv.v[j].lo, d->rv.v[j].hi, i);
	}
	free(seen);
}
