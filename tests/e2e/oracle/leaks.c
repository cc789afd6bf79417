/*
 * leaks.c: a C program that leaks through the C library and through
 * code without frame pointers, for tests/e2e/oracle.sh, which compares
 * mdtrace's stacks with valgrind's.  Built -O2 -fomit-frame-pointer.
 * Each line the compared stacks must show carries a marker comment,
 * "ORACLE:" and a name; the test finds the lines by it.  Barriers keep
 * calls from becoming tail calls (jumps), which leave no frame.  Frees nothing it leaks, prints nothing
 * (stdio's buffers would be leaks too).
 *
 * Arguments: none for the whole run; "exec-child" is the program run
 * again by execv from a child.
 */
#define _GNU_SOURCE	/* asprintf, getline, strndup, realpath */

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOINLINE	__attribute__((noinline))

/* Leaked blocks stay here: "still reachable", which both tools show. */
void *kept[64];
static int nkept;

static NOINLINE void
keep(void *p)
{
	kept[nkept++ % 64] = p;
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void
leak_strdup(const char *s)
{
	keep(strdup(s));				/* ORACLE: strdup */
}

static NOINLINE void
leak_strndup(const char *s)
{
	keep(strndup(s, 5));				/* ORACLE: strndup */
}

static NOINLINE void
leak_getline(void)
{
	static char text[] = "one line\nanother\n";
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if ((f = fmemopen(text, sizeof(text) - 1, "r")) == NULL)
		return;
	if (getline(&line, &cap, f) > 0)		/* ORACLE: getline */
		keep(line);
	fclose(f);
}

static NOINLINE void
leak_asprintf(int n)
{
	char *s;

	if (asprintf(&s, "value %d", n) > 0)		/* ORACLE: asprintf */
		keep(s);
}

static NOINLINE void
leak_realpath(const char *path)
{
	keep(realpath(path, NULL));			/* ORACLE: realpath */
}

static int
cmp_alloc(const void *a, const void *b)
{
	static int once;

	if (!once++)
		keep(malloc(33));			/* ORACLE: qsort-callback */
	return *(const int *)a - *(const int *)b;
}

static NOINLINE void
sort_some(void)
{
	int v[4], i;

	for (i = 0; i < 4; i++)
		v[i] = (i * 3) % 4;
	qsort(v, 4, sizeof(v[0]), cmp_alloc);		/* ORACLE: qsort */
	keep((void *)(long)v[0]);
}

static NOINLINE void *
chain3(size_t n)
{
	char *p = calloc(n, 2);

	keep(calloc(1, n));				/* ORACLE: calloc-kept */
	p = realloc(p, n * 4);				/* ORACLE: realloc */
	__asm__ volatile("" ::: "memory");
	return p;
}

static NOINLINE void *
chain2(size_t n)
{
	void *p = chain3(n + 1);			/* ORACLE: chain2 */

	__asm__ volatile("" ::: "memory");
	return p;
}

static NOINLINE void
chain1(size_t n)
{
	keep(chain2(n * 2));				/* ORACLE: chain1 */
}

static NOINLINE void
leak_deep(int depth)
{
	if (depth == 0) {
		keep(malloc(48));			/* ORACLE: deep */
		return;
	}
	leak_deep(depth - 1);				/* ORACLE: deep-rec */
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void
thread_alloc(long t)
{
	keep(malloc(100 + t));				/* ORACLE: thread */
}

static void *
thread_main(void *arg)
{
	thread_alloc((long)arg);			/* ORACLE: thread-start */
	return NULL;
}

static NOINLINE void
run_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, (void *)1L) == 0)
		pthread_join(t, NULL);
}

/* Called back from the dlopened library. */
NOINLINE void
oracle_callback(int n)
{
	keep(malloc(200 + n));				/* ORACLE: callback */
}

/* The library's run function, which allocates and calls back. */
typedef void	*(*plug_fn)(void (*)(int), int);

/* Open a library, run it; its load address in *base. */
static NOINLINE void *
open_plug(const char *path, void **base)
{
	Dl_info di;
	void *h;
	plug_fn f;

	if ((h = dlopen(path, RTLD_NOW)) == NULL)
		return NULL;
	*(void **)&f = dlsym(h, "plug_run");
	if (f == NULL)
		return h;
	if (dladdr(*(void **)&f, &di) != 0)
		*base = di.dli_fbase;
	keep(f(oracle_callback, 1));			/* ORACLE: plug-call */
	return h;
}

/*
 * dlopen one library, dlclose it, dlopen another of the same size: the
 * second is loaded where the first was (says so on standard error).
 * Both leak.
 */
static NOINLINE void
run_plugs(const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];
	void *h, *base_a = NULL, *base_b = NULL;
	const char *msg;

	snprintf(a, sizeof(a), "%s/libplug_a.so", dir);
	snprintf(b, sizeof(b), "%s/libplug_b.so", dir);
	if ((h = open_plug(a, &base_a)) != NULL)	/* ORACLE: open-a */
		dlclose(h);
	open_plug(b, &base_b);				/* ORACLE: open-b */
	msg = base_a != NULL && base_a == base_b ? "plugs: same address\n" :
	    "plugs: moved\n";
	write(2, msg, strlen(msg));
}

static NOINLINE void
handler_alloc(int sig)
{
	keep(malloc(300 + sig));			/* ORACLE: handler */
}

static void
on_signal(int sig)
{
	handler_alloc(sig);				/* ORACLE: handler-call */
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void
raise_signal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);					/* ORACLE: raise */
}

static NOINLINE void
child_alloc(void)
{
	keep(malloc(400));				/* ORACLE: fork-child */
}

static void *
fork_thread(void *arg)
{
	pid_t pid;

	(void)arg;
	if ((pid = fork()) == 0) {
		child_alloc();				/* ORACLE: fork-call */
		exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return NULL;
}

static NOINLINE void
fork_from_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fork_thread, NULL) == 0)
		pthread_join(t, NULL);
}

static NOINLINE void
exec_child(const char *self)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		execl(self, self, "exec-child", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static NOINLINE void
after_exec(void)
{
	keep(strdup("after exec"));			/* ORACLE: exec */
}

int
main(int argc, char **argv)
{
	char dir[PATH_MAX], *slash;

	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		after_exec();
		return 0;
	}
	leak_strdup("strdup");
	leak_strndup("strndup, cut");
	leak_getline();
	leak_asprintf(argc);
	leak_realpath(argv[0]);
	sort_some();
	chain1(10);
	leak_deep(40);
	run_thread();
	snprintf(dir, sizeof(dir), "%s", argv[0]);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	run_plugs(dir);
	raise_signal();
	fork_from_thread();
	exec_child(argv[0]);
	return 0;
}
