/*
 * features.c: leaks for tests/e2e/features_c.sh.  Built twice: as the
 * baseline, and with -DCHANGED as "the change", which calls leak_b()
 * twice and adds leak_new().  The marker comments name the lines the
 * test expects in the report.
 */
#include <stdio.h>
#include <stdlib.h>

void	*keep[8];

__attribute__((noinline)) void
leak_a(void)
{
	keep[0] = malloc(100);	/* LEAK_A */
}

__attribute__((noinline)) void
leak_b(int i)
{
	keep[i] = malloc(200);	/* LEAK_B */
}

#ifdef CHANGED
__attribute__((noinline)) void
leak_new(void)
{
	keep[7] = malloc(300);	/* LEAK_NEW */
}
#endif

int
main(void)
{
	leak_a();
	leak_b(1);
#ifdef CHANGED
	leak_b(2);
	leak_new();
#endif
	keep[0] = keep[1] = keep[2] = keep[7] = NULL;
	printf("done\n");
	return 0;
}
