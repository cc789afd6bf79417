/*
 * mdtrace.c: run a program under the preloaded malloc tracer.
 *
 *	mdtrace [-f file] program [args ...]
 *	mdtrace -h | -V
 *
 * Creates (or truncates) the trace file, default ktrace.out, writes the
 * start record an OpenBSD ktrace writes at the head of a new file, puts
 * libmdtrace.so in LD_PRELOAD and the trace file's absolute path in
 * MDTRACE_FILE, and executes the program in its place.  The library
 * does the rest at the program's exit, when MALLOC_OPTIONS asks for it.
 *
 * The library is looked for next to this executable (the build tree),
 * then in lib/mdtrace under the parent of its folder (../lib/mdtrace:
 * PREFIX/bin/mdtrace finds PREFIX/lib/mdtrace, in an installed tree
 * wherever it was installed or unpacked), then in MDT_LIBDIR (where
 * "make install" puts it for the PREFIX the launcher was built with).
 *
 * A program the tracer cannot enter (static, set-user-ID, another ELF
 * class: untraced.c) runs all the same, but the launcher says so on
 * standard error and in the trace, in a record of the process it is
 * about to become ("mdtuntraced", doc/FORMATS.md), so that mdump shows
 * it as not traced rather than as a process without leaks.
 *
 * Where MALLOC_OPTIONS asks for no report, which the library then does
 * not write, it says so, reading MALLOC_OPTIONS and MDTRACE_QUIET as
 * the library does (options.c, say.c): a trace with nothing in it would
 * otherwise read as a program without leaks.
 *
 * What it does not do: wait for the program: the program becomes this
 * process, so its exit status is the caller's.
 */
#define _GNU_SOURCE	/* setenv, readlink in strict modes; Linux only */

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/longopt.h"
#include "../src/version.h"
#include "ask.h"
#include "mdt.h"
#include "untraced.h"

#ifndef MDT_LIBDIR
#define MDT_LIBDIR	"/usr/local/lib/mdtrace"
#endif
#define LIBNAME		"libmdtrace.so"
#define RELLIBDIR	"lib/mdtrace"	/* from the launcher's folder's parent */
#define OPTSTRING	"+c:f:hV"	/* "+": stop at the program */

/* To stdout with status 0 for -h, to stderr with 1 for wrong options. */
static _Noreturn void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: mdtrace [-f file] program [args ...]\n"
	    "       mdtrace -c pid\n"
	    "       mdtrace -h | -V\n");
	if (fflush(fp) == EOF)
		status = 1;
	exit(status);
}

/* A new trace file holding its start record (untraced.c). */
static void
write_start(const char *path)
{
	unsigned char h[MDT_START_SIZE];
	int fd;

	/* Before the program runs: a trace that cannot be had stops it. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		err(1, "cannot create the trace file %s", path);
	mdt_start_record(h);
	if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h) || close(fd) == -1)
		err(1, "cannot write the trace file %s", path);
}

/* The path made absolute, so the program may change directory. */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX], *s;

	if (path[0] == '/') {
		if ((s = strdup(path)) == NULL)
			err(1, NULL);
		return s;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		err(1, "getcwd");
	if (asprintf(&s, "%s/%s", cwd, path) == -1)
		err(1, NULL);
	return s;
}

/* dir/name when it can be read, else NULL. */
static char *
readable(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s/%s", dir, name) == -1)
		err(1, NULL);
	if (access(s, R_OK) == 0)
		return s;
	free(s);
	return NULL;
}

/*
 * libmdtrace.so next to this program (the build tree), else in the
 * installed tree this program is part of, else where it was to be
 * installed.
 */
static char *
find_library(void)
{
	char exe[PATH_MAX], *slash, *s;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* The link's target has no symbolic links and no "..". */
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if ((s = readable(exe, LIBNAME)) != NULL)
				return s;
		}
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if ((s = readable(exe, RELLIBDIR "/" LIBNAME)) != NULL)
				return s;
		}
	}
	if ((s = readable(MDT_LIBDIR, LIBNAME)) == NULL)
		err(1, "%s/%s", MDT_LIBDIR, LIBNAME);
	return s;
}

/* Ours first; whatever the user preloads stays after it. */
static void
set_preload(const char *lib)
{
	const char *old;
	char *s;

	/* ld.so splits LD_PRELOAD at blanks and colons. */
	if (strpbrk(lib, " :\t") != NULL)
		errx(1, "%s: a path with blanks or colons cannot be preloaded",
		    lib);
	old = getenv("LD_PRELOAD");
	if (old != NULL && *old != '\0') {
		if (asprintf(&s, "%s %s", lib, old) == -1)
			err(1, NULL);
	} else if ((s = strdup(lib)) == NULL)
		err(1, NULL);
	if (setenv("LD_PRELOAD", s, 1) == -1)
		err(1, "setenv");
	free(s);
}

/* Warn and note it in the trace if the program will not be traced. */
static void
check_program(const char *trace, const char *name)
{
	char exe[PATH_MAX], real[PATH_MAX], d[2048];
	const char *why;
	size_t n;

	if (mdt_exe_find(name, getenv("PATH"), exe, sizeof(exe)) == -1 ||
	    (why = mdt_exe_why(exe)) == NULL)
		return;
	if (realpath(exe, real) == NULL)
		memcpy(real, exe, strlen(exe) + 1);
	warnx("%s: not traced: %s", real, why);
	n = mdt_untraced_data(d, sizeof(d), real, why);
	if (mdt_note(trace, (int32_t)getpid(), real, MDT_UNTRACED_LABEL, d,
	    n) == -1)
		warn("%s", trace);
}

int
main(int argc, char *argv[])
{
	const char *file = "ktrace.out";
	char *path, *lib;
	int ch;

	/* Options end at the program's name, whatever follows. */
	longopt_map(argc, argv, OPTSTRING);
	while ((ch = getopt(argc, argv, OPTSTRING)) != -1) {
		switch (ch) {
		case 'c':
			return mdt_ask_check(optarg);
		case 'f':
			file = optarg;
			break;
		case 'h':
			usage(stdout, 0);
		case 'V':
			printf("mdtrace %s\n", MDUMP_VERSION);
			return fflush(stdout) == EOF ? 1 : 0;
		default:
			usage(stderr, 1);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(stderr, 1);

	lib = find_library();
	path = absolute(file);
	write_start(path);
	if (setenv("MDTRACE_FILE", path, 1) == -1)
		err(1, "setenv");
	set_preload(lib);
	check_program(path, argv[0]);
	if (!mdt_options_enable(getenv("MALLOC_OPTIONS")) && !mdt_quiet())
		warnx("MALLOC_OPTIONS asks for no leak report: nothing will be "
		    "recorded (MALLOC_OPTIONS=D16: the leaks with 16 frames)");
	free(path);
	free(lib);
	execvp(argv[0], argv);
	err(errno == ENOENT ? 127 : 126, "%s", argv[0]);
}
