/*
 * cfi.c: find the call frame information row of a pc in a loaded
 * object, from its .eh_frame_hdr binary search table and its .eh_frame
 * CIE and FDE, as the LSB describes those sections and the DWARF
 * standard's call frame chapter the instructions; and evaluate the DWARF
 * expressions a row may hold.
 *
 * Contract: every read lies inside one readable segment of the object
 * (struct cfi_obj), every loop is bounded by the bytes it consumes or a
 * step count, so a damaged, truncated or lying .eh_frame makes cfi_find
 * say CFI_BAD or CFI_NOFDE, never fault or spin.  Only the search table
 * encoding every linker writes (4-byte signed offsets from the header)
 * is read; another one counts as CFI_BAD.
 *
 * What it does not do: know a register's meaning (the architecture file
 * does), cache anything (unwind.c does), or allocate.
 */
#include <string.h>

#include "cfi.h"

/* Pointer encodings (DW_EH_PE_*): format in the low nibble... */
#define PE_ABSPTR	0x00
#define PE_ULEB128	0x01
#define PE_UDATA2	0x02
#define PE_UDATA4	0x03
#define PE_UDATA8	0x04
#define PE_SLEB128	0x09
#define PE_SDATA2	0x0a
#define PE_SDATA4	0x0b
#define PE_SDATA8	0x0c
/* ...what it is relative to in the high one. */
#define PE_PCREL	0x10
#define PE_DATAREL	0x30
#define PE_INDIRECT	0x80
#define PE_OMIT		0xff

/* The search table as linkers write it: datarel | sdata4. */
#define TABLE_ENC	(PE_DATAREL | PE_SDATA4)

/* remember_state nesting kept; deeper nesting is CFI_BAD. */
#define MAXSTATE	8

/* Expression limits: stack depth and operations evaluated. */
#define EXPR_STACK	16
#define EXPR_STEPS	256

/* A cursor over one readable range; bad once a read went past it. */
struct rd {
	const uint8_t	*p;
	const uint8_t	*end;
	int		 bad;
};

/* The readable range holding [a, a + n), as a cursor; bad if none. */
static struct rd
rd_at(const struct cfi_obj *o, uintptr_t a, size_t n)
{
	struct rd r = { NULL, NULL, 1 };
	int i;

	for (i = 0; i < o->nseg; i++)
		if (a >= o->seg[i][0] && a < o->seg[i][1] &&
		    n <= o->seg[i][1] - a) {
			r.p = (const uint8_t *)a;
			r.end = (const uint8_t *)o->seg[i][1];
			r.bad = 0;
			break;
		}
	return r;
}

/* Narrow a cursor to its next n bytes, which must be there. */
static struct rd
rd_sub(struct rd *r, uint64_t n)
{
	struct rd s = *r;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		s.bad = r->bad = 1;
		return s;
	}
	s.end = r->p + n;
	r->p += n;
	return s;
}

static int
rd_need(struct rd *r, size_t n)
{
	if (r->bad || n > (size_t)(r->end - r->p)) {
		r->bad = 1;
		return 0;
	}
	return 1;
}

