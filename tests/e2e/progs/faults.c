/*
 * faults.c: a program for the tracer's fault tests (mdtrace_faults.sh).
 *
 *	faults          leaks 10 blocks from 10 distinct stacks (recursion
 *	                depths 0 to 9), prints "done", exits 3
 *	faults kill     forks two children that leak 1000 and 2000 bytes
 *	                and exit normally, waits for them, leaks 777 bytes,
 *	                prints "parent PID", then kills itself with SIGKILL
 *
 * Output goes through write(2): no stdio buffer to leak.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *keep[16];

static void
say(const char *s)
{
	if (write(1, s, strlen(s)) != (ssize_t)strlen(s))
		_exit(1);
}

/* Depth d: a stack of its own for each d. */
static void __attribute__((noinline))
leak_deep(int d, int i)
{
	if (d > 0) {
		leak_deep(d - 1, i);
		return;
	}
	keep[i] = malloc(100 + (size_t)i);	/* LEAK_DEEP */
}

int
main(int argc, char **argv)
{
	char line[64];
	pid_t pid;
	int i;

	if (argc > 1 && strcmp(argv[1], "kill") == 0) {
		for (i = 1; i <= 2; i++) {
			if ((pid = fork()) == -1)
				return 1;
			if (pid == 0) {
				keep[0] = malloc(1000 * (size_t)i); /* LEAK_CHILD */
				keep[0] = NULL;
				exit(0);
			}
			if (waitpid(pid, NULL, 0) != pid)
				return 1;
		}
		keep[0] = malloc(777);	/* LEAK_PARENT */
		keep[0] = NULL;
		snprintf(line, sizeof(line), "parent %ld\n", (long)getpid());
		say(line);
		kill(getpid(), SIGKILL);
		return 1;
	}
	for (i = 0; i < 10; i++) {
		leak_deep(i, i);
		keep[i] = NULL;
	}
	say("done\n");
	return 3;
}
