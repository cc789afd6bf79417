/*
 * say.c: the tracer's messages to the person running the program.
 *
 * They go to standard error as it was when the library started: the
 * constructor keeps a duplicate of descriptor 2, close-on-exec, at a
 * high number the program is unlikely to want, and remembers which open
 * file it is.  By exit the program may have closed descriptor 2 and
 * opened a file of its own there; a message written to "2" then would
 * land in the program's data.  A message goes out only while the
 * duplicate is still the file it was: if the program closed it, or put
 * another file at its number, the message is dropped rather than
 * written into someone else's file.
 *
 * MDTRACE_QUIET set to anything but "" or "0" silences every message.
 *
 * Nothing here allocates: messages come from inside malloc calls and
 * from the exit handler.
 */
#define _GNU_SOURCE	/* F_DUPFD_CLOEXEC in strict modes */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdt.h"

/* Where the duplicate goes: the first free number from one of these. */
static const int say_at[] = { 1000, 200, 20 };

static int	say_fd = -1;
static dev_t	say_dev;
static ino_t	say_ino;
static int	quiet;

/* Whether MDTRACE_QUIET asks for silence (the launcher asks too). */
int
mdt_quiet(void)
{
	const char *q = getenv("MDTRACE_QUIET");

	return q != NULL && *q != '\0' && strcmp(q, "0") != 0;
}

void
mdt_say_init(void)
{
	struct stat st;
	size_t i;
	int fd = -1;

	quiet = mdt_quiet();
	if (quiet || say_fd != -1 || fstat(2, &st) == -1)
		return;
	for (i = 0; fd == -1 && i < sizeof(say_at) / sizeof(say_at[0]); i++)
		fd = fcntl(2, F_DUPFD_CLOEXEC, say_at[i]);
	if (fd == -1)
		return;
	say_dev = st.st_dev;
	say_ino = st.st_ino;
	say_fd = fd;
}

void
mdt_say_end(void)
{
	if (say_fd != -1)
		close(say_fd);
	say_fd = -1;
}

void
mdt_say(const char *s)
{
	struct stat st;
	size_t n = strlen(s);
	ssize_t w;
	int e = errno;	/* a message inside malloc leaves errno alone */

	if (quiet || say_fd == -1 || fstat(say_fd, &st) == -1 ||
	    st.st_dev != say_dev || st.st_ino != say_ino)
		n = 0;
	while (n > 0) {
		w = write(say_fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		s += w;
		n -= (size_t)w;
	}
	errno = e;
}
