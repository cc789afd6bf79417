/*
 * unwind_x86_64.c: the architecture part of the default unwinder: the
 * x86-64 registers, the compact rule a CFI row compiles to, the walk
 * that follows those rules, and the Linux signal frame.  Rows the rule
 * cannot express go through the general step (unwind_general.c).
 *
 * The compact rule (one 64-bit word, built by uwa_compile):
 *
 *	bits  0-7	kind (UW_CFA and the others of unwind.h)
 *	bit   8		UW_CFA: the CFA is RBP + offset, else RSP + offset;
 *			UW_CUT: the call frame information is damaged
 *	bit   9		UW_CFA: the caller's RBP is saved at CFA + slot,
 *			else RBP is unchanged
 *	bits 16-31	the RBP slot, signed
 *	bits 32-63	the CFA offset, signed
 *
 * and the return address is always at CFA - 8, the caller's RSP is the
 * CFA.  That covers nearly every call site GCC and clang emit: frames
 * with or without a frame pointer, whatever was pushed.  Other rows
 * (a CFA computed by an expression as in PLT stubs or realigned stacks,
 * registers saved in other registers) become UW_SLOW: the row is
 * evaluated each time with every register the walk knows, through
 * cfi.c's expression evaluator.  Only RSP and RBP are known after a
 * compact step; after a signal frame, all sixteen.
 *
 * Signal frames: the handler returns to __restore_rt, whose FDE glibc
 * marks with the 'S' augmentation.  Above the return address the kernel
 * put struct rt_sigframe: the ucontext first, whose mcontext holds the
 * interrupted registers.  The interrupted pc is where the signal came,
 * not a return address, so its row is looked up at pc, not pc - 1.
 *
 * Every stack word is read through uw_rd(), which checks it against the
 * thread's stack bounds.
 */
#include <string.h>

#include "mdt.h"
#include "unwind.h"

/* DWARF register numbers (System V x86-64 psABI). */
#define R_RBP		6
#define R_RSP		7
#define R_RA		16
#define NREGS		17	/* the columns followed: 0-15 and the RA */

#define F_RBPBASE	(1u << 8)
#define F_RBPSAVED	(1u << 9)

/* Addresses below this are never code: the walk has gone astray. */
#define LOWEST_CODE	4096

/* The frame record at RBP: the caller's RBP, then the return address. */
const int	 uwa_fp_link = 0;
const int	 uwa_fp_ra = 8;
const unsigned	 uwa_nregs = NREGS;
const unsigned	 uwa_sp = R_RSP;
const unsigned	 uwa_ra = R_RA;

uintptr_t
uwa_strip(uintptr_t ra)
{
	return ra;	/* never signed */
}

/*
 * struct ucontext as Linux x86-64 lays it out: uc_flags, uc_link and
 * uc_stack (8 + 8 + 24 bytes), then mcontext's gregs[23].
 */
#define UC_GREGS	40
#define NGREG		23

/* For each DWARF register 0-16, its index in gregs. */
static const unsigned char greg_of[NREGS] = {
	13, 12, 14, 11, 9, 8, 10, 15,	/* rax rdx rcx rbx rsi rdi rbp rsp */
	0, 1, 2, 3, 4, 5, 6, 7,		/* r8 - r15 */
	16				/* rip */
};

uint64_t
uwa_compile(enum cfi_status st, const struct cfi_row *row)
{
	const struct cfi_reg *ra, *bp;
	uint64_t rule;

	if ((rule = uw_compile_common(st, row)) != UW_EMPTY)
		return rule;
	ra = &row->reg[R_RA];
	bp = &row->reg[R_RBP];
	if (row->cfa_expr || (row->cfa_reg != R_RSP &&
	    row->cfa_reg != R_RBP) || !uw_fits(row->cfa_off, 32) ||
	    ra->how != CFI_OFFSET || ra->off != -8 ||
	    row->reg[R_RSP].how != CFI_SAME ||
	    (bp->how != CFI_SAME && (bp->how != CFI_OFFSET ||
	    !uw_fits(bp->off, 16))))
		return UW_SLOW;
	rule = UW_CFA | (uint64_t)(uint32_t)(int32_t)row->cfa_off << 32;
	if (row->cfa_reg == R_RBP)
		rule |= F_RBPBASE;
	if (bp->how == CFI_OFFSET)
		rule |= F_RBPSAVED |
		    (uint64_t)(uint16_t)(int16_t)bp->off << 16;
	return rule;
}

