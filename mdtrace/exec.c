/*
 * exec.c: no silent zeros.  A process the tracer does not see would
 * otherwise show in mdump as a process without leaks, or not at all;
 * here the library says in the trace when that happens:
 *
 * - Each traced image writes a start record ("mdtstart": its real path)
 *   when it starts, and so does each process forked from one.  A
 *   process that then writes no report (it ended by a signal, or
 *   executed a program by a path this file does not see) is shown by
 *   mdump as not traced.
 * - The exec family is interposed: before a traced process executes a
 *   program that will not be traced (its environment no longer loads
 *   the tracer, names another trace or asks for no report, or the
 *   program is one the loader will not preload into: untraced.c), it
 *   writes "mdtuntraced" with the program's path and the reason, and
 *   says so on standard error.  If the call fails, the process goes on
 *   traced, and a new start record says so.  posix_spawn's child is
 *   noted under its own pid.
 * - At exit, if the program's malloc is not the tracer's (the program
 *   has an allocator of its own, which the loader binds before the
 *   preloaded one), the image's blocks were not seen: "mdtuntraced".
 *
 * The real functions are looked up once, in the constructor: dlsym may
 * allocate and take locks, which the child of vfork must not.  Nothing
 * else here allocates.
 */
#define _GNU_SOURCE	/* RTLD_NEXT, RTLD_DEFAULT, dladdr, execvpe */

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mdt.h"
#include "untraced.h"

#define EXPORT	__attribute__((visibility("default")))

extern char **environ;

typedef int	(*execve_fn)(const char *, char *const[], char *const[]);
typedef int	(*spawn_fn)(pid_t *, const char *,
		    const posix_spawn_file_actions_t *,
		    const posix_spawnattr_t *, char *const[], char *const[]);

static struct {
	execve_fn	 execve;
	execve_fn	 execvpe;
	spawn_fn	 spawn;
	spawn_fn	 spawnp;
} real;

static int		 traced;	/* mdt_exec_init ran: 'D' given */
static char		 trace[PATH_MAX];	/* MDTRACE_FILE, or "" */
static const char	*self;		/* this library, as loaded */

/* dlsym's data pointer as a function pointer, which ISO C cannot cast. */
static void
lookup(void *fnp, const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	memcpy(fnp, &f, sizeof(f));
}

void
mdt_exec_resolve(void)
{
	lookup(&real.execve, "execve");
	lookup(&real.execvpe, "execvpe");
	lookup(&real.spawn, "posix_spawn");
	lookup(&real.spawnp, "posix_spawnp");
}

/* A pid in decimal, NUL-terminated, into b (12 bytes); its length. */
static size_t
pid_text(char *b, int32_t pid)
{
	char t[12];
	size_t n = 0, k;
	uint32_t v = (uint32_t)pid;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (k = 0; k < n; k++)
		b[k] = t[n - 1 - k];
	b[n] = '\0';
	return n;
}

static void
say_pid(int32_t pid)
{
	char b[12];

	(void)pid_text(b, pid);
	mdt_say(b);
}

/* The trace, MDTRACE_FILE's or the default, for mdt_note. */
static const char *
trace_file(void)
{
	return trace[0] != '\0' ? trace : "ktrace.out";
}

/*
 * The start record: the program's path, NUL; in a forked child, then
 * its parent's pid in decimal, NUL.
 */
static void
note_start(int forked)
{
	const char *exe = mdt_exe_path();
	char d[PATH_MAX + 12];
	size_t n = strlen(exe) + 1;

	if (n > PATH_MAX)
		n = PATH_MAX;
	memcpy(d, exe, n - 1);
	d[n - 1] = '\0';
	if (forked)
		n += pid_text(d + n, (int32_t)getppid()) + 1;
	(void)mdt_note(trace_file(), (int32_t)getpid(), exe, MDT_START_LABEL,
	    d, n);
}

