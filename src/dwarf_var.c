/*
 * dwarf_var.c: where a variable of static storage is defined.
 *
 * A variable with a fixed place (a global, a file-static, a function-
 * static, a thread-local) has a DW_TAG_variable DIE whose DW_AT_location
 * is one DW_OP_addr (DW_OP_addrx in split units), or for a thread-local
 * a constant offset followed by DW_OP_GNU_push_tls_address or
 * DW_OP_form_tls_address.  Such DIEs lie at any depth: a function's
 * static variables are its children.  The index from address (and from
 * TLS offset) to DIE is built as lookups need it: the units are walked
 * in .debug_info order, each once and flatly (attributes of other DIEs
 * are stepped over), until the unit holding the address has been read.
 * A lookup of an address that no variable has reads the rest once.  The
 * first DIE of an address counts.
 *
 * The place is DW_AT_decl_file and DW_AT_decl_line, of the DIE or of
 * those its DW_AT_specification or DW_AT_abstract_origin leads to (at
 * most DW_MAX_ORIGIN links), the file named through the line table of
 * the unit of the DIE that gives it, as frames' files are.  Damage ends
 * the walk of a unit with what was indexed before it.
 */
#include <stdlib.h>
#include <string.h>

#include "dwarf_impl.h"
#include "xmalloc.h"

struct dw_vars {
	struct u64map	 data;		/* address -> DIE offset + 1 */
	struct u64map	 tls;		/* TLS offset -> DIE offset + 1 */
	size_t		 next;		/* units before it are indexed */
};

/* The attributes of a variable DIE that matter here. */
struct var_attrs {
	struct dw_val	 loc, file, line, spec, origin;
};

/* Decode the attributes of a DIE, keeping those of var_attrs. */
static int
var_attrs(struct dw_unit *u, struct buf *b, const struct dw_abbrev *ab,
    struct var_attrs *a)
{
	const struct dw_attrspec *as;
	struct dw_val junk, *v;
	uint32_t i;

	a->loc.cls = a->file.cls = a->line.cls = DW_V_NONE;
	a->spec.cls = a->origin.cls = DW_V_NONE;
	for (i = 0; i < ab->nattrs; i++) {
		as = &u->ab->a[ab->first + i];
		switch (as->name) {
		case DW_AT_location:		v = &a->loc; break;
		case DW_AT_decl_file:		v = &a->file; break;
		case DW_AT_decl_line:		v = &a->line; break;
		case DW_AT_specification:	v = &a->spec; break;
		case DW_AT_abstract_origin:	v = &a->origin; break;
		default:			v = NULL; break;
		}
		if (v == NULL && as->size >= 0) {
			if (buf_skip(b, (size_t)as->size) == -1)
				return -1;
		} else if (dw_form_read(u, b, as->form, as->implicit,
		    v != NULL ? v : &junk) == -1)
			return -1;
	}
	return 0;
}

/*
 * The place a location expression gives: 0 with an address in *key, 1
 * with a TLS offset, -1 when it is not one of those two shapes.
 */
static int
var_where(struct dwarf *d, struct dw_unit *u, const struct dw_val *loc,
    uint64_t *key)
{
	struct dw_val x;
	struct buf b;
	uint8_t op, next;

	if (loc->cls != DW_V_BLOCK || loc->s == NULL || loc->u == 0)
		return -1;
	buf_init(&b, loc->s, (size_t)loc->u, d->s.big_endian);
	switch ((op = buf_u8(&b))) {
	case DW_OP_addr:
		*key = buf_uint(&b, u->addr_size);
		break;
	case DW_OP_addrx:
	case DW_OP_GNU_addr_index:
		x.cls = DW_V_ADDRX;
		x.u = buf_uleb(&b);
		if (b.err || dw_val_addr(d, u, &x, key) == -1)
			return -1;
		break;
	case DW_OP_const4u:
		*key = buf_u32(&b);
		break;
	case DW_OP_const8u:
		*key = buf_u64(&b);
		break;
	case DW_OP_constu:
		*key = buf_uleb(&b);
		break;
	default:
		return -1;
	}
	if (b.err)
		return -1;
	if (buf_left(&b) == 0)
		return op == DW_OP_addr || op == DW_OP_addrx ||
		    op == DW_OP_GNU_addr_index ? 0 : -1;
	next = buf_u8(&b);
	if (buf_left(&b) == 0 && (next == DW_OP_GNU_push_tls_address ||
	    next == DW_OP_form_tls_address))
		return 1;
	return -1;
}

