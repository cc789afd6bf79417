/*
 * unwind_aarch64.c: the architecture part of the default unwinder for
 * aarch64: the registers (DWARF numbers x0-x30 = 0-30, sp = 31, the
 * return address column x30), the compact rule a CFI row compiles to,
 * the walk that follows those rules, and the Linux signal frame.  Rows
 * the rule cannot express go through the general step
 * (unwind_general.c).
 *
 * The compact rule (one 64-bit word, built by uwa_compile):
 *
 *	bits  0-7	kind (UW_CFA and the others of unwind.h)
 *	bit   8		UW_CFA: the CFA is x29 + offset, else sp + offset;
 *			UW_CUT: the call frame information is damaged
 *	bit   9		UW_CFA: the caller's x29 is saved at CFA + its
 *			slot, else x29 is unchanged
 *	bits 10-31	the CFA offset, signed
 *	bits 32-47	the x29 slot, signed
 *	bits 48-63	the return address's slot, signed
 *
 * and the caller's sp is the CFA.  That covers the call sites GCC and
 * clang emit, with or without a frame pointer: the frame record (x29,
 * x30) is saved somewhere in the frame.  Other rows (the return address
 * still in x30, as in a leaf function a signal interrupted, registers
 * saved in other registers, expressions) become UW_SLOW: the row is
 * evaluated each time with every register the walk knows.
 *
 * The start: the interposed function's frame record gives its caller's
 * x29 and return address, but not its caller's sp, which an sp-based
 * CFA needs.  So the walk starts from its own registers (sp, x29, x30
 * and pc, taken together) and steps through the tracer's own frames,
 * which all have CFI, until the return address the interposed function
 * was given (frame 0) comes up.
 *
 * Pointer authentication (-mbranch-protection): a function may sign
 * its return address before saving it (DW_CFA_AARCH64_negate_ra_state
 * says so).  Every return address is stripped with XPACLRI, a NOP
 * where the processor has no pointer authentication, before it is
 * looked up or recorded.
 *
 * Signal frames: the handler returns to the kernel's sigreturn
 * trampoline (__kernel_rt_sigreturn in the vDSO, whose FDE has the 'S'
 * augmentation; qemu-user puts the same two instructions on a page of
 * its own, without CFI, which is recognised by its code).  At the
 * handler's CFA the kernel put struct rt_sigframe: siginfo, then the
 * ucontext, whose sigcontext holds the interrupted x0-x30, sp and pc.
 * The interrupted pc is where the signal came, not a return address,
 * so its row is looked up at pc, not pc - 1.
 *
 * Every stack word is read through uw_rd(), which checks it against the
 * thread's stack bounds.
 */
#define _GNU_SOURCE	/* ucontext's fields */

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "mdt.h"
#include "unwind.h"

#define R_FP		29
#define R_LR		30
#define R_SP		31
#define NREGS		32
#define ALLREGS		(UW_BIT(NREGS) - 1)

#define F_FPBASE	(1u << 8)
#define F_FPSAVED	(1u << 9)

/* Frames of the tracer the walk passes before frame 0's caller. */
#define MAXSKIP		16

/* Addresses below this are never code: the walk has gone astray. */
#define LOWEST_CODE	4096

/* The frame record at x29: the caller's x29, then the return address. */
const int	 uwa_fp_link = 0;
const int	 uwa_fp_ra = 8;
const unsigned	 uwa_nregs = NREGS;
const unsigned	 uwa_sp = R_SP;
const unsigned	 uwa_ra = R_LR;

/* The kernel's struct rt_sigframe starts with siginfo (128 bytes). */
#define SIGINFO_SIZE	128
#define UC_REGS		(SIGINFO_SIZE + offsetof(ucontext_t, uc_mcontext.regs))
#define UC_SP		(SIGINFO_SIZE + offsetof(ucontext_t, uc_mcontext.sp))
#define UC_PC		(SIGINFO_SIZE + offsetof(ucontext_t, uc_mcontext.pc))

/* The return address a without its pointer authentication code. */
static inline uintptr_t
strip(uintptr_t a)
{
	register uintptr_t x30 __asm__("x30") = a;

	__asm__("hint #7" : "+r"(x30));		/* xpaclri */
	return x30;
}

uintptr_t
uwa_strip(uintptr_t ra)
{
	return strip(ra);
}

