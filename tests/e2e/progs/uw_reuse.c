/*
 * uw_reuse.c: a thread's remembered walks when the thread has ended and
 * another takes its memo.  Thread A runs on the whole of a stack of its
 * own; thread B on the same stack less its top pages, which are then
 * unmapped, and with that much less room taken by alloca, so that its
 * allocation comes from the same call site at the same stack address
 * as A's.  A's walk read words in the pages B's stack no longer has: a
 * tracer that trusted it for B would read them and fault.  Prints
 * "samefp" when the two allocations were made at the same stack
 * address (else the case was not made), then "done".
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define STACK	(256 * 1024)

struct arg {
	int	 who;
	size_t	 room;
};

static uintptr_t where[2];

static __attribute__((noinline)) void
reuse_leaf(int who)
{
	volatile char here = 0;
	void *volatile p;

	where[who] = (uintptr_t)&here;
	p = malloc(40 + (size_t)who);	/* lost: 40 bytes by A, 41 by B */
	(void)p;
}

static __attribute__((noinline)) void *
reuse_thread(void *v)
{
	struct arg *a = v;
	volatile char *room = alloca(a->room);

	room[0] = 0;
	reuse_leaf(a->who);
	__asm__ volatile("" : : "r"(room) : "memory");
	return NULL;
}

static int
run(void *stack, size_t size, struct arg *a)
{
	pthread_attr_t at;
	pthread_t t;

	if (pthread_attr_init(&at) != 0 ||
	    pthread_attr_setstack(&at, stack, size) != 0 ||
	    pthread_create(&t, &at, reuse_thread, a) != 0)
		return -1;
	pthread_join(t, NULL);
	pthread_attr_destroy(&at);
	return 0;
}

int
main(void)
{
	size_t shift = 4 * (size_t)sysconf(_SC_PAGESIZE);
	struct arg a = { 0, 0 }, b = { 1, 512 };
	char *stack;

	a.room = shift + b.room;
	stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED || run(stack, STACK, &a) != 0)
		return 1;
	if (munmap(stack + STACK - shift, shift) != 0 ||
	    run(stack, STACK - shift, &b) != 0)
		return 1;
	puts(where[0] == where[1] ? "samefp" : "otherfp");
	puts("done");
	return 0;
}
