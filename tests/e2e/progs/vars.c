/*
 * vars.c: variables of every storage that can hold a block, for
 * holder_decl.sh: a global declared before it is defined, a global, a
 * file-static, a thread-local, a struct whose second word holds the
 * pointer, and a function-static in an inline function.  The
 * variables are volatile so that -O2 keeps them and their stores.
 */
#include <stdlib.h>

extern int *hvar;
int *volatile gvar;
static int *volatile svar;
__thread int *volatile tvar;
struct pair {
	long	 a;
	int	*b;
} volatile gpair;
int *hvar;

extern long *volatile ovar;
void	 other(void);

static inline int *volatile *
slot(void)
{
	static int *volatile fvar;

	return &fvar;
}

int
main(void)
{
	gvar = malloc(1);
	svar = malloc(2);
	tvar = malloc(3);
	*slot() = malloc(4);
	gpair.b = malloc(5);
	hvar = malloc(6);
	other();
	return 0;
}
