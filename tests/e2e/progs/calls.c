/*
 * calls.c: one leak through each interposed function, each with its own
 * size, on a line marked for the test to find; failed calls and frees
 * that must leave no leak.
 */
#define _DEFAULT_SOURCE	/* reallocarray, valloc */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static void *keep[16];
/* volatile: the compiler must not see the failure coming. */
static volatile size_t huge = SIZE_MAX - 4096;

int
main(void)
{
	void *p = NULL, *q;

	keep[0] = malloc(11);			/* LEAK_MALLOC */
	keep[1] = calloc(3, 7);			/* LEAK_CALLOC */
	keep[2] = realloc(NULL, 31);		/* LEAK_REALLOC */
	keep[3] = reallocarray(NULL, 41, 1);	/* LEAK_REALLOCARRAY */
	if (posix_memalign(&p, 64, 51) != 0)	/* LEAK_POSIX_MEMALIGN */
		return 1;
	keep[4] = p;
	keep[5] = aligned_alloc(64, 128);	/* LEAK_ALIGNED_ALLOC */
	keep[6] = memalign(32, 71);		/* LEAK_MEMALIGN */
	keep[7] = valloc(81);			/* LEAK_VALLOC */
	keep[8] = pvalloc(1);			/* LEAK_PVALLOC */
	keep[9] = malloc(91);			/* LEAK_REALLOC_FAILED */
	if (realloc(keep[9], huge) != NULL)
		return 1;
	if (malloc(huge) != NULL || calloc(huge, 2) != NULL)
		return 1;
	q = malloc(1000);
	q = realloc(q, 0);	/* glibc frees the block */
	free(q);
	free(NULL);
	keep[10] = malloc(5);
	keep[10] = realloc(keep[10], 2000);	/* LEAK_REALLOC_MOVED */
	(void)!write(1, "done\n", 5);
	return 0;
}