uint64_t
uwa_compile(enum cfi_status st, const struct cfi_row *row)
{
	const struct cfi_reg *ra, *fp;
	uint64_t rule;

	if ((rule = uw_compile_common(st, row)) != UW_EMPTY)
		return rule;
	ra = &row->reg[R_LR];
	fp = &row->reg[R_FP];
	if (row->cfa_expr || (row->cfa_reg != R_SP &&
	    row->cfa_reg != R_FP) || !uw_fits(row->cfa_off, 22) ||
	    ra->how != CFI_OFFSET || !uw_fits(ra->off, 16) ||
	    row->reg[R_SP].how != CFI_SAME ||
	    (fp->how != CFI_SAME && (fp->how != CFI_OFFSET ||
	    !uw_fits(fp->off, 16))))
		return UW_SLOW;
	rule = UW_CFA | (uint64_t)((uint32_t)(int32_t)row->cfa_off &
	    0x3fffff) << 10 | (uint64_t)(uint16_t)(int16_t)ra->off << 48;
	if (row->cfa_reg == R_FP)
		rule |= F_FPBASE;
	if (fp->how == CFI_OFFSET)
		rule |= F_FPSAVED |
		    (uint64_t)(uint16_t)(int16_t)fp->off << 32;
	return rule;
}

/* The compact rule's fields. */
static inline intptr_t
cfa_off(uint64_t rule)
{
	return (intptr_t)((int32_t)((uint32_t)rule << 0) >> 10);
}

static inline intptr_t
fp_slot(uint64_t rule)
{
	return (intptr_t)(int16_t)(rule >> 32);
}

static inline intptr_t
ra_slot(uint64_t rule)
{
	return (intptr_t)(int16_t)(rule >> 48);
}

/*
 * Is the code at pc the sigreturn trampoline, "mov x8, #139; svc #0"?
 * Only for code in no object (qemu-user's page); mincore says first
 * whether its page is mapped at all.
 */
static int
is_sigreturn(uintptr_t pc)
{
	const uint32_t *c = (const uint32_t *)pc;
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec[2];
	uintptr_t page;

	if (pg <= 0 || (pc & 3) != 0 || pc < LOWEST_CODE)
		return 0;
	page = pc & ~((uintptr_t)pg - 1);
	if (mincore((void *)page, pc + 8 - page, vec) != 0)
		return 0;
	return c[0] == 0xd2801168 && c[1] == 0xd4000001;
}

/* Registers of the interrupted code, from the signal frame at sp. */
static int
sigframe(struct uw_regs *g, uintptr_t sp, uintptr_t *pc)
{
	uintptr_t v;
	unsigned i;

	for (i = 0; i < 31; i++) {
		if (uw_rd(g->b, sp + UC_REGS + 8 * i, &v) != 0)
			return -1;
		g->r[i] = v;
	}
	if (uw_rd(g->b, sp + UC_SP, &g->r[R_SP]) != 0 ||
	    uw_rd(g->b, sp + UC_PC, pc) != 0)
		return -1;
	g->known = ALLREGS;
	return 0;
}

/*
 * Walk from this function's own registers (see the file's comment):
 * frames up to and including the one whose return address is ra are
 * the tracer's and are not recorded; ra is out[0] already.  fp, the
 * interposed function's frame, is not needed.  The walk moves *b from
 * a signal stack to the thread's own.
 */
uint32_t
uwa_walk(uintptr_t ra, void *fp, uintptr_t *out, uint32_t max,
    struct uw_bounds *b, struct uw_trail *t)
{
	struct cfi_row row;
	struct uw_regs g;
	uintptr_t sp, x29, x30, pc, key, cfa, first = ra;
	uint64_t rule;
	uint32_t n = 1, skip = 0, gen;
	int full, fp_ok = 1, k;

