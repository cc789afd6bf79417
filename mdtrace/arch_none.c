/*
 * arch_none.c: the leak check's part for a processor the tracer does
 * not know (arch.h): no registers are read, a stopped thread's stack is
 * scanned from the start of its mapping, the ptrace helper's system
 * calls fail (so threads are stopped with the signal), and no call
 * instruction is recognised (the exiting thread's stack is a root from
 * the exit handler's frame, holders in stacks are named without their
 * function).  A processor gets its own arch_ARCH.c and unwind_ARCH.c.
 */
#include <errno.h>

#include "arch.h"

const char *const mdt_arch_regname[] = { "?" };
const size_t	 mdt_arch_nregs = 0;
const int	 mdt_arch_pc = -1;

uintptr_t
mdt_arch_tp(void)
{
	return 0;	/* no TLS roots are named */
}

void
mdt_arch_from_context(struct mdt_thread *t, const void *ctx)
{
	(void)ctx;
	t->sp = 0;	/* unknown: the whole mapping is scanned */
	t->self = 0;
}

long
mdt_arch_syscall(long nr, long a, long b, long c, long d)
{
	(void)nr;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return -ENOSYS;
}

int
mdt_arch_ptrace_read(int tid, struct mdt_thread *t)
{
	(void)tid;
	(void)t;
	return -1;
}

void
mdt_arch_ptrace_regs(struct mdt_thread *t)
{
	t->sp = 0;
}

int
mdt_arch_call_before(uintptr_t w, mdt_code_fn code, uintptr_t *to)
{
	(void)w;
	(void)code;
	(void)to;
	return 0;
}

uintptr_t
mdt_arch_plt_slot(uintptr_t t, mdt_code_fn code)
{
	(void)t;
	(void)code;
	return 0;
}
