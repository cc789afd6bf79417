/*
 * html.c: leaks of known sizes and functions for the -o html test: a
 * function whose symbol is markup (named by an asm label, so clang must
 * compile it), a helper inlined into its caller, and a run that leaks
 * twice over for its own test.  Arguments:
 *   more   leak_small leaks once more and leak_new leaks (for -b)
 *   fork   a child process leaks too, in leak_child; both pids printed
 * No stdio: its buffer would be one more leak.
 */
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *keep[16];
static int nkeep;

void	*hostile(size_t) __asm__("<script>alert(1)</script>");

__attribute__((noinline)) void *
hostile(size_t n)
{
	return malloc(n);
}

static inline __attribute__((always_inline)) void *
helper(size_t n)
{
	return malloc(n);		/* HELPER */
}

__attribute__((noinline)) void
leak_inline(void)
{
	keep[nkeep++] = helper(640);	/* INLINED */
}

__attribute__((noinline)) void
leak_small(int times)
{
	int i;

	for (i = 0; i < times; i++)
		keep[nkeep++] = malloc(100);
}

__attribute__((noinline)) void
leak_big(void)
{
	keep[nkeep++] = calloc(1, 5000);	/* BIG */
}

__attribute__((noinline)) void
leak_new(void)
{
	keep[nkeep++] = malloc(900);
}

__attribute__((noinline)) void
leak_child(void)
{
	keep[nkeep++] = malloc(333);
}

static void
say_pid(const char *who)
{
	char b[64];
	int n;

	n = snprintf(b, sizeof(b), "%s %ld\n", who, (long)getpid());
	if (n > 0)
		(void)write(1, b, (size_t)n);
}

int
main(int argc, char *argv[])
{
	int more = argc > 1 && strcmp(argv[1], "more") == 0;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "fork") == 0) {
		if ((pid = fork()) == -1)
			return 1;
		if (pid == 0) {
			say_pid("child");
			leak_child();
			return 0;
		}
		waitpid(pid, NULL, 0);
		say_pid("parent");
	}
	leak_small(more ? 4 : 3);
	leak_big();
	keep[nkeep++] = hostile(77);
	leak_inline();			/* CALL_INLINED */
	if (more)
		leak_new();
	return 0;
}
