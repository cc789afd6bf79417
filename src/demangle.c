/*
 * demangle.c: C++ demangling for -C.  mdump has no demangler of its
 * own: the Itanium C++ ABI's mangling grammar is large and the C++
 * runtime of every target system already carries __cxa_demangle, the
 * function c++filt and addr2line -C use.  tools/probe.sh finds it at
 * build time and defines HAVE_CXA_DEMANGLE, linking the C++ runtime
 * only then; without it names stay as they are recorded.
 *
 * The demangler's output can grow exponentially with its input: each
 * back-reference (S_, S0_, T_...) repeats what it names, which may hold
 * back-references itself, so a few hundred bytes of a crafted name make
 * hundreds of megabytes.  A name with few back-references is demangled
 * here; one with more, in a child process with a time limit whose
 * answer is read through a pipe up to DEMANGLE_MAXOUT bytes.
 *
 * It does not cache: names.c asks once per distinct name.
 */
#include <sys/types.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "xmalloc.h"

/*
 * The runtime's demangler has C linkage (abi::__cxa_demangle is declared
 * extern "C" in <cxxabi.h>), so a C program can call it by declaring it
 * with the ABI's signature.
 */
#ifdef HAVE_CXA_DEMANGLE
char	*__cxa_demangle(const char *, char *, size_t *, int *);
#endif

/*
 * Longest name handed to the demangler.  Real mangled names are a few
 * hundred bytes; the demangler recurses on the name's structure, so a
 * hostile debug string of megabytes must not reach it.
 */
#define DEMANGLE_MAXLEN	4096

/*
 * Back-references a name may have and still be demangled in-process:
 * the output is then at most about 2^12 times the input, 16 MiB for the
 * longest.  Real names rarely have more; those that do cost a fork.
 */
#define DEMANGLE_REFS	12

/*
 * Longest demangled name kept, and the child's time to make it: real
 * names take microseconds.
 */
#define DEMANGLE_MAXOUT	(64 * 1024)
#define DEMANGLE_MSECS	250

/*
 * Children that run out of time before the demangler gives up on names
 * of many back-references for the rest of the run: a crafted object
 * with thousands of such names then costs seconds, not hours.
 */
#define DEMANGLE_FAILS	8

int
demangle_available(void)
{
#ifdef HAVE_CXA_DEMANGLE
	return 1;
#else
	return 0;
#endif
}

#ifdef HAVE_CXA_DEMANGLE
static int	demangle_fails;

/* The back-references of a mangled name: S_, S<id>_, T_, T<n>_. */
static size_t
backrefs(const char *s)
{
	size_t n = 0;
	const char *p;

	for (; *s != '\0'; s++) {
		if (*s != 'S' && *s != 'T')
			continue;
		for (p = s + 1; (*p >= '0' && *p <= '9') ||
		    (*p >= 'A' && *p <= 'Z'); p++)
			;
		if (*p == '_')
			n++;
	}
	return n;
}

static char *
demangle_here(const char *name)
{
	int status = 0;
	char *s;

	s = __cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Demangle in a child under limits; NULL when it fails or overflows. */
static char *
demangle_child(const char *name)
{
	struct itimerval it;
	char *buf, *s;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int fd[2], st;

	if (pipe(fd) == -1)
		return NULL;
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	if (pid == 0) {
		close(fd[0]);
		/* SIGALRM's default action ends the child. */
		memset(&it, 0, sizeof(it));
		it.it_value.tv_sec = DEMANGLE_MSECS / 1000;
		it.it_value.tv_usec = DEMANGLE_MSECS % 1000 * 1000;
		(void)signal(SIGALRM, SIG_DFL);
		(void)setitimer(ITIMER_REAL, &it, NULL);
		if ((s = demangle_here(name)) == NULL)
			_exit(1);
		len = strlen(s);
		if (len > DEMANGLE_MAXOUT)
			_exit(1);
		while (len > 0 && (n = write(fd[1], s, len)) > 0) {
			s += n;
			len -= (size_t)n;
		}
		_exit(len == 0 ? 0 : 1);
	}
	close(fd[1]);
	buf = xmalloc(DEMANGLE_MAXOUT + 1);
	while (len < DEMANGLE_MAXOUT + 1 &&
	    (n = read(fd[0], buf + len, DEMANGLE_MAXOUT + 1 - len)) != 0) {
		if (n == -1)
			break;
		len += (size_t)n;
	}
	close(fd[0]);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		demangle_fails++;
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || len == 0 ||
	    len > DEMANGLE_MAXOUT) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	s = xstrdup(buf);
	free(buf);
	return s;
}
#endif

char *
demangle(const char *name)
{
#ifdef HAVE_CXA_DEMANGLE
	/* Only Itanium-mangled names; a C name "_Zork" merely fails. */
	if (name == NULL || strncmp(name, "_Z", 2) != 0 ||
	    strlen(name) > DEMANGLE_MAXLEN)
		return NULL;
	if (backrefs(name) > DEMANGLE_REFS)
		return demangle_fails < DEMANGLE_FAILS ?
		    demangle_child(name) : NULL;
	return demangle_here(name);
#else
	(void)name;
	return NULL;
#endif
}
