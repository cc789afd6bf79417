/*
 * exit_dtor_lib.c: a library that allocates on first use and frees in
 * its destructor, which runs after the program's exit handlers, as
 * libldap does.  Nothing of it is left when the process ends.
 */
#include <stdlib.h>
#include <string.h>

static char	*state;

char	*lib_use(void);

char *
lib_use(void)
{
	if (state == NULL && (state = malloc(4322)) != NULL)
		memset(state, 0, 4322);
	return state;
}

static __attribute__((destructor)) void
lib_fini(void)
{
	free(state);
	state = NULL;
}
