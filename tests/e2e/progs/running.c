/*
 * running.c: the checks while a program runs, under stress (running.sh).
 *
 *	running lsan		leaks a block, then asks for a check with
 *				__lsan_do_recoverable_leak_check (a weak
 *				symbol: without the tracer nothing happens)
 *				and prints what it returned
 *	running stress MS	for MS milliseconds: 8 threads allocate and
 *				free, one sits in read(2) on a pipe, one
 *				sleeps in nanosleep and one in poll(2) in a
 *				loop counting EINTR, and the main thread
 *				forks a child every 20 ms that allocates
 *				and exits; prints "eintr N" at the end
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int	__lsan_do_recoverable_leak_check(void) __attribute__((weak));

static volatile int	stop;
static int		eintr;
static int		pipefd[2];

static void *
churn(void *arg)
{
	void *keep[32] = { 0 };
	unsigned i;

	(void)arg;
	for (i = 0; !stop; i++) {
		free(keep[i % 32]);
		keep[i % 32] = malloc(16 + i % 200);
	}
	for (i = 0; i < 32; i++)
		free(keep[i]);
	return NULL;
}

static void *
reader(void *arg)
{
	char c;

	(void)arg;
	while (read(pipefd[0], &c, 1) == -1)
		if (errno == EINTR)
			__atomic_add_fetch(&eintr, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *
sleeper(void *arg)
{
	struct timespec ts = { 0, 3000000 };
	struct pollfd p = { -1, 0, 0 };

	while (!stop) {
		if (arg == NULL && nanosleep(&ts, NULL) == -1 && errno == EINTR)
			__atomic_add_fetch(&eintr, 1, __ATOMIC_SEQ_CST);
		if (arg != NULL && poll(&p, 1, 3) == -1 && errno == EINTR)
			__atomic_add_fetch(&eintr, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static int
stress(long ms)
{
	pthread_t t[11];
	struct timespec ts = { 0, 20000000 }, t0, t1;
	int i, st;
	pid_t pid;

	if (pipe(pipefd) == -1)
		return 1;
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	pthread_create(&t[8], NULL, reader, NULL);
	pthread_create(&t[9], NULL, sleeper, NULL);
	pthread_create(&t[10], NULL, sleeper, &t);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if ((pid = fork()) == 0) {
			free(malloc(100));
			_exit(0);
		}
		if (pid == -1 || waitpid(pid, &st, 0) != pid || st != 0)
			return 1;
		nanosleep(&ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while ((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	stop = 1;
	if (write(pipefd[1], "x", 1) != 1)
		return 1;
	for (i = 0; i < 11; i++)
		pthread_join(t[i], NULL);
	printf("eintr %d\n", eintr);
	return 0;
}

int
main(int argc, char *argv[])
{
	void *volatile p;

	if (argc > 2 && strcmp(argv[1], "stress") == 0)
		return stress(atol(argv[2]));
	if (argc > 1 && strcmp(argv[1], "lsan") == 0) {
		p = malloc(4444);
		memset(p, 0, 4444);
		p = NULL;
		printf("check %d\n", __lsan_do_recoverable_leak_check ?
		    __lsan_do_recoverable_leak_check() : -1);
		return 0;
	}
	return 2;
}
