/*
 * getattr.c: threads whose first allocation is made by the C library's
 * pthread_getattr_np on themselves, which in glibc holds the thread's
 * own lock while it allocates (the affinity mask), as the JVM starts
 * every thread.  A tracer that asked pthread_getattr_np for the thread's
 * stack bounds there would wait for that lock forever.  The main thread
 * does the same before it allocates anything else.
 *
 * Each thread then leaks a block of 3100 + its number bytes from
 * thread_leak, called by thread_main; main leaks 3099 bytes from
 * main_leak.  Thread 0 keeps its attributes (own_attr_kept) without
 * destroying them: what pthread_getattr_np allocated for them leaks,
 * with its whole stack.  Prints "ok" when every thread has ended.
 */
#define _GNU_SOURCE	/* pthread_getattr_np */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS	4

void	*volatile sink;

static void __attribute__((noinline))
own_attr(void)
{
	pthread_attr_t a;
	void *addr;
	size_t size;

	if (pthread_getattr_np(pthread_self(), &a) != 0)
		abort();
	if (pthread_attr_getstack(&a, &addr, &size) != 0 || size == 0)
		abort();
	pthread_attr_destroy(&a);
}

static pthread_attr_t kept;

static void __attribute__((noinline))
own_attr_kept(void)
{
	if (pthread_getattr_np(pthread_self(), &kept) != 0)
		abort();
	memset(&kept, 0, sizeof(kept));	/* its pointers are gone */
}

static void __attribute__((noinline))
thread_leak(size_t n)
{
	char *p = malloc(n);

	if (p == NULL)
		abort();
	p[0] = 1;
	p = NULL;
}

static void * __attribute__((noinline))
thread_main(void *arg)
{
	if (arg == NULL)
		own_attr_kept();
	else
		own_attr();
	thread_leak(3100 + (size_t)(long)arg);
	return NULL;
}

static void __attribute__((noinline))
main_leak(void)
{
	char *p = malloc(3099);

	if (p == NULL)
		abort();
	p[0] = 1;
}

int
main(void)
{
	pthread_t t[NTHREADS];
	long i;

	own_attr();
	main_leak();
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)i) != 0)
			return 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	puts("ok");
	return 0;
}
