/*
 * dropenv.c: run argv[1] with an empty environment, as programs that
 * clear theirs before exec do: the program it runs is not traced, and
 * the trace must say so under this pid.  With -raw, through the raw
 * system call, which the tracer cannot interpose: the start record
 * without a report then tells.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static char *const none[] = { NULL };

	if (argc >= 3 && strcmp(argv[1], "-raw") == 0) {
		syscall(SYS_execve, argv[2], argv + 2, none);
		return 126;
	}
	if (argc < 2)
		return 2;
	clearenv();
	execv(argv[1], argv + 1);
	return 126;
}
