/*
 * sparseroot.c: blocks held only from pages in the middle of memory the
 * program otherwise never touches, a large array in its bss and a large
 * anonymous mapping, where a leak check that passes over pages never
 * written must still read these; and a block whose only pointer was in
 * a page given back with MADV_DONTNEED, which is then lost.
 *
 * The blocks, by size: 3001 from the middle of the array, 3002 from the
 * last word of the array, 3003 from the middle of the mapping, all
 * reachable; 3004 from the discarded page, definitely lost.
 */
#include <stdlib.h>
#include <sys/mman.h>

#define SPAN	((size_t)64 << 20)
#define NWORDS	(SPAN / sizeof(void *))

void	*big[NWORDS];	/* external: the stores into it stay */

static void __attribute__((noinline))
hold(void *volatile *at, size_t size)
{
	*at = malloc(size);
}

int
main(void)
{
	char *m = mmap(NULL, SPAN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return 1;
	hold(&big[NWORDS / 2 + 3], 3001);
	hold(&big[NWORDS - 1], 3002);
	hold((void *volatile *)(void *)(m + SPAN / 2) + 5, 3003);
	hold((void *volatile *)(void *)(m + SPAN / 4) + 7, 3004);
	if (madvise(m + SPAN / 4, 4096, MADV_DONTNEED) != 0)
		return 1;
	return 0;
}
