/*
 * stop.c: stop the program's other threads while the leak check reads
 * memory, and let them go again.
 *
 * Each other thread (from /proc/self/task) gets a real-time signal,
 * sent with tgkill(2); the handler, which runs on the thread's own stack
 * with every signal blocked, saves the interrupted registers and stack
 * pointer into the thread's slot, says so, and waits on a futex until
 * the check releases it.  A thread blocked in a system call is
 * interrupted (SA_RESTART restarts what can be restarted).  A thread
 * that does not answer within STOP_WAIT_MS (it blocks the signal, or
 * sleeps uninterruptibly; one that is runnable, on a loaded machine, is
 * waited up to STOP_RUNNABLE_MS more) is named in a warning; its
 * stack pointer is taken from /proc/self/task/TID/syscall when it is
 * blocked in a system call, and its stack is scanned as it is.
 *
 * Nothing here calls malloc: a stopped thread may hold the allocator's
 * locks.  The slots are in memory from mmap(2), never unmapped, so a
 * late signal (one that was blocked) finds its handler harmless: once
 * the check is over, the handler returns at once.  For the same reason
 * the handler stays installed when a thread did not answer; otherwise
 * the program's own action comes back.
 *
 * What it does not do: read the stopped threads' memory (scan.c).
 */
#define _GNU_SOURCE	/* tgkill's and futex's numbers */

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include "arch.h"
#include "mdt.h"
#include "stop_ptrace.h"
#include "tasks.h"

#define STOP_SIG	(SIGRTMAX - 2)	/* documented in mdtrace.1 */
#define STOP_WAIT_MS	500	/* for every thread to answer */
#define STOP_PASSES	8	/* rereads of the task list */

#define STOP_GRACE_MS	20	/* then a thread blocking the signal is given up */
#define STOP_RUNNABLE_MS 5000	/* for a thread that waits for a processor */



static struct mdt_thread *slots;	/* the caller's array */
static size_t		 nslots;
static int		 stopping;	/* a check is under way */
static int		 released;	/* futex word of the stopped */
static int		 arrived;	/* futex word of the controller */
static int		 installed;
static long		 traced = -1;	/* threads the ptrace helper holds */
static int		 ptrace_refused;
static int		 signal_only;	/* MDTRACE_STOP=signal */
static struct sigaction	 oldact;

