/*
 * forkthreads.c: fork, then leak from 4 threads in each process.  Thread
 * t leaks t+1 blocks of 100*(t+1) bytes in the parent and 300*(t+1) in
 * the child, so each process has one leak of known sum and count:
 * parent sum=3000 count=10, child sum=9000 count=10.  Prints
 * "parent PID child PID".  No stdio before the end: its buffers would
 * be leaks too.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static size_t unit = 100;

static void *
leaker(void *arg)
{
	size_t t = (size_t)arg, i;
	void **keep = calloc(1, sizeof(void *)); /* freed below */

	for (i = 0; i <= t; i++)
		keep[0] = malloc(unit * (t + 1));	/* LEAK_THREAD */
	free(keep);
	return NULL;
}

static void
run(void)
{
	pthread_t th[4];
	size_t t;

	for (t = 0; t < 4; t++)
		if (pthread_create(&th[t], NULL, leaker, (void *)t) != 0)
			abort();
	for (t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
}

int
main(void)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return 1;
	if (pid == 0) {
		unit = 300;
		run();
		exit(0);
	}
	run();
	if (waitpid(pid, &st, 0) != pid)
		return 1;
	printf("parent %ld child %ld\n", (long)getpid(), (long)pid);
	return 0;
}
