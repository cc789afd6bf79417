/*
 * control.c: leak checks while the program runs, and what asks for
 * them.  A check stops the threads, marks as at exit (without freeing
 * the runtimes' buffers), lets the threads go and writes a snapshot
 * (snapshot.c); one check runs at a time, and the check at exit waits
 * for a running one.  Asked for:
 *
 *  - every MDTRACE_INTERVAL seconds (fractions allowed);
 *  - on the signal MDTRACE_SIGNAL names (USR1, USR2, RTMIN+N, or a
 *    number): its handler only wakes the checker thread;
 *  - through the process's control socket, by "mdtrace -c PID": a Unix
 *    socket named PID in a directory of the user's own, mode 0700
 *    ($XDG_RUNTIME_DIR/mdtrace, else /tmp/mdtrace-UID), removed at
 *    exit; MDTRACE_CONTROL=0 goes without it;
 *  - by the program, calling __lsan_do_recoverable_leak_check() as
 *    under LeakSanitizer: the check runs in the calling thread.
 *
 * The checker thread blocks every signal, runs on a stack of its own
 * that the check does not scan, and is not stopped by it; whatever it
 * allocates goes untraced.  A forked child gets a checker of its own.
 *
 * What it does not do: decide kinds (scan.c) or write records
 * (snapshot.c, record.c).
 */
#define _GNU_SOURCE	/* pthread_setname_np, accept4 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mdt.h"

#define EXPORT		__attribute__((visibility("default")))
#define CHECK_STACK	(256 * 1024)

static struct {
	pthread_mutex_t	 mu;		/* one check at a time */
	int		 efd;		/* wakes the checker */
	int		 lfd;		/* the control socket, or -1 */
	char		 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int64_t		 interval;	/* nanoseconds, or 0 */
	int		 sig;		/* MDTRACE_SIGNAL, or 0 */
	int		 control;	/* the socket is wanted */
	int		 owner;		/* the pid the socket is for */
	char		*stack;
	int		 started;
	void		(*untraced)(int);	/* the tracer's, from init */
	int		(*tracing)(void);
} C = { PTHREAD_MUTEX_INITIALIZER, -1, -1, "", 0, 0, 1, 0, NULL, 0, NULL,
    NULL };

/* snprintf that says -1 when the text did not fit. */
static int
fmt(char *b, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(b, n, f, ap);
	va_end(ap);
	return r < 0 || (size_t)r >= n ? -1 : r;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * "N", "N.F" or ".F" seconds as nanoseconds, N at most MAX_SECONDS (so
 * that the nanoseconds fit); -1 for anything else, the empty string
 * included.
 */
#define MAX_SECONDS	1000000000

static int64_t
parse_seconds(const char *s)
{
	int64_t v = 0, scale = 1000000000;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((v = v * 10 + (*s - '0')) > MAX_SECONDS)
			return -1;
	v *= 1000000000;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if ((scale /= 10) > 0)
				v += (*s - '0') * scale;
	return *s == '\0' && digits > 0 ? v : -1;
}

/* The seconds of a variable's value s: unset, 0; not a number, 0 and msg. */
static int64_t
env_seconds(const char *s, const char *msg)
{
	int64_t v;

	if (s == NULL)
		return 0;
	if ((v = parse_seconds(s)) == -1) {
		mdt_say(msg);
		return 0;
	}
	return v;
}

/* USR1, USR2, RTMIN+N, RTMAX-N, or a number; 0 if none. */
static int
parse_signal(const char *s)
{
	int n = 0, base, sign = 1;

	if (s == NULL || *s == '\0')
		return 0;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	if (strcmp(s, "USR1") == 0)
		return SIGUSR1;
	if (strcmp(s, "USR2") == 0)
		return SIGUSR2;
	if (strncmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN, s += 5;
	else if (strncmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX, sign = -1, s += 5;
	else
		base = 0;
	if (base != 0 && *s == '\0')
		return base;
	if (base != 0 && *s != (sign > 0 ? '+' : '-'))
		return 0;
	if (base != 0)
		s++;
	for (; *s >= '0' && *s <= '9' && n < 1000; s++)
		n = n * 10 + (*s - '0');
	if (*s != '\0')
		return 0;
	n = base + sign * n;
	return n > 0 && n <= SIGRTMAX ? n : 0;
}

/* The user's own directory for control sockets, made 0700; -1 if unsafe. */
static int
control_dir(char *dir, size_t n, int xdg)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	size_t len;

	if (xdg) {
		if (x == NULL || x[0] != '/' || (len = strlen(x)) + 9 > n)
			return -1;
		memcpy(dir, x, len);
		memcpy(dir + len, "/mdtrace", 9);
	} else if (fmt(dir, n, "/tmp/mdtrace-%u",
	    (unsigned)getuid()) == -1)
		return -1;
	(void)mkdir(dir, 0700);
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077) != 0)
		return -1;
	return 0;
}

