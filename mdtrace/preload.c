/*
 * preload.c: the malloc family of libmdtrace.so.  Each function calls
 * the C library's own allocator and, when MALLOC_OPTIONS asks for a
 * leak report, notes the block with its stack in the live-block table
 * (table.c); at exit the report (record.c) writes what is still there.
 *
 * The real allocator: glibc exports __libc_malloc and friends, which
 * need no dlsym and so no allocation before the first one.  Elsewhere
 * (musl) they come from dlsym(RTLD_NEXT), whose own early calloc is
 * served from a small static arena.
 *
 * Recursion: whatever the tracer calls that may allocate (stack bounds,
 * libgcc, dladdr, the report) runs with a thread-local flag set, and
 * allocations made while it is set go straight to the C library,
 * untraced.  Frees always leave the table, whoever makes them, so a
 * block freed inside the tracer cannot be reported as a leak.
 *
 * Before the library's constructor has run (allocations by ld.so and by
 * libraries initialised earlier) and without 'D' in MALLOC_OPTIONS,
 * every call goes straight through: no table, no unwinding.
 *
 * What it does not do: change the allocator's behaviour.  Blocks come
 * from the C library as they would without the tracer; in a program
 * linked with an allocator library of its own, whose malloc family the
 * tracer's comes before, they come from the C library too, and so does
 * malloc_usable_size.
 */
#define _GNU_SOURCE	/* RTLD_NEXT, memalign, valloc, pvalloc */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mdt.h"

#define EXPORT	__attribute__((visibility("default")))
#define RA()	((uintptr_t)__builtin_return_address(0))
#define FP()	(__builtin_frame_address(0))

/*
 * The static arena for allocations made while dlsym looks up the real
 * allocator (musl, or a libc without __libc_malloc): dlsym needs a few
 * hundred bytes at most, once.
 */
#define BOOT_SIZE	(64 * 1024)
#define BOOT_ALIGN	16	/* malloc's alignment on LP64 */

/* The C++ ABI's exit handler registration, in every C library. */
extern int	 __cxa_atexit(void (*)(void *), void *, void *);

/* glibc's own entry points; weak, so absent elsewhere. */
extern void	*__libc_malloc(size_t) __attribute__((weak));
extern void	*__libc_calloc(size_t, size_t) __attribute__((weak));
extern void	*__libc_realloc(void *, size_t) __attribute__((weak));
extern void	 __libc_free(void *) __attribute__((weak));
extern void	*__libc_memalign(size_t, size_t) __attribute__((weak));

static struct {
	void	*(*malloc)(size_t);
	void	*(*calloc)(size_t, size_t);
	void	*(*realloc)(void *, size_t);
	void	 (*free)(void *);
	void	*(*memalign)(size_t, size_t);
	size_t	 (*usable)(void *);	/* see usable_of_real */
} real;

/* Set inside the tracer: allocations then go untraced. */
static _Thread_local int busy __attribute__((tls_model("initial-exec")));

static int		 resolving;	/* dlsym is looking up the above */
static int		 tracing;	/* constructor done, 'D' given */
static int		 reported;	/* the report is written or being so */
static pid_t		 pid;		/* this process's, as last noted */
static struct mdt_opts	 opts;

static unsigned char	 boot[BOOT_SIZE] __attribute__((aligned(BOOT_ALIGN)));
static size_t		 boot_used;

/* Static arena: a size word before each block, never freed. */
static void *
boot_alloc(size_t n)
{
	size_t need;
	void *p;

	if (n > BOOT_SIZE)
		return NULL;
	need = BOOT_ALIGN + ((n + BOOT_ALIGN - 1) & ~(size_t)(BOOT_ALIGN - 1));
	if (need > BOOT_SIZE - __atomic_load_n(&boot_used, __ATOMIC_RELAXED))
		return NULL;
	p = boot + __atomic_fetch_add(&boot_used, need, __ATOMIC_RELAXED);
	if ((unsigned char *)p + need > boot + BOOT_SIZE)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return (unsigned char *)p + BOOT_ALIGN;	/* zeroed: static */
}

static int
is_boot(const void *p)
{
	return (const unsigned char *)p >= boot &&
	    (const unsigned char *)p < boot + BOOT_SIZE;
}

static size_t
boot_size(const void *p)
{
	size_t n;

	memcpy(&n, (const unsigned char *)p - BOOT_ALIGN, sizeof(n));
	return n;
}

