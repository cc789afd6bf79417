/*
 * slackuse.c: a program that uses the bytes malloc_usable_size gives
 * beyond the size it asked for, as its contract allows (Redis's strings
 * do), then grows the block with realloc, which must keep them.  It
 * prints "kept N" with the usable size N it filled, or says which byte
 * was lost and exits 1.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
	unsigned char *p, *q;
	size_t n, i;

	if ((p = malloc(5)) == NULL)
		return 2;
	n = malloc_usable_size(p);
	memset(p, 'x', n);
	if ((q = realloc(p, 4096)) == NULL)
		return 2;
	for (i = 0; i < n; i++)
		if (q[i] != 'x') {
			printf("byte %zu of %zu lost\n", i, n);
			return 1;
		}
	printf("kept %zu\n", n);
	free(q);
	return 0;
}
