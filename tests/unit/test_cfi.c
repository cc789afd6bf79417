/* link: mdtrace/cfi.c */
/*
 * test_cfi.c: unit tests of mdtrace's call frame information reader
 * (mdtrace/cfi.c) on a hand-assembled .eh_frame_hdr and .eh_frame,
 * whose bytes and expected rows are worked out below from the DWARF
 * and LSB descriptions, not from the reader.
 *
 * Then damage: every byte of the sections set to each of a few values,
 * and many random mutations; the reader must answer each lookup without
 * reading outside the sections.  The sections sit in a block of exactly
 * their size from malloc, so under AddressSanitizer (make test-asan) a
 * read past them is a reported error, not a silent one.
 *
 * Each case prints "ok cfi/NAME" or "not ok cfi/NAME (what)", then the
 * plan line; the program always exits 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mdtrace/cfi.h"

/*
 * The code the FDE describes: a made-up address near the sections (the
 * table's 4-byte offsets reach 2 GiB), never read.
 */
#define CODE	code
#define RANGE	0x40

static uintptr_t code;

/*
 * .eh_frame_hdr (12 bytes + one table entry), then .eh_frame: a CIE and
 * one FDE for [CODE, CODE + RANGE), then the zero terminator.  Offsets
 * (relative to the start of the block):
 *   0  hdr: version 1, eh_frame_ptr pcrel|sdata4 (0x1b), fde_count
 *      udata4 (0x03), table datarel|sdata4 (0x3b)
 *   4  eh_frame_ptr: 20 - 4 = 16 (pc-relative to its own field)
 *   8  fde_count 1
 *  12  table: initial location CODE - base, FDE at 48 (filled in)
 *  20  CIE: length 24, id 0, version 1, "zR", code_align 1,
 *      data_align -8, ra column 16, augmentation length 1, R = 0x1b;
 *      DW_CFA_def_cfa rsp 8; DW_CFA_offset r16 1 (RA at CFA - 8);
 *      padding: 6 DW_CFA_nop
 *  48  FDE: length 44, CIE pointer 32 (48 + 4 - 20), pc_begin
 *      (pcrel sdata4, filled in), pc_range RANGE, augmentation length 0,
 *      then the instructions:
 *        advance_loc 1; def_cfa_offset 16; offset rbp 2   (push %rbp)
 *        advance_loc 3; def_cfa_register rbp              (mov %rsp,%rbp)
 *        advance_loc 16; remember_state; def_cfa rsp 8     (leave)
 *        advance_loc 1; restore_state
 *        advance_loc 4; def_cfa_expression (breg7 +8, breg16 0, lit15,
 *            and, lit11, ge, lit3, shl, plus)              (PLT-like)
 *        padding: 2 DW_CFA_nop
 *  96  terminator: length 0
 */
static const uint8_t image[] = {
	/* 0: .eh_frame_hdr */
	0x01, 0x1b, 0x03, 0x3b,
	0x10, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
	/* 20: CIE */
	0x18, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x01, 'z', 'R', 0x00,
	0x01, 0x78, 0x10,
	0x01, 0x1b,
	0x0c, 0x07, 0x08,
	0x90, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 48: FDE */
	0x2c, 0x00, 0x00, 0x00,
	0x20, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	RANGE, 0x00, 0x00, 0x00,
	0x00,
	0x41, 0x0e, 0x10, 0x86, 0x02,
	0x43, 0x0d, 0x06,
	0x50, 0x0a, 0x0c, 0x07, 0x08,
	0x41, 0x0b,
	0x44, 0x0f, 0x0b, 0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a,
	0x33, 0x24, 0x22,
	0x00, 0x00,
	/* 96: terminator */
	0x00, 0x00, 0x00, 0x00
};

static int nresults;

static void
result(const char *name, const char *why)
{
	nresults++;
	if (why == NULL)
		printf("ok cfi/%s\n", name);
	else
		printf("not ok cfi/%s (%s)\n", name, why);
}

static void
put32(uint8_t *p, int64_t v)
{
	uint32_t u = (uint32_t)v;

	p[0] = (uint8_t)u;
	p[1] = (uint8_t)(u >> 8);
	p[2] = (uint8_t)(u >> 16);
	p[3] = (uint8_t)(u >> 24);
}

/* The image in a block of its exact size, addresses filled in. */
static uint8_t *
load(struct cfi_obj *o)
{
	uint8_t *b;

	if ((b = malloc(sizeof(image))) == NULL)
		abort();
	memcpy(b, image, sizeof(image));
	code = (uintptr_t)b + 0x10000;
	put32(b + 12, (int64_t)(CODE - (uintptr_t)b));
	put32(b + 56, (int64_t)(CODE - (uintptr_t)(b + 56)));
	memset(o, 0, sizeof(*o));
	o->lo = CODE;
	o->hi = CODE + RANGE;
	o->hdr = (uintptr_t)b;
	o->seg[0][0] = (uintptr_t)b;
	o->seg[0][1] = (uintptr_t)b + sizeof(image);
	o->nseg = 1;
	return b;
}

