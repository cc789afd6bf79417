/*
 * dwarf_unit.c: unit headers, abbreviation tables and attribute forms.
 *
 * This file walks the unit headers of .debug_info, parses a unit's
 * abbreviation table into arrays (indexed by code when the codes are
 * dense, as compilers make them), and decodes DIEs attribute by
 * attribute into the few values the reader needs.  It resolves string,
 * address and reference values through .debug_str, .debug_line_str,
 * .debug_str_offsets and .debug_addr.  It does not interpret the DIE
 * tree: dwarf_func.c does.  Nothing here trusts a length or an offset
 * it has not checked against its section.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarf_impl.h"
#include "xmalloc.h"

/* The smallest unit header (DWARF 2-4, 32-bit): length, version, etc. */
#define UNIT_MIN_HEADER	11

void
dw_buf(struct dwarf *d, struct buf *b, const struct dwarf_sect *s)
{
	buf_init(b, s->p, s->len, d->s.big_endian);
}

/* Read one unit header at b's position into u; -1 when unusable. */
static int
unit_header(struct buf *b, struct dw_unit *u)
{
	uint64_t len;

	memset(u, 0, sizeof(*u));
	u->off = b->pos;
	u->off_size = 4;
	if ((len = buf_u32(b)) == 0xffffffffu) {
		u->off_size = 8;
		len = buf_u64(b);
	} else if (len >= 0xfffffff0u)
		return -1;
	if (b->err || len > buf_left(b))
		return -1;
	u->end = b->pos + (size_t)len;
	u->version = buf_u16(b);
	u->type = DW_UT_compile;
	if (u->version >= 2 && u->version <= 4) {
		u->abbrev_off = buf_uint(b, u->off_size);
		u->addr_size = buf_u8(b);
	} else if (u->version == 5) {
		u->type = buf_u8(b);
		u->addr_size = buf_u8(b);
		u->abbrev_off = buf_uint(b, u->off_size);
		if (u->type == DW_UT_skeleton ||
		    u->type == DW_UT_split_compile) {
			u->dwo_id = buf_u64(b);
			u->has_dwo_id = 1;
		}
		else if (u->type == DW_UT_type || u->type == DW_UT_split_type)
			buf_skip(b, 8 + (size_t)u->off_size);
	} else
		u->type = 0;	/* Unknown version: dw_units_scan skips it. */
	u->die_off = b->pos;
	if (b->err || u->die_off > u->end)
		u->type = 0;
	if (u->addr_size != 2 && u->addr_size != 4 && u->addr_size != 8)
		u->type = 0;
	return 0;
}

/*
 * Index every unit header.  The count is bounded by the section size
 * over the smallest header; a damaged length ends the walk and keeps
 * the units before it.
 */
void
dw_units_scan(struct dwarf *d)
{
	struct buf b;
	struct dw_unit u;
	size_t cap = 0;

	dw_buf(d, &b, &d->s.info);
	while (buf_left(&b) >= UNIT_MIN_HEADER) {
		if (unit_header(&b, &u) == -1) {
			dw_damaged(d, ".debug_info", u.off,
			    "unit length past the section's end");
			break;
		}
		b.err = 0;
		/*
		 * A unit of unknown shape, or without a DIE, holds nothing
		 * to find: only its extent is kept, as the gap between the
		 * units around it, so that its header costs no memory.
		 */
		if (u.type != 0 && u.die_off < u.end) {
			if (d->nunits == cap) {
				cap = cap ? cap * 2 : 16;
				d->units = xreallocarray(d->units, cap,
				    sizeof(*d->units));
			}
			d->units[d->nunits++] = u;
		}
		if (buf_seek(&b, u.end) == -1)
			break;
	}
}

