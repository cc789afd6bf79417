/*
 * exit_paths.c: ways a process ends, for the leak check (kinds.sh).
 *
 *	exit_paths dtor		uses exit_dtor_lib.so, then exit(0)
 *	exit_paths _exit	ends with _exit(3), a block held by a global
 *	exit_paths _Exit	the same with _Exit(4)
 *	exit_paths vfork	a vforked child ends with _exit(5) (a failed
 *				exec's path), then the parent exit(0)s
 *
 * Each keeps a block of 4323 bytes reachable from a global, and loses
 * one of 4324.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char	*lib_use(void);

void	*exit_paths_global;	/* not static: it must stay */

static __attribute__((noinline)) void
blocks(void)
{
	void *volatile lost = malloc(4324);

	exit_paths_global = malloc(4323);
	memset(exit_paths_global, 0, 4323);
	memset(lost, 0, 4324);
	lost = NULL;
}

int
main(int argc, char *argv[])
{
	int st;
	pid_t pid;

	if (argc < 2)
		return 2;
	blocks();
	if (strcmp(argv[1], "dtor") == 0) {
		if (lib_use() == NULL)
			return 1;
		exit(0);
	}
	if (strcmp(argv[1], "_exit") == 0)
		_exit(3);
	if (strcmp(argv[1], "_Exit") == 0)
		_Exit(4);
	if (strcmp(argv[1], "vfork") == 0) {
		if ((pid = vfork()) == 0)
			_exit(5);
		if (pid == -1 || waitpid(pid, &st, 0) != pid ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 5)
			return 1;
		exit(0);
	}
	return 2;
}
