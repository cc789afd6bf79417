/* exec2.c: the program exec1 executes: leaks 222 bytes. */
#include <stdlib.h>

int
main(void)
{
	char *p = malloc(222);	/* LEAK_EXEC2 */

	p[0] = 1;
	return 0;
}