/* The unit whose DIEs hold .debug_info offset off, or NULL. */
struct dw_unit *
dw_unit_by_off(struct dwarf *d, uint64_t off)
{
	size_t lo = 0, hi = d->nunits, mid;
	struct dw_unit *u;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->units[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	u = &d->units[lo - 1];
	if (off < u->die_off || off >= u->end)
		return NULL;
	return u;
}

/* Bytes a form takes whatever its value: -1 variable, -2 unknown. */
static int
form_size(const struct dw_unit *u, uint32_t form)
{
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const:
		return 0;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag:
	case DW_FORM_strx1: case DW_FORM_addrx1:
		return 1;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2:
	case DW_FORM_addrx2:
		return 2;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		return 3;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4:
	case DW_FORM_addrx4: case DW_FORM_ref_sup4:
		return 4;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		return 8;
	case DW_FORM_data16:
		return 16;
	case DW_FORM_addr:
		return u->addr_size;
	case DW_FORM_ref_addr:
		/* DWARF 2 made ref_addr address-sized; 3 and later not. */
		return u->version <= 2 ? u->addr_size : u->off_size;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt:
	case DW_FORM_GNU_strp_alt:
		return u->off_size;
	case DW_FORM_string: case DW_FORM_block: case DW_FORM_block1:
	case DW_FORM_block2: case DW_FORM_block4: case DW_FORM_exprloc:
	case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata:
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_indirect:
	case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		return -1;
	default:
		return -2;
	}
}

static int
abbrev_cmp(const void *a, const void *b)
{
	const struct dw_abbrev *x = a, *y = b;

	return x->code < y->code ? -1 : x->code > y->code;
}

/*
 * Make the code -> abbreviation map.  Codes are normally 1..n; a table
 * indexed by code is used when it costs at most a few times the table.
 */
static void
abbrev_index(struct dw_abbrevs *t)
{
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].code > max)
			max = t->v[i].code;
	if (max <= 4 * (uint64_t)t->n + 64) {
		t->ndense = (size_t)max + 1;
		t->dense = xreallocarray(NULL, t->ndense, sizeof(*t->dense));
		for (i = 0; i < t->ndense; i++)
			t->dense[i] = DW_NONE;
		for (i = t->n; i > 0; i--)
			t->dense[t->v[i - 1].code] = (uint32_t)(i - 1);
	} else
		qsort(t->v, t->n, sizeof(*t->v), abbrev_cmp);
}

