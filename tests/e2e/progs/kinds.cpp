// kinds.cpp: one heap block per leak kind, each of a size no other
// block has, for the leak-kinds test (tests/e2e/kinds.sh), which
// compares mdtrace's classification with valgrind memcheck's.
// Each block is allocated at a call site of its own, so that valgrind's
// loss records hold one block each.
//
//	kinds			main calls exit
//	kinds thread-exit	a second thread calls exit, main waits
//	kinds blocksig		the blocked thread blocks every signal first
//				(the tracer cannot stop it)
//	kinds wait		says "ready" and waits for the end of its
//				input: checked while it runs
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

struct node {
	struct node	*next;
	char		 pad[1];
};

// Lost with its members: the object, the string's and the vector's
// buffers.  The padding gives the object a size of its own.
struct record {
	std::string		 name;
	std::vector<int>	 values;
	char			 pad[1100];
};

// valgrind's heuristics: interior pointers that still count.
struct element {
	char	c;
	~element() { c = 0; }
};

struct base1 {
	virtual ~base1() {}
	long	a;
};

struct base2 {
	virtual ~base2() {}
	long	b;
};

struct both : base1, base2 {
	char	pad[1000];			// sizeof: 1032
};

static element	*array_ptr;		// reachable (new[] count), 1013
static base2	*second_base;		// reachable (second base), 1032
static char	*after_length;		// reachable (64-bit length), 1014
static void	*global_ptr;		// reachable, 1006
static char	*interior_ptr;		// possible, 1005 (inside the block)
static __thread void *tls_main;		// reachable, 1008
static __thread void *tls_thread;	// reachable, 1009 (the blocked thread)
static sem_t	 ready;
static int	 block_signals;

// Allocations happen in functions that return, so that no stale copy of
// a pointer stays in a live frame.
static __attribute__((noinline)) void
dropped(void)
{
	void *volatile p = malloc(1001);	// definite

	memset(p, 1, 1001);
	p = NULL;
}

static __attribute__((noinline)) void
list(void)
{
	struct node *a, *b, *c;

	a = (struct node *)malloc(1002);	// definite: the head
	b = (struct node *)malloc(1003);	// indirect
	c = (struct node *)malloc(1004);	// indirect
	a->next = b;
	b->next = c;
	c->next = NULL;
}

static __attribute__((noinline)) void
cycle(void)
{
	struct node *a, *b;

	a = (struct node *)malloc(1011);	// one definite, one indirect
	b = (struct node *)malloc(1012);
	a->next = b;
	b->next = a;
}

static __attribute__((noinline)) void
reachable(void)
{
	void **g;

	g = (void **)malloc(1006);		// from a global
	memset(g, 0, 1006);
	g[0] = malloc(1007);			// from a reachable block
	memset(g[0], 0, 1007);
	global_ptr = g;
	interior_ptr = (char *)malloc(1005) + 100;	// possible
	tls_main = malloc(1008);		// thread-local storage
}

static __attribute__((noinline)) void
heuristics(void)
{
	uint64_t len = 1014 - 8;

	array_ptr = new element[1013 - sizeof(size_t)];
	second_base = new both;
	after_length = (char *)malloc(1014);
	memcpy(after_length, &len, sizeof(len));
	after_length += 8;
}

static __attribute__((noinline)) void
objects(void)
{
	record *r = new record;			// definite

	r->name.assign(1200, 'x');		// indirect: 1201 bytes
	r->values.reserve(1300);		// indirect: 5200 bytes
	r->values.push_back(1);
	r = NULL;
}

static void *
blocked(void *arg)
{
	void *volatile on_stack = malloc(1010);	// reachable: this stack

	sigset_t all;

	(void)arg;
	if (block_signals) {
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, NULL);
	}
	tls_thread = malloc(1009);		// reachable: this TLS
	sem_post(&ready);
	for (;;)
		pause();
	return on_stack;
}

static void *
exiting(void *arg)
{
	(void)arg;
	exit(0);
}

int
main(int argc, char *argv[])
{
	pthread_t t;

	block_signals = argc > 1 && strcmp(argv[1], "blocksig") == 0;
	sem_init(&ready, 0, 0);
	dropped();
	list();
	cycle();
	reachable();
	heuristics();
	objects();
	if (pthread_create(&t, NULL, blocked, NULL) != 0)
		return 1;
	sem_wait(&ready);
	if (argc > 1 && strcmp(argv[1], "thread-exit") == 0) {
		if (pthread_create(&t, NULL, exiting, NULL) != 0)
			return 1;
		for (;;)
			pause();
	}
	if (argc > 1 && strcmp(argv[1], "wait") == 0) {
		char c;

		/* Checked while it waits (kinds.sh), then ended by EOF. */
		if (write(1, "ready\n", 6) != 6)
			return 1;
		while (read(0, &c, 1) > 0)
			;
	}
	exit(0);
}
