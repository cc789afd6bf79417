/*
 * pathprog.c: a program started by its bare name through PATH, whose
 * leak mdump must place at its file and line: the tracer names the
 * main program by its real path, not by argv[0].
 */
#include <stdlib.h>
#include <string.h>

static char *
make_leak(void)
{
	char *p = malloc(77);	/* LEAK_PATH */

	if (p != NULL)
		memset(p, 'p', 77);
	return p;
}

int
main(void)
{
	char *p = make_leak();

	p = NULL;	/* lost */
	return p != NULL;
}
