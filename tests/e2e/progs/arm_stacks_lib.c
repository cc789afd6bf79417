/*
 * arm_stacks_lib.c: the shared library of arm_stacks.c: a frame of
 * another object between the program's frames.
 */
typedef void	(*cb_fn)(int);

__attribute__((noinline)) void
lib_twice(cb_fn cb, int n)
{
	cb(n);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void
lib_call(cb_fn cb, int n)
{
	lib_twice(cb, n);
	__asm__ volatile("" ::: "memory");
}