/* Listen on DIR/PID; the socket is the user's only. */
static void
open_socket(void)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path) - 16];
	int fd;

	C.lfd = -1;
	if (control_dir(dir, sizeof(dir), 1) == -1 &&
	    control_dir(dir, sizeof(dir), 0) == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (fmt(sa.sun_path, sizeof(sa.sun_path), "%s/%u", dir,
	    (unsigned)getpid()) == -1)
		return;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return;
	(void)unlink(sa.sun_path);	/* this pid's: an image before exec */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    chmod(sa.sun_path, 0600) == -1 || listen(fd, 8) == -1) {
		close(fd);
		return;
	}
	memcpy(C.path, sa.sun_path, sizeof(C.path));
	C.owner = getpid();
	C.lfd = fd;
}

/*
 * One check; the number of its snapshot, 0 if none was written.  fp is
 * the caller's frame, caller_sp the stack pointer of the program's
 * function that asked (NULL from the checker thread).
 */
static uint32_t
check_now(void *fp, void *caller_sp)
{
	uint32_t n = 0;
	int e = errno;

	pthread_mutex_lock(&C.mu);
	if (mdt_leakcheck(fp, caller_sp, 1))
		n = mdt_snap_write();
	mdt_leakcheck_free();
	pthread_mutex_unlock(&C.mu);
	errno = e;
	return n;
}

/* The check at exit waits for a running one, and stops the socket. */
void
mdt_control_exit(void)
{
	pthread_mutex_lock(&C.mu);
	if (C.lfd != -1 && C.owner == getpid())
		(void)unlink(C.path);
}

void
mdt_control_exit_done(void)
{
	pthread_mutex_unlock(&C.mu);
}

/* A client of the socket: "check\n" asks; "snapshot N\n" answers. */
static void
serve(void)
{
	char buf[64];
	uint32_t n;
	ssize_t r;
	int fd;

	while ((fd = accept4(C.lfd, NULL, NULL, SOCK_CLOEXEC)) != -1) {
		r = read(fd, buf, sizeof(buf) - 1);
		if (r >= 5 && memcmp(buf, "check", 5) == 0) {
			n = check_now(__builtin_frame_address(0), NULL);
			r = n > 0 ? fmt(buf, sizeof(buf),
			    "snapshot %u\n", n) : fmt(buf, sizeof(buf),
			    "failed\n");
			if (r > 0)
				(void)!write(fd, buf, (size_t)r);
		}
		close(fd);
	}
}

static void *
checker(void *arg)
{
	struct pollfd p[2];
	int64_t next = 0, now, wait;
	uint64_t v;
	int timeout;

	C.untraced(1);
	mdt_stop_ignore((int)syscall(SYS_gettid));
	sem_post(arg);
	if (C.interval > 0)
		next = now_ns() + C.interval;
	for (;;) {
		timeout = -1;
		if (C.interval > 0) {
			/* At most INT_MAX ms (24.8 days) at once: poll's int. */
			now = now_ns();
			wait = next > now ? (next - now + 999999) / 1000000 : 0;
			timeout = wait > INT_MAX ? INT_MAX : (int)wait;
		}
		p[0].fd = C.efd;
		p[0].events = POLLIN;
		p[1].fd = C.lfd;
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		if (poll(p, C.lfd != -1 ? 2 : 1, timeout) == -1 &&
		    errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			(void)!read(C.efd, &v, sizeof(v));
			(void)check_now(__builtin_frame_address(0), NULL);
		}
		if (p[1].revents & POLLIN)
			serve();
		if (C.interval > 0 && now_ns() >= next) {
			(void)check_now(__builtin_frame_address(0), NULL);
			/* A slow check does not make checks pile up. */
			next += C.interval;
			if ((now = now_ns()) > next)
				next = now + C.interval;
		}
	}
	return NULL;
}

