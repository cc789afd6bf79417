/*
 * uw_dl.c: for tests/e2e/mdtrace_unwind.sh.
 *
 *	uw_dl lib1.so [lib2.so]
 *
 * Loads lib1 and allocates 11 bytes through it (the library calls back
 * into viaprog here); with lib2, closes lib1, loads lib2 and allocates
 * 22 bytes through that.  Prints "same" if lib2 was mapped where lib1
 * was, "moved" if not, then "done".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef void	*(*alloc_fn)(size_t);
typedef void	*(*lib_fn)(alloc_fn, size_t);

volatile int	 sink;

__attribute__((noinline)) void *
viaprog(size_t n)
{
	void *p = malloc(n);

	sink++;
	return p;
}

static void *
use(const char *path, size_t n, void **base)
{
	Dl_info di;
	lib_fn f;
	void *h, *s;

	if ((h = dlopen(path, RTLD_NOW)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		exit(1);
	}
	s = dlsym(h, "uw_lib_alloc");
	*(void **)&f = s;
	if (f == NULL || dladdr(s, &di) == 0)
		exit(1);
	*base = di.dli_fbase;
	sink += (int)(size_t)f(viaprog, n);
	return h;
}

int
main(int argc, char *argv[])
{
	void *h, *b1, *b2;

	if (argc < 2)
		return 1;
	h = use(argv[1], 11, &b1);
	if (argc > 2) {
		dlclose(h);
		(void)use(argv[2], 22, &b2);
		printf("%s\n", b1 == b2 ? "same" : "moved");
	}
	printf("done\n");
	return 0;
}
