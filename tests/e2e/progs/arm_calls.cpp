// arm_calls.cpp: allocations made through libraries, whose stacks the
// tracer must record as libgcc's unwinder finds them (glibc's
// backtrace()): tests/e2e/arm64.sh builds it for aarch64 and runs it
// under qemu-user, as arm_stacks.c.  Sites: operator new and new[],
// std::string (its buffer allocated inside libstdc++), strdup, getline
// from a pipe, a qsort comparison function that allocates, and a
// library loaded with dlopen() (argv[1], arm_calls_dl.c).
//
// After each allocation, note() prints one line:
//
//	SIZE via=LIB FN FRAME...
//
// as arm_stacks.c prints it, with LIB the object (its file name up to
// ".so", or "-" for none) whose frames the tracer's stack may start
// with, above the allocating function FN: the library function that
// called malloc.  Every block is leaked, each of a size of its own.
#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>

typedef void	(*note_fn)(size_t, void *, void (*)(void), const char *);

static void
where(const void *a)
{
	Dl_info d;

	if (dladdr(a, &d) != 0 && d.dli_fname != NULL)
		printf(" %s+%#lx", d.dli_fname,
		    (unsigned long)((const char *)a - (const char *)d.dli_fbase));
	else
		printf(" ?%#lx", (unsigned long)a);
}

extern "C" __attribute__((noinline)) void
note(size_t size, void *p, void (*fn)(void), const char *via)
{
	void *b[64];
	int i, n;

	if (p == NULL)
		abort();
	n = backtrace(b, 64);
	printf("%zu via=%s", size, via);
	memcpy(&p, &fn, sizeof(p));
	where(p);
	for (i = 1; i < n; i++)
		where(b[i]);
	printf("\n");
	fflush(stdout);
}

#define FN(f)	(reinterpret_cast<void (*)(void)>(f))

namespace sites {

struct Node {
	char	pad[1201];
};

__attribute__((noinline)) void
new_object()
{
	Node *p = new Node;

	note(sizeof(*p), p, FN(new_object), "-");
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void
new_array(int n)
{
	char *p = new char[n];

	note(static_cast<size_t>(n), p, FN(new_array), "-");
	__asm__ volatile("" ::: "memory");
}

// The string's buffer: _M_create in libstdc++ calls operator new.
__attribute__((noinline)) void
string_alloc(size_t n)
{
	std::string *s = new std::string(n, 'x');

	note(n + 1, const_cast<char *>(s->data()), FN(string_alloc),
	    "libstdc++");
	__asm__ volatile("" ::: "memory");
}

} // namespace sites

static __attribute__((noinline)) void
dup_alloc(size_t n)
{
	char buf[2048];

	memset(buf, 'y', n);
	buf[n] = '\0';
	note(n + 1, strdup(buf), FN(dup_alloc), "libc");
	__asm__ volatile("" ::: "memory");
}

// getline's first buffer is 120 bytes, made larger for a longer line.
static __attribute__((noinline)) void
getline_alloc(FILE *f)
{
	char *line = NULL;
	size_t n = 0;

	if (getline(&line, &n, f) < 0)
		abort();
	note(n, line, FN(getline_alloc), "libc");
	__asm__ volatile("" ::: "memory");
}

static int	cmp_allocs;

static __attribute__((noinline)) int
cmp_alloc(const void *a, const void *b)
{
	int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);

	if (cmp_allocs++ == 0)
		note(1501, malloc(1501), FN(cmp_alloc), "-");
	__asm__ volatile("" ::: "memory");
	return (x > y) - (x < y);
}

static __attribute__((noinline)) void
sort_alloc()
{
	int v[] = { 5, 3, 9, 1, 7, 2, 8 };

	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), cmp_alloc);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void
dl_alloc(const char *path)
{
	void (*f)(note_fn, int);
	void *h;

	if ((h = dlopen(path, RTLD_NOW)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		exit(1);
	}
	*reinterpret_cast<void **>(&f) = dlsym(h, "dl_chain");
	if (f == NULL)
		abort();
	f(note, 1601);
	__asm__ volatile("" ::: "memory");
}

int
main(int argc, char **argv)
{
	FILE *f;
	int fd[2];

	if (argc != 2) {
		fprintf(stderr, "usage: arm_calls DLLIB\n");
		return 2;
	}
	sites::new_object();
	sites::new_array(1211);
	sites::string_alloc(1301);
	dup_alloc(1401);
	if (pipe(fd) != 0 || write(fd[1], "a line\n", 7) != 7 ||
	    close(fd[1]) != 0 || (f = fdopen(fd[0], "r")) == NULL)
		abort();
	getline_alloc(f);
	fclose(f);
	sort_alloc();
	dl_alloc(argv[1]);
	return 0;
}
