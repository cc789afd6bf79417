/*
 * server.c: a request loop over a pipe, with three kinds of memory, for
 * the checks while a program runs (tests/e2e/running.sh):
 *
 *  - each request leaks one block of 777 bytes (definitely lost);
 *  - a cache grows by one entry of 560 bytes a request for the first
 *    20 requests, then stays (reachable, flat after warm-up);
 *  - a pool of 16 blocks of 333 bytes is freed and filled again every
 *    request (never lost, never growing).
 *
 * It reads one line a request from standard input, answers "ok N" on
 * standard output, and exits 0 at end of input.  With a first argument
 * N it waits N milliseconds after each request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_MAX	20
#define POOL		16

struct entry {
	struct entry	*next;
	char		 data[560 - sizeof(struct entry *)];
};

static struct entry	*cache;
static int		 ncache;
static void		*pool[POOL];

static __attribute__((noinline)) void
leak(const char *req)
{
	char *volatile p = malloc(777);

	strncpy(p, req, 776);
	p = NULL;
}

static __attribute__((noinline)) void
remember(void)
{
	struct entry *e;

	if (ncache >= CACHE_MAX)
		return;
	e = malloc(sizeof(*e));
	memset(e->data, 1, sizeof(e->data));
	e->next = cache;
	cache = e;
	ncache++;
}

static __attribute__((noinline)) void
refill(void)
{
	int i;

	for (i = 0; i < POOL; i++) {
		free(pool[i]);
		pool[i] = malloc(333);
		memset(pool[i], 2, 333);
	}
}

int
main(int argc, char *argv[])
{
	char line[256];
	struct timespec ts;
	long n = 0, ms = argc > 1 ? atol(argv[1]) : 0;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		leak(line);
		remember();
		refill();
		printf("ok %ld\n", ++n);
		if (ms > 0)
			nanosleep(&ts, NULL);
	}
	return 0;
}
