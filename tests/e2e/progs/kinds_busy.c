/*
 * kinds_busy.c: exit while other threads allocate and free as fast as
 * they can, and one sits in a blocking read: the leak check must stop
 * them all (inside malloc, inside the tracer, inside a system call),
 * finish, and let the process exit.  Each busy thread keeps a list of
 * 64 blocks of 2000 bytes reachable from its stack.
 *
 * usage: kinds_busy [threads]
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile int started;
static int pipefd[2];

static void *
busy(void *arg)
{
	void *keep[64] = { 0 };
	unsigned i = 0;

	(void)arg;
	for (;; i++) {
		free(keep[i % 64]);
		keep[i % 64] = malloc(2000);
		if (i == 64)	/* all 64 held: counts as started */
			__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void *
reader(void *arg)
{
	char c;

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	(void)read(pipefd[0], &c, 1);	/* never returns: nobody writes */
	return NULL;
}

int
main(int argc, char *argv[])
{
	int i, n = argc > 1 ? atoi(argv[1]) : 8;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pthread_t t;

	if (pipe(pipefd) == -1)
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, busy, NULL) != 0)
			return 1;
	if (pthread_create(&t, NULL, reader, NULL) != 0)
		return 1;
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < n + 1)
		nanosleep(&ts, NULL);
	nanosleep(&ts, NULL);
	exit(0);
}
