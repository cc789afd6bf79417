/*
 * quickfork.c: fork; the child exits at once, and so does the parent
 * once the child is gone.  Neither leaves the tracer's checker thread
 * time to start before the check at exit.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(void)
{
	pid_t pid = fork();

	if (pid == 0)
		exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}
