/*
 * ctor.c: allocations before main (a constructor), in main, and a block
 * freed by the program's own atexit handler, which runs before the
 * tracer's report and so must not be reported.
 */
#include <stdlib.h>

static char *ctor_block, *main_block, *freed_at_exit;

static void
cleanup(void)
{
	free(freed_at_exit);
}

static __attribute__((constructor)) void
early(void)
{
	ctor_block = malloc(300);	/* LEAK_CTOR */
	ctor_block[0] = 1;
}

int
main(void)
{
	main_block = malloc(400);	/* LEAK_MAIN */
	freed_at_exit = malloc(500);
	atexit(cleanup);
	main_block[0] = freed_at_exit[0] = 1;
	return 0;
}