static void
note_untraced(int32_t pid, const char *path, const char *why)
{
	char d[2048];
	size_t n;

	n = mdt_untraced_data(d, sizeof(d), path, why);
	(void)mdt_note(trace_file(), pid, path, MDT_UNTRACED_LABEL, d, n);
	mdt_say("mdtrace: ");
	mdt_say(path);
	mdt_say(" (pid ");
	say_pid(pid);
	mdt_say("): not traced: ");
	mdt_say(why);
	mdt_say("\n");
}

void
mdt_exec_init(void)
{
	const char *t = getenv("MDTRACE_FILE");
	uintptr_t base;

	if (t != NULL && strlen(t) < sizeof(trace))
		memcpy(trace, t, strlen(t) + 1);
	if (!mdt_obj_find((uintptr_t)&mdt_exec_init, &base, &self))
		self = "";
	traced = 1;
	note_start(0);
}

/* The value of name in env, or NULL. */
static const char *
env_get(char *const env[], const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

static const char *
base_name(const char *p, size_t n)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (p[i - 1] == '/')
			return p + i;
	return p;
}

/* Whether LD_PRELOAD's list (blanks or colons between) holds us. */
static int
preloads_us(const char *list)
{
	const char *me = base_name(self, strlen(self)), *p, *b;
	size_t n;

	for (p = list; *p != '\0'; p += n) {
		p += strspn(p, " :\t");
		n = strcspn(p, " :\t");
		b = base_name(p, n);
		if (n > 0 && ((strlen(self) == n && memcmp(p, self, n) == 0) ||
		    (*me != '\0' && strlen(me) == n - (size_t)(b - p) &&
		    memcmp(b, me, strlen(me)) == 0)))
			return 1;
	}
	return 0;
}

/* Why a program run with env from path will not be traced, or NULL. */
static const char *
why_untraced(const char *path, char *const env[])
{
	const char *v;

	v = env_get(env, "LD_PRELOAD");
	if (v == NULL || !preloads_us(v))
		return "LD_PRELOAD in its environment does not load the tracer";
	v = env_get(env, "MDTRACE_FILE");
	if (strcmp(v != NULL ? v : "", trace) != 0)
		return "MDTRACE_FILE in its environment names another trace";
	if (!mdt_options_enable(env_get(env, "MALLOC_OPTIONS")))
		return "MALLOC_OPTIONS in its environment asks for no report";
	return mdt_exe_why(path);
}

/*
 * Why the program that file names (searched for in PATH if search is
 * set, as execvp does) will not be traced when run with env; NULL if
 * it will, or if this process is not traced itself.  Its path in path.
 */
static const char *
why_program(const char *file, int search, char *const env[], char *path)
{
	if (!traced || file == NULL)
		return NULL;
	if (search)
		return mdt_exe_find(file, getenv("PATH"), path, PATH_MAX) ==
		    -1 ? NULL : why_untraced(path, env);
	if (strlen(file) >= PATH_MAX)
		return NULL;	/* the call fails */
	memcpy(path, file, strlen(file) + 1);
	return why_untraced(path, env);
}

/*
 * Before an exec of this process: 1 if it was noted as not traced, so
 * that a failed call can say the process goes on traced.
 */
static int
before_exec(const char *file, int search, char *const env[])
{
	char path[PATH_MAX];
	const char *why;

	if ((why = why_program(file, search, env, path)) == NULL)
		return 0;
	note_untraced((int32_t)getpid(), path, why);
	return 1;
}

static int
after_exec(int noted, int rc)
{
	if (noted)
		note_start(0);	/* the call failed: still this image */
	return rc;
}

static int
exec_env(const char *file, int search, char *const argv[], char *const env[])
{
	int noted;

	if ((search ? real.execvpe : real.execve) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	noted = before_exec(file, search, env);
	if (search)
		return after_exec(noted, real.execvpe(file, argv, env));
	return after_exec(noted, real.execve(file, argv, env));
}

EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	return exec_env(path, 0, argv, envp);
}

EXPORT int
execv(const char *path, char *const argv[])
{
	return exec_env(path, 0, argv, environ);
}