static void
on_signal(int sig)
{
	uint64_t one = 1;
	int e = errno;

	(void)sig;
	(void)!write(C.efd, &one, sizeof(one));
	errno = e;
}

/*
 * Start the checker thread, signals blocked, on a stack not scanned,
 * and wait until it is known as the tracer's: a program that exits at
 * once must not find it among its own threads, which the check at exit
 * stops (with MDTRACE_STOP=signal, in vain: it blocks every signal).
 */
static void
start(void)
{
	pthread_attr_t a;
	pthread_t t;
	sigset_t all, old;
	sem_t up;

	if (C.stack == NULL && (C.stack = mdt_mmap(CHECK_STACK)) == NULL)
		return;
	if (C.efd == -1 && (C.efd = eventfd(0, EFD_CLOEXEC |
	    EFD_NONBLOCK)) == -1)
		return;
	if (C.control)
		open_socket();
	if (pthread_attr_init(&a) != 0)
		return;
	if (sem_init(&up, 0, 0) != 0) {
		pthread_attr_destroy(&a);
		return;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_attr_setstack(&a, C.stack, CHECK_STACK) == 0 &&
	    pthread_create(&t, &a, checker, &up) == 0) {
		pthread_detach(t);
		C.started = 1;
		mdt_leakcheck_exclude((uintptr_t)C.stack,
		    (uintptr_t)C.stack + CHECK_STACK);
		while (sem_wait(&up) != 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
	sem_destroy(&up);
}

/* At start-up, after the tracer is on: read the settings, start. */
void
mdt_control_init(void (*untraced)(int), int (*tracing)(void))
{
	const char *c = getenv("MDTRACE_CONTROL");
	struct sigaction sa;

	C.untraced = untraced;
	C.tracing = tracing;
	C.interval = env_seconds(getenv("MDTRACE_INTERVAL"),
	    "mdtrace: MDTRACE_INTERVAL is not a number of seconds\n");
	mdt_snap_older((uint64_t)env_seconds(getenv("MDTRACE_OLDER"),
	    "mdtrace: MDTRACE_OLDER is not a number of seconds\n"));
	C.sig = parse_signal(getenv("MDTRACE_SIGNAL"));
	C.control = c == NULL || strcmp(c, "0") != 0;
	if (getenv("MDTRACE_SIGNAL") != NULL && C.sig == 0)
		mdt_say("mdtrace: MDTRACE_SIGNAL names no signal\n");
	if (!C.control && C.interval == 0 && C.sig == 0)
		return;
	start();
	if (C.started && C.sig != 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(C.sig, &sa, NULL) != 0)
			mdt_say("mdtrace: MDTRACE_SIGNAL names a signal that "
			    "cannot be caught\n");
	}
}

/*
 * No fork while a check runs: the child would inherit the check's half
 * done state and the locks it holds (the dynamic linker's among them,
 * which dl_iterate_phdr takes), and hang on them.  fork waits for the
 * check; the check, which stops the forking thread, does not wait for
 * fork.
 */
void
mdt_control_fork_prepare(void)
{
	pthread_mutex_lock(&C.mu);
}

void
mdt_control_fork_parent(void)
{
	pthread_mutex_unlock(&C.mu);
}

/*
 * In a forked child (no check was running): the parent's checker thread
 * is not here, and its socket is not this process's.
 */
void
mdt_control_fork(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;

	memcpy(&C.mu, &fresh, sizeof(fresh));
	mdt_snap_forget();
	if (!C.started)
		return;
	if (C.lfd != -1)
		close(C.lfd);
	C.lfd = -1;
	C.started = 0;
	start();
}

/*
 * LeakSanitizer's entry point for a check while the program runs: a
 * snapshot; 1 when something is definitely or indirectly lost.
 */
EXPORT int
__lsan_do_recoverable_leak_check(void)
{
	if (C.tracing == NULL || !C.tracing() ||
	    check_now(__builtin_frame_address(0), __builtin_dwarf_cfa()) == 0)
		return 0;
	return mdt_snap_lost() > 0;
}
