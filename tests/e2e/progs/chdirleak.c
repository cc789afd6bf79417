/*
 * chdirleak.c: leaks 77 bytes, changes its working directory to DIR,
 * then leaks 33 bytes: without MDTRACE_FILE the tracer writes its start
 * record to ktrace.out where the program started, and its report to
 * ktrace.out in DIR.
 *
 *	chdirleak DIR
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char *a, *b;

	if (argc != 2 || (a = malloc(77)) == NULL)
		return 2;
	memset(a, 1, 77);
	a = NULL;
	if (chdir(argv[1]) == -1 || (b = malloc(33)) == NULL)
		return 3;
	memset(b, 2, 33);
	b = NULL;
	return 0;
}
