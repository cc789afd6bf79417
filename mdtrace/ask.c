/*
 * ask.c: "mdtrace -c PID": ask a process running under mdtrace for a
 * leak check now, through its control socket (control.c), and wait
 * until its snapshot is written.  The socket is looked for where the
 * tracer makes it: $XDG_RUNTIME_DIR/mdtrace/PID, then
 * /tmp/mdtrace-UID/PID.
 */
#define _GNU_SOURCE	/* err, asprintf */

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ask.h"

#define ANSWER_MS	(10 * 60 * 1000)	/* a check of a huge heap */

/* Connect to DIR/PID; the socket, or -1 with errno set. */
static int
connect_in(const char *dir, unsigned long pid, char *where, size_t n)
{
	struct sockaddr_un sa;
	int fd, e;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%lu", dir, pid) >=
	    (int)sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(where, n, "%s", sa.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
mdt_ask_check(const char *arg)
{
	char *end, dir[256], where[256], answer[64];
	const char *x = getenv("XDG_RUNTIME_DIR");
	unsigned long pid;
	struct pollfd p;
	ssize_t r;
	size_t got = 0;
	int fd = -1;

	errno = 0;
	pid = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || pid == 0)
		errx(1, "-c: %s is no process id", arg);
	if (x != NULL && x[0] == '/' &&
	    snprintf(dir, sizeof(dir), "%s/mdtrace", x) < (int)sizeof(dir))
		fd = connect_in(dir, pid, where, sizeof(where));
	if (fd == -1) {
		snprintf(dir, sizeof(dir), "/tmp/mdtrace-%u", (unsigned)getuid());
		fd = connect_in(dir, pid, where, sizeof(where));
	}
	if (fd == -1) {
		if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			errx(1, "process %lu does not exist", pid);
		errx(1, "process %lu is not running under mdtrace, or was "
		    "started with MDTRACE_CONTROL=0 (no control socket %s)",
		    pid, where);
	}
	if (write(fd, "check\n", 6) != 6)
		err(1, "%s", where);
	p.fd = fd;
	p.events = POLLIN;
	while (got < sizeof(answer) - 1) {
		if (poll(&p, 1, ANSWER_MS) <= 0)
			errx(1, "process %lu did not answer", pid);
		if ((r = read(fd, answer + got, sizeof(answer) - 1 - got)) <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	answer[got] = '\0';
	if (strncmp(answer, "snapshot ", 9) != 0)
		errx(1, "process %lu could not make its check", pid);
	printf("process %lu: %s", pid, answer);
	return 0;
}
