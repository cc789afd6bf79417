/*
 * stale.c: blocks handed out again keep the allocator's links of their
 * earlier life in their first words.  Chunks X and Y (Y just after a
 * block P, so that Y's chunk header lies inside P) are freed into
 * glibc's bins, where their first words link them to each other and to
 * the arena; a chunk is taken again as V, kept by a global and never
 * written; then the only pointer to P is dropped.  P is definitely lost
 * (valgrind: the words of V were never written); the stale links must
 * not make any P possibly lost.  Two sizes of chunk, of a small bin
 * (300) and of a large one (5000); P of 3000 and 2008 bytes.
 */
#include <stdlib.h>
#include <string.h>

void	*kept[2];	/* the V blocks, reachable */

static __attribute__((noinline)) void
scenario(int i, size_t psize, size_t xsize)
{
	void *fill[7], *x, *g1, *g2, *g3;
	void *volatile p;
	void *y;
	int k;

	/* A full tcache for xsize, so that frees go to the bins. */
	for (k = 0; k < 7; k++)
		fill[k] = malloc(xsize);
	x = malloc(xsize);
	g1 = malloc(64);		/* guards: no merging */
	p = malloc(psize);
	memset(p, 1, psize);
	y = malloc(xsize);
	g2 = malloc(64);
	for (k = 0; k < 7; k++)
		free(fill[k]);
	free(y);
	free(x);			/* unsorted: x's first word -> y */
	g3 = malloc(64);
	kept[i] = malloc(xsize);	/* a chunk again, unwritten */
	p = NULL;			/* P is lost */
	(void)g1;
	(void)g2;
	(void)g3;
}

int
main(void)
{
	scenario(0, 3000, 300);
	scenario(1, 2008, 5000);
	exit(0);
}
