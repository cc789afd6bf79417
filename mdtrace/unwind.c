/*
 * unwind.c: the return addresses of the current malloc call.
 *
 * Frame 0 is always exact: the interposed function passes its own
 * __builtin_return_address(0).  Deeper frames come from one of two
 * walkers, chosen once at start-up:
 *
 * fp (the default): follow the frame-pointer chain.  Every frame pointer
 * is checked before it is read: it must lie above the previous one
 * (stacks grow down), be word-aligned, and the two words read must lie
 * inside this thread's stack, between the walker's own frame and the
 * stack's top.  Those words are always mapped, so code built without
 * frame pointers can only make the walk stop early or yield a wrong
 * frame; it can never make it fault.  Cost: two loads a frame.
 *
 * dwarf (MDTRACE_UNWIND=dwarf): libgcc's _Unwind_Backtrace, which reads
 * the .eh_frame call-frame information and so also walks through code
 * without frame pointers (glibc itself on Debian).  glibc 2.35 and later
 * give it the FDE of an address lock-free through _dl_find_object, but
 * interpreting the CFI costs about a hundred times the fp walk (see
 * bench/mdtrace_bench.sh), which breaks the tracer's speed target on
 * allocation-heavy programs.  Hence fp by default, dwarf on request.
 *
 * What it does not do: record or symbolize anything.  It runs inside
 * malloc with the tracer's recursion guard set, so what it calls
 * (pthread_getattr_np, libgcc) may allocate without being traced.
 */
#define _GNU_SOURCE	/* pthread_getattr_np, RTLD_DEFAULT */

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mdt.h"

/* Frames the dwarf walker may pass inside the tracer before the caller. */
#define UW_MAXSKIP	16

/* Addresses below this are never code: the walk has gone astray. */
#define LOWEST_CODE	4096

/* _Unwind_Reason_Code values from the Itanium C++ ABI. */
#define URC_NO_REASON		0
#define URC_END_OF_STACK	5

typedef int	(*uw_trace_fn)(void *, void *);
typedef int	(*uw_backtrace_fn)(uw_trace_fn, void *);
typedef uintptr_t (*uw_getip_fn)(void *);

struct uw_walk {
	uintptr_t	*out;
	uint32_t	 n;
	uint32_t	 max;
	uintptr_t	 first;
	uint32_t	 skipped;
};

/* Top of the main thread's stack, from ld.so; weak: musl lacks it. */
extern void *__libc_stack_end __attribute__((weak));

/* This thread's stack top; 0 = not known yet, 1 = cannot be known. */
static _Thread_local uintptr_t stack_hi
    __attribute__((tls_model("initial-exec")));

static int		 use_dwarf;
static uw_backtrace_fn	 uw_backtrace;
static uw_getip_fn	 uw_getip;

static void *
sym_or_null(void *h, const char *name)
{
	return h == NULL ? NULL : dlsym(h, name);
}

/*
 * Called from the library's constructor, with the recursion guard set:
 * dlopen may allocate.
 */
void
mdt_unwind_init(void)
{
	const char *e;
	void *h = RTLD_DEFAULT, *bt, *ip;

	e = getenv("MDTRACE_UNWIND");
	if (e == NULL || strcmp(e, "dwarf") != 0)
		return;
	if ((bt = sym_or_null(h, "_Unwind_Backtrace")) == NULL) {
		h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_GLOBAL);
		bt = sym_or_null(h, "_Unwind_Backtrace");
	}
	ip = sym_or_null(h, "_Unwind_GetIP");
	if (bt == NULL || ip == NULL)
		return;		/* Quietly stay with the fp walk. */
	/* ISO C has no cast between object and function pointers. */
	memcpy(&uw_backtrace, &bt, sizeof(bt));
	memcpy(&uw_getip, &ip, sizeof(ip));
	use_dwarf = 1;
}

static uintptr_t
find_stack_hi(void)
{
	pthread_attr_t a;
	void *addr;
	size_t size;
	uintptr_t hi = 1;

	if (&__libc_stack_end != NULL && __libc_stack_end != NULL &&
	    syscall(SYS_gettid) == getpid())
		return (uintptr_t)__libc_stack_end;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return hi;
	if (pthread_attr_getstack(&a, &addr, &size) == 0)
		hi = (uintptr_t)addr + size;
	pthread_attr_destroy(&a);
	return hi;
}

static uint32_t
unwind_fp(void *fp, uintptr_t *out, uint32_t max)
{
#if defined(__x86_64__) || defined(__aarch64__)
	/* Both keep {saved frame pointer, return address} at the fp. */
	const uintptr_t rec = 2 * sizeof(uintptr_t);
	uintptr_t lo = (uintptr_t)&lo, hi, cur, next, ra;
	uint32_t n = 1;

	if (stack_hi == 0)
		stack_hi = find_stack_hi();
	hi = stack_hi;
	cur = (uintptr_t)fp;
	/* Not on the stack we know (a signal stack, a coroutine): stop. */
	if (hi < lo + rec || cur < lo || cur > hi - rec)
		return 1;
	while (n < max) {
		next = ((const uintptr_t *)cur)[0];
		if (next <= cur || next > hi - rec ||
		    (next & (sizeof(uintptr_t) - 1)) != 0)
			break;
		ra = ((const uintptr_t *)next)[1];
		if (ra < LOWEST_CODE)
			break;
		out[n++] = ra;
		cur = next;
	}
	return n;
#else
	(void)fp;
	(void)out;
	(void)max;
	return 1;
#endif
}

/* Skip the tracer's own frames up to the caller's, then collect. */
static int
uw_step(void *ctx, void *arg)
{
	struct uw_walk *w = arg;
	uintptr_t ip;

	ip = uw_getip(ctx);
	if (w->n == 0) {
		if (ip != w->first)
			return ++w->skipped > UW_MAXSKIP ? URC_END_OF_STACK :
			    URC_NO_REASON;
	} else if (ip < LOWEST_CODE)
		return URC_END_OF_STACK;
	w->out[w->n++] = ip;
	return w->n < w->max ? URC_NO_REASON : URC_END_OF_STACK;
}

/*
 * Fill out[0 .. max-1] with the stack of the interposed function whose
 * return address is ra and whose frame address is fp; return the number
 * of frames (at least 1 when max is at least 1).
 */
uint32_t
mdt_unwind(uintptr_t ra, void *fp, uintptr_t *out, uint32_t max)
{
	struct uw_walk w;

	if (max == 0)
		return 0;
	out[0] = ra;
	if (max == 1)
		return 1;
	if (!use_dwarf)
		return unwind_fp(fp, out, max);
	w.out = out;
	w.n = 0;
	w.max = max;
	w.first = ra;
	w.skipped = 0;
	uw_backtrace(uw_step, &w);
	if (w.n == 0) {
		out[0] = ra;
		return 1;
	}
	return w.n;
}
