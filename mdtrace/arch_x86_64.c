/*
 * arch_x86_64.c: the leak check's x86-64 part (arch.h): the registers
 * of a stopped thread from its signal context or from ptrace, the red
 * zone, raw system calls, the thread pointer, and the call instructions
 * and PLT stubs that the search for exit's caller and the holders'
 * frames recognise.
 */
#define _GNU_SOURCE	/* REG_RSP, user_regs_struct */

#include <elf.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <ucontext.h>

#include "arch.h"

/* Red zone below the stack pointer that a leaf function may use. */
#define REDZONE		128

/* The registers of a ucontext's gregs, in their order. */
const char *const mdt_arch_regname[] = {
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi",
	"rbp", "rbx", "rdx", "rax", "rcx", "rsp", "rip"
};
const size_t	 mdt_arch_nregs = sizeof(mdt_arch_regname) /
		    sizeof(mdt_arch_regname[0]);
const int	 mdt_arch_pc = REG_RIP;

/* glibc keeps the TCB's own address at %fs:0: pthread_self(). */
uintptr_t
mdt_arch_tp(void)
{
	uintptr_t tp;

	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

/*
 * Is the code at pc a syscall instruction, or just after one?  The
 * kernel leaves pc after it, or on it when it restarts the call.
 */
static int
at_syscall(uintptr_t pc)
{
	const unsigned char *c = (const unsigned char *)pc;

	/* Code is mapped by pages: stay in pc's page. */
	if ((pc & 4095) <= 4094 && c[0] == 0x0f && c[1] == 0x05)
		return 1;
	return (pc & 4095) >= 2 && c[-2] == 0x0f && c[-1] == 0x05;
}

/*
 * The lowest address of the interrupted code's stack.  A leaf function
 * may keep data in the red zone below the stack pointer; a thread
 * stopped in a system call has called and returned since its red zone
 * was written, so what lies there is stale, as valgrind (which marks
 * the red zone undefined at every call and return) also has it.
 */
static uintptr_t
lowest(uintptr_t sp, uintptr_t pc)
{
	return at_syscall(pc) ? sp : sp - REDZONE;
}

void
mdt_arch_from_context(struct mdt_thread *t, const void *ctx)
{
	const ucontext_t *uc = ctx;
	size_t n;

	n = sizeof(uc->uc_mcontext) < sizeof(t->regs) ?
	    sizeof(uc->uc_mcontext) : sizeof(t->regs);
	memcpy(t->regs, &uc->uc_mcontext, n);
	t->sp = lowest((uintptr_t)uc->uc_mcontext.gregs[REG_RSP],
	    (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
	t->self = mdt_arch_tp();
}

long
mdt_arch_syscall(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b),
	    "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

int
mdt_arch_ptrace_read(int tid, struct mdt_thread *t)
{
	struct iovec iov;

	iov.iov_base = t->regs;
	iov.iov_len = sizeof(t->regs);
	return mdt_arch_syscall(SYS_ptrace, PTRACE_GETREGSET, tid,
	    NT_PRSTATUS, (long)&iov) == 0 ? 0 : -1;
}

/*
 * The registers ptrace read (struct user_regs_struct) as the signal
 * handler would have saved them: in ucontext order, with the stack
 * pointer and the thread pointer.
 */
void
mdt_arch_ptrace_regs(struct mdt_thread *t)
{
	struct user_regs_struct u;
	uintptr_t *g = t->regs;

	memcpy(&u, t->regs, sizeof(u));
	memset(t->regs, 0, sizeof(t->regs));
	g[REG_R8] = u.r8;
	g[REG_R9] = u.r9;
	g[REG_R10] = u.r10;
	g[REG_R11] = u.r11;
	g[REG_R12] = u.r12;
	g[REG_R13] = u.r13;
	g[REG_R14] = u.r14;
	g[REG_R15] = u.r15;
	g[REG_RDI] = u.rdi;
	g[REG_RSI] = u.rsi;
	g[REG_RBP] = u.rbp;
	g[REG_RBX] = u.rbx;
	g[REG_RDX] = u.rdx;
	g[REG_RAX] = u.rax;
	g[REG_RCX] = u.rcx;
	g[REG_RSP] = u.rsp;
	g[REG_RIP] = u.rip;
	t->sp = lowest(u.rsp, u.rip);
	t->self = u.fs_base;
}

/*
 * call rel32 (direct), call *rel32(%rip) (through a GOT slot), or a
 * call through a register or other memory (ff /2) of 2, 3, 6 or 7
 * bytes.
 */
int
mdt_arch_call_before(uintptr_t w, mdt_code_fn code, uintptr_t *to)
{
	static const int len[] = { 2, 3, 6, 7 };
	const unsigned char *c = (const unsigned char *)w;
	int32_t rel;
	size_t i;

	if (w >= 5 && code(w - 5, 5) && c[-5] == 0xe8) {
		memcpy(&rel, c - 4, sizeof(rel));
		*to = w + (uintptr_t)(intptr_t)rel;
		return 1;
	}
	if (w >= 6 && code(w - 6, 6) && c[-6] == 0xff && c[-5] == 0x15) {
		memcpy(&rel, c - 4, sizeof(rel));
		*to = w + (uintptr_t)(intptr_t)rel;
		return 2;
	}
	for (i = 0; i < sizeof(len) / sizeof(len[0]); i++)
		if (w >= (uintptr_t)len[i] && code(w - len[i], len[i]) &&
		    c[-len[i]] == 0xff && (c[1 - len[i]] & 0x38) == 0x10)
			return 3;
	return 0;
}

/* A PLT entry (endbr64 and bnd prefixes optional): jmp *rel32(%rip). */
uintptr_t
mdt_arch_plt_slot(uintptr_t t, mdt_code_fn code)
{
	const unsigned char *c = (const unsigned char *)t;
	int32_t rel;

	if (!code(t, 11))
		return 0;
	if (c[0] == 0xf3 && c[1] == 0x0f && c[2] == 0x1e && c[3] == 0xfa)
		c += 4;
	if (c[0] == 0xf2)
		c++;
	if (c[0] != 0xff || c[1] != 0x25)
		return 0;
	memcpy(&rel, c + 2, sizeof(rel));
	return (uintptr_t)(c + 6) + (uintptr_t)(intptr_t)rel;
}