static const struct dw_abbrev *
abbrev_get(const struct dw_abbrevs *t, uint64_t code)
{
	size_t lo = 0, hi = t->n, mid;

	if (t->dense != NULL) {
		if (code >= t->ndense || t->dense[code] == DW_NONE)
			return NULL;
		return &t->v[t->dense[code]];
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->v[mid].code == code)
			return &t->v[mid];
		if (t->v[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Where in dw_die.v the value of an attribute goes; DW_S_NONE: nowhere. */
static uint16_t
die_slot(uint32_t name)
{
	switch (name) {
	case DW_AT_low_pc:		return DW_S_LOW;
	case DW_AT_high_pc:		return DW_S_HIGH;
	case DW_AT_ranges:		return DW_S_RANGES;
	case DW_AT_name:		return DW_S_NAME;
	case DW_AT_linkage_name:
	case DW_AT_MIPS_linkage_name:	return DW_S_LINKAGE;
	case DW_AT_abstract_origin:	return DW_S_ORIGIN;
	case DW_AT_specification:	return DW_S_SPEC;
	case DW_AT_call_file:		return DW_S_CALL_FILE;
	case DW_AT_call_line:		return DW_S_CALL_LINE;
	case DW_AT_stmt_list:		return DW_S_STMT;
	case DW_AT_comp_dir:		return DW_S_COMP_DIR;
	case DW_AT_str_offsets_base:	return DW_S_STR_BASE;
	case DW_AT_addr_base:
	case DW_AT_GNU_addr_base:	return DW_S_ADDR_BASE;
	case DW_AT_dwo_name:
	case DW_AT_GNU_dwo_name:	return DW_S_DWO_NAME;
	case DW_AT_GNU_dwo_id:		return DW_S_DWO_ID;
	case DW_AT_GNU_ranges_base:	return DW_S_GNU_RNG_BASE;
	case DW_AT_rnglists_base:	return DW_S_RNG_BASE;
	default:			return DW_S_NONE;
	}
}

/* Parse one attribute list into t; -1 on damage. */
static int
abbrev_attrs(const struct dw_unit *u, struct buf *b, struct dw_abbrevs *t,
    struct dw_abbrev *ab, size_t *acap)
{
	struct dw_attrspec *as;
	uint64_t name, form;
	int size;

	for (;;) {
		name = buf_uleb(b);
		form = buf_uleb(b);
		if (b->err)
			return -1;
		if (name == 0 && form == 0)
			return 0;
		if (ab->nattrs >= DW_MAX_ATTRS)
			return -1;
		if (t->na == *acap) {
			*acap = *acap ? *acap * 2 : 64;
			t->a = xreallocarray(t->a, *acap, sizeof(*t->a));
		}
		as = &t->a[t->na++];
		ab->nattrs++;
		as->name = name > UINT32_MAX ? 0 : (uint32_t)name;
		as->form = form > UINT32_MAX ? 0 : (uint32_t)form;
		as->implicit = 0;
		if (as->form == DW_FORM_implicit_const)
			as->implicit = buf_sleb(b);
		size = form_size(u, as->form);
		as->size = (int16_t)size;
		as->slot = die_slot(as->name);
		if (size < 0 || ab->fixed < 0)
			ab->fixed = -1;
		else
			ab->fixed += size;
	}
}

static int
abbrev_parse(struct dwarf *d, struct dw_unit *u, struct dw_abbrevs *t)
{
	struct buf b;
	struct dw_abbrev *ab;
	size_t cap = 0, acap = 0;
	uint64_t code;

	dw_buf(d, &b, &d->s.abbrev);
	if (u->abbrev_off > b.len || buf_seek(&b, (size_t)u->abbrev_off))
		return -1;
	/* Each declaration takes bytes, so the section bounds the loop. */
	for (;;) {
		code = buf_uleb(&b);
		if (b.err)
			return -1;
		if (code == 0)
			break;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 32;
			t->v = xreallocarray(t->v, cap, sizeof(*t->v));
		}
		ab = &t->v[t->n++];
		ab->code = code;
		code = buf_uleb(&b);
		ab->tag = code > UINT32_MAX ? 0 : (uint32_t)code;
		ab->children = buf_u8(&b);
		ab->first = (uint32_t)t->na;
		ab->nattrs = 0;
		ab->fixed = 0;
		if (t->na >= UINT32_MAX - DW_MAX_ATTRS ||
		    abbrev_attrs(u, &b, t, ab, &acap) == -1)
			return -1;
	}
	abbrev_index(t);
	return 0;
}

/*
 * Point u at its abbreviation table, parsed on first use by any unit
 * with the same offset and sizes; -1 when the table is damaged.
 */
int
dw_abbrev_load(struct dwarf *d, struct dw_unit *u)
{
	struct dw_abbrevs *t, *head;

	if (u->ab != NULL)
		return u->ab->bad ? -1 : 0;
	head = u64map_get(&d->abbrevs, u->abbrev_off);
	for (t = head; t != NULL; t = t->same)
		if (t->version == u->version && t->addr_size == u->addr_size &&
		    t->off_size == u->off_size)
			break;
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		t->off = u->abbrev_off;
		t->version = u->version;
		t->addr_size = u->addr_size;
		t->off_size = u->off_size;
		if (abbrev_parse(d, u, t) == -1) {
			free(t->v);
			free(t->a);
			free(t->dense);
			t->v = NULL;
			t->a = NULL;
			t->dense = NULL;
			t->n = t->na = t->ndense = 0;
			t->bad = 1;
		}
		t->same = head;
		(void)u64map_put(&d->abbrevs, t->off, t);
		t->all = d->abbrev_list;
		d->abbrev_list = t;
	}
	u->ab = t;
	return t->bad ? -1 : 0;
}

void
dw_abbrevs_free(struct dwarf *d)
{
	struct dw_abbrevs *t;

	while ((t = d->abbrev_list) != NULL) {
		d->abbrev_list = t->all;
		free(t->v);
		free(t->a);
		free(t->dense);
		free(t);
	}
	u64map_free(&d->abbrevs);
}

/* Decode one attribute value of the given form. */
int
dw_form_read(const struct dw_unit *u, struct buf *b, uint32_t form,
    int64_t implicit, struct dw_val *v)
{
	int n;
	uint64_t len;

	for (n = 0; form == DW_FORM_indirect; n++) {
		len = buf_uleb(b);
		if (n >= DW_MAX_INDIRECT || len > UINT32_MAX)
			return -1;
		form = (uint32_t)len;
	}
	v->cls = DW_V_OTHER;
	v->s = NULL;
	switch (form) {
	case DW_FORM_addr:
		v->cls = DW_V_ADDR;
		v->u = buf_uint(b, u->addr_size);
		break;
	case DW_FORM_addrx: case DW_FORM_GNU_addr_index:
		v->cls = DW_V_ADDRX;
		v->u = buf_uleb(b);
		break;
	case DW_FORM_addrx1: case DW_FORM_addrx2: case DW_FORM_addrx3:
	case DW_FORM_addrx4:
		v->cls = DW_V_ADDRX;
		v->u = buf_uint(b, form - DW_FORM_addrx1 + 1);
		break;
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4:
	case DW_FORM_data8: case DW_FORM_flag:
		v->cls = form == DW_FORM_flag ? DW_V_OTHER : DW_V_CONST;
		v->u = buf_uint(b, (size_t)form_size(u, form));
		break;
	case DW_FORM_udata:
		v->cls = DW_V_CONST;
		v->u = buf_uleb(b);
		break;
	case DW_FORM_sdata:
		v->cls = DW_V_SCONST;
		v->u = (uint64_t)buf_sleb(b);
		break;
	case DW_FORM_implicit_const:
		v->cls = DW_V_SCONST;
		v->u = (uint64_t)implicit;
		break;
	case DW_FORM_string:
		v->cls = DW_V_STR;
		v->s = buf_cstr(b);
		break;
	case DW_FORM_strp: case DW_FORM_line_strp:
	case DW_FORM_GNU_strp_alt: case DW_FORM_strp_sup:
		v->cls = form == DW_FORM_strp ? DW_V_STRP :
		    form == DW_FORM_line_strp ? DW_V_LSTRP : DW_V_STRP_ALT;
		v->u = buf_uint(b, u->off_size);
		break;
	case DW_FORM_GNU_ref_alt: case DW_FORM_ref_sup4: case DW_FORM_ref_sup8:
		v->cls = DW_V_REF_ALT;
		v->u = buf_uint(b, (size_t)form_size(u, form));
		break;
	case DW_FORM_strx: case DW_FORM_GNU_str_index:
		v->cls = DW_V_STRX;
		v->u = buf_uleb(b);
		break;
	case DW_FORM_strx1: case DW_FORM_strx2: case DW_FORM_strx3:
	case DW_FORM_strx4:
		v->cls = DW_V_STRX;
		v->u = buf_uint(b, form - DW_FORM_strx1 + 1);
		break;
	case DW_FORM_ref1: case DW_FORM_ref2: case DW_FORM_ref4:
	case DW_FORM_ref8:
		v->cls = DW_V_REF;
		v->u = buf_uint(b, (size_t)form_size(u, form));
		break;
	case DW_FORM_ref_udata:
		v->cls = DW_V_REF;
		v->u = buf_uleb(b);
		break;
	case DW_FORM_ref_addr:
		v->cls = DW_V_REFADDR;
		v->u = buf_uint(b, (size_t)form_size(u, form));
		break;
	case DW_FORM_sec_offset:
		v->cls = DW_V_SECOFF;
		v->u = buf_uint(b, u->off_size);
		break;
	case DW_FORM_rnglistx:
		v->cls = DW_V_RNGLISTX;
		v->u = buf_uleb(b);
		break;
	case DW_FORM_loclistx:
		v->u = buf_uleb(b);
		break;
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4:
	case DW_FORM_block: case DW_FORM_exprloc:
		len = form == DW_FORM_block1 ? buf_u8(b) :
		    form == DW_FORM_block2 ? buf_u16(b) :
		    form == DW_FORM_block4 ? buf_u32(b) : buf_uleb(b);
		/* The bytes stay in the section: s points at them. */
		v->cls = DW_V_BLOCK;
		v->u = len;
		v->s = (const char *)buf_bytes(b,
		    len > SIZE_MAX ? SIZE_MAX : (size_t)len);
		break;
	default:
		/* Fixed-size forms whose value the reader never needs. */
		if ((n = form_size(u, form)) < 0)
			return -1;
		buf_skip(b, (size_t)n);
		break;
	}
	return b->err ? -1 : 0;
}

/* Read the abbreviation code of the DIE at b; *ab NULL for a null entry. */
int
dw_die_begin(struct dw_unit *u, struct buf *b, const struct dw_abbrev **ab)
{
	uint64_t code;

	code = buf_uleb(b);
	if (b->err)
		return -1;
	if (code == 0) {
		*ab = NULL;
		return 0;
	}
	if ((*ab = abbrev_get(u->ab, code)) == NULL)
		return -1;
	return 0;
}

/* Step over the attributes of a DIE whose values are not needed. */
int
dw_die_skip(struct dw_unit *u, struct buf *b, const struct dw_abbrev *ab)
{
	const struct dw_attrspec *as;
	struct dw_val v;
	uint32_t i;

	if (ab->fixed >= 0)
		return buf_skip(b, (size_t)ab->fixed);
	/* No pointer arithmetic on the table, which is NULL when empty. */
	for (i = 0; i < ab->nattrs; i++) {
		as = &u->ab->a[ab->first + i];
		if (as->size >= 0) {
			if (buf_skip(b, (size_t)as->size) == -1)
				return -1;
		} else if (dw_form_read(u, b, as->form, as->implicit, &v) == -1)
			return -1;
	}
	return 0;
}

/* Decode the attributes of a DIE into die (tag and children included). */
int
dw_die_attrs(struct dw_unit *u, struct buf *b, const struct dw_abbrev *ab,
    struct dw_die *die)
{
	const struct dw_attrspec *as;
	struct dw_val junk;
	uint32_t i;

	die->tag = ab->tag;
	die->children = ab->children;
	for (i = 0; i < DW_NSLOTS; i++)
		die->v[i].cls = DW_V_NONE;
	/* No pointer arithmetic on the table, which is NULL when empty. */
	for (i = 0; i < ab->nattrs; i++) {
		as = &u->ab->a[ab->first + i];
		if (as->slot != DW_S_NONE) {
			if (dw_form_read(u, b, as->form, as->implicit,
			    &die->v[as->slot]) == -1)
				return -1;
		} else if (as->size >= 0) {
			/* Kept nowhere and of fixed size: step over it. */
			if (buf_skip(b, (size_t)as->size) == -1)
				return -1;
		} else if (dw_form_read(u, b, as->form, as->implicit,
		    &junk) == -1)
			return -1;
	}
	return 0;
}

/* A NUL-terminated string at off in s, or NULL. */
const char *
dw_sect_str(const struct dwarf_sect *s, uint64_t off)
{
	if (s->p == NULL || off >= s->len)
		return NULL;
	if (memchr(s->p + off, '\0', s->len - (size_t)off) == NULL)
		return NULL;
	return (const char *)s->p + off;
}

/* Read an offset_size entry idx of a table at base in s; -1 if outside. */
static int
table_get(struct dwarf *d, const struct dwarf_sect *s, uint64_t base,
    uint64_t idx, unsigned size, uint64_t *out)
{
	uint64_t off;

	if (s->p == NULL || base > s->len || idx > (s->len - base) / size)
		return -1;
	off = base + idx * size;
	if (off + size > s->len)
		return -1;
	*out = buf_get(s->p + off, size, d->s.big_endian);
	return 0;
}

const char *
dw_val_str(struct dwarf *d, struct dw_unit *u, const struct dw_val *v)
{
	uint64_t off;

	switch (v->cls) {
	case DW_V_STR:
		return v->s;
	case DW_V_STRP:
		return dw_sect_str(&d->s.str, v->u);
	case DW_V_LSTRP:
		return dw_sect_str(&d->s.line_str, v->u);
	case DW_V_STRP_ALT:
		return d->alt != NULL ? dw_sect_str(&d->alt->s.str, v->u) :
		    NULL;
	case DW_V_STRX:
		if (table_get(d, &d->s.str_offsets, u->str_base, v->u,
		    u->off_size, &off) == -1)
			return NULL;
		return dw_sect_str(&d->s.str, off);
	default:
		return NULL;
	}
}

int
dw_val_addr(struct dwarf *d, struct dw_unit *u, const struct dw_val *v,
    uint64_t *out)
{
	if (v->cls == DW_V_ADDR) {
		*out = v->u;
		return 0;
	}
	if (v->cls == DW_V_ADDRX)
		return table_get(d, &d->s.addr, u->addr_base, v->u,
		    u->addr_size, out);
	return -1;
}

/* The .debug_info offset a reference points at, or UINT64_MAX. */
uint64_t
dw_val_ref(struct dw_unit *u, const struct dw_val *v)
{
	if (v->cls == DW_V_REF && v->u < u->end - u->off)
		return u->off + v->u;
	if (v->cls == DW_V_REFADDR)
		return v->u;
	if (v->cls == DW_V_REF_ALT && v->u < DW_ALT_BIT)
		return v->u | DW_ALT_BIT;
	return UINT64_MAX;
}

/* A cursor over u's DIEs only, at offset off. */
static int
unit_cursor(struct dwarf *d, struct dw_unit *u, struct buf *b, size_t off)
{
	buf_init(b, d->s.info.p, u->end, d->s.big_endian);
	return buf_seek(b, off);
}

/*
 * Read the unit's root DIE once: the bases that other attributes are
 * relative to, the compilation directory and the line program offset.
 * The bases come first because strx/addrx values may precede them.
 */
int
dw_root_read(struct dwarf *d, struct dw_unit *u)
{
	struct buf b;
	const struct dw_abbrev *ab;
	struct dw_die die;

	if (u->root != 0)
		return u->root == 1 ? 0 : -1;
	u->root = -1;
	if (dw_abbrev_load(d, u) == -1 ||
	    unit_cursor(d, u, &b, u->die_off) == -1 ||
	    dw_die_begin(u, &b, &ab) == -1 || ab == NULL ||
	    dw_die_attrs(u, &b, ab, &die) == -1)
		return -1;
	u->root = 1;
	if (die.v[DW_S_STR_BASE].cls == DW_V_SECOFF || die.v[DW_S_STR_BASE].cls == DW_V_CONST)
		u->str_base = die.v[DW_S_STR_BASE].u;
	if (die.v[DW_S_ADDR_BASE].cls == DW_V_SECOFF ||
	    die.v[DW_S_ADDR_BASE].cls == DW_V_CONST)
		u->addr_base = die.v[DW_S_ADDR_BASE].u;
	if (die.v[DW_S_RNG_BASE].cls == DW_V_SECOFF || die.v[DW_S_RNG_BASE].cls == DW_V_CONST) {
		u->rng_base = die.v[DW_S_RNG_BASE].u;
		u->has_rng_base = 1;
	}
	if (die.v[DW_S_STMT].cls == DW_V_SECOFF || die.v[DW_S_STMT].cls == DW_V_CONST) {
		u->stmt_list = die.v[DW_S_STMT].u;
		u->has_stmt = 1;
	}
	u->comp_dir = dw_val_str(d, u, &die.v[DW_S_COMP_DIR]);
	u->dwo_name = dw_val_str(d, u, &die.v[DW_S_DWO_NAME]);
	if (die.v[DW_S_DWO_ID].cls == DW_V_CONST) {
		u->dwo_id = die.v[DW_S_DWO_ID].u;
		u->has_dwo_id = 1;
	}
	if (die.v[DW_S_GNU_RNG_BASE].cls == DW_V_SECOFF ||
	    die.v[DW_S_GNU_RNG_BASE].cls == DW_V_CONST)
		u->gnu_rng_base = die.v[DW_S_GNU_RNG_BASE].u;
	if (dw_val_addr(d, u, &die.v[DW_S_LOW], &u->base) == -1)
		u->base = 0;
	return 0;
}

/*
 * Read the DIE at .debug_info offset off, with the unit it lies in.  An
 * offset with DW_ALT_BIT is one in the alternate file: *dp becomes that
 * file's reader, as the DIE's strings and references are its own.
 */
int
dw_die_at(struct dwarf **dp, uint64_t off, struct dw_unit **up,
    struct dw_die *die)
{
	struct dwarf *d = *dp;
	struct dw_unit *u;
	struct buf b;
	const struct dw_abbrev *ab;

	if (off & DW_ALT_BIT) {
		/* The alternate file has no alternate of its own. */
		if ((d = d->alt) == NULL || d->alt != NULL)
			return -1;
		off &= ~DW_ALT_BIT;
	}
	if ((u = dw_unit_by_off(d, off)) == NULL ||
	    dw_root_read(d, u) == -1 ||
	    unit_cursor(d, u, &b, (size_t)off) == -1 ||
	    dw_die_begin(u, &b, &ab) == -1 || ab == NULL ||
	    dw_die_attrs(u, &b, ab, die) == -1)
		return -1;
	die->off = (size_t)off;
	*up = u;
	*dp = d;
	return 0;
}