static void *
next_sym(const char *name)
{
	void *s, *f = NULL;

	if ((s = dlsym(RTLD_NEXT, name)) != NULL)
		memcpy(&f, &s, sizeof(f));	/* stays a data pointer here */
	return f;
}

/* Find the real allocator; -1 while that is still under way. */
static int
resolve(void)
{
	void *f;

	if (__libc_malloc != NULL && __libc_calloc != NULL &&
	    __libc_realloc != NULL && __libc_free != NULL &&
	    __libc_memalign != NULL) {
		real.calloc = __libc_calloc;
		real.realloc = __libc_realloc;
		real.free = __libc_free;
		real.memalign = __libc_memalign;
		__atomic_store_n(&real.malloc, __libc_malloc, __ATOMIC_RELEASE);
		return 0;
	}
	if (__atomic_exchange_n(&resolving, 1, __ATOMIC_ACQ_REL))
		return -1;
	/* ISO C has no cast between object and function pointers. */
	f = next_sym("calloc");
	memcpy(&real.calloc, &f, sizeof(f));
	f = next_sym("realloc");
	memcpy(&real.realloc, &f, sizeof(f));
	f = next_sym("free");
	memcpy(&real.free, &f, sizeof(f));
	f = next_sym("memalign");
	memcpy(&real.memalign, &f, sizeof(f));
	f = next_sym("malloc_usable_size");
	memcpy(&real.usable, &f, sizeof(f));
	f = next_sym("malloc");
	if (f == NULL || real.calloc == NULL || real.realloc == NULL ||
	    real.free == NULL || real.memalign == NULL)
		abort();	/* No allocator at all: nothing can run. */
	memcpy(&real.malloc, &f, sizeof(f));
	return 0;
}

