/* vars2.c: a second unit for vars.c, with a global of its own. */
#include <stdlib.h>

long *volatile ovar;

void
other(void)
{
	ovar = malloc(7);
}
