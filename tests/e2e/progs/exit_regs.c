/*
 * exit_regs.c: a block held only in a callee-saved register when exit
 * is called (built at -O2 with exit_regs_fill.c, a separate unit, so
 * the pointer lives across the calls in such a register, and nowhere
 * in memory).  valgrind, which reads the registers at exit_group,
 * finds it still reachable.
 */
#include <stdlib.h>

void	fill(char *, int);

int
main(int argc, char *argv[])
{
	char *p = malloc(4321);
	int i;

	(void)argv;
	for (i = 0; i < argc; i++)
		fill(p, i);
	exit(0);
}