static int
ensure_real(void)
{
	if (__atomic_load_n(&real.malloc, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	return resolve();
}

/*
 * The usable size function of the allocator in real.  Under glibc that
 * is libc's malloc_usable_size, found in libc itself: the first one in
 * the program's scope may be another allocator's (a program linked
 * with libjemalloc), which cannot read glibc's blocks.  NULL if there
 * is none.  It may allocate (dlopen), so the caller sets busy.
 */
static size_t
(*usable_of_real(void))(void *)
{
	size_t (*f)(void *) = NULL;
	Dl_info di;
	void *h, *s, *m;

	if (real.usable != NULL || ensure_real() == -1)
		return real.usable;
	if (__libc_malloc != NULL) {
		m = NULL;
		memcpy(&m, &real.malloc, sizeof(m));
		if (dladdr(m, &di) != 0 && di.dli_fname != NULL &&
		    (h = dlopen(di.dli_fname, RTLD_LAZY | RTLD_NOLOAD)) !=
		    NULL) {
			if ((s = dlsym(h, "malloc_usable_size")) != NULL)
				memcpy(&f, &s, sizeof(f));
			dlclose(h);
		}
	}
	__atomic_store_n(&real.usable, f, __ATOMIC_RELEASE);
	return f;
}

/*
 * Note a new block.  Kept out of line so the allocation functions stay
 * small; ra and fp are theirs.  The bytes from keep on hold nothing the
 * program wrote: of those, the first STALE_BYTES are cleared.  A
 * recycled chunk keeps what its earlier life left there: the
 * allocator's links (glibc's free-list pointers, in the first four
 * words) and the earlier block's own words, pointers among them, which
 * the program does not always overwrite (a field it never sets).  The
 * leak check would take them for the program's pointers and keep lost
 * blocks reachable; valgrind does not, knowing they were never written.
 * gdb --version kept 32 of its 1180 lost blocks reachable so, through
 * a word at offset 80 of a recycled block; clearing the first 128
 * bytes was not enough, 4 KiB was.  Past that, a large block's bytes
 * stay as they are: clearing them all would cost time in proportion
 * and commit the pages of a reservation the program may never touch.
 * Cleared up to the block's usable size, not only its size: a realloc
 * copies those bytes too, which the program may write
 * (malloc_usable_size says so) and so must keep.
 */
#define STALE_BYTES	4096

static __attribute__((noinline)) void
track(void *p, size_t size, size_t keep, uintptr_t ra, void *fp)
{
	struct mdt_stack *stk;
	size_t u = 0, end;

	/* u: the usable size, asked here once for the table too; 0 unknown. */
	if (keep < STALE_BYTES) {
		if (real.usable != NULL)
			u = real.usable(p);
		end = u != 0 ? u : size;
		if (end > STALE_BYTES)
			end = STALE_BYTES;
		if (keep < end)
			memset((char *)p + keep, 0, end - keep);
	}
	busy = 1;
	mdt_live_prefetch(p);
	stk = mdt_unwind_stack(ra, fp, (uint32_t)opts.depth);
	if (stk != NULL)
		mdt_live_insert(p, size, u, stk);
	busy = 0;
}

/*
 * Blocks allocated before the constructor ran, by the static
 * initialisers of libraries initialised before this one (C++ globals
 * such as apt's configuration tree or LLVM's option registry), are
 * noted here with their caller's address and enter the table at
 * start-up with that one frame: the blocks they point to are then
 * reachable, as valgrind has them, not lost.  Unknown to the check,
 * they were not scanned, and what only they held was reported lost.
 * The process has one thread then, as a rule; the slots are taken
 * atomically all the same.  The array is bss: only the pages used
 * cost memory.
 *
 * A free looks through the first EARLY_SCAN notes one by one, and
 * finds a later one through an index by address, mapped when the
 * notes pass EARLY_SCAN (a search of every note made start-up
 * quadratic in them); the index is under early_lock.
 */
#define EARLY_MAX	65536
#define EARLY_SCAN	256
#define EARLY_IX	(2 * EARLY_MAX)	/* slots: a note's number + 1 */

static struct early {
	void		*p;
	size_t		 size;
	uintptr_t	 ra;
} early[EARLY_MAX];
static unsigned	 nearly;
static int	 inited;	/* the constructor ran */
static uint32_t	*early_ix;
static int	 early_lock;

static size_t
early_home(const void *p)
{
	return (size_t)(mdt_mix64((uintptr_t)p) & (EARLY_IX - 1));
}

static void
early_note(void *p, size_t size, uintptr_t ra)
{
	unsigned i = __atomic_fetch_add(&nearly, 1, __ATOMIC_RELAXED);
	size_t k;

	if (i >= EARLY_MAX)
		return;
	early[i].size = size;
	early[i].ra = ra;
	__atomic_store_n(&early[i].p, p, __ATOMIC_RELEASE);
	if (i < EARLY_SCAN)
		return;
	mdt_spin_lock(&early_lock);
	if (early_ix == NULL)
		early_ix = mdt_mmap(EARLY_IX * sizeof(*early_ix));
	if (early_ix != NULL) {
		/* Half full at most: a probe ends at an empty slot. */
		for (k = early_home(p); early_ix[k] != 0;
		    k = (k + 1) & (EARLY_IX - 1))
			;
		early_ix[k] = i + 1;
	}
	mdt_spin_unlock(&early_lock);
}

/* Forget the note of p, if there is one. */
static void
early_forget(void *p)
{
	unsigned i = __atomic_load_n(&nearly, __ATOMIC_ACQUIRE);
	size_t k;

	for (i = i < EARLY_SCAN ? i : EARLY_SCAN; i-- > 0; )
		if (__atomic_load_n(&early[i].p, __ATOMIC_ACQUIRE) == p) {
			__atomic_store_n(&early[i].p, NULL, __ATOMIC_RELEASE);
			return;
		}
	if (__atomic_load_n(&early_ix, __ATOMIC_ACQUIRE) == NULL)
		return;
	/* A forgotten note keeps its slot: probes go past it. */
	mdt_spin_lock(&early_lock);
	for (k = early_home(p); early_ix != NULL && early_ix[k] != 0;
	    k = (k + 1) & (EARLY_IX - 1))
		if (early[early_ix[k] - 1].p == p) {
			__atomic_store_n(&early[early_ix[k] - 1].p, NULL,
			    __ATOMIC_RELEASE);
			break;
		}
	mdt_spin_unlock(&early_lock);
}

/*
 * At start-up, tracing: the early blocks still held into the table,
 * but not the C library's own (its exit-handler lists, for one, which
 * it frees only after the check, where valgrind's comes after).
 */
static void
early_enter(void)
{
	struct mdt_stack *stk;
	unsigned i, n = __atomic_load_n(&nearly, __ATOMIC_ACQUIRE);
	uintptr_t libc = 0, base;
	const char *name;

	if (!mdt_obj_find((uintptr_t)real.calloc, &libc, &name))
		libc = 0;
	for (i = 0; i < n && i < EARLY_MAX; i++) {
		if (early[i].p == NULL || (libc != 0 &&
		    mdt_obj_find(early[i].ra, &base, &name) && base == libc))
			continue;
		if ((stk = mdt_stack_intern(&early[i].ra, 1)) != NULL)
			mdt_live_insert(early[i].p, early[i].size, 0, stk);
	}
	/* Its numbers could pass for pointers in the leak check's roots. */
	mdt_spin_lock(&early_lock);
	if (early_ix != NULL)
		munmap(early_ix, EARLY_IX * sizeof(*early_ix));
	__atomic_store_n(&early_ix, NULL, __ATOMIC_RELEASE);
	mdt_spin_unlock(&early_lock);
}

#define TRACK(p, size, keep, ra, fp) do {				\
	if ((p) != NULL && !busy) {					\
		if (tracing)						\
			track((p), (size), (keep), (ra), (fp));		\
		else if (!inited)					\
			early_note((p), (size), (ra));			\
	}								\
} while (0)

static void *
malloc_traced(size_t n, uintptr_t ra, void *fp)
{
	void *p;

	if (ensure_real() == -1)
		return boot_alloc(n);
	p = real.malloc(n);
	TRACK(p, n, 0, ra, fp);
	return p;
}

EXPORT void *
malloc(size_t n)
{
	return malloc_traced(n, RA(), FP());
}

EXPORT void *
calloc(size_t n, size_t m)
{
	void *p;

	if (ensure_real() == -1)
		return n != 0 && m > SIZE_MAX / n ? NULL : boot_alloc(n * m);
	p = real.calloc(n, m);
	TRACK(p, n * m, n * m, RA(), FP());
	return p;
}

EXPORT void
free(void *p)
{
	if (p == NULL || is_boot(p))
		return;
	/* Out of the table first: once freed, p may be handed out again. */
	if (tracing)
		mdt_live_take(p, NULL, NULL);
	else if (!inited)
		early_forget(p);
	if (ensure_real() == 0)
		real.free(p);
}

/* realloc of a block from the static arena: move it to the real heap. */
static void *
boot_realloc(void *p, size_t n, uintptr_t ra, void *fp)
{
	size_t old = boot_size(p);
	void *q;

	if (ensure_real() == -1)
		return NULL;
	if ((q = real.malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	TRACK(q, n, old, ra, fp);
	return q;
}

/*
 * The block is attributed to this call, the last to allocate it.  The
 * old entry leaves the table before the C library may free it, and
 * comes back if the call fails.
 */
static void *
realloc_traced(void *p, size_t n, uintptr_t ra, void *fp)
{
	struct mdt_stack *stk = NULL;
	size_t size = 0, kept = n;
	int had = 0;
	void *q;

	if (p != NULL && is_boot(p))
		return boot_realloc(p, n, ra, fp);
	if (ensure_real() == -1)
		return p == NULL ? boot_alloc(n) : NULL;
	if (p != NULL && !tracing && !inited)
		early_forget(p);
	/*
	 * Of the old block's usable size track needs to know only whether
	 * it is below STALE_BYTES: a size that large answers without asking
	 * the allocator again (the table has just asked it for the size).
	 */
	if (p != NULL && tracing && (had = mdt_live_take(p, &size, &stk)))
		kept = real.usable == NULL ? n : size >= STALE_BYTES ? size :
		    real.usable(p);
	q = real.realloc(p, n);
	if (q == NULL) {
		/* Failed, or glibc's realloc(p, 0) freed p. */
		if (had && n != 0)
			mdt_live_insert(p, size, 0, stk);
		return NULL;
	}
	/*
	 * What the block held is the program's: all its usable bytes,
	 * which the program may write (malloc_usable_size), not only the
	 * size it asked for; unknown: all of it.
	 */
	TRACK(q, n, p == NULL ? 0 : kept, ra, fp);
	return q;
}

EXPORT void *
realloc(void *p, size_t n)
{
	return realloc_traced(p, n, RA(), FP());
}

EXPORT void *
reallocarray(void *p, size_t n, size_t m)
{
	if (n != 0 && m > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc_traced(p, n * m, RA(), FP());
}

static void *
memalign_traced(size_t al, size_t n, uintptr_t ra, void *fp)
{
	void *p;

	if (ensure_real() == -1)
		return al <= BOOT_ALIGN ? boot_alloc(n) : NULL;
	p = real.memalign(al, n);
	TRACK(p, n, 0, ra, fp);
	return p;
}

EXPORT void *
memalign(size_t al, size_t n)
{
	return memalign_traced(al, n, RA(), FP());
}

static int
power_of_two(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/*
 * For C++'s operator new (cxxnew.c): al bytes of alignment (0: malloc's
 * own), attributed to the caller whose return address is ra and frame
 * fp.  NULL when the C library has no memory, as malloc.
 */
void *
mdt_alloc_at(size_t al, size_t n, uintptr_t ra, void *fp)
{
	if (al == 0)
		return malloc_traced(n, ra, fp);
	if (!power_of_two(al))
		return NULL;
	return memalign_traced(al, n, ra, fp);
}

int
mdt_guard(int on)
{
	int was = busy;

	busy = on;
	return was;
}

/* For operator delete (cxxnew.c). */
void
mdt_free(void *p)
{
	free(p);
}

EXPORT int
posix_memalign(void **pp, size_t al, size_t n)
{
	void *p;

	if (!power_of_two(al) || al % sizeof(void *) != 0)
		return EINVAL;
	if ((p = memalign_traced(al, n, RA(), FP())) == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

EXPORT void *
aligned_alloc(size_t al, size_t n)
{
	if (!power_of_two(al)) {
		errno = EINVAL;
		return NULL;
	}
	return memalign_traced(al, n, RA(), FP());
}

/*
 * The allocator's own, for the blocks it gave: a program linked with
 * another allocator's library would otherwise ask that one about the
 * C library's blocks.
 */
EXPORT size_t
malloc_usable_size(void *p)
{
	size_t (*f)(void *);
	int was;

	if (p == NULL)
		return 0;
	if (is_boot(p))
		return boot_size(p);
	if ((f = __atomic_load_n(&real.usable, __ATOMIC_ACQUIRE)) == NULL) {
		was = busy;
		busy = 1;
		f = usable_of_real();
		busy = was;
	}
	return f != NULL ? f(p) : 0;
}

EXPORT void *
valloc(size_t n)
{
	return memalign_traced((size_t)sysconf(_SC_PAGESIZE), n, RA(), FP());
}

EXPORT void *
pvalloc(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (n > SIZE_MAX - pg) {
		errno = ENOMEM;
		return NULL;
	}
	/* pvalloc(0) gives one page, as glibc's does. */
	n = n == 0 ? pg : (n + pg - 1) & ~(pg - 1);
	return memalign_traced(pg, n, RA(), FP());
}

/* A running check first (control.c), then the tables, as a check. */
static void
fork_prepare(void)
{
	mdt_control_fork_prepare();
	mdt_table_lockall();
}

static void
fork_parent(void)
{
	mdt_table_unlockall();
	mdt_control_fork_parent();
}

static void
fork_child(void)
{
	mdt_table_resetlocks();
	pid = getpid();
	busy = 1;
	mdt_exec_forked();
	mdt_control_fork();
	busy = 0;
}

/* For control.c: this thread's allocations go untraced, or not. */
static void
set_untraced(int on)
{
	busy = on;
}

static int
is_tracing(void)
{
	return __atomic_load_n(&tracing, __ATOMIC_ACQUIRE);
}

/*
 * Signals that end a process, sent while its report at exit is made,
 * take effect once it is written, as under valgrind: the SIGTERM of a
 * service manager that finds the program slow to end, a second ^C.
 * Only those the program leaves to their default action, which ends
 * the process.  Left as they are: the faults (a fault must end the
 * process at once; returning from their handler would fault again),
 * SIGPIPE and SIGXFSZ (the trace's own writes raise them), and the
 * real-time signals, among them the tracer's own.  The first one that
 * came is raised again, with its default action, after the report.
 */
static const int deferrable[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGXCPU,
#ifdef SIGIO
	SIGIO,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
};
#define NDEFER	(sizeof(deferrable) / sizeof(deferrable[0]))

static volatile sig_atomic_t deferred;	/* the first signal that came */

static void
on_deferrable(int sig)
{
	if (deferred == 0)
		deferred = sig;
}

/* Catch the deferrable signals left to their default; which, by bit. */
static unsigned
defer_begin(void)
{
	struct sigaction sa, old;
	unsigned i, taken = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_deferrable;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < NDEFER; i++)
		if (sigaction(deferrable[i], NULL, &old) == 0 &&
		    !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL &&
		    sigaction(deferrable[i], &sa, NULL) == 0)
			taken |= 1u << i;
	return taken;
}

/* Give the signals back their default; end by the one that came. */
static void
defer_end(unsigned taken)
{
	struct sigaction dfl;
	sigset_t one;
	unsigned i;
	int sig;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (i = 0; i < NDEFER; i++)
		if (taken & 1u << i)
			(void)sigaction(deferrable[i], &dfl, NULL);
	if ((sig = deferred) == 0)
		return;
	sigemptyset(&one);
	sigaddset(&one, sig);
	(void)pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	(void)raise(sig);
}

/*
 * The leak check and the report, once a process: from exit's handlers
 * (caller_sp NULL) or from _exit (the stack pointer of its caller).
 * Not in the child of a vfork, which borrows its parent's memory until
 * it execs or ends: the fork handlers did not run for it, so its pid is
 * not the one noted.
 */
static void
end_report(void *caller_sp)
{
	unsigned taken;
	int kinds;

	if (!__atomic_load_n(&tracing, __ATOMIC_ACQUIRE) || getpid() != pid ||
	    __atomic_exchange_n(&reported, 1, __ATOMIC_ACQ_REL))
		return;
	busy = 1;
	taken = defer_begin();
	mdt_exec_exit();
	mdt_control_exit();
	kinds = mdt_leakcheck(__builtin_frame_address(0), caller_sp, 0);
	mdt_report(&opts, kinds);
	mdt_leakcheck_free();
	mdt_control_exit_done();
	busy = 0;
	defer_end(taken);
}

/* The last exit handler: it scans this thread's stack above exit's. */
static void
at_exit(void *arg)
{
	(void)arg;
	end_report(NULL);
}

/*
 * The report comes after everything else the program runs at exit, as
 * valgrind's at the exit_group system call: after the program's exit
 * handlers, and after every library's destructors.  The dynamic
 * linker's destructor pass (itself the first exit handler registered,
 * so the last run) calls this library's destructor, which registers
 * the report as an exit handler: exit runs handlers registered while it
 * runs them, after the one that registered them.  Registered for no
 * object (atexit would tie it to this library, and this library's
 * destructor would run it at once, before the other libraries').
 */
static __attribute__((destructor)) void
mdt_fini(void)
{
	if (__cxa_atexit(at_exit, NULL, NULL) != 0)
		at_exit(NULL);
}

/* Programs that end with _exit or _Exit (dash does) get their report. */
static void __attribute__((noreturn))
end_now(int status, void *caller_sp)
{
	end_report(caller_sp);
	for (;;) {
		syscall(SYS_exit_group, status);
		syscall(SYS_exit, status);
	}
}

EXPORT void
_exit(int status)
{
	end_now(status, __builtin_dwarf_cfa());
}

EXPORT void
_Exit(int status)
{
	end_now(status, __builtin_dwarf_cfa());
}

/* Runs after the C library's initialisation. */
static __attribute__((constructor)) void
mdt_init(void)
{
	busy = 1;
	(void)ensure_real();
	mdt_unload_init();
	mdt_exec_resolve();
	mdt_say_init();
	mdt_options_parse(getenv("MALLOC_OPTIONS"), &opts, 1);
	if (!opts.enabled)
		mdt_say_end();	/* untraced, the program keeps its numbers */
	if (opts.enabled) {
		mdt_live_sizer(usable_of_real());
		mdt_live_init();
		mdt_objects_init();
		mdt_exec_init();
		mdt_unwind_init();
		mdt_record_init();
		mdt_stop_init();
		pid = getpid();
		if (pthread_atfork(fork_prepare, fork_parent,
		    fork_child) == 0) {
			early_enter();
			__atomic_store_n(&tracing, 1, __ATOMIC_RELEASE);
			mdt_control_init(set_untraced, is_tracing);
		}
	}
	__atomic_store_n(&inited, 1, __ATOMIC_RELEASE);
	busy = 0;
}
