/*
 * unwind_general.c: the general step of the default unwinder, shared by
 * the architecture files (unwind_x86_64.c, unwind_aarch64.c): a CFI row
 * the compact rule cannot express is evaluated with every register the
 * walk knows, each register of the caller by its own rule, expressions
 * through cfi.c's evaluator.  The architecture file says which columns
 * it follows (uwa_nregs), which is the stack pointer (uwa_sp) and which
 * the return address (uwa_ra), and strips return addresses (uwa_strip).
 *
 * Every stack word is read through uw_rd(), which checks it against the
 * thread's stack bounds.
 */
#include <string.h>

#include "mdt.h"
#include "unwind.h"

static int
g_regval(void *arg, unsigned reg, uintptr_t *v)
{
	struct uw_regs *g = arg;

	if (reg >= uwa_nregs || !(g->known & UW_BIT(reg)))
		return -1;
	*v = g->r[reg];
	return 0;
}

static int
g_read(void *arg, uintptr_t a, uintptr_t *v)
{
	struct uw_regs *g = arg;

	return uw_rd(g->b, a, v);
}

/* A register's value in the caller under one rule; -1 if unknown. */
static int
reg_rule(struct uw_regs *g, const struct cfi_reg *c, unsigned i,
    uintptr_t cfa, uintptr_t *v)
{
	uintptr_t a;

	switch (c->how) {
	case CFI_SAME:
		return g_regval(g, i, v);
	case CFI_OFFSET:
		return uw_rd(g->b, cfa + (uintptr_t)c->off, v);
	case CFI_VALOFF:
		*v = cfa + (uintptr_t)c->off;
		return 0;
	case CFI_REG:
		return g_regval(g, c->reg, v);
	case CFI_EXPR:
		if (cfi_eval(c->expr, c->len, g_regval, g_read, g, 1, cfa,
		    &a) != 0)
			return -1;
		return uw_rd(g->b, a, v);
	case CFI_VALEXPR:
		return cfi_eval(c->expr, c->len, g_regval, g_read, g, 1, cfa,
		    v);
	default:
		return -1;
	}
}

/*
 * What every processor's uwa_compile says first of a row: UW_FP for
 * code without CFI (built without unwind tables), UW_CUT for damaged
 * CFI or a return address in another column than uwa_ra, UW_SIGNAL for
 * a signal frame, UW_END for the outermost frame (its return address
 * undefined); else UW_EMPTY, and the processor's compact rule or
 * UW_SLOW decides.
 */
uint64_t
uw_compile_common(enum cfi_status st, const struct cfi_row *row)
{
	switch (st) {
	case CFI_NONE:
	case CFI_NOFDE:
		return UW_FP;
	case CFI_BAD:
		return UW_CUT | UW_F_BAD;
	case CFI_FOUND:
		break;
	}
	if (row->signal)
		return UW_SIGNAL;
	if (row->ra_reg != uwa_ra)
		return UW_CUT | UW_F_BAD;
	if (row->reg[uwa_ra].how == CFI_UNDEF)
		return UW_END;
	return UW_EMPTY;
}

/*
 * The general step: every register the row describes, with what the
 * walk knows.  0 with g updated (r[uwa_ra] the return address,
 * stripped), 1 at the outermost frame, -1 if the return address cannot
 * be had.
 */
int
uw_general(struct uw_regs *g, const struct cfi_row *row)
{
	uintptr_t cfa, v, nr[UW_MAXREGS];
	uint64_t nk = 0;
	unsigned i;

	if (row->signal || row->ra_reg != uwa_ra)
		return -1;
	if (row->reg[uwa_ra].how == CFI_UNDEF)
		return 1;
	if (row->cfa_expr) {
		if (cfi_eval(row->expr, row->exprlen, g_regval, g_read, g, 0,
		    0, &cfa) != 0)
			return -1;
	} else if (g_regval(g, row->cfa_reg, &cfa) == 0)
		cfa += (uintptr_t)row->cfa_off;
	else
		return -1;
	for (i = 0; i < uwa_nregs; i++)
		if (reg_rule(g, &row->reg[i], i, cfa, &v) == 0) {
			nr[i] = v;
			nk |= UW_BIT(i);
		} else
			nr[i] = 0;
	/* The caller's stack pointer is the CFA unless a rule says. */
	if (row->reg[uwa_sp].how == CFI_SAME) {
		nr[uwa_sp] = cfa;
		nk |= UW_BIT(uwa_sp);
	}
	if (!(nk & UW_BIT(uwa_ra)))
		return -1;
	nr[uwa_ra] = uwa_strip(nr[uwa_ra]);
	memcpy(g->r, nr, uwa_nregs * sizeof(nr[0]));
	g->known = nk;
	return 0;
}
