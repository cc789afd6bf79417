/*
 * stop_ptrace.h: stopping the other threads with ptrace (stop_ptrace.c):
 * the slots filled, or -1 where ptrace may not be used; and letting
 * them go.
 */
#ifndef STOP_PTRACE_H
#define STOP_PTRACE_H

#include <stddef.h>

#include "mdt.h"

long	 mdt_ptrace_stop(struct mdt_thread *, size_t);
void	 mdt_ptrace_resume(void);

#endif /* STOP_PTRACE_H */
