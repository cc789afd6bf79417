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
 *
 * The earlier block's own words stay too: a block of 256 bytes holds
 * the only pointer to Q1 (88 bytes) at offset 80, one of 3600 bytes
 * the only pointer to Q2 (72 bytes) at offset 3000; both are freed and
 * their chunks taken again by blocks of the same size whose first word
 * only is written.  Q1 and Q2 are lost: their pointers are words the
 * new blocks' program never wrote.
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

void	*kept2[2];	/* the blocks that took the chunks again */

/* A block of size bsize that held the only pointer to one of qsize. */
static __attribute__((noinline)) void
leftover(int i, size_t bsize, size_t at, size_t qsize)
{
	void **b = malloc(bsize);
	void *q = malloc(qsize);

	memset(b, 0, bsize);
	memset(q, 2, qsize);
	/* volatile: a store into a block freed next is no dead store */
	((void *volatile *)b)[at / sizeof(void *)] = q;
	q = NULL;
	free(b);
	kept2[i] = malloc(bsize);	/* the same chunk, from the tcache */
	*(void **)kept2[i] = NULL;	/* its first word only */
}

int
main(void)
{
	scenario(0, 3000, 300);
	scenario(1, 2008, 5000);
	leftover(0, 256, 80, 88);
	leftover(1, 3600, 3000, 72);
	exit(0);
}
