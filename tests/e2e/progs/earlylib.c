/*
 * earlylib.c: a library whose constructor allocates a registry (3101
 * bytes) and keeps it in a global.  The program links it, so the
 * dynamic linker runs this constructor before the tracer's own: the
 * registry is allocated before tracing starts.
 *
 * The constructor also allocates 2000 blocks of 48 bytes and frees
 * them in the order they came (none is a leak), and keeps 300 blocks
 * of 3106 bytes in a global array (reachable): more blocks than the
 * tracer searches one by one before it starts.
 */
#include <stdlib.h>

#define NTEMP	2000
#define NKEPT	300

void	**registry;
void	*kept[NKEPT];

static __attribute__((constructor)) void
make_registry(void)
{
	static void *temp[NTEMP];
	int i;

	registry = calloc(1, 3101);
	for (i = 0; i < NTEMP; i++) {
		temp[i] = malloc(48);
		if (i % (NTEMP / NKEPT) == 0 && i / (NTEMP / NKEPT) < NKEPT)
			kept[i / (NTEMP / NKEPT)] = malloc(3106);
	}
	/* No pointer is left to them: the allocator may reuse them. */
	for (i = 0; i < NTEMP; i++) {
		free(temp[i]);
		temp[i] = NULL;
	}
}

/* Keep p in the registry: its only pointer. */
void
registry_add(void *p)
{
	registry[0] = p;
}
