/*
 * otherprog.c: linked with otheralloc.c's library; allocates, asks
 * malloc_usable_size, leaks one block of 77 bytes and prints what it
 * was told.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

static void *kept;

int
main(void)
{
	char *p = malloc(40), *lost = malloc(77);

	if (p == NULL || lost == NULL)
		return 2;
	printf("usable %s\n", malloc_usable_size(p) >= 40 ? "ok" : "short");
	kept = malloc(100);
	free(p);
	lost = NULL;
	return kept == NULL;
}