/* Index the variables of unit u with a place. */
static void
vars_scan(struct dwarf *d, struct dw_unit *u, struct dw_vars *V)
{
	const struct dw_abbrev *ab;
	struct var_attrs a;
	struct u64map *m;
	struct buf b;
	uint64_t key;
	size_t off;
	int w;

	if (u->type == DW_UT_type || u->type == DW_UT_split_type ||
	    dw_root_read(d, u) == -1)
		return;
	buf_init(&b, d->s.info.p, u->end, d->s.big_endian);
	if (buf_seek(&b, u->die_off) == -1)
		return;
	/* Each DIE takes a byte at least: the walk ends. */
	while (b.pos < u->end) {
		off = b.pos;
		if (dw_die_begin(u, &b, &ab) == -1)
			return;
		if (ab == NULL)
			continue;
		if (ab->tag != DW_TAG_variable) {
			if (dw_die_skip(u, &b, ab) == -1)
				return;
			continue;
		}
		if (var_attrs(u, &b, ab, &a) == -1)
			return;
		if ((w = var_where(d, u, &a.loc, &key)) == -1)
			continue;
		m = w == 1 ? &V->tls : &V->data;
		if (u64map_get(m, key) == NULL)
			(void)u64map_put(m, key, (void *)(uintptr_t)(off + 1));
	}
}

/* Read the variable attributes of the DIE at off, as dw_die_at() does. */
static int
var_at(struct dwarf **dp, uint64_t off, struct dw_unit **up,
    struct var_attrs *a)
{
	struct dwarf *d = *dp;
	const struct dw_abbrev *ab;
	struct dw_unit *u;
	struct buf b;

	if (off & DW_ALT_BIT) {
		if ((d = d->alt) == NULL || d->alt != NULL)
			return -1;
		off &= ~DW_ALT_BIT;
	}
	if ((u = dw_unit_by_off(d, off)) == NULL ||
	    dw_root_read(d, u) == -1)
		return -1;
	buf_init(&b, d->s.info.p, u->end, d->s.big_endian);
	if (buf_seek(&b, (size_t)off) == -1 ||
	    dw_die_begin(u, &b, &ab) == -1 || ab == NULL ||
	    var_attrs(u, &b, ab, a) == -1)
		return -1;
	*up = u;
	*dp = d;
	return 0;
}

/* A decl_file or decl_line value, or -1. */
static int
val_num(const struct dw_val *v, uint64_t *n)
{
	if (v->cls != DW_V_CONST && v->cls != DW_V_SCONST)
		return -1;
	*n = v->u;
	return 0;
}

/* The file and line of the DIE at off, or those it leads to. */
static int
var_decl(struct dwarf *d, uint64_t off, const char **file,
    unsigned long *line)
{
	struct var_attrs a;
	struct dw_unit *u;
	uint64_t n, next;
	int i, hasfile = 0;

	*file = NULL;
	*line = 0;
	for (i = 0; i <= DW_MAX_ORIGIN; i++) {
		if (var_at(&d, off, &u, &a) == -1)
			break;
		if (!hasfile && val_num(&a.file, &n) == 0) {
			hasfile = 1;
			if (u->lines == NULL)
				(void)dw_lines_decode(d, u);
			*file = dw_lines_file(u, n);
		}
		if (*line == 0 && val_num(&a.line, &n) == 0 &&
		    n <= UINT32_MAX)
			*line = (unsigned long)n;
		if (hasfile && *line != 0)
			break;
		if ((next = dw_val_ref(u, &a.spec)) == UINT64_MAX &&
		    (next = dw_val_ref(u, &a.origin)) == UINT64_MAX)
			break;
		off = next;
	}
	return *line != 0 ? 0 : -1;
}

int
dwarf_variable(struct dwarf *d, uint64_t key, int tls, const char **file,
    unsigned long *line)
{
	struct dw_vars *V;
	struct u64map *m;
	void *p;

	*file = NULL;
	*line = 0;
	if (d == NULL)
		return -1;
	if ((V = d->vars) == NULL)
		V = d->vars = xcalloc(1, sizeof(*V));
	m = tls ? &V->tls : &V->data;
	while ((p = u64map_get(m, key)) == NULL && V->next < d->nunits)
		vars_scan(d, &d->units[V->next++], V);
	if (p == NULL)
		return -1;
	return var_decl(d, (uint64_t)((uintptr_t)p - 1), file, line);
}

void
dw_vars_free(struct dwarf *d)
{
	if (d->vars == NULL)
		return;
	u64map_free(&d->vars->data);
	u64map_free(&d->vars->tls);
	free(d->vars);
	d->vars = NULL;
}