/* Registers of the interrupted code, from the signal frame at uc. */
static int
sigframe(struct uw_regs *g, uintptr_t uc)
{
	uintptr_t v;
	unsigned i;

	for (i = 0; i < NREGS; i++) {
		if (uw_rd(g->b, uc + UC_GREGS + 8 * greg_of[i], &v) != 0)
			return -1;
		g->r[i] = v;
	}
	g->known = UW_BIT(NREGS) - 1;
	return 0;
}

/*
 * The walk's RBP came from the word at a and is used: it goes into the
 * trail (once).  RBP values no rule uses (most code without frame
 * pointers keeps data there) decide nothing and are left out.
 */
static void
trail_rbp(struct uw_trail *t, uintptr_t f, uintptr_t *a, uintptr_t v)
{
	if (*a == 0)
		return;
	if (t->nextra == UW_MAXEXTRA) {
		t->ok = 0;
		return;
	}
	t->x_off[t->nextra] = (uint32_t)(*a - f);
	t->x_val[t->nextra++] = v;
	*a = 0;
}

/*
 * Walk from the interposed function's frame: its frame pointer fp
 * (the compiler keeps one where __builtin_frame_address is taken) holds
 * the caller's RBP, the return address ra sits above it, and the
 * caller's RSP is just past that.  The walk moves *b from a signal
 * stack to the thread's own.  (It works on the caller's copy: a copy
 * here, read as 16 bytes just after the caller stored it as 8, stalled
 * on store forwarding for 2% of a traced run.)  The words it reads go
 * into *t; t->ok stays 1 only if nothing but compact steps were taken
 * and the walk ended at max frames or at the stack's end.
 */
uint32_t
uwa_walk(uintptr_t ra, void *fp, uintptr_t *out, uint32_t max,
    struct uw_bounds *b, struct uw_trail *t)
{
	struct cfi_row row;
	struct uw_regs g;
	uintptr_t rsp, rbp, key, cfa, f = (uintptr_t)fp, rbp_at;
	uint64_t rule;
	uint32_t n = 1, gen;
	int full = 0, rbp_ok = 1, k;

