/*
 * arch_aarch64.c: the leak check's aarch64 part (arch.h): the registers
 * of a stopped thread from its signal context or from ptrace, raw
 * system calls, the thread pointer (TPIDR_EL0), and the call
 * instructions and PLT stubs that the search for exit's caller and the
 * holders' frames recognise.
 *
 * A stopped thread's regs are x0-x30, sp, pc and pstate, as ptrace's
 * NT_PRSTATUS (struct user_regs_struct) has them; the signal context's
 * sigcontext holds the same words after its fault address.  The
 * AAPCS64 has no red zone: nothing below the stack pointer is live.
 */
#define _GNU_SOURCE	/* sys/user.h, ucontext's fields */

#include <elf.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>

#include "arch.h"

#ifndef NT_ARM_TLS
#define NT_ARM_TLS	0x401
#endif

#define NWORDS	34	/* x0-x30, sp, pc, pstate */
#define SP	31
#define PC	32

const char *const mdt_arch_regname[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
	"x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19",
	"x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29",
	"x30", "sp", "pc", "pstate"
};
const size_t	 mdt_arch_nregs = sizeof(mdt_arch_regname) /
		    sizeof(mdt_arch_regname[0]);
const int	 mdt_arch_pc = PC;

uintptr_t
mdt_arch_tp(void)
{
	uintptr_t tp;

	__asm__("mrs %0, tpidr_el0" : "=r"(tp));
	return tp;
}

void
mdt_arch_from_context(struct mdt_thread *t, const void *ctx)
{
	const ucontext_t *uc = ctx;
	size_t i;

	for (i = 0; i < 31; i++)
		t->regs[i] = uc->uc_mcontext.regs[i];
	t->regs[SP] = uc->uc_mcontext.sp;
	t->regs[PC] = uc->uc_mcontext.pc;
	t->regs[PC + 1] = uc->uc_mcontext.pstate;
	for (i = NWORDS; i < sizeof(t->regs) / sizeof(t->regs[0]); i++)
		t->regs[i] = 0;
	t->sp = uc->uc_mcontext.sp;
	t->self = mdt_arch_tp();
}

long
mdt_arch_syscall(long nr, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2),
	    "r"(x3) : "memory");
	return x0;
}

int
mdt_arch_ptrace_read(int tid, struct mdt_thread *t)
{
	struct iovec iov;
	uintptr_t tp = 0;

	iov.iov_base = t->regs;
	iov.iov_len = NWORDS * sizeof(t->regs[0]);
	if (mdt_arch_syscall(SYS_ptrace, PTRACE_GETREGSET, tid, NT_PRSTATUS,
	    (long)&iov) != 0)
		return -1;
	iov.iov_base = &tp;
	iov.iov_len = sizeof(tp);
	if (mdt_arch_syscall(SYS_ptrace, PTRACE_GETREGSET, tid, NT_ARM_TLS,
	    (long)&iov) == 0)
		t->self = tp;
	return 0;
}

void
mdt_arch_ptrace_regs(struct mdt_thread *t)
{
	t->sp = t->regs[SP];
}

/* The instruction at a, if 4 bytes of code are there. */
static int
insn(uintptr_t a, mdt_code_fn code, uint32_t *v)
{
	if (a < 4096 || (a & 3) != 0 || !code(a, 4))
		return 0;
	memcpy(v, (const void *)a, sizeof(*v));
	return 1;
}

/* ADRP's page at a, if i is an ADRP to register reg (any if -1). */
static int
adrp(uintptr_t a, uint32_t i, int reg, uintptr_t *page)
{
	int64_t imm;

	if ((i & 0x9f000000) != 0x90000000 ||
	    (reg >= 0 && (int)(i & 0x1f) != reg))
		return 0;
	imm = (int64_t)((((i >> 5) & 0x7ffff) << 2) | ((i >> 29) & 3));
	imm = (imm ^ ((int64_t)1 << 20)) - ((int64_t)1 << 20);
	*page = (a & ~(uintptr_t)0xfff) + (uintptr_t)(imm * 4096);
	return 1;
}

/*
 * BL (direct), BLR or its pointer-authenticating forms (through a
 * register); BLR after "adrp xM; ldr xN, [xM, #off]" (-fno-plt) calls
 * through the word it loaded.
 */
int
mdt_arch_call_before(uintptr_t w, mdt_code_fn code, uintptr_t *to)
{
	uint32_t i, ld, ad;
	uintptr_t page;
	int64_t off;
	int n;

	if (!insn(w - 4, code, &i))
		return 0;
	if ((i & 0xfc000000) == 0x94000000) {
		off = (int64_t)(i & 0x03ffffff);
		off = (off ^ ((int64_t)1 << 25)) - ((int64_t)1 << 25);
		*to = w - 4 + (uintptr_t)(off * 4);
		return 1;
	}
	if ((i & 0xfffffc1f) == 0xd63f0000) {
		n = (int)((i >> 5) & 0x1f);
		if (insn(w - 8, code, &ld) && insn(w - 12, code, &ad) &&
		    (ld & 0xffc00000) == 0xf9400000 && (int)(ld & 0x1f) == n &&
		    adrp(w - 12, ad, (int)((ld >> 5) & 0x1f), &page)) {
			*to = page + ((ld >> 10) & 0xfff) * 8;
			return 2;
		}
		return 3;
	}
	if ((i & 0xfefff800) == 0xd63f0800)
		return 3;
	return 0;
}

/*
 * A PLT entry ("bti c" optional): adrp x16, page; ldr x17, [x16, #off];
 * add x16, x16, #off; br x17.
 */
uintptr_t
mdt_arch_plt_slot(uintptr_t t, mdt_code_fn code)
{
	uint32_t i, ld;
	uintptr_t page;

	if (!insn(t, code, &i))
		return 0;
	if (i == 0xd503245f) {		/* bti c */
		t += 4;
		if (!insn(t, code, &i))
			return 0;
	}
	if (!adrp(t, i, 16, &page) || !insn(t + 4, code, &ld) ||
	    (ld & 0xffc003ff) != 0xf9400211)
		return 0;
	return page + ((ld >> 10) & 0xfff) * 8;
}
