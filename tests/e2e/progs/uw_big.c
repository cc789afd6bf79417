/*
 * uw_big.c: for tests/e2e/mdtrace_unwind.sh: blocks of 4 GiB and more,
 * whose sizes the tracer keeps outside its table's 32-bit size field.
 * Leaks one of 2^32 + 123 bytes, frees one of 2^32 + 7, leaks one of
 * 2^32 + 45 made by realloc of a small block.  The memory is never
 * touched, so it costs address space only.
 */
#include <stdio.h>
#include <stdlib.h>

#define BIG	((size_t)1 << 32)

volatile size_t sink;

int
main(void)
{
	void *p, *q, *r;

	if (sizeof(size_t) < 8)
		return 0;
	p = malloc(BIG + 123);
	q = malloc(BIG + 7);
	free(q);
	r = realloc(malloc(10), BIG + 45);
	sink = (size_t)p + (size_t)r;
	printf("%s\n", p != NULL && r != NULL ? "done" : "no memory");
	return 0;
}
