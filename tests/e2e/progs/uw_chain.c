/*
 * uw_chain.c: allocations for tests/e2e/mdtrace_unwind.sh, built -O2
 * without frame pointers: a chain of noinline functions, strdup, a
 * qsort callback, calloc and realloc, a realigned stack frame (its CFA
 * is a DWARF expression), recursion deeper than the recorded depth,
 * signal handlers entered synchronously (raise), on the alternate
 * signal stack, and asynchronously (a spinning loop interrupted by
 * another thread), and a thread.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE	__attribute__((noinline))

volatile int sink;
static volatile int flag;
static pthread_t mainth;
static int first = 1;

NOINLINE void *c5(size_t n) { void *p = malloc(n); sink++; return p; }
NOINLINE void *c4(size_t n) { void *p = c5(n + 1); sink++; return p; }
NOINLINE void *
c3(size_t n)
{
	char b[100];
	void *p;

	memset(b, (int)n, sizeof(b));
	p = c4(n + (size_t)b[3]);
	sink++;
	return p;
}
NOINLINE void *c2(size_t n) { void *p = c3(n + 1); sink++; return p; }
NOINLINE void *c1(size_t n) { void *p = c2(n + 1); sink++; return p; }

NOINLINE char *
dupit(const char *s)
{
	char *p = strdup(s);

	sink++;
	return p;
}

NOINLINE int
cmp(const void *a, const void *b)
{
	if (first) {
		first = 0;
		sink += (int)(size_t)malloc(33);
	}
	return *(const int *)a - *(const int *)b;
}

NOINLINE void
sorter(void)
{
	int a[50], i;

	for (i = 0; i < 50; i++)
		a[i] = (i * 37) % 50;
	qsort(a, 50, sizeof(a[0]), cmp);
	sink++;
}

NOINLINE void *
grow(void)
{
	char *p = calloc(1, 40);

	sink++;
	return realloc(p, 4000);
}

/* An over-aligned local makes GCC realign the stack. */
NOINLINE void *
aligned(size_t n)
{
	char buf[64] __attribute__((aligned(64)));
	void *p;

	memset(buf, 1, sizeof(buf));
	p = c4(n + (size_t)buf[(n & 63)]);
	sink += buf[3];
	return p;
}

NOINLINE int
rec(int d)
{
	int r;

	if (d == 0) {
		sink += (int)(size_t)malloc(777);
		return 1;
	}
	r = rec(d - 1);
	sink++;
	return r + 1;
}

static void
on_usr1(int s)
{
	(void)s;
	sink += (int)(size_t)c4(5000);
}

NOINLINE void
raiser(void)
{
	raise(SIGUSR1);
	sink++;
}

static void
on_alt(int s)
{
	(void)s;
	sink += (int)(size_t)c4(3000);
}

NOINLINE void
altraiser(void)
{
	struct sigaction sa;
	stack_t ss;

	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alt;
	sa.sa_flags = SA_ONSTACK;
	if (ss.ss_sp == NULL || sigaltstack(&ss, NULL) != 0 ||
	    sigaction(SIGHUP, &sa, NULL) != 0)
		abort();
	raise(SIGHUP);
	sink++;
}

static void
on_usr2(int s)
{
	(void)s;
	sink += (int)(size_t)malloc(6000);
	flag = 1;
}

NOINLINE void
spin(void)
{
	while (!flag)
		sink++;
}

static void *
killer(void *a)
{
	(void)a;
	usleep(20000);
	pthread_kill(mainth, SIGUSR2);
	return NULL;
}

static void *
thread_main(void *a)
{
	(void)a;
	c1(7000);
	return NULL;
}

int
main(void)
{
	pthread_t t;

	c1(100);
	dupit("hello");
	sorter();
	grow();
	aligned(900);
	rec(70);
	signal(SIGUSR1, on_usr1);
	raiser();
	altraiser();
	signal(SIGUSR2, on_usr2);
	mainth = pthread_self();
	if (pthread_create(&t, NULL, killer, NULL) != 0)
		return 1;
	spin();
	pthread_join(t, NULL);
	if (pthread_create(&t, NULL, thread_main, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	printf("done\n");
	return 0;
}