/* The row at CODE + off: its CFA rule and where RBP and RA are. */
static const char *
row_is(const struct cfi_obj *o, uintptr_t off, int reg, int64_t cfaoff,
    int rbp_saved)
{
	struct cfi_row r;

	if (cfi_find(o, CODE + off, &r) != CFI_FOUND)
		return "no row";
	if (r.cfa_expr || r.cfa_reg != reg || r.cfa_off != cfaoff)
		return "wrong CFA rule";
	if (r.ra_reg != 16 || r.reg[16].how != CFI_OFFSET ||
	    r.reg[16].off != -8)
		return "return address not at CFA - 8";
	if (rbp_saved && (r.reg[6].how != CFI_OFFSET || r.reg[6].off != -16))
		return "rbp not saved at CFA - 16";
	if (!rbp_saved && r.reg[6].how != CFI_SAME)
		return "rbp not unchanged";
	return NULL;
}

/* Registers for the expression: rsp 1000, rip as given. */
static uintptr_t rip;

static int
regval(void *arg, unsigned reg, uintptr_t *v)
{
	(void)arg;
	if (reg == 7)
		*v = 1000;
	else if (reg == 16)
		*v = rip;
	else
		return -1;
	return 0;
}

static int
nomem(void *arg, uintptr_t a, uintptr_t *v)
{
	(void)arg;
	(void)a;
	(void)v;
	return -1;
}

static void
rows(void)
{
	struct cfi_obj o;
	struct cfi_row r;
	uint8_t *b = load(&o);
	uintptr_t v;
	const char *why;

	result("entry", row_is(&o, 0, 7, 8, 0));
	result("after-push", row_is(&o, 1, 7, 16, 1));
	result("after-mov", row_is(&o, 4, 6, 16, 1));
	result("body", row_is(&o, 19, 6, 16, 1));
	result("after-leave", row_is(&o, 20, 7, 8, 1));
	result("restored", row_is(&o, 21, 6, 16, 1));
	why = NULL;
	if (cfi_find(&o, CODE + 25, &r) != CFI_FOUND || !r.cfa_expr)
		why = "no CFA expression";
	else {
		rip = CODE + 0x0b;
		if (cfi_eval(r.expr, r.exprlen, regval, nomem, NULL, 0, 0,
		    &v) != 0 || v != 1016)
			why = "wrong value at rip & 15 == 11";
		rip = CODE + 0x0a;
		if (why == NULL && (cfi_eval(r.expr, r.exprlen, regval, nomem,
		    NULL, 0, 0, &v) != 0 || v != 1008))
			why = "wrong value at rip & 15 == 10";
	}
	result("plt-expression", why);
	result("past-range", cfi_find(&o, CODE + RANGE, &r) == CFI_NOFDE ?
	    NULL : "an FDE past its range");
	result("before-range", cfi_find(&o, CODE - 1, &r) == CFI_NOFDE ?
	    NULL : "an FDE before the first");
	o.hdr = 0;
	result("no-hdr", cfi_find(&o, CODE, &r) == CFI_NONE ? NULL :
	    "found something without a header");
	free(b);
}

/* Look up every pc of the range and just outside in a damaged image. */
static void
lookups(const struct cfi_obj *o)
{
	struct cfi_row r;
	uintptr_t pc;

	for (pc = CODE - 1; pc <= CODE + RANGE; pc += 3)
		if (cfi_find(o, pc, &r) == CFI_FOUND && r.cfa_expr) {
			rip = pc;
			(void)cfi_eval(r.expr, r.exprlen, regval, nomem, NULL, 0,
			    0, &pc);
			pc = CODE + RANGE + 1;
		}
}

static void
damage(void)
{
	static const uint8_t vals[] = { 0x00, 0xff, 0x7f, 0x80, 0x0b, 0x40 };
	struct cfi_obj o;
	uint8_t *b;
	size_t i, k;
	unsigned x = 1;

	b = load(&o);
	for (i = 0; i < sizeof(image) - 4; i++)
		for (k = 0; k < sizeof(vals); k++) {
			b[i] = vals[k];
			lookups(&o);
			free(b);
			b = load(&o);
		}
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < 1 + i % 6; k++) {
			x = x * 1103515245 + 12345;
			b[(x >> 8) % sizeof(image)] = (uint8_t)(x >> 20);
		}
		lookups(&o);
		free(b);
		b = load(&o);
	}
	free(b);
	/* Reaching here is the test: no fault, no endless loop. */
	result("damaged-bytes", NULL);
}

int
main(void)
{
	rows();
	damage();
	printf("1..%d\n", nresults);
	return 0;
}
