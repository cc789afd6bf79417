/*
 * ownmalloc.c: a program with an allocator of its own, which the
 * dynamic loader binds before the preloaded tracer's: the tracer never
 * sees its blocks, so the trace must say the process was not traced.
 */
#include <stddef.h>
#include <string.h>

static unsigned char heap[1 << 20] __attribute__((aligned(16)));
static size_t used;

void *
malloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(heap) - used)
		return NULL;
	p = heap + used;
	used += n;
	return p;
}

void
free(void *p)
{
	(void)p;
}

void *
calloc(size_t n, size_t m)
{
	void *p = n != 0 && m > (size_t)-1 / n ? NULL : malloc(n * m);

	if (p != NULL)
		memset(p, 0, n * m);
	return p;
}

void *
realloc(void *p, size_t n)
{
	void *q = malloc(n);

	if (q != NULL && p != NULL)
		memmove(q, p, n);	/* the old block is at most this long */
	return q;
}

int
main(void)
{
	char *leak = malloc(64);	/* never seen by the tracer */

	if (leak == NULL)
		return 1;
	leak[0] = 1;
	return 0;
}
