/*
 * behind.c: a block freed behind the tracer's back, for
 * mdtrace_robust.sh.  glibc's __libc_free frees without going through
 * the free the tracer interposes, and a block of this size is mapped on
 * its own (with 8 bytes of slack, which the live table keeps as an
 * entry's slack, so its size is read from the allocator): the free
 * unmaps it while the table still holds it.  The leak check, while the
 * program runs and at exit, must leave it out and go on; the block at
 * keep is reachable, and the block at lost (77 bytes) definitely lost.
 */
#include <stdio.h>
#include <stdlib.h>

void	 __libc_free(void *);
int	 __lsan_do_recoverable_leak_check(void) __attribute__((weak));

void	*keep;

int
main(void)
{
	char *big = malloc((1 << 20) - 24);
	void *lost = malloc(77);

	if (big == NULL || lost == NULL)
		return 1;
	big[0] = 1;
	keep = malloc(100);
	__libc_free(big);
	lost = NULL;
	if (__lsan_do_recoverable_leak_check != NULL)
		printf("check %d\n", __lsan_do_recoverable_leak_check());
	puts("survived");
	return 0;
}
