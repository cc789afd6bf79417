/*
 * holder.c: blocks kept by each kind of variable, for holder.sh: a
 * global, a static, a thread-local one, a block held by another
 * block, and a block reached along two paths from one root block: one
 * block between (d) and three (a, b, c), the longer one the first a
 * depth-first marking would follow.  Each allocation's line is marked
 * for the test to find.
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
void		**hub;		/* two paths to one block */

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
	void **a, **b, **c, **d, **h, *x;

	gp = malloc(1001);		/* @gp */
	sp = malloc(1002);		/* @sp */
	tp = malloc(1003);		/* @tp */
	head = make_list();
	x = malloc(1004);		/* @x */
	d = malloc(2 * sizeof(void *));	/* @d */
	a = malloc(3 * sizeof(void *));	/* @a */
	b = malloc(4 * sizeof(void *));	/* @b */
	c = malloc(5 * sizeof(void *));	/* @c */
	h = malloc(6 * sizeof(void *));	/* @hub */
	d[0] = x;
	c[0] = x;
	b[0] = c;
	a[0] = b;
	h[0] = d;
	h[1] = a;
	hub = h;
	return 0;
}
