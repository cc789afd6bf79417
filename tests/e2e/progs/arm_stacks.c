/*
 * arm_stacks.c: allocations whose stacks the tracer must record as
 * libgcc's unwinder finds them (glibc's backtrace()), on whatever
 * processor it runs: tests/e2e/arm64.sh builds it for aarch64 with
 * several code generation options and runs it under qemu-user.
 *
 * After each allocation, note() prints one line:
 *
 *	SIZE FN FRAME...
 *
 * FN the allocating function's start and FRAME the return addresses
 * backtrace() found from note(), each as OBJECT+0xOFFSET (dladdr's
 * object and the offset from its base), or ?0xADDRESS outside any
 * object.  The first frame is note()'s return into the allocating
 * function; the tracer's frame 0 lies between FN and it, and the
 * tracer's further frames are backtrace()'s after it.  Every block is
 * leaked, each of a size of its own.
 */
#define _GNU_SOURCE	/* dladdr */

#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

typedef void	(*cb_fn)(int);
void	lib_call(cb_fn, int);

static volatile int	stop;
static volatile int	sigsize = 1201;	/* the handler's next block */

static void
where(const void *a)
{
	Dl_info d;

	if (dladdr(a, &d) != 0 && d.dli_fname != NULL)
		printf(" %s+%#lx", d.dli_fname,
		    (unsigned long)((const char *)a - (const char *)d.dli_fbase));
	else
		printf(" ?%#lx", (unsigned long)a);
}

/* Not async-signal-safe, but the signals below come at known places. */
static __attribute__((noinline)) void
note(size_t size, void *p, void (*fn)(void))
{
	void *b[64];
	int i, n;

	if (p == NULL)
		abort();
	n = backtrace(b, 64);
	printf("%zu", size);
	/* ISO C has no cast between object and function pointers. */
	memcpy(&p, &fn, sizeof(p));
	where(p);
	for (i = 1; i < n; i++)
		where(b[i]);
	printf("\n");
	fflush(stdout);
}

#define FN(f)	((void (*)(void))(f))

static __attribute__((noinline)) void
leaf_alloc(int n)
{
	note((size_t)n, malloc((size_t)n), FN(leaf_alloc));
	__asm__ volatile("" ::: "memory");	/* no tail call */
}

/* A frame of run-time size: the CFA from x29. */
static __attribute__((noinline)) void
vla_alloc(int n)
{
	volatile char buf[n];

	buf[0] = 1;
	note((size_t)n, calloc(1, (size_t)n + buf[0] - 1), FN(vla_alloc));
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
c3(int n)
{
	leaf_alloc(n);
	__asm__ volatile("" ::: "memory");
	vla_alloc(n + 1);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
c2(int n)
{
	c3(n);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
c1(int n)
{
	c2(n);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
realloc_alloc(int n)
{
	void *p = malloc(8);

	note((size_t)n, realloc(p, (size_t)n), FN(realloc_alloc));
	__asm__ volatile("" ::: "memory");
}

static void
on_signal(int sig)
{
	(void)sig;
	leaf_alloc(sigsize++);
	stop = 1;
}

/* Interrupted by the timer: the handler's stack goes through a loop. */
static __attribute__((noinline)) void
spin(void)
{
	while (!stop)
		__asm__ volatile("" ::: "memory");
}

static void *
thread_main(void *arg)
{
	(void)arg;
	c1(1401);
	return NULL;
}

int
main(void)
{
	struct sigaction sa;
	struct itimerval it;
	stack_t ss;
	pthread_t t;

	c1(1001);
	lib_call(leaf_alloc, 1101);
	realloc_alloc(1111);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	/* On the alternate signal stack. */
	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_ONSTACK;
	sa.sa_handler = on_signal;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	/* A signal that interrupts a loop. */
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	stop = 0;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_REAL, &it, NULL);
	spin();
	if (pthread_create(&t, NULL, thread_main, NULL) == 0)
		pthread_join(t, NULL);
	return 0;
}
