/*
 * xmalloc.c: wrappers that end the program when memory runs out.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
/* madvise(), MADV_HUGEPAGE and sbrk(), see xmalloc_hugeheap(). */
#define _DEFAULT_SOURCE
#endif

#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "xmalloc.h"

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		err(1, NULL);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		err(1, NULL);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q;

	if (size != 0 && nmemb > SIZE_MAX / size)
		errx(1, "allocation of %zu * %zu bytes overflows", nmemb, size);
	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((q = realloc(p, nmemb * size)) == NULL)
		err(1, NULL);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/*
 * Huge pages for the heap, where the C library is glibc and the system
 * gives them to those who ask (Linux's transparent huge pages in their
 * usual "madvise" mode).  A report of many frames fills tens of
 * megabytes of small blocks (the symbolizer's frames and tables, the
 * decoded DWARF of each unit), and with 4 KiB pages a fifth of its CPU
 * time went to page faults: bench/symbolize.sh's 100000 frames as text
 * took 15500 faults and 0.135 s of CPU so, 1100 faults and 0.104 s with
 * this (median of ten paired runs).  glibc is told to grow the heap
 * XM_HEAP_PAD at a time and to take blocks up to XM_MMAP_MAX from it,
 * and the heap grown so is advised to be backed by huge pages.  Advice
 * only: elsewhere, or refused, nothing changes.
 */
#define XM_HUGE		(2UL * 1024 * 1024)	/* amd64, arm64 */
#define XM_HEAP_PAD	(256UL * 1024 * 1024)
#define XM_MMAP_MAX	(32 * 1024 * 1024)

void
xmalloc_hugeheap(void)
{
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(M_MMAP_THRESHOLD) && \
    defined(MADV_HUGEPAGE)
	uintptr_t b, e, s1;
	void *p;

	if (mallopt(M_TOP_PAD, XM_HEAP_PAD) == 0 ||
	    mallopt(M_MMAP_THRESHOLD, XM_MMAP_MAX) == 0 ||
	    (p = malloc(XM_HUGE)) == NULL)
		return;
	b = (uintptr_t)p;
	free(p);
	s1 = (uintptr_t)sbrk(0);
	/* Only if the block came from the top of the heap, as it should. */
	if (s1 == (uintptr_t)-1 || b >= s1 || s1 - b > 2 * XM_HEAP_PAD)
		return;
	b = (b + XM_HUGE - 1) & ~(uintptr_t)(XM_HUGE - 1);
	e = s1 & ~(uintptr_t)(XM_HUGE - 1);
	if (e > b)
		(void)madvise((void *)b, e - b, MADV_HUGEPAGE);
#endif
}
