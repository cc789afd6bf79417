/*
 * killedcheck.c: forked children killed before they could write their
 * report, as a pool's workers are when the pool is closed.
 *
 * Child A holds half a million blocks and a second thread, tells the
 * parent that thread's id, and exits when the parent says; the parent
 * waits until the leak check at exit has stopped that thread (its state
 * is "t", stopped by a tracer), then sends A SIGTERM during its check.
 * A must still write its report, then end by that signal.  Nothing of
 * the tracer may outlive it: a helper left behind kept A's descriptors,
 * standard output among them, open for ever.
 *
 * Child B allocates a block and waits; the parent kills it with SIGKILL.
 * It wrote no report, and must still be listed.
 *
 * The parent prints "a=PID b=PID", then "a ended by signal N" (or "a
 * exited N"), then "done" once both are reaped.
 */
#define _GNU_SOURCE	/* gettid */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NBLOCKS	500000

static int	tidpipe[2], gopipe[2];

static void *
idle(void *arg)
{
	int tid = (int)syscall(SYS_gettid);

	(void)write(tidpipe[1], &tid, sizeof(tid));
	for (;;)
		pause();
	return arg;
}

/* Until task tid of pid is stopped by a tracer, 10 s at most. */
static void
wait_traced(pid_t pid, int tid)
{
	struct timespec ts = { 0, 1000000 };
	char path[64], buf[256], *s;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, tid);
	for (i = 0; i < 10000; i++) {
		if ((fd = open(path, O_RDONLY)) == -1)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if ((s = strrchr(buf, ')')) != NULL && s[1] == ' ' &&
		    s[2] == 't')
			return;
		nanosleep(&ts, NULL);
	}
}

int
main(void)
{
	volatile void *keep;
	pthread_t t;
	pid_t a, b;
	void **v;
	int fd[2], i, st, tid;
	char c;

	if (pipe(tidpipe) == -1 || pipe(gopipe) == -1 || pipe(fd) == -1)
		return 1;
	if ((a = fork()) == -1)
		return 1;
	if (a == 0) {
		if ((v = malloc(NBLOCKS * sizeof(*v))) == NULL)
			_exit(1);
		for (i = 0; i < NBLOCKS; i++)
			v[i] = malloc(32);
		if (pthread_create(&t, NULL, idle, NULL) != 0)
			_exit(1);
		(void)read(gopipe[0], &c, 1);
		exit(0);
	}
	if (read(tidpipe[0], &tid, sizeof(tid)) != sizeof(tid))
		return 1;
	if ((b = fork()) == -1)
		return 1;
	if (b == 0) {
		keep = malloc(100);
		(void)keep;
		(void)write(fd[1], "x", 1);
		for (;;)
			pause();
	}
	if (read(fd[0], &c, 1) != 1)
		return 1;
	printf("a=%d b=%d\n", (int)a, (int)b);
	fflush(stdout);
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
	(void)write(gopipe[1], "x", 1);	/* A exits */
	wait_traced(a, tid);
	kill(a, SIGTERM);
	if (waitpid(a, &st, 0) == a) {
		if (WIFSIGNALED(st))
			printf("a ended by signal %d\n", WTERMSIG(st));
		else
			printf("a exited %d\n", WEXITSTATUS(st));
	}
	puts("done");
	return 0;
}
