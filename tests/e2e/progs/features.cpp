// features.cpp: C++ leaks for tests/e2e/features_cxx.sh (-C).  The
// marker comments name the lines the test expects in the report.
// Widget::make and alloc_one call malloc directly; the leak made with
// new starts at the line that says new, as the tracer interposes
// operator new.
#include <cstdio>
#include <cstdlib>

namespace shapes {
struct Widget {
	int *make(int n);
};

__attribute__((noinline)) int *
Widget::make(int n)
{
	return static_cast<int *>(std::malloc(n * sizeof(int)));  // LEAK_MAKE
}
}

template <typename T> __attribute__((noinline)) T *
alloc_one()
{
	return static_cast<T *>(std::calloc(1, sizeof(T)));  // LEAK_TEMPLATE
}

int *kept[3];

int
main()
{
	shapes::Widget w;

	kept[0] = w.make(25);
	kept[1] = reinterpret_cast<int *>(alloc_one<long>());
	kept[2] = new int(7);	// LEAK_NEW
	kept[0] = kept[1] = kept[2] = nullptr;
	std::printf("done\n");
	return 0;
}
