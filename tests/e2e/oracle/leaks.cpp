// leaks.cpp: a C++ program that leaks through new, the standard
// containers and std::make_shared, for tests/e2e/oracle.sh, which
// compares mdtrace's stacks with valgrind's.  Built -O1 without frame
// pointers.  Each line the compared stacks must show carries a marker
// comment, "ORACLE:" and a name.
// Prints nothing.
#include <map>
#include <memory>
#include <string>
#include <vector>

#define NOINLINE	__attribute__((noinline))

struct Record {
	std::string name;
	std::vector<int> values;
	long id;
};

struct Node {
	long a, b;
};

// Kept until exit: "still reachable", which both tools show.
Record *kept_record;
std::map<int, std::string> *kept_map;
std::shared_ptr<Node> *kept_shared;
int *kept_array;
Node *kept_node;

static NOINLINE Record *
make_record(const char *name, int n)
{
	Record *r = new Record;				// ORACLE: record
	r->name = name;					// ORACLE: record-name
	for (int i = 0; i < n; i++)
		r->values.push_back(i);			// ORACLE: record-values
	r->id = n;
	return r;
}

static NOINLINE void
fill_map(int n)
{
	kept_map = new std::map<int, std::string>;	// ORACLE: map
	for (int i = 0; i < n; i++)
		(*kept_map)[i] = "a value long enough to leave the string";	// ORACLE: map-node
}

static NOINLINE void
make_shared_node()
{
	std::shared_ptr<Node> p = std::make_shared<Node>();	// ORACLE: make-shared

	kept_shared = new std::shared_ptr<Node>(p);	// ORACLE: shared-copy
}

static NOINLINE void
make_array(int n)
{
	kept_array = new int[n];			// ORACLE: new-array
}

namespace outer {
struct Maker {
	NOINLINE Node *make() const;
};

Node *
Maker::make() const
{
	return new Node{1, 2};				// ORACLE: method
}
}

int
main()
{
	kept_record = make_record("a name longer than the short-string buffer", 5);
	fill_map(3);
	make_shared_node();
	make_array(17);
	outer::Maker m;
	kept_node = m.make();				// ORACLE: method-call
	return 0;
}
