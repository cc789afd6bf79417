/*
 * stop_ptrace.c: stop the program's other threads with ptrace(2), as
 * LeakSanitizer does, so that no signal mask can keep a thread from
 * stopping and no system call of the program sees EINTR: a thread
 * stopped by a tracer has its call restarted, since no handler of the
 * program ran.
 *
 * A thread may not trace the threads of its own process, so a helper
 * task does it: a child cloned into the same memory (not a thread of
 * the process, so it can trace them).  Where Yama restricts ptrace to
 * descendants, the process names the helper as its tracer with
 * prctl(PR_SET_PTRACER) first.  The helper seizes each thread listed
 * in /proc/PID/task (again until no new one appears), interrupts it,
 * waits for the stop, reads its registers into its slot, and says so;
 * when the check is over it detaches them all, giving back any signal
 * that arrived meanwhile, and exits; it dies with the process.
 *
 * The helper shares the checking thread's thread pointer, so it makes
 * its system calls raw (no errno, nothing thread-local) and calls no
 * function that may take a lock.  The first thread it may not seize
 * (ptrace forbidden: a container's seccomp, Yama's level 3, a debugger
 * already attached) makes it let go of all: the caller then stops the
 * threads with a signal (stop.c).
 *
 * What it does not do: stop threads under an emulator, which does not
 * emulate ptrace (stop.c does not ask it there).
 */
#define _GNU_SOURCE	/* clone, CLONE_* */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include "arch.h"
#include "mdt.h"
#include "stop_ptrace.h"
#include "tasks.h"

#define HELPER_STACK	(64 * 1024)
#define WAIT_MS		500	/* for each thread's stop */
#define READY_MS	5000	/* for the helper to stop them all */

#ifndef PR_SET_PTRACER
#define PR_SET_PTRACER	0x59616d61
#endif
#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP	128
#endif

/* Between the checking thread and the helper. */
static struct {
	int			 pid;
	int			 self;		/* the checking thread */
	struct mdt_thread	*t;
	size_t			 max;
	size_t			 n;
	int			 go;		/* futex: the helper may start */
	int			 ready;		/* futex: 1 stopped, 2 refused */
	int			 release;	/* futex: detach and exit */
	int			 sig[MDT_MAXTHREADS];	/* to give back */
} P;

/* A system call that touches no errno: -errno on failure. */
static long
raw(long nr, long a, long b, long c, long d)
{
	return mdt_arch_syscall(nr, a, b, c, d);
}

static void
raw_wait(int *w, int val, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	raw(SYS_futex, (long)w, FUTEX_WAIT, val, (long)&ts);
}

static void
raw_wake(int *w)
{
	raw(SYS_futex, (long)w, FUTEX_WAKE, 0x7fffffff, 0);
}

static void
raw_nap(void)
{
	struct timespec ts = { 0, 100000 };

	raw(SYS_nanosleep, (long)&ts, 0, 0, 0);
}

/* Without memset: the helper calls nothing it need not. */
static void
clear_slot(struct mdt_thread *t)
{
	size_t i;

	t->state = MDT_STOP_SENT;
	t->sp = t->self = t->stack_hi = 0;
	for (i = 0; i < sizeof(t->regs) / sizeof(t->regs[0]); i++)
		t->regs[i] = 0;
}

static int
seen(int tid)
{
	size_t i;

	for (i = 0; i < P.n; i++)
		if (P.t[i].tid == tid)
			return 1;
	return tid == P.self || mdt_stop_foreign(tid);
}

/*
 * Wait until the seized thread in slot i stops; keep a signal whose
 * delivery stopped it, to give it back.  0 stopped, 1 it ended, -1 it
 * did not stop.
 */
static int
wait_stop(size_t i)
{
	long r, ms;	/* tenths of a millisecond */
	int st = 0;

	for (ms = 0; ms < 10 * WAIT_MS; ms++) {	/* naps of 0.1 ms */
		r = raw(SYS_wait4, P.t[i].tid, (long)&st, WNOHANG | __WALL, 0);
		if (r == P.t[i].tid) {
			if (!WIFSTOPPED(st))
				return 1;	/* it ended */
			if ((st >> 16) != PTRACE_EVENT_STOP &&
			    WSTOPSIG(st) != SIGTRAP)
				P.sig[i] = WSTOPSIG(st);
			return 0;
		}
		if (r == -ECHILD || r == -ESRCH)
			return 1;	/* gone */
		if (r < 0)
			return -1;
		raw_nap();
	}
	return -1;
}

