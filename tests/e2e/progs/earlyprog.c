/*
 * earlyprog.c: with earlylib.c, a block (3102 bytes) whose only pointer
 * is in a block allocated before the tracer started (the registry,
 * 3101 bytes, from a library's constructor): both are still reachable,
 * as valgrind has them, not lost.  A block of 3103 bytes whose pointer
 * is dropped is definitely lost.
 */
#include <stdlib.h>

void	registry_add(void *);

static void __attribute__((noinline))
lose(void)
{
	char *volatile p = malloc(3103);

	p[0] = 1;
}

int
main(void)
{
	registry_add(malloc(3102));
	lose();
	return 0;
}
