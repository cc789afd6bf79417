/*
 * holder.c: blocks kept by each kind of variable, for holder.sh: a
 * global, a static, a thread-local one, and a block held by another
 * block.  Each allocation's line is marked for the test to find.
 */
#include <stdlib.h>

struct node {
	long		 pad[2];
	struct node	*next;
};

void		*gp;		/* global */
static void	*sp;		/* static */
__thread void	*tp;		/* thread-local, the main thread's */
struct node	*head;		/* a list: its second node is held by the first */

static struct node *
make_list(void)
{
	struct node *a, *b;

	a = malloc(sizeof(*a));		/* @first */
	b = malloc(sizeof(*b));		/* @second */
	a->next = b;
	b->next = NULL;
	return a;
}

int
main(void)
{
	gp = malloc(1001);		/* @gp */
	sp = malloc(1002);		/* @sp */
	tp = malloc(1003);		/* @tp */
	head = make_list();
	return 0;
}