	t->ok = 0;	/* the memo of walks is x86-64's for now */
	(void)fp;
	__asm__ volatile("mov %0, sp\n\tmov %1, x29\n\tmov %2, x30\n\t"
	    "adr %3, ." : "=r"(sp), "=r"(x29), "=r"(x30), "=r"(pc));
	/* This function's frame lies below the caller's, on one stack. */
	if (sp < b->lo && b->lo - sp < 65536)
		b->lo = sp;
	g.b = b;
	memset(g.r, 0, sizeof(g.r));
	g.r[R_SP] = sp;
	g.r[R_FP] = x29;
	g.r[R_LR] = x30;
	g.known = UW_BIT(R_SP) | UW_BIT(R_FP) | UW_BIT(R_LR);
	full = 1;
	key = pc;		/* a pc, not a return address */
	gen = __atomic_load_n(&uw_gen, __ATOMIC_ACQUIRE);
	while (n < max) {
		if ((rule = uw_cache_get(key)) == UW_EMPTY)
			rule = uw_rule_slow(key, gen, &row);
		/* The compact rule first: nearly every frame takes it. */
		if (__builtin_expect(UW_KIND(rule) == UW_CFA, 1)) {
			if (rule & F_FPBASE) {
				if (!fp_ok)
					goto cut;
				cfa = x29 + (uintptr_t)cfa_off(rule);
			} else
				cfa = sp + (uintptr_t)cfa_off(rule);
			if (cfa <= sp || uw_rd(b, cfa + (uintptr_t)ra_slot(rule),
			    &ra) != 0)
				goto cut;
			if (rule & F_FPSAVED) {
				if (uw_rd(b, cfa + (uintptr_t)fp_slot(rule),
				    &x29) != 0)
					goto cut;
				fp_ok = 1;
			}
			ra = strip(ra);
			sp = cfa;
			full = 0;
			goto next;
		}
		switch (UW_KIND(rule)) {
		case UW_FP:
			/* qemu-user's sigreturn page: no object, no CFI. */
			if (!is_sigreturn(key + 1))
				goto fp;
			/* FALLTHROUGH */
		case UW_SIGNAL:
			if (sigframe(&g, sp, &pc) != 0)
				goto cut;
			ra = strip(pc);
			if (ra < LOWEST_CODE)
				goto cut;
			sp = g.r[R_SP];
			x29 = g.r[R_FP];
			fp_ok = full = 1;
			/* From the signal stack back to the thread's. */
			if (b->shi != 0 && sp >= b->slo && sp < b->shi) {
				b->lo = sp;
				b->hi = b->shi;
				b->slo = b->shi = 0;
			}
			if (first == 0)
				out[n++] = ra;
			key = ra;	/* interrupted, not called: no - 1 */
			continue;
		case UW_END:
			return n;
fp:
			/* No CFI here: trust the frame pointer, checked. */
			if (fp_ok && x29 == 0)
				return n;
			if (!fp_ok || x29 < sp || uw_rd(b, x29 + 8, &ra) != 0)
				goto cut;
			sp = x29 + 16;
			if (uw_rd(b, x29, &x29) != 0)
				goto cut;
			ra = strip(ra);
			full = 0;
			break;
		case UW_SLOW:
			if (!full) {
				g.r[R_SP] = sp;
				g.r[R_FP] = x29;
				g.known = UW_BIT(R_SP) |
				    (fp_ok ? UW_BIT(R_FP) : 0);
			}
			if ((k = uw_general(&g, &row)) == 1)
				return n;
			if (k != 0 || !(g.known & UW_BIT(R_SP)) ||
			    g.r[R_SP] < sp)
				goto cut;
			ra = g.r[R_LR];
			sp = g.r[R_SP];
			x29 = g.r[R_FP];
			fp_ok = (g.known & UW_BIT(R_FP)) != 0;
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
		if (first != 0) {
			/* Still in the tracer: frame 0 is the caller's. */
			if (ra == first)
				first = 0;
			else if (++skip > MAXSKIP)
				goto cut;
		} else
			out[n++] = ra;
		key = ra - 1;
	}
	return n;
cut:
	uw_note_cut(0);
	return n;
}

/*
 * The registers at the call that made the frame whose stack pointer is
 * sp, in the order of arch_aarch64.c (x0-x30, sp, pc): from the calling
 * function's registers that getcontext(3) saved in uc, the general
 * step walks up the frames below sp, restoring each register its
 * caller saved.  The callee-saved registers (x19-x29), x30 and sp come
 * out as they were at that call; pc is its return address; the others
 * are 0.  Stack words are read within [lo, hi).  -1 if a frame cannot
 * be stepped.
 */
int
uwa_caller_regs(const void *ctx, uintptr_t sp, uintptr_t *regs,
    uintptr_t lo, uintptr_t hi)
{
	const ucontext_t *uc = ctx;
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
	/* What getcontext saves: x19-x30, sp; its pc is x30. */
	for (i = 19; i <= R_LR; i++) {
		g.r[i] = uc->uc_mcontext.regs[i];
		g.known |= UW_BIT(i);
	}
	g.r[R_LR] = strip(uc->uc_mcontext.pc);
	g.r[R_SP] = uc->uc_mcontext.sp;
	g.known |= UW_BIT(R_SP);
	for (steps = 0; g.r[R_SP] < sp; steps++) {
		if (steps == 64 || g.r[R_LR] < LOWEST_CODE)
			return -1;
		rule = uw_rule_slow(g.r[R_LR] - 1,
		    __atomic_load_n(&uw_gen, __ATOMIC_ACQUIRE), &row);
		k = UW_KIND(rule);
		if ((k != UW_CFA && k != UW_SLOW) || uw_general(&g, &row) != 0)
			return -1;
	}
	memset(regs, 0, 33 * sizeof(*regs));
	for (i = 0; i < NREGS; i++)
		if (g.known & UW_BIT(i))
			regs[i] = g.r[i];
	regs[32] = g.r[R_LR];
	return 0;
}
