// entry.cpp: the README's C++ example; leaks an Entry and its vector's
// buffer.
#include <vector>

struct Entry {
	std::vector<int> values;
};

Entry *
make_entry(int n)
{
	Entry *e = new Entry;
	for (int i = 0; i < n; i++)
		e->values.push_back(i);
	return e;
}

int
main()
{
	make_entry(3);
	return 0;
}
