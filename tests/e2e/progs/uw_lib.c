/*
 * uw_lib.c: a library for tests/e2e/mdtrace_unwind.sh, built twice with
 * different FRAME sizes: the code is laid out the same (the size is a
 * 32-bit immediate either way) but the frame, and so the call frame
 * information at each return address, differs.  It allocates through a
 * callback into the program.
 */
#include <stddef.h>

#ifndef FRAME
#define FRAME	200
#endif

typedef void	*(*alloc_fn)(size_t);

volatile int	 uw_lib_sink;

__attribute__((noinline)) void *
uw_lib_inner(alloc_fn f, size_t n)
{
	volatile char buf[FRAME];
	void *p;

	buf[0] = (char)n;
	p = f(n + (size_t)buf[0] - (size_t)(char)n);
	buf[1] = 1;
	uw_lib_sink += buf[1];
	return p;
}

void *
uw_lib_alloc(alloc_fn f, size_t n)
{
	void *p = uw_lib_inner(f, n);

	uw_lib_sink++;
	return p;
}
