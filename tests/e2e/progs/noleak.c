/* noleak.c: allocates and frees everything; no stdio (its buffer leaks). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	char *p[100];
	int i;

	for (i = 0; i < 100; i++)
		p[i] = malloc((size_t)i * 10 + 1);
	for (i = 0; i < 100; i++)
		p[i] = realloc(p[i], (size_t)i * 20 + 1);
	for (i = 0; i < 100; i++)
		free(p[i]);
	free(NULL);
	(void)!write(1, "done\n", 5);
	return 0;
}
