/*
 * plug.c: the library that tests/e2e/oracle/leaks.c loads with dlopen,
 * built twice (PLUG=a, PLUG=b) as two libraries of the same size, -O2
 * without frame pointers.  plug_run allocates, then calls back into the
 * program, which allocates too.
 */
#include <stdlib.h>

#define CAT(a, b)	a##b
#define NAME(a, b)	CAT(a, b)

void *plug_run(void (*)(int), int);

static __attribute__((noinline)) void *
NAME(plug_alloc_, PLUG)(int n)
{
	void *p = malloc(500 + n);			/* ORACLE: plug */

	__asm__ volatile("" ::: "memory");	/* not a tail call */
	return p;
}

void *
plug_run(void (*cb)(int), int n)
{
	void *p = NAME(plug_alloc_, PLUG)(n);		/* ORACLE: plug-alloc */

	cb(n);						/* ORACLE: plug-cb */
	return p;
}
