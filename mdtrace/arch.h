/*
 * arch.h: what the leak check needs of the processor, one file for
 * each: arch_x86_64.c, arch_aarch64.c, and arch_none.c for any other
 * (which knows no registers: stacks are then scanned whole).  The
 * Makefile builds the one tools/probe.sh names for the compiler, with
 * the unwinder's file of the same processor (unwind_ARCH.c).
 *
 * A stopped thread's registers (struct mdt_thread's regs) are kept in
 * the processor's own order, which mdt_arch_regname names: x86-64 in
 * the order of the signal context's gregs, aarch64 x0-x30, sp, pc as
 * ptrace's NT_PRSTATUS gives them.  uwa_caller_regs (unwind_ARCH.c)
 * uses the same order.
 *
 * Nothing here calls malloc; mdt_arch_ptrace_read runs in the ptrace
 * helper (stop_ptrace.c) and makes its system calls raw.
 */
#ifndef ARCH_H
#define ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "mdt.h"

/* Register names, in regs order; mdt_arch_pc the pc's index, or -1. */
extern const char *const mdt_arch_regname[];
extern const size_t	 mdt_arch_nregs;
extern const int	 mdt_arch_pc;

/* The thread pointer (the base of static TLS) of the calling thread. */
uintptr_t	 mdt_arch_tp(void);

/*
 * A thread stopped in the signal handler: its registers, the lowest
 * address its code may still use (stack pointer less the red zone,
 * 0 when unknown) and its thread pointer, from the handler's context.
 */
void		 mdt_arch_from_context(struct mdt_thread *, const void *);

/*
 * A system call made without errno or anything thread-local: the
 * result, or -errno.  -ENOSYS where the processor is not known.
 */
long		 mdt_arch_syscall(long, long, long, long, long);

/*
 * In the ptrace helper: read the stopped thread's registers into the
 * slot (raw form); 0, or -1.  Then, in the checking thread, turn them
 * into regs order with the stack pointer and thread pointer.
 */
int		 mdt_arch_ptrace_read(int, struct mdt_thread *);
void		 mdt_arch_ptrace_regs(struct mdt_thread *);

/*
 * Code: code(addr, n) says whether n bytes at addr are code that may be
 * read.  mdt_arch_call_before: is there a call instruction that ends
 * at w (so w is a return address)?  0 if not; 1 with *to its target
 * for a direct call; 2 with *to the memory word it calls through;
 * 3 for a call through a register.  mdt_arch_plt_slot: the word a PLT
 * stub at t jumps through, or 0 if t is no PLT stub.
 */
typedef int	(*mdt_code_fn)(uintptr_t, size_t);
int		 mdt_arch_call_before(uintptr_t, mdt_code_fn, uintptr_t *);
uintptr_t	 mdt_arch_plt_slot(uintptr_t, mdt_code_fn);

#endif /* ARCH_H */