/* Seize, stop and read the threads not seen yet; -1 if ptrace is not allowed. */
static int
seize_new(size_t *added)
{
	char path[64], buf[4096];
	long n, off, len, fd, r;
	size_t i;
	int tid;

	*added = 0;
	mdt_stop_path(path, P.pid, -1, "task");
	if ((fd = raw(SYS_openat, AT_FDCWD, (long)path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) < 0)
		return 0;
	while ((n = raw(SYS_getdents64, fd, (long)buf, sizeof(buf), 0)) > 0)
		for (off = 0; off < n; off += len) {
			len = mdt_stop_dirent(buf + off, &tid);
			if (tid <= 0 || seen(tid) || P.n >= P.max)
				continue;
			r = raw(SYS_ptrace, PTRACE_SEIZE, tid, 0, 0);
			if (r == -ESRCH)
				continue;		/* gone */
			if (r < 0) {
				raw(SYS_close, fd, 0, 0, 0);
				return -1;
			}
			i = P.n;
			clear_slot(&P.t[i]);
			P.t[i].tid = tid;
			P.sig[i] = 0;
			P.n = i + 1;
			(*added)++;
			if (raw(SYS_ptrace, PTRACE_INTERRUPT, tid, 0, 0) < 0)
				P.t[i].state = MDT_STOP_FAILED;
		}
	raw(SYS_close, fd, 0, 0, 0);
	/* All were interrupted at once; now each stop is waited for. */
	for (i = P.n - *added; i < P.n; i++) {
		r = -1;
		if (P.t[i].state != MDT_STOP_FAILED)
			r = wait_stop(i);
		if (P.t[i].state == MDT_STOP_FAILED || r != 0) {
			P.t[i].state = r == 1 ? MDT_STOP_LEFT : MDT_STOP_FAILED;
			continue;
		}
		P.t[i].state = mdt_arch_ptrace_read(P.t[i].tid, &P.t[i]) == 0 ?
		    MDT_STOP_TRACED : MDT_STOP_FAILED;
	}
	return 0;
}

static void
detach_all(void)
{
	size_t i;

	for (i = 0; i < P.n; i++)
		raw(SYS_ptrace, PTRACE_DETACH, P.t[i].tid, 0, P.sig[i]);
}

static int
helper(void *arg)
{
	size_t added;
	int pass;

	(void)arg;
	/*
	 * Not a thread of the process, the helper would outlive it: a
	 * process killed during a check (a pool's workers get SIGTERM)
	 * left it waiting for its release forever, holding the process's
	 * descriptors (a pipe's reader never saw its end).  It dies with
	 * the thread that made it, and ends at once if that one is gone.
	 */
	raw(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (raw(SYS_getppid, 0, 0, 0, 0) != P.pid)
		return 0;
	while (!__atomic_load_n(&P.go, __ATOMIC_ACQUIRE))
		raw_wait(&P.go, 0, 100);
	for (pass = 0; pass < 8; pass++) {
		if (seize_new(&added) != 0) {
			detach_all();
			P.n = 0;
			__atomic_store_n(&P.ready, 2, __ATOMIC_RELEASE);
			raw_wake(&P.ready);
			return 0;
		}
		if (added == 0)
			break;
	}
	__atomic_store_n(&P.ready, 1, __ATOMIC_RELEASE);
	raw_wake(&P.ready);
	while (!__atomic_load_n(&P.release, __ATOMIC_ACQUIRE))
		raw_wait(&P.release, 0, 100);
	detach_all();
	return 0;
}

static int	helper_pid;

/*
 * Stop every other thread into t (at most max); the number of slots
 * filled, or -1 when ptrace may not be used here (nothing was stopped).
 */
long
mdt_ptrace_stop(struct mdt_thread *t, size_t max)
{
	static char *stack;
	int64_t waited;
	size_t i;
	int st;

	if (stack == NULL && (stack = mdt_mmap(HELPER_STACK)) == NULL)
		return -1;
	memset(&P, 0, sizeof(P));
	P.pid = getpid();
	P.self = (int)syscall(SYS_gettid);
	P.t = t;
	P.max = max;
	helper_pid = clone(helper, stack + HELPER_STACK, CLONE_VM | CLONE_FS |
	    CLONE_FILES | CLONE_UNTRACED, NULL);
	if (helper_pid == -1)
		return -1;
	(void)prctl(PR_SET_PTRACER, helper_pid, 0, 0, 0);
	__atomic_store_n(&P.go, 1, __ATOMIC_RELEASE);
	raw_wake(&P.go);
	for (waited = 0; __atomic_load_n(&P.ready, __ATOMIC_ACQUIRE) == 0 &&
	    waited < READY_MS; waited += 10)
		raw_wait(&P.ready, 0, 10);
	if (__atomic_load_n(&P.ready, __ATOMIC_ACQUIRE) != 1) {
		/* Refused, or hung: let it go, and use the signal. */
		__atomic_store_n(&P.release, 1, __ATOMIC_RELEASE);
		raw_wake(&P.release);
		(void)waitpid(helper_pid, &st, __WALL);
		(void)prctl(PR_SET_PTRACER, 0, 0, 0, 0);
		helper_pid = 0;
		return -1;
	}
	for (i = 0; i < P.n; i++)
		if (t[i].state == MDT_STOP_TRACED)
			mdt_arch_ptrace_regs(&t[i]);
	return (long)P.n;
}

/* Let the threads go and wait for the helper to end. */
void
mdt_ptrace_resume(void)
{
	int st;

	if (helper_pid <= 0)
		return;
	__atomic_store_n(&P.release, 1, __ATOMIC_RELEASE);
	raw_wake(&P.release);
	(void)waitpid(helper_pid, &st, __WALL);
	(void)prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	helper_pid = 0;
}
