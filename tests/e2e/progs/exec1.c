/*
 * exec1.c: leak 111 bytes, then execute the program named by argv[1].
 * The leak must not be reported (this image never exits); the second
 * program's report must be there, under the same pid.
 */
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char *p;

	if (argc < 2)
		return 2;
	p = malloc(111);
	p[0] = 1;
	execv(argv[1], argv + 1);
	return 1;
}
