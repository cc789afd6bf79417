/*
 * earlylib.c: a library whose constructor allocates a registry (3101
 * bytes) and keeps it in a global.  The program links it, so the
 * dynamic linker runs this constructor before the tracer's own: the
 * registry is allocated before tracing starts.
 */
#include <stdlib.h>

void	**registry;

static __attribute__((constructor)) void
make_registry(void)
{
	registry = calloc(1, 3101);
}

/* Keep p in the registry: its only pointer. */
void
registry_add(void *p)
{
	registry[0] = p;
}