static long
futex(int *w, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

static void
stop_handler(int sig, siginfo_t *si, void *ctx)
{
	struct mdt_thread *t = NULL;
	size_t n;
	int e = errno, tid, i;

	(void)sig;
	(void)si;
	if (!__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
		return;		/* late, or not ours */
	tid = (int)syscall(SYS_gettid);
	n = __atomic_load_n(&nslots, __ATOMIC_ACQUIRE);
	while (n > 0 && t == NULL)
		if (slots[--n].tid == tid)
			t = &slots[n];
	i = MDT_STOP_SENT;
	if (t == NULL || !__atomic_compare_exchange_n(&t->state, &i,
	    MDT_STOP_ARRIVING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		errno = e;
		return;
	}
	mdt_arch_from_context(t, ctx);
	__atomic_store_n(&t->state, MDT_STOP_ARRIVED, __ATOMIC_RELEASE);
	__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
	futex(&arrived, FUTEX_WAKE_PRIVATE, 1, NULL);
	while (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
		futex(&released, FUTEX_WAIT_PRIVATE, 0, NULL);
	__atomic_store_n(&t->state, MDT_STOP_LEFT, __ATOMIC_RELEASE);
	__atomic_add_fetch(&arrived, -1, __ATOMIC_ACQ_REL);
	futex(&arrived, FUTEX_WAKE_PRIVATE, 1, NULL);
	errno = e;
}

static int
install(void)
{
	struct sigaction sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = stop_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (sigaction(STOP_SIG, &sa, &oldact) == -1)
		return -1;
	installed = 1;
	return 0;
}

/* Parse hexadecimal digits at s; *s is left on the first other. */
static uint64_t
parse_hex(const char **sp)
{
	const char *s = *sp;
	uint64_t v = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			v = v * 16 + (uint64_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			v = v * 16 + (uint64_t)(*s - 'a' + 10);
		else
			break;
	}
	*sp = s;
	return v;
}

/* Read a small /proc file of thread tid into buf; its length or -1. */
static ssize_t
read_task(int tid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t r;
	int fd;

	mdt_stop_path(path, 0, tid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = read(fd, buf, size - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return r;
}

/* Does thread tid block the stop signal (SigBlk of its status)? */
static int
blocks_stop(int tid)
{
	char buf[2048];
	const char *p;
	uint64_t mask;

	if (read_task(tid, "status", buf, sizeof(buf)) <= 0 ||
	    (p = strstr(buf, "\nSigBlk:")) == NULL)
		return 0;
	for (p += 8; *p == ' ' || *p == '\t'; p++)
		;
	mask = parse_hex(&p);
	return (mask >> (STOP_SIG - 1)) & 1;
}

/*
 * Does an emulator (qemu-user) run this process?  It shows the program
 * as /proc/self/exe, while the threads' own links name the emulator.
 */
static int
emulated(void)
{
	static int known, yes;
	char a[512], b[512], path[64];
	ssize_t na, nb;

	if (known)
		return yes;
	mdt_stop_path(path, 0, (int)syscall(SYS_gettid), "exe");
	na = readlink("/proc/self/exe", a, sizeof(a));
	nb = readlink(path, b, sizeof(b));
	yes = na > 0 && nb > 0 && (na != nb || memcmp(a, b, (size_t)na) != 0);
	known = 1;
	return yes;
}

static int
known(int tid)
{
	size_t i;

	for (i = 0; i < nslots; i++)
		if (slots[i].tid == tid)
			return 1;
	return mdt_stop_foreign(tid);
}

/*
 * fn(tid, arg) for each thread of the process but the calling one, read
 * from /proc/self/task without malloc.
 */
static void
each_task(void (*fn)(int, void *), void *arg)
{
	char buf[4096];
	long n, off, len;
	int fd, tid, self = (int)syscall(SYS_gettid);

	fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += len) {
			len = mdt_stop_dirent(buf + off, &tid);
			if (tid > 0 && tid != self)
				fn(tid, arg);
		}
	close(fd);
}

static void
note_foreign(int tid, void *arg)
{
	(void)arg;
	mdt_stop_ignore(tid);
}

/*
 * At start-up, before the program's code: MDTRACE_STOP=signal asks for
 * the signal even where ptrace is allowed; under an emulator, the
 * threads there already are the emulator's own (qemu-user's RCU
 * thread), which never run the program and do not take its signals.
 */
void
mdt_stop_init(void)
{
	const char *e = getenv("MDTRACE_STOP");

	signal_only = e != NULL && strcmp(e, "signal") == 0;
	if (emulated())
		each_task(note_foreign, NULL);
}

struct signalling {
	size_t	max, sent;
	int	pid;
};

/* each_task: signal a thread not seen yet. */
static void
signal_one(int tid, void *arg)
{
	struct signalling *sg = arg;

	if (known(tid) || nslots >= sg->max)
		return;
	memset(&slots[nslots], 0, sizeof(slots[nslots]));
	slots[nslots].tid = tid;
	slots[nslots].state = MDT_STOP_SENT;
	__atomic_store_n(&nslots, nslots + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_tgkill, sg->pid, tid, STOP_SIG) == -1)
		slots[nslots - 1].state = MDT_STOP_LEFT;	/* gone */
	else
		sg->sent++;
}

/* Signal the threads not seen yet; returns how many were signalled. */
static size_t
signal_new(size_t max, int pid)
{
	struct signalling sg;

	sg.max = max;
	sg.sent = 0;
	sg.pid = pid;
	each_task(signal_one, &sg);
	return sg.sent;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
count_sent(void)
{
	size_t i, n = 0;
	int st;

	for (i = 0; i < nslots; i++) {
		st = __atomic_load_n(&slots[i].state, __ATOMIC_ACQUIRE);
		n += st == MDT_STOP_SENT || st == MDT_STOP_ARRIVING;
	}
	return n;
}

/* Give slot i up, unless its thread is arriving; 1 if given up. */
static int
give_up(size_t i, int state)
{
	int sent = MDT_STOP_SENT;

	return __atomic_compare_exchange_n(&slots[i].state, &sent, state, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/*
 * Threads that block the stop signal are not waited for.  Not under an
 * emulator, whose threads' masks are its own, not the program's.
 */
static void
give_up_blocked(void)
{
	size_t i;

	if (emulated())
		return;
	for (i = 0; i < nslots; i++)
		if (__atomic_load_n(&slots[i].state, __ATOMIC_ACQUIRE) ==
		    MDT_STOP_SENT && blocks_stop(slots[i].tid))
			(void)give_up(i, MDT_STOP_FAILED);
}

/* The state letter of thread tid (R, S, D, Z, ...), or 0 if it is gone. */
static char
task_state(int tid)
{
	char buf[1024];
	const char *p;

	if (read_task(tid, "stat", buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2];
}

/*
 * Past the deadline: whether a thread not answered yet is runnable,
 * waiting only for a processor (a loaded machine), and so worth
 * waiting for.  One that has ended meanwhile is given up as gone.
 */
static int
runnable_left(void)
{
	size_t i;
	int any = 0;
	char st;

	if (emulated())		/* its threads' states are the emulator's */
		return 0;
	for (i = 0; i < nslots; i++) {
		if (__atomic_load_n(&slots[i].state, __ATOMIC_ACQUIRE) !=
		    MDT_STOP_SENT)
			continue;
		st = task_state(slots[i].tid);
		if (st == 0 || st == 'Z' || st == 'X' || st == 'x')
			(void)give_up(i, MDT_STOP_LEFT);
		else if (st == 'R')
			any = 1;
	}
	return any;
}

/*
 * Wait until no slot is MDT_STOP_SENT or the deadline passes; after a
 * short grace, for which a thread that blocks signals only for a moment
 * is waited, threads that block the signal are given up.  Past the
 * deadline a thread that is runnable is waited for a while longer: on
 * a loaded machine it may not have had a processor yet.
 */
static void
wait_arrivals(int64_t deadline)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int64_t grace = now_ms() + STOP_GRACE_MS;
	int64_t last = deadline + STOP_RUNNABLE_MS;
	int a, checked = 0;

	while (count_sent() > 0 && (now_ms() < deadline ||
	    (now_ms() < last && runnable_left()))) {
		if (!checked && now_ms() >= grace) {
			give_up_blocked();
			checked = 1;
			continue;
		}
		a = __atomic_load_n(&arrived, __ATOMIC_ACQUIRE);
		if (count_sent() == 0)
			break;
		futex(&arrived, FUTEX_WAIT_PRIVATE, a, &ts);
	}
}

static void
say(const char *s)
{
	mdt_say(s);
}

static void
say_tid(int tid)
{
	char b[16];
	size_t n = sizeof(b) - 1;

	b[n] = '\0';
	do {
		b[--n] = (char)('0' + tid % 10);
		tid /= 10;
	} while (tid > 0 && n > 0);
	say(b + n);
}

/* The stack pointer of a thread blocked in a system call, or 0. */
static uintptr_t
syscall_sp(int tid)
{
	char buf[256];
	const char *p;
	int field;

	if (read_task(tid, "syscall", buf, sizeof(buf)) <= 0)
		return 0;
	/* "nr arg1 ... arg6 sp pc", or "-1 sp pc", or "running". */
	if (buf[0] == 'r')
		return 0;
	for (p = buf, field = 0; *p != '\0' && *p != '\n'; field++) {
		while (*p == ' ')
			p++;
		if ((buf[0] == '-' && field == 1) || field == 7) {
			if (p[0] != '0' || p[1] != 'x')
				return 0;
			p += 2;
			return (uintptr_t)parse_hex(&p);
		}
		while (*p != ' ' && *p != '\0' && *p != '\n')
			p++;
	}
	return 0;
}

/*
 * Name the threads that did not stop; their stack pointer from /proc.
 * A thread that has ended meanwhile is left out: one that was ending
 * when it was signalled (under qemu-user, the host thread of a guest
 * thread that pthread_join already saw end) never answers.
 */
static void
warn_failed(void)
{
	char path[64];
	size_t i;

	for (i = 0; i < nslots; i++) {
		if (slots[i].state != MDT_STOP_FAILED)
			continue;
		mdt_stop_path(path, 0, slots[i].tid, "stat");
		if (access(path, F_OK) != 0) {
			slots[i].state = MDT_STOP_LEFT;
			continue;
		}
		slots[i].sp = syscall_sp(slots[i].tid);
		say("mdtrace: thread ");
		say_tid(slots[i].tid);
		say(" did not stop for the leak check; its stack is scanned"
		    " as it is\n");
	}
}

/*
 * Stop every other thread; *tp gets the slots, the number filled is
 * returned.  Slots in state MDT_STOP_ARRIVED hold registers and stack
 * pointer; the others hold the stack pointer read from /proc, or 0.
 * The slots are this file's, never unmapped: a handler running late
 * may still look at them.
 */
size_t
mdt_stop_threads(struct mdt_thread **tp)
{
	static struct mdt_thread *t;
	const size_t max = MDT_MAXTHREADS;
	int pid, pass;
	int64_t deadline;
	size_t i;

	*tp = NULL;
	if (t == NULL && (t = mdt_mmap(max * sizeof(*t))) == NULL)
		return 0;
	*tp = t;
	pid = getpid();
	slots = t;
	nslots = 0;
	if (!emulated() && !ptrace_refused && !signal_only) {
		if ((traced = mdt_ptrace_stop(t, max)) >= 0) {
			nslots = (size_t)traced;
			warn_failed();
			return nslots;
		}
		ptrace_refused = 1;
		say("mdtrace: ptrace is not allowed here: threads are stopped"
		    " with a signal, and one that blocks it is not\n");
	}
	__atomic_store_n(&released, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&arrived, 0, __ATOMIC_RELEASE);
	if (install() == -1)
		return 0;
	__atomic_store_n(&stopping, 1, __ATOMIC_RELEASE);
	deadline = now_ms() + STOP_WAIT_MS;
	/* Threads may start threads until they are stopped themselves. */
	for (pass = 0; pass < STOP_PASSES; pass++) {
		if (signal_new(max, pid) == 0)
			break;
		wait_arrivals(deadline);
	}
	for (i = 0; i < nslots; i++)
		if (t[i].state != MDT_STOP_FAILED)
			(void)give_up(i, MDT_STOP_FAILED);
	warn_failed();
	return nslots;
}

/* Let the stopped threads go, and wait until they have left. */
void
mdt_resume_threads(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int64_t deadline = now_ms() + STOP_WAIT_MS;
	size_t i;
	int a, failed = 0;

	if (traced >= 0) {
		mdt_ptrace_resume();
		traced = -1;
		return;
	}
	__atomic_store_n(&released, 1, __ATOMIC_RELEASE);
	futex(&released, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL);
	while ((a = __atomic_load_n(&arrived, __ATOMIC_ACQUIRE)) > 0 &&
	    now_ms() < deadline)
		futex(&arrived, FUTEX_WAIT_PRIVATE, a, &ts);
	__atomic_store_n(&stopping, 0, __ATOMIC_RELEASE);
	for (i = 0; i < nslots; i++)
		if (slots[i].state == MDT_STOP_FAILED)
			failed = 1;
	if (!failed && installed && a == 0) {
		sigaction(STOP_SIG, &oldact, NULL);
		installed = 0;
	}
}
