/*
 * tables.c: the stack table (stacks.c) and the live-block table
 * (live.c) together: their locks around fork(2), and each stack's
 * leaked bytes and blocks summed from the live blocks when the leak
 * check did not sum them.
 *
 * What it does not do: keep anything of its own.
 */
#include <stddef.h>
#include <stdint.h>

#include "mdt.h"

/* fork(2): hold every lock so the child gets consistent tables. */
void
mdt_table_lockall(void)
{
	mdt_stack_lock();
	mdt_live_lockall();
}

void
mdt_table_unlockall(void)
{
	mdt_live_unlockall();
	mdt_stack_unlock();
}

/* The child of fork(2) is alone: its locks are free whoever held them. */
void
mdt_table_resetlocks(void)
{
	mdt_live_resetlocks();
	mdt_stack_resetlock();
}

static void
add_block(const struct mdt_block *b, void *arg)
{
	(void)arg;
	b->stk->sum += b->size;
	b->stk->count++;
}

/*
 * Fill in each stack's leaked bytes and blocks from the live table and
 * return the first stack in creation order (follow ->order).  Threads
 * may go on allocating meanwhile.
 */
struct mdt_stack *
mdt_table_sum(void)
{
	struct mdt_stack *s, *first;

	first = mdt_table_first();
	for (s = first; s != NULL;
	    s = __atomic_load_n(&s->order, __ATOMIC_ACQUIRE))
		s->sum = s->count = 0;
	mdt_live_each(add_block, NULL, 0);
	return first;
}