static uint64_t
rd_le(struct rd *r, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (!rd_need(r, n))
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

/*
 * A LEB128 number's bits, with *shift the bits it had and *last its
 * last byte; 0 with *shift 0 where the data ends first.
 */
static uint64_t
rd_leb(struct rd *r, unsigned *shift, uint8_t *last)
{
	uint64_t v = 0;
	uint8_t b;

	*shift = 0;
	do {
		if (!rd_need(r, 1)) {
			*shift = 0;
			return 0;
		}
		b = *r->p++;
		if (*shift < 64)
			v |= (uint64_t)(b & 0x7f) << *shift;
		*shift += 7;
	} while (b & 0x80);
	*last = b;
	return v;
}

static uint64_t
rd_uleb(struct rd *r)
{
	unsigned shift;
	uint8_t b;

	return rd_leb(r, &shift, &b);
}

static int64_t
rd_sleb(struct rd *r)
{
	unsigned shift;
	uint8_t b;
	uint64_t v = rd_leb(r, &shift, &b);

	if (shift != 0 && shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/*
 * A pointer in encoding enc.  Only what .eh_frame uses is known:
 * absolute, pc-relative and data-relative (base) values; indirect,
 * text- and function-relative ones make the cursor bad.
 */
static uintptr_t
rd_ptr(struct rd *r, uint8_t enc, uintptr_t base)
{
	uintptr_t at = (uintptr_t)r->p, v;

	switch (enc & 0x0f) {
	case PE_ABSPTR:
	case PE_UDATA8:
	case PE_SDATA8:
		v = (uintptr_t)rd_le(r, 8);
		break;
	case PE_ULEB128:
		v = (uintptr_t)rd_uleb(r);
		break;
	case PE_UDATA2:
		v = (uintptr_t)rd_le(r, 2);
		break;
	case PE_UDATA4:
		v = (uintptr_t)rd_le(r, 4);
		break;
	case PE_SLEB128:
		v = (uintptr_t)rd_sleb(r);
		break;
	case PE_SDATA2:
		v = (uintptr_t)(int16_t)rd_le(r, 2);
		break;
	case PE_SDATA4:
		v = (uintptr_t)(int32_t)rd_le(r, 4);
		break;
	default:
		r->bad = 1;
		return 0;
	}
	switch (enc & 0x70) {
	case 0:
		break;
	case PE_PCREL:
		v += at;
		break;
	case PE_DATAREL:
		v += base;
		break;
	default:
		r->bad = 1;
	}
	if (enc & PE_INDIRECT)
		r->bad = 1;
	return v;
}

/* What the CIE says, beside its initial instructions. */
struct cie {
	uint64_t	 code_align;
	int64_t		 data_align;
	uint8_t		 ra_reg;
	uint8_t		 fde_enc;
	int		 aug_z;
	int		 signal;
	struct rd	 ins;
};

/* An entry's length field; the cursor then spans the entry's body. */
static struct rd
entry(struct rd *r)
{
	uint64_t len;

	len = rd_le(r, 4);
	if (len == 0xffffffff)
		len = rd_le(r, 8);
	if (len == 0)
		r->bad = 1;	/* the terminator: no entry */
	return rd_sub(r, len);
}

static int
parse_cie(const struct cfi_obj *o, uintptr_t at, struct cie *c)
{
	struct rd r, b, aug;
	const char *s;
	uint8_t ver, penc;
	size_t slen;

	r = rd_at(o, at, 4);
	b = entry(&r);
	if (b.bad || rd_le(&b, 4) != 0)		/* CIE id 0 in .eh_frame */
		return -1;
	ver = (uint8_t)rd_le(&b, 1);
	if (b.bad || (ver != 1 && ver != 3))
		return -1;
	s = (const char *)b.p;
	if ((slen = strnlen(s, (size_t)(b.end - b.p))) == (size_t)(b.end - b.p))
		return -1;
	b.p += slen + 1;
	if (strstr(s, "eh") != NULL)
		return -1;	/* the old g++ "eh" data: not supported */
	c->code_align = rd_uleb(&b);
	c->data_align = rd_sleb(&b);
	c->ra_reg = (uint8_t)(ver == 1 ? rd_le(&b, 1) : rd_uleb(&b));
	c->fde_enc = PE_ABSPTR;
	c->aug_z = s[0] == 'z';
	c->signal = 0;
	if (c->aug_z) {
		aug = rd_sub(&b, rd_uleb(&b));
		for (s++; *s != '\0' && !aug.bad; s++)
			switch (*s) {
			case 'R':
				c->fde_enc = (uint8_t)rd_le(&aug, 1);
				break;
			case 'L':
				(void)rd_le(&aug, 1);
				break;
			case 'P':
				penc = (uint8_t)rd_le(&aug, 1);
				/* Skipped unread: its value is not needed. */
				(void)rd_ptr(&aug, penc & 0x0f, 0);
				break;
			case 'S':
				c->signal = 1;
				break;
			case 'B':
				break;
			default:
				/* Unknown: 'z' lets the rest be skipped. */
				s = " ";
				break;
			}
		if (aug.bad)
			return -1;
	} else if (s[0] != '\0')
		return -1;	/* an augmentation that cannot be skipped */
	if (b.bad || c->code_align == 0)
		return -1;
	c->ins = b;
	return 0;
}

static void
set_reg(struct cfi_row *row, uint64_t reg, uint8_t how, int64_t off)
{
	if (reg >= CFI_NREGS)
		return;		/* vector registers: not needed */
	row->reg[reg].how = how;
	row->reg[reg].off = off;
}

/* A block operand (expression): its bytes stay where they are. */
static void
set_block(struct rd *r, struct cfi_row *row, uint64_t reg, uint8_t how)
{
	uint64_t n = rd_uleb(r);
	struct rd b = rd_sub(r, n);

	if (b.bad)
		return;
	if (reg == (uint64_t)-1) {
		row->cfa_expr = 1;
		row->expr = b.p;
		row->exprlen = (uint32_t)n;
	} else if (reg < CFI_NREGS) {
		row->reg[reg].how = how;
		row->reg[reg].expr = b.p;
		row->reg[reg].len = (uint32_t)n;
	}
}

/*
 * Run call frame instructions until the location passes pc.  init is
 * the row after the CIE's instructions (for DW_CFA_restore).  Returns
 * 0 with row set, 1 if pc was passed (row set), -1 on damage.
 */
static int
run(struct rd r, const struct cie *c, uintptr_t *loc, uintptr_t pc,
    struct cfi_row *row, const struct cfi_row *init)
{
	struct cfi_row saved[MAXSTATE];
	int nsaved = 0;
	uint64_t reg, delta;
	uint8_t op;

	while (r.p < r.end && !r.bad) {
		op = *r.p++;
		delta = 0;
		switch (op >> 6) {
		case 1:			/* advance_loc */
			delta = op & 0x3f;
			break;
		case 2:			/* offset */
			set_reg(row, op & 0x3f, CFI_OFFSET,
			    (int64_t)rd_uleb(&r) * c->data_align);
			continue;
		case 3:			/* restore */
			if (init != NULL && (op & 0x3f) < CFI_NREGS)
				row->reg[op & 0x3f] = init->reg[op & 0x3f];
			continue;
		}
		if (op >> 6 == 0)
			switch (op) {
			case 0x00:	/* nop */
				break;
			case 0x01:	/* set_loc */
				*loc = rd_ptr(&r, c->fde_enc, 0);
				if (*loc > pc)
					return 1;
				break;
			case 0x02:	/* advance_loc1 */
				delta = rd_le(&r, 1);
				break;
			case 0x03:	/* advance_loc2 */
				delta = rd_le(&r, 2);
				break;
			case 0x04:	/* advance_loc4 */
				delta = rd_le(&r, 4);
				break;
			case 0x05:	/* offset_extended */
				reg = rd_uleb(&r);
				set_reg(row, reg, CFI_OFFSET,
				    (int64_t)rd_uleb(&r) * c->data_align);
				break;
			case 0x06:	/* restore_extended */
				reg = rd_uleb(&r);
				if (init != NULL && reg < CFI_NREGS)
					row->reg[reg] = init->reg[reg];
				break;
			case 0x07:	/* undefined */
				set_reg(row, rd_uleb(&r), CFI_UNDEF, 0);
				break;
			case 0x08:	/* same_value */
				set_reg(row, rd_uleb(&r), CFI_SAME, 0);
				break;
			case 0x09:	/* register */
				reg = rd_uleb(&r);
				delta = rd_uleb(&r);
				if (reg < CFI_NREGS && delta < CFI_NREGS) {
					row->reg[reg].how = CFI_REG;
					row->reg[reg].reg = (uint8_t)delta;
				} else if (reg < CFI_NREGS)
					row->reg[reg].how = CFI_UNDEF;
				delta = 0;
				break;
			case 0x0a:	/* remember_state */
				if (nsaved == MAXSTATE)
					return -1;
				saved[nsaved++] = *row;
				break;
			case 0x0b:	/* restore_state */
				if (nsaved == 0)
					return -1;
				/* The CFA is part of the state too. */
				*row = saved[--nsaved];
				break;
			case 0x0c:	/* def_cfa */
				row->cfa_reg = (uint8_t)rd_uleb(&r);
				row->cfa_off = (int64_t)rd_uleb(&r);
				row->cfa_expr = 0;
				break;
			case 0x0d:	/* def_cfa_register */
				row->cfa_reg = (uint8_t)rd_uleb(&r);
				row->cfa_expr = 0;
				break;
			case 0x0e:	/* def_cfa_offset */
				row->cfa_off = (int64_t)rd_uleb(&r);
				break;
			case 0x0f:	/* def_cfa_expression */
				set_block(&r, row, (uint64_t)-1, 0);
				break;
			case 0x10:	/* expression */
				reg = rd_uleb(&r);
				set_block(&r, row, reg, CFI_EXPR);
				break;
			case 0x11:	/* offset_extended_sf */
				reg = rd_uleb(&r);
				set_reg(row, reg, CFI_OFFSET,
				    rd_sleb(&r) * c->data_align);
				break;
			case 0x12:	/* def_cfa_sf */
				row->cfa_reg = (uint8_t)rd_uleb(&r);
				row->cfa_off = rd_sleb(&r) * c->data_align;
				row->cfa_expr = 0;
				break;
			case 0x13:	/* def_cfa_offset_sf */
				row->cfa_off = rd_sleb(&r) * c->data_align;
				break;
			case 0x14:	/* val_offset */
				reg = rd_uleb(&r);
				set_reg(row, reg, CFI_VALOFF,
				    (int64_t)rd_uleb(&r) * c->data_align);
				break;
			case 0x15:	/* val_offset_sf */
				reg = rd_uleb(&r);
				set_reg(row, reg, CFI_VALOFF,
				    rd_sleb(&r) * c->data_align);
				break;
			case 0x16:	/* val_expression */
				reg = rd_uleb(&r);
				set_block(&r, row, reg, CFI_VALEXPR);
				break;
			case 0x2d:	/* AARCH64_negate_ra_state */
				row->ra_signed ^= 1;
				break;
			case 0x2e:	/* GNU_args_size */
				(void)rd_uleb(&r);
				break;
			case 0x2f:	/* GNU_negative_offset_extended */
				reg = rd_uleb(&r);
				set_reg(row, reg, CFI_OFFSET,
				    -(int64_t)rd_uleb(&r) * c->data_align);
				break;
			default:
				return -1;
			}
		if (delta != 0) {
			*loc += delta * c->code_align;
			if (*loc > pc)
				return 1;
		}
	}
	return r.bad ? -1 : 0;
}

/* The FDE offset of the last table entry at or below pc, or 0. */
static uintptr_t
search(const struct cfi_obj *o, uintptr_t pc, int *bad)
{
	struct rd r;
	uint8_t enc_ptr, enc_cnt, enc_tab;
	uint64_t count, lo, hi, mid;
	const uint8_t *tab;
	int32_t v;

	r = rd_at(o, o->hdr, 4);
	if (rd_le(&r, 1) != 1) {
		*bad = 1;
		return 0;
	}
	enc_ptr = (uint8_t)rd_le(&r, 1);
	enc_cnt = (uint8_t)rd_le(&r, 1);
	enc_tab = (uint8_t)rd_le(&r, 1);
	(void)rd_ptr(&r, enc_ptr, o->hdr);
	count = rd_ptr(&r, enc_cnt, o->hdr);
	if (r.bad || enc_tab != TABLE_ENC || enc_cnt == PE_OMIT ||
	    count == 0 || count > (uint64_t)(r.end - r.p) / 8) {
		*bad = 1;
		return 0;
	}
	tab = r.p;
	/* Entries are sorted: find the last start <= pc. */
	lo = 0;
	hi = count;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		memcpy(&v, tab + 8 * mid, 4);
		if (o->hdr + (intptr_t)v <= pc)
			lo = mid;
		else
			hi = mid;
	}
	memcpy(&v, tab + 8 * lo, 4);
	if (o->hdr + (intptr_t)v > pc)
		return 0;
	memcpy(&v, tab + 8 * lo + 4, 4);
	return o->hdr + (intptr_t)v;
}

/*
 * The row of pc in object o.  The CFA starts undefined (register 0xff);
 * registers the instructions do not name keep CFI_SAME.
 */
enum cfi_status
cfi_find(const struct cfi_obj *o, uintptr_t pc, struct cfi_row *row)
{
	struct rd r, b, ins;
	struct cfi_row init;
	struct cie c;
	uintptr_t fde, start, range, loc, cieat;
	uint32_t cieoff;
	int bad = 0, k;

	if (o->hdr == 0)
		return CFI_NONE;
	if ((fde = search(o, pc, &bad)) == 0)
		return bad ? CFI_BAD : CFI_NOFDE;
	r = rd_at(o, fde, 8);
	b = entry(&r);
	cieat = (uintptr_t)b.p;
	cieoff = (uint32_t)rd_le(&b, 4);
	if (b.bad || cieoff == 0 || cieoff > cieat)
		return CFI_BAD;
	if (parse_cie(o, cieat - cieoff, &c) == -1)
		return CFI_BAD;
	start = rd_ptr(&b, c.fde_enc, 0);
	range = rd_ptr(&b, c.fde_enc & 0x0f, 0);
	if (c.aug_z)
		(void)rd_sub(&b, rd_uleb(&b));
	if (b.bad)
		return CFI_BAD;
	if (pc < start || pc - start >= range)
		return CFI_NOFDE;
	memset(row, 0, sizeof(*row));
	row->cfa_reg = 0xff;
	row->ra_reg = c.ra_reg;
	row->signal = c.signal;
	loc = start;
	if ((k = run(c.ins, &c, &loc, pc, row, NULL)) == -1)
		return CFI_BAD;
	init = *row;
	ins = b;
	if (k == 0 && run(ins, &c, &loc, pc, row, &init) == -1)
		return CFI_BAD;
	return CFI_FOUND;
}

/*
 * The DWARF expression evaluator: the operations call frame expressions
 * use (register-based addresses, constants, arithmetic, comparisons,
 * dereference, branches), with a bounded stack and step count.
 */
int
cfi_eval(const uint8_t *p, uint32_t len, cfi_regval_fn regval,
    cfi_read_fn rdmem, void *arg, int pushinit, uintptr_t push,
    uintptr_t *out)
{
	struct rd r = { p, p + len, 0 };
	uintptr_t st[EXPR_STACK], a, b;
	int sp = 0, steps = 0;
	int64_t off;
	uint8_t op;

	if (pushinit)
		st[sp++] = push;
	while (r.p < r.end && !r.bad) {
		if (++steps > EXPR_STEPS)
			return -1;
		op = *r.p++;
		if (op >= 0x30 && op <= 0x4f) {		/* lit0..31 */
			if (sp == EXPR_STACK)
				return -1;
			st[sp++] = op - 0x30;
			continue;
		}
		if (op >= 0x70 && op <= 0x8f) {		/* breg0..31 */
			off = rd_sleb(&r);
			if (sp == EXPR_STACK || regval(arg, op - 0x70, &a) != 0)
				return -1;
			st[sp++] = a + (uintptr_t)off;
			continue;
		}
		switch (op) {
		case 0x08: case 0x09: case 0x0a: case 0x0b:	/* const1-2 */
		case 0x0c: case 0x0d: case 0x0e: case 0x0f:	/* const4-8 */
		case 0x10: case 0x11:				/* constu/s */
			if (sp == EXPR_STACK)
				return -1;
			switch (op) {
			case 0x08: a = rd_le(&r, 1); break;
			case 0x09: a = (uintptr_t)(int8_t)rd_le(&r, 1); break;
			case 0x0a: a = rd_le(&r, 2); break;
			case 0x0b: a = (uintptr_t)(int16_t)rd_le(&r, 2); break;
			case 0x0c: a = rd_le(&r, 4); break;
			case 0x0d: a = (uintptr_t)(int32_t)rd_le(&r, 4); break;
			case 0x0e: case 0x0f: a = rd_le(&r, 8); break;
			case 0x10: a = rd_uleb(&r); break;
			default: a = (uintptr_t)rd_sleb(&r); break;
			}
			st[sp++] = a;
			continue;
		case 0x12:	/* dup */
			if (sp < 1 || sp == EXPR_STACK)
				return -1;
			st[sp] = st[sp - 1];
			sp++;
			continue;
		case 0x13:	/* drop */
			if (sp < 1)
				return -1;
			sp--;
			continue;
		case 0x14:	/* over */
			if (sp < 2 || sp == EXPR_STACK)
				return -1;
			st[sp] = st[sp - 2];
			sp++;
			continue;
		case 0x16:	/* swap */
			if (sp < 2)
				return -1;
			a = st[sp - 1];
			st[sp - 1] = st[sp - 2];
			st[sp - 2] = a;
			continue;
		case 0x06:	/* deref */
			if (sp < 1 || rdmem(arg, st[sp - 1], &st[sp - 1]) != 0)
				return -1;
			continue;
		case 0x1f:	/* neg */
		case 0x20:	/* not */
			if (sp < 1)
				return -1;
			st[sp - 1] = op == 0x1f ? -st[sp - 1] : ~st[sp - 1];
			continue;
		case 0x23:	/* plus_uconst */
			if (sp < 1)
				return -1;
			st[sp - 1] += rd_uleb(&r);
			continue;
		case 0x2f:	/* skip */
		case 0x28:	/* bra */
			off = (int16_t)rd_le(&r, 2);
			if (op == 0x28) {
				if (sp < 1)
					return -1;
				if (st[--sp] == 0)
					continue;
			}
			if (off < p - r.p || off > r.end - r.p)
				return -1;
			r.p += off;
			continue;
		}
		/* Binary operators. */
		if (sp < 2)
			return -1;
		b = st[--sp];
		a = st[sp - 1];
		switch (op) {
		case 0x1a: a &= b; break;			/* and */
		case 0x1c: a -= b; break;			/* minus */
		case 0x1e: a *= b; break;			/* mul */
		case 0x21: a |= b; break;			/* or */
		case 0x22: a += b; break;			/* plus */
		case 0x24: a = b < 64 ? a << b : 0; break;	/* shl */
		case 0x25: a = b < 64 ? a >> b : 0; break;	/* shr */
		case 0x26:					/* shra */
			a = (uintptr_t)((intptr_t)a >> (b < 63 ? b : 63));
			break;
		case 0x27: a ^= b; break;			/* xor */
		case 0x29: a = a == b; break;			/* eq */
		case 0x2a: a = (intptr_t)a >= (intptr_t)b; break;	/* ge */
		case 0x2b: a = (intptr_t)a > (intptr_t)b; break;	/* gt */
		case 0x2c: a = (intptr_t)a <= (intptr_t)b; break;	/* le */
		case 0x2d: a = (intptr_t)a < (intptr_t)b; break;	/* lt */
		case 0x2e: a = a != b; break;			/* ne */
		default:
			return -1;
		}
		st[sp - 1] = a;
	}
	if (r.bad || sp < 1)
		return -1;
	*out = st[sp - 1];
	return 0;
}