EXPORT int
execvp(const char *file, char *const argv[])
{
	return exec_env(file, 1, argv, environ);
}

EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	return exec_env(file, 1, argv, envp);
}

/*
 * The execl family: the arguments after arg up to their NULL become the
 * argument vector; with env set, the pointer after the NULL is the
 * environment (execle).
 */
static int
exec_list(const char *file, int search, int env, const char *arg, va_list ap)
{
	va_list c;
	size_t n = 1, i;

	va_copy(c, ap);
	while (va_arg(c, char *) != NULL)
		n++;
	va_end(c);
	{
		char *v[n + 1];

		v[0] = (char *)arg;
		for (i = 1; (v[i] = va_arg(ap, char *)) != NULL; i++)
			;
		return exec_env(file, search, v,
		    env ? va_arg(ap, char **) : environ);
	}
}

/* execl, execlp and execle, which differ in these two flags only. */
#define EXEC_LIST(name, search, env)					\
EXPORT int								\
name(const char *file, const char *arg, ...)				\
{									\
	va_list ap;							\
	int rc;								\
									\
	va_start(ap, arg);						\
	rc = exec_list(file, search, env, arg, ap);			\
	va_end(ap);							\
	return rc;							\
}

EXEC_LIST(execl, 0, 0)
EXEC_LIST(execlp, 1, 0)
EXEC_LIST(execle, 0, 1)

/* posix_spawn's child, noted under its pid once it has one. */
static int
spawned(int rc, pid_t *pid, const char *file, int search, char *const env[])
{
	char path[PATH_MAX];
	const char *why;

	if (rc == 0 && pid != NULL &&
	    (why = why_program(file, search, env, path)) != NULL)
		note_untraced((int32_t)*pid, path, why);
	return rc;
}

EXPORT int
posix_spawn(pid_t *pid, const char *path,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	if (real.spawn == NULL)
		return ENOSYS;
	return spawned(real.spawn(pid, path, fa, attr, argv, envp), pid, path,
	    0, envp);
}

EXPORT int
posix_spawnp(pid_t *pid, const char *file,
    const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
    char *const argv[], char *const envp[])
{
	if (real.spawnp == NULL)
		return ENOSYS;
	return spawned(real.spawnp(pid, file, fa, attr, argv, envp), pid,
	    file, 1, envp);
}

/*
 * Whether the program's malloc is another's than the tracer's: the
 * first definition in the loader's global order is not in this library.
 * dlsym may instead give the program's PLT entry (a program that takes
 * malloc's address, as node does, makes that its canonical address),
 * which defines nothing: the symbol dladdr1 finds there tells the two
 * apart (a PLT entry is undefined).  Once, at exit.
 */
static int
own_malloc(void)
{
	void *m = dlsym(RTLD_DEFAULT, "malloc");
	uintptr_t mb, sb;
	const char *mn, *sn;
	const ElfW(Sym) *sym = NULL;
	Dl_info di;

	if (m == NULL || (mdt_obj_find((uintptr_t)m, &mb, &mn) &&
	    mdt_obj_find((uintptr_t)&own_malloc, &sb, &sn) && mb == sb))
		return 0;
	/* A PLT entry is an undefined symbol with a value. */
	return dladdr1(m, &di, (void **)&sym, RTLD_DL_SYMENT) != 0 &&
	    sym != NULL && sym->st_shndx != SHN_UNDEF &&
	    di.dli_saddr == m;
}

/*
 * A forked child is a process of its own: it says so as it starts,
 * under its own pid, so that a child killed before its report (a
 * pool's worker, ended with SIGTERM) is shown as such, not left out.
 */
void
mdt_exec_forked(void)
{
	if (traced)
		note_start(1);
}

void
mdt_exec_exit(void)
{
	if (!traced || !own_malloc())
		return;
	note_untraced((int32_t)getpid(), mdt_exe_path(), "its malloc is not "
	    "the tracer's: the program has an allocator of its own");
}
