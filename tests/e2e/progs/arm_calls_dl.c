/*
 * arm_calls_dl.c: the library arm_calls.cpp loads with dlopen(): a
 * chain of its frames ending in an allocation, noted by the program.
 */
#include <stdlib.h>

typedef void	(*note_fn)(size_t, void *, void (*)(void), const char *);

__attribute__((noinline)) void
dl_leaf(note_fn note, int n)
{
	note((size_t)n, malloc((size_t)n), (void (*)(void))dl_leaf, "-");
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void
dl_chain(note_fn note, int n)
{
	dl_leaf(note, n);
	__asm__ volatile("" ::: "memory");
}
