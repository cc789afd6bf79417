/*
 * otheralloc.c: a shared library that is an allocator of its own, as
 * libjemalloc and libtcmalloc are: malloc, calloc, realloc, free and
 * malloc_usable_size over a static arena, each block after a header
 * that names it.  Its malloc_usable_size aborts on a block it did not
 * give, so a program that links it and runs under a tracer whose
 * malloc family comes first must be asked about the tracer's blocks
 * by the tracer's own malloc_usable_size, never by this one.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ARENA	(1 << 20)
#define MAGIC	0x6f74686572616c63ULL	/* "otheralc" */

struct head {
	unsigned long long	magic;
	size_t			size;
};

static unsigned char	arena[ARENA] __attribute__((aligned(16)));
static size_t		used;

void *
malloc(size_t n)
{
	struct head *h;
	size_t need = sizeof(*h) + ((n + 15) & ~(size_t)15);

	if (n > ARENA || need > ARENA - used)
		return NULL;
	h = (struct head *)(void *)(arena + used);
	used += need;
	h->magic = MAGIC;
	h->size = n;
	return h + 1;
}

void *
calloc(size_t n, size_t m)
{
	void *p;

	if (m != 0 && n > (size_t)-1 / m)
		return NULL;
	if ((p = malloc(n * m)) != NULL)
		memset(p, 0, n * m);
	return p;
}

size_t
malloc_usable_size(void *p)
{
	struct head *h = (struct head *)p - 1;

	if (p == NULL)
		return 0;
	if ((unsigned char *)p < arena || (unsigned char *)p >= arena + ARENA ||
	    h->magic != MAGIC)
		abort();
	return h->size;
}

void *
realloc(void *p, size_t n)
{
	void *q;
	size_t old;

	if (p == NULL)
		return malloc(n);
	old = malloc_usable_size(p);
	if ((q = malloc(n)) != NULL)
		memcpy(q, p, old < n ? old : n);
	return q;
}

void
free(void *p)
{
	if (p != NULL)
		(void)malloc_usable_size(p);	/* aborts on another's */
}
