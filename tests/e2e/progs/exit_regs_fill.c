/* exit_regs_fill.c: the callee of exit_regs.c, out of the compiler's sight. */
#include <string.h>

void	fill(char *, int);

void
fill(char *p, int i)
{
	memset(p, i, 4321);
}