	g.b = b;
	t->ok = 1;
	t->nextra = 0;
	if (uw_rd(b, f, &rbp) != 0)
		goto cut;
	rbp_at = f;		/* where RBP came from; 0: in the trail */
	rsp = f + 16;
	key = ra - 1;
	gen = __atomic_load_n(&uw_gen, __ATOMIC_ACQUIRE);
	while (n < max) {
		if ((rule = uw_cache_get(key)) == UW_EMPTY)
			rule = uw_rule_slow(key, gen, &row);
		/* The compact rule first: nearly every frame takes it. */
		if (__builtin_expect(UW_KIND(rule) == UW_CFA, 1)) {
			if (rule & F_RBPBASE) {
				if (!rbp_ok)
					goto cut;
				trail_rbp(t, f, &rbp_at, rbp);
				cfa = rbp + (uintptr_t)(int64_t)(int32_t)
				    (rule >> 32);
			} else
				cfa = rsp + (uintptr_t)(int64_t)(int32_t)
				    (rule >> 32);
			if (cfa <= rsp || uw_rd(b, cfa - 8, &ra) != 0)
				goto cut;
			t->ra_off[n] = (uint32_t)(cfa - 8 - f);
			if (rule & F_RBPSAVED) {
				rsp = cfa + (uintptr_t)(int64_t)(int16_t)
				    (rule >> 16);
				if (uw_rd(b, rsp, &rbp) != 0)
					goto cut;
				rbp_at = rsp;
			}
			rsp = cfa;
			if (ra == 0) {
				/* some runtimes end stacks so */
				rsp = cfa - 8;
				trail_rbp(t, f, &rsp, 0);
				return n;
			}
			full = 0;
			goto next;
		}
		if (UW_KIND(rule) != UW_END)
			t->ok = 0;
		switch (UW_KIND(rule)) {
		case UW_SIGNAL:
			if (sigframe(&g, rsp) != 0)
				goto cut;
			ra = g.r[R_RA];
			if (ra < LOWEST_CODE)
				goto cut;
			rsp = g.r[R_RSP];
			rbp = g.r[R_RBP];
			rbp_ok = full = 1;
			/* From the signal stack back to the thread's. */
			if (b->shi != 0 && rsp >= b->slo && rsp < b->shi) {
				b->lo = rsp;
				b->hi = b->shi;
				b->slo = b->shi = 0;
			}
			out[n++] = ra;
			key = ra;	/* interrupted, not called: no - 1 */
			continue;
		case UW_END:
			return n;
		case UW_FP:
			/* No CFI here: trust the frame pointer, checked. */
			if (rbp_ok && rbp == 0)
				return n;
			if (!rbp_ok || rbp < rsp || uw_rd(b, rbp + 8, &ra) != 0)
				goto cut;
			rsp = rbp + 16;
			if (uw_rd(b, rbp, &rbp) != 0)
				goto cut;
			full = 0;
			break;
		case UW_SLOW:
			if (!full) {
				g.r[R_RSP] = rsp;
				g.r[R_RBP] = rbp;
				g.known = UW_BIT(R_RSP) |
				    (rbp_ok ? UW_BIT(R_RBP) : 0);
			}
			if ((k = uw_general(&g, &row)) == 1)
				return n;
			if (k != 0 || !(g.known & UW_BIT(R_RSP)) ||
			    g.r[R_RSP] <= rsp)
				goto cut;
			ra = g.r[R_RA];
			rsp = g.r[R_RSP];
			rbp = g.r[R_RBP];
			rbp_ok = (g.known & UW_BIT(R_RBP)) != 0;
			full = 1;
			break;
		default:		/* UW_CUT */
			uw_note_cut((rule & UW_F_BAD) != 0);
			return n;
		}
next:
		if (ra == 0)
			return n;	/* some runtimes end stacks so */
		if (ra < LOWEST_CODE)
			goto cut;
		out[n++] = ra;
		key = ra - 1;
	}
	return n;
cut:
	t->ok = 0;
	uw_note_cut(0);
	return n;
}

/*
 * The registers at the call that made the frame whose stack pointer is
 * sp, as gregs (ucontext order): from the calling function's registers
 * that getcontext(3) saved in uc, the general step walks up the frames
 * below sp, restoring each register its caller saved.  The callee-saved
 * registers come out as they were at that call; the others are 0.
 * Stack words are read within [lo, hi).  -1 if a frame cannot be
 * stepped.
 */
int
uwa_caller_regs(const void *uc, uintptr_t sp, uintptr_t *gregs,
    uintptr_t lo, uintptr_t hi)
{
	/* What getcontext saves: rbx, rbp, rsp, r12-r15, rip. */
	static const unsigned char saved[] = { 3, 6, 7, 12, 13, 14, 15, 16 };
	struct uw_bounds b;
	struct cfi_row row;
	struct uw_regs g;
	uint64_t rule;
	unsigned i, k;
	int steps;

	memset(&g, 0, sizeof(g));
	b.lo = lo;
	b.hi = hi;
	b.slo = b.shi = 0;
	g.b = &b;
	for (i = 0; i < sizeof(saved); i++) {
		memcpy(&g.r[saved[i]], (const char *)uc + UC_GREGS +
		    8 * greg_of[saved[i]], sizeof(g.r[0]));
		g.known |= UW_BIT(saved[i]);
	}
	for (steps = 0; g.r[R_RSP] < sp; steps++) {
		if (steps == 64 || g.r[R_RA] < LOWEST_CODE)
			return -1;
		rule = uw_rule_slow(g.r[R_RA] - 1,
		    __atomic_load_n(&uw_gen, __ATOMIC_ACQUIRE), &row);
		k = UW_KIND(rule);
		if ((k != UW_CFA && k != UW_SLOW) || uw_general(&g, &row) != 0)
			return -1;
	}
	memset(gregs, 0, NGREG * sizeof(*gregs));
	for (i = 0; i < NREGS; i++)
		if (g.known & UW_BIT(i))
			gregs[greg_of[i]] = g.r[i];
	return 0;
}
