// cxxnew.cpp: every operator new and delete variant, and the runtime's
// behaviour on failure (std::bad_alloc, nothrow NULL, new_handler), for
// tests/e2e/cxxnew.sh.  What it prints must not change under the tracer.
// The marker comments name the lines of the leaks it keeps.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

struct alignas(64) Wide {
	char c[100];
};

static char *reserve;
static int calls;

static void
rescue()
{
	calls++;
	std::free(reserve);
	reserve = nullptr;
	std::set_new_handler(nullptr);
}

static void
thrower()
{
	calls++;
	throw std::bad_alloc();
}

static void
attempt(const char *what, void *(*f)(std::size_t), std::size_t n)
{
	try {
		void *p = f(n);
		std::printf("%s: %s\n", what, p ? "block" : "NULL");
		::operator delete(p);
	} catch (std::bad_alloc &) {
		std::printf("%s: bad_alloc, %d handler calls\n", what, calls);
	}
}

static void *plain(std::size_t n) { return ::operator new(n); }
static void *array(std::size_t n) { return ::operator new[](n); }
static void *nothrow(std::size_t n) { return ::operator new(n, std::nothrow); }
static void *aligned(std::size_t n) { return ::operator new(n, std::align_val_t(64)); }
static void *aligned_nt(std::size_t n) { return ::operator new[](n, std::align_val_t(64), std::nothrow); }
static void *badalign(std::size_t n) { return ::operator new(n, std::align_val_t(48)); }

int *kept[4];

int
main()
{
	const std::size_t huge = std::size_t(1) << 62;

	kept[0] = new int(3);				// LEAK_PLAIN
	kept[1] = new int[10];				// LEAK_ARRAY
	kept[2] = new (std::nothrow) int(4);		// LEAK_NOTHROW
	Wide *w = new Wide;				// LEAK_ALIGNED
	kept[3] = reinterpret_cast<int *>(w);
	Wide *wa = new (std::nothrow) Wide[2];
	std::printf("aligned: %d %d\n", int(reinterpret_cast<std::uintptr_t>(w) % 64),
	    int(reinterpret_cast<std::uintptr_t>(wa) % 64));
	delete[] wa;
	delete kept[2];
	kept[2] = nullptr;
	::operator delete(::operator new(8), std::size_t(8));
	::operator delete[](::operator new[](8, std::nothrow), std::nothrow);
	::operator delete(::operator new(64, std::align_val_t(64)), std::size_t(64),
	    std::align_val_t(64));
	::operator delete[](::operator new[](64, std::align_val_t(64)),
	    std::align_val_t(64), std::nothrow);

	attempt("plain", plain, huge);
	attempt("nothrow", nothrow, huge);
	attempt("aligned nothrow", aligned_nt, huge);
	attempt("bad alignment", badalign, 16);
	std::set_new_handler(thrower);
	attempt("array, throwing handler", array, huge);
	attempt("nothrow, throwing handler", nothrow, huge);
	attempt("aligned, throwing handler", aligned, huge);
	calls = 0;
	reserve = static_cast<char *>(std::malloc(100));
	std::set_new_handler(rescue);
	attempt("plain, handler gives up", plain, huge);
	return 0;
}
