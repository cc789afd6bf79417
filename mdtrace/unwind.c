/*
 * unwind.c: the return addresses of the current malloc call.
 *
 * Frame 0 is always exact: the interposed function passes its own
 * __builtin_return_address(0) and frame address.  Deeper frames come
 * from one of three walkers, chosen once at start-up by MDTRACE_UNWIND:
 *
 * cfi (the default): the tracer's own reader of the DWARF call frame
 * information every x86-64 object carries in .eh_frame, found through
 * .eh_frame_hdr's binary search table.  Each return address's row is
 * compiled once into a rule word (unwind_x86_64.c) and kept in a
 * lock-free cache (unwind.h), so after warm-up a frame costs a hash
 * probe and two or three loads: no malloc, no lock, no system call.
 * What the cache misses goes through uw_rule_slow() below, which finds
 * the object of the address (a snapshot of dl_iterate_phdr, and
 * _dl_find_object where glibc has it), and cfi.c.  dlclose advances a
 * generation number that every cache entry must match.
 *
 * fp (MDTRACE_UNWIND=fp): follow the frame-pointer chain.  Every frame
 * pointer is checked before it is read: it must lie above the previous
 * one (stacks grow down), be word-aligned, and the two words read must
 * lie inside this thread's stack, between the walker's own frame and
 * the stack's top.  Code built without frame pointers makes it stop
 * early or yield a wrong frame, never fault.
 *
 * A thread's stack bounds come from pthread_getattr_np at its first
 * walk; the tracer interposes that function to know when the thread is
 * inside it, holding its own lock, and reads /proc/self/maps then.
 *
 * dwarf (MDTRACE_UNWIND=dwarf): libgcc's _Unwind_Backtrace, kept as a
 * reference for the default walker; many times slower.
 *
 * Stacks the default walker had to end before their outermost frame
 * (damaged or missing CFI, a read outside the stack, a rule it cannot
 * follow) are counted; record.c writes the count into the trace.
 *
 * The memo: each thread keeps, for the walks it made last, what they
 * read.  A walk is decided by its start (the interposed function's
 * return address and frame address), the rules of the frames'
 * addresses, which stay while the generation does, and the stack words
 * it reads; so when a thread allocates again from the same place at the
 * same stack depth, and every word the earlier walk read there still
 * holds what it held, the stack is the same, exactly, and so is its
 * entry in the stack table.  Those words are compared all at once, in
 * no chain (a walk's step waits for the word the step before read),
 * and the stack is not hashed nor looked up.  Only walks made of
 * compact steps are kept.  The memo of a thread is mapped at its first
 * traced allocation and given to the next thread when it ends.
 *
 * What it does not do: record or symbolize anything.  It runs inside
 * malloc with the tracer's recursion guard set, so what it calls
 * (pthread_getattr_np, dl_iterate_phdr, libgcc) may allocate without
 * being traced.
 */
#define _GNU_SOURCE	/* pthread_getattr_np, RTLD_DEFAULT, dl_iterate_phdr */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mdt.h"
#include "unwind.h"

#define EXPORT	__attribute__((visibility("default")))

/* Frames the dwarf walker may pass inside the tracer before the caller. */
#define UW_MAXSKIP	16

/* Addresses below this are never code: the walk has gone astray. */
#define LOWEST_CODE	4096

/* Turns a slow path waits for another's snapshot before giving up. */
#define LOCK_TRIES	10000

/*
 * A thread's memo: about MEMO_BYTES, at most MEMO_MAXENT walks in sets
 * of two by the walk's start, the one used last first.  Only the
 * entries a thread uses are touched (the rest stay pages never
 * faulted in), so the size costs little: node -e 0 (447,000 mallocs,
 * D16) walked 55,600 times with 48 KiB, 31,200 with 256 KiB, 27,900
 * with 1 MiB; 256 KiB took 0.95 times the CPU time of 48 KiB.
 */
#define MEMO_BYTES	(256 * 1024)
#define MEMO_MAXENT	2048
#define LINE		64

/* Objects of the snapshot; a process with more loses CFI for the rest. */
#define MAXOBJ		1024

/* _Unwind_Reason_Code values from the Itanium C++ ABI. */
#define URC_NO_REASON		0
#define URC_END_OF_STACK	5

enum { MODE_CFI, MODE_FP, MODE_DWARF };

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

/* The loaded objects as dl_iterate_phdr last showed them. */
struct snapshot {
	struct cfi_obj	 obj[MAXOBJ];
	int		 n;
	uint32_t	 gen;		/* uw_gen it was taken at */
	unsigned long long subs;	/* dlpi_subs then */
};

/*
 * One walk of the memo, in an entry of esize bytes (whole cache lines):
 * after it the offsets of the return addresses, uint16_t ra_off[max],
 * and of the other words, uint16_t x_off[max + 2], each in words from
 * the start's frame address; at xval, the other words' values,
 * uintptr_t x_val[max + 2].  Code without frame pointers reads no other
 * words, and a check at D16 then reads one line of the memo.  Walks
 * that read further than 512 KiB above their start are not kept.
 */
struct memo_walk {
	uintptr_t		 ra;	/* the start: 0 = empty */
	uintptr_t		 fp;
	struct mdt_stack	*stk;	/* its frames are the walk's */
	uint64_t		 stamp;	/* memo_stamp(its memo, uw_gen) */
	uint16_t		 n;	/* frames */
	uint16_t		 nextra;
};

struct memo {
	struct memo	*next;		/* on the free list */
	uint32_t	 epoch;		/* since it was last handed out */
	uint32_t	 max;		/* the frames asked for */
	uint32_t	 nsets;		/* sets of two walks */
	size_t		 esize;
	size_t		 xval;		/* offset of x_val in an entry */
	size_t		 size;		/* mapped */
	unsigned char	 ent[] __attribute__((aligned(LINE)));
};

/* Top of the main thread's stack, from ld.so; weak: musl lacks it. */
extern void *__libc_stack_end __attribute__((weak));

#ifdef DLFO_EH_SEGMENT_TYPE
/* glibc 2.35 and later; weak, so an older glibc at run time has none. */
extern int _dl_find_object(void *, struct dl_find_object *)
    __attribute__((weak));
#endif

/* This thread's stack [lo, hi); hi 0 = not known yet, 1 = unknowable. */
static _Thread_local uintptr_t stack_hi
    __attribute__((tls_model("initial-exec")));
static _Thread_local uintptr_t stack_lo
    __attribute__((tls_model("initial-exec")));

/* This thread's memo; memo_off: none for this thread (ending, or none). */
static _Thread_local struct memo *memo
    __attribute__((tls_model("initial-exec")));
static _Thread_local int memo_off
    __attribute__((tls_model("initial-exec")));

struct uw_centry	*uw_cache;
uint32_t		 uw_gen;

static int		 mode = MODE_CFI;
static uw_backtrace_fn	 uw_backtrace;
static uw_getip_fn	 uw_getip;

static int		 snap_lock;
static struct snapshot	*snap;

static pthread_key_t	 memo_key;
static int		 memo_keyed;	/* memo_key was made */
static int		 memo_lock;
static struct memo	*memo_free;	/* of ended threads */

static uint64_t		 n_cut;		/* stacks ended early */
static uint64_t		 n_bad;		/* ... at damaged CFI */

static void *
sym_or_null(void *h, const char *name)
{
	return h == NULL ? NULL : dlsym(h, name);
}

static void
lock(void)
{
	while (__atomic_exchange_n(&snap_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

/*
 * The lock, or -1 after LOCK_TRIES turns.  The holder may be inside
 * dl_iterate_phdr, waiting for the loader's lock, which this thread may
 * hold (malloc called from a dl_iterate_phdr callback): waiting for
 * ever would deadlock both.
 */
static int
lock_bounded(void)
{
	int i;

	for (i = 0; __atomic_exchange_n(&snap_lock, 1, __ATOMIC_ACQUIRE); i++)
		if (i == LOCK_TRIES)
			return -1;
		else
			sched_yield();
	return 0;
}

static void
unlock(void)
{
	__atomic_store_n(&snap_lock, 0, __ATOMIC_RELEASE);
}

/* fork: the child must not inherit a lock held by another thread. */
static void
child_unlock(void)
{
	snap_lock = 0;
	memo_lock = 0;	/* a thread that held it is not in the child */
}

/*
 * A thread ends: its memo goes to the free list.  The thread may still
 * allocate (later destructors); it does so without a memo.
 */
static void
memo_release(void *arg)
{
	struct memo *m = arg;

	memo_off = 1;
	memo = NULL;
	mdt_spin_lock(&memo_lock);
	m->next = memo_free;
	memo_free = m;
	mdt_spin_unlock(&memo_lock);
}

/* This thread's memo for walks of max frames, or NULL. */
static struct memo *
memo_get(uint32_t max)
{
	struct memo *m = memo;
	size_t esize, xval, nent;
	uint32_t nsets;

	if (m != NULL)
		return m->max == max ? m : NULL;
	if (memo_off || !memo_keyed)
		return NULL;
	memo_off = 1;		/* until it is made */
	xval = sizeof(struct memo_walk) + (2 * (size_t)max + 2) *
	    sizeof(uint16_t);
	xval = (xval + 7) & ~(size_t)7;
	esize = xval + ((size_t)max + 2) * sizeof(uintptr_t);
	esize = (esize + LINE - 1) & ~(size_t)(LINE - 1);
	nsets = (uint32_t)(MEMO_BYTES / esize / 2);
	nsets = nsets < 1 ? 1 : nsets > MEMO_MAXENT / 2 ? MEMO_MAXENT / 2 :
	    nsets;
	nent = 2 * (size_t)nsets;
	mdt_spin_lock(&memo_lock);
	if ((m = memo_free) != NULL)
		memo_free = m->next;
	mdt_spin_unlock(&memo_lock);
	if (m != NULL && m->size < sizeof(*m) + nent * esize) {
		munmap(m, m->size);
		m = NULL;
	}
	if (m == NULL) {
		if ((m = mdt_mmap(sizeof(*m) + nent * esize)) == NULL)
			return NULL;
		m->size = sizeof(*m) + nent * esize;
		m->esize = esize;
	}
	/*
	 * The walks of the thread that had it, whose words may lie outside
	 * this thread's stack, are passed by: their stamps have an older
	 * epoch.  Cleared only once the epoch wraps round, or where its
	 * entries were of another size.
	 */
	if (++m->epoch == 0 || m->esize != esize) {
		memset(m->ent, 0, m->size - sizeof(*m));
		m->epoch = 1;
	}
	m->max = max;
	m->nsets = nsets;
	m->esize = esize;
	m->xval = xval;
	if (pthread_setspecific(memo_key, m) != 0) {
		munmap(m, m->size);
		return NULL;
	}
	memo = m;
	memo_off = 0;
	return m;
}

/* What an entry of m made at generation gen holds in its stamp. */
static uint64_t
memo_stamp(const struct memo *m, uint32_t gen)
{
	return (uint64_t)m->epoch << 32 | gen;
}

/* The first walk of the set of a start. */
static struct memo_walk *
memo_set(struct memo *m, uintptr_t ra, uintptr_t fp)
{
	uint64_t h = (ra ^ (fp << 19 | fp >> 45)) * 0x9e3779b97f4a7c15ULL;

	return (struct memo_walk *)(void *)(m->ent +
	    (size_t)(((h >> 32) * m->nsets) >> 32) * 2 * m->esize);
}

/* The other walk of a set. */
static struct memo_walk *
memo_second(struct memo *m, struct memo_walk *w)
{
	return (struct memo_walk *)(void *)((unsigned char *)w + m->esize);
}

/*
 * The stack of the walk w, if it is still the stack from fp: every
 * word w read holds what it held.  The words lie between fp and the
 * top of this thread's stack, where the walk found them.
 */
static struct mdt_stack *
memo_check(const struct memo *m, const struct memo_walk *w, uintptr_t fp)
{
	const uint16_t *ra_off = (const uint16_t *)(const void *)(w + 1);
	const uint16_t *x_off = ra_off + m->max;
	const uintptr_t *word = (const uintptr_t *)fp, *fr = w->stk->frames;
	const uintptr_t *x_val = (const uintptr_t *)(const void *)
	    ((const unsigned char *)w + m->xval);
	uintptr_t diff = 0;
	uint32_t i;

	/* The caller's frame first: where walks from one start differ. */
	if (w->n > 1 && word[ra_off[1]] != fr[1])
		return NULL;
	for (i = 2; i < w->n; i++)
		diff |= word[ra_off[i]] ^ fr[i];
	for (i = 0; i < w->nextra; i++)
		diff |= word[x_off[i]] ^ x_val[i];
	return diff == 0 ? w->stk : NULL;
}

/*
 * Copy the walk from into the entry to: the words it uses only (its
 * header and offsets, and the values of its other words), not the
 * whole entry, which at D16 is four cache lines.
 */
static void
memo_copy(const struct memo *m, struct memo_walk *to,
    const struct memo_walk *from)
{
	const unsigned char *f = (const unsigned char *)from;
	unsigned char *t = (unsigned char *)to;
	size_t x = sizeof(*from) + m->max * sizeof(uint16_t);

	memcpy(t, f, sizeof(*from) + from->n * sizeof(uint16_t));
	memcpy(t + x, f + x, from->nextra * sizeof(uint16_t));
	memcpy(t + m->xval, f + m->xval, from->nextra * sizeof(uintptr_t));
}

/*
 * Keep the walk that gave stk, as t says it went, first in its set w;
 * the walk that was first becomes the second.
 */
static void
memo_put(struct memo *m, struct memo_walk *w, uintptr_t ra, uintptr_t fp,
    uint32_t gen, struct mdt_stack *stk, const struct uw_trail *t)
{
	uint16_t *ra_off = (uint16_t *)(void *)(w + 1);
	uint16_t *x_off = ra_off + m->max;
	uintptr_t *x_val = (uintptr_t *)(void *)((unsigned char *)w + m->xval);
	uint32_t i;

	if (t->nextra > m->max + 2)
		return;
	for (i = 1; i < stk->nframes; i++)
		if (t->ra_off[i] % sizeof(uintptr_t) != 0 ||
		    t->ra_off[i] / sizeof(uintptr_t) > UINT16_MAX)
			return;
	for (i = 0; i < t->nextra; i++)
		if (t->x_off[i] % sizeof(uintptr_t) != 0 ||
		    t->x_off[i] / sizeof(uintptr_t) > UINT16_MAX)
			return;
	memo_copy(m, memo_second(m, w), w);
	w->ra = ra;
	w->fp = fp;
	w->stk = stk;
	w->stamp = memo_stamp(m, gen);
	w->n = (uint16_t)stk->nframes;
	w->nextra = (uint16_t)t->nextra;
	for (i = 1; i < w->n; i++)
		ra_off[i] = (uint16_t)(t->ra_off[i] / sizeof(uintptr_t));
	for (i = 0; i < w->nextra; i++) {
		x_off[i] = (uint16_t)(t->x_off[i] / sizeof(uintptr_t));
		x_val[i] = t->x_val[i];
	}
}

static int
init_dwarf(void)
{
	void *h = RTLD_DEFAULT, *bt, *ip;

	if ((bt = sym_or_null(h, "_Unwind_Backtrace")) == NULL) {
		h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_GLOBAL);
		bt = sym_or_null(h, "_Unwind_Backtrace");
	}
	ip = sym_or_null(h, "_Unwind_GetIP");
	if (bt == NULL || ip == NULL)
		return -1;
	/* ISO C has no cast between object and function pointers. */
	memcpy(&uw_backtrace, &bt, sizeof(bt));
	memcpy(&uw_getip, &ip, sizeof(ip));
	return 0;
}

/*
 * The tracer's own code, [own_lo, own_hi): its pthread_getattr_np and
 * dlclose call the real ones, which may allocate, and their frames are
 * then in the middle of a stack, where they are not the program's.
 */
static uintptr_t	 own_lo, own_hi;

static int
own_one(struct dl_phdr_info *i, size_t size, void *arg)
{
	uintptr_t here = (uintptr_t)arg, lo, hi;
	int k;

	(void)size;
	for (k = 0; k < i->dlpi_phnum; k++) {
		if (i->dlpi_phdr[k].p_type != PT_LOAD ||
		    !(i->dlpi_phdr[k].p_flags & PF_X))
			continue;
		lo = i->dlpi_addr + i->dlpi_phdr[k].p_vaddr;
		hi = lo + i->dlpi_phdr[k].p_memsz;
		if (lo <= here && here < hi) {
			own_lo = lo;
			own_hi = hi;
			return 1;
		}
	}
	return 0;
}

/*
 * Drop the tracer's frames from the walk's out[0, n), and their return
 * addresses' offsets from t's; the walk is then not kept in the memo,
 * whose check would not read the words it dropped.
 */
static uint32_t
drop_own(uintptr_t *out, uint32_t n, struct uw_trail *t)
{
	uint32_t i, k;

	for (i = 1; i < n && (out[i] < own_lo || out[i] >= own_hi); i++)
		;
	if (i == n)
		return n;
	for (k = i; i < n; i++) {
		if (out[i] >= own_lo && out[i] < own_hi)
			continue;
		out[k] = out[i];
		if (t != NULL)
			t->ra_off[k] = t->ra_off[i];
		k++;
	}
	if (t != NULL)
		t->ok = 0;
	return k;
}

/*
 * Called from the library's constructor, with the recursion guard set:
 * dlopen may allocate.  Without memory for the cache and the snapshot
 * the default walker falls back to the frame-pointer walk.
 */
void
mdt_unwind_init(void)
{
	const char *e;

	(void)dl_iterate_phdr(own_one, (void *)(uintptr_t)mdt_unwind_init);
	e = getenv("MDTRACE_UNWIND");
	if (e != NULL && strcmp(e, "fp") == 0) {
		mode = MODE_FP;
		return;
	}
	if (e != NULL && strcmp(e, "dwarf") == 0 && init_dwarf() == 0) {
		mode = MODE_DWARF;
		return;
	}
	uw_cache = mdt_mmap(sizeof(*uw_cache) << UW_CACHE_BITS);
	snap = mdt_mmap(sizeof(*snap));
	if (uw_cache == NULL || snap == NULL) {
		mode = MODE_FP;
		return;
	}
	snap->gen = (uint32_t)-1;	/* none taken yet */
	(void)pthread_atfork(lock, unlock, child_unlock);
	memo_keyed = pthread_key_create(&memo_key, memo_release) == 0;
}

/*
 * An object is being unloaded (unload.c's dlclose calls this before and
 * after the real one): code at an address may change, so every cached
 * rule goes.  Advanced before, so nothing computed during the unload is
 * kept, and after, so nothing computed from the old object survives it.
 */
void
mdt_unwind_forget(void)
{
	__atomic_add_fetch(&uw_gen, 1, __ATOMIC_RELEASE);
}

/* dl_iterate_phdr callback: one object into the snapshot. */
static int
snap_one(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct snapshot *s = arg;
	struct cfi_obj *o;
	const ElfW(Phdr) *ph;
	uintptr_t a, lo = UINTPTR_MAX, hi = 0, hdr = 0;
	int k;

	(void)size;
	if (s->n == 0)
		s->subs = i->dlpi_subs;
	if (s->n == MAXOBJ)
		return 1;
	o = &s->obj[s->n];
	o->nseg = 0;
	for (k = 0; k < i->dlpi_phnum; k++) {
		ph = &i->dlpi_phdr[k];
		a = i->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_GNU_EH_FRAME)
			hdr = a;
		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_flags & PF_X) && a < lo)
			lo = a;
		if ((ph->p_flags & PF_X) && a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
		if ((ph->p_flags & PF_R) && o->nseg < CFI_MAXSEG) {
			o->seg[o->nseg][0] = a;
			o->seg[o->nseg][1] = a + ph->p_filesz;
			o->nseg++;
		}
	}
	if (lo >= hi)
		return 0;	/* no code: no frames there */
	o->lo = lo;
	o->hi = hi;
	o->hdr = hdr;
	s->n++;
	return 0;
}

/* Take the snapshot again; called with the lock held. */
static void
resnap(uint32_t gen)
{
	unsigned long long subs = snap->subs;
	int had = snap->gen != (uint32_t)-1;

	snap->n = 0;
	dl_iterate_phdr(snap_one, snap);
	snap->gen = gen;
	/* An unload dlclose did not show (the C library's own): all go. */
	if (had && snap->subs != subs)
		__atomic_add_fetch(&uw_gen, 1, __ATOMIC_RELEASE);
}

static const struct cfi_obj *
snap_find(uintptr_t pc)
{
	int i;

	for (i = 0; i < snap->n; i++)
		if (pc >= snap->obj[i].lo && pc < snap->obj[i].hi)
			return &snap->obj[i];
	return NULL;
}

/*
 * What the C library says of pc: 1 with *hdr its object's eh_frame_hdr
 * (0 if none), 0 if pc is in no object, -1 if it cannot say (no
 * _dl_find_object).  Lock-free in glibc.
 */
static int
libc_object(uintptr_t pc, uintptr_t *hdr)
{
#ifdef DLFO_EH_SEGMENT_TYPE
	struct dl_find_object dlfo;

	if (_dl_find_object != NULL) {
		if (_dl_find_object((void *)pc, &dlfo) != 0)
			return 0;
		*hdr = (uintptr_t)dlfo.dlfo_eh_frame;
		return 1;
	}
#endif
	(void)pc;
	(void)hdr;
	return -1;
}

/*
 * Copy out the object of pc: 1, 0 if there is none, -1 if busy.  Where
 * the C library can say, the snapshot must agree with it, else it is
 * taken again: an object unloaded behind dlclose's back (the C
 * library's own unloads) and another loaded in its place would
 * otherwise be read through the old one's ranges.
 */
static int
object_of(uintptr_t pc, uint32_t gen, struct cfi_obj *out)
{
	const struct cfi_obj *o;
	uintptr_t hdr = 0;
	int k;

	if ((k = libc_object(pc, &hdr)) == 0)
		return 0;
	if (lock_bounded() == -1)
		return -1;
	if (snap->gen != gen)
		resnap(gen);
	o = snap_find(pc);
	if (o == NULL || (k == 1 && o->hdr != hdr)) {
		resnap(gen);
		o = snap_find(pc);
		if (o != NULL && k == 1 && o->hdr != hdr)
			o = NULL;	/* still disagreeing: trust neither */
	}
	if (o != NULL)
		*out = *o;
	unlock();
	return o != NULL;
}

static void
cache_put(uintptr_t key, uint32_t gen, uint64_t rule)
{
	struct uw_centry *e = uw_slot(key);
	uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	/* Another writer is at it: leave the entry to it. */
	if ((s & 1) || !__atomic_compare_exchange_n(&e->seq, &s, s + 1, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&e->key, key, __ATOMIC_RELAXED);
	__atomic_store_n(&e->gen, gen, __ATOMIC_RELAXED);
	__atomic_store_n(&e->rule, rule, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
}

/*
 * The rule for code address key (a return address minus one, or the
 * exact pc a signal interrupted), computed from the CFI and cached.
 * For UW_SLOW rules row holds the row to follow.  Code in no object
 * (generated at run time) gets UW_FP, uncached: a library may be
 * loaded there later, and dlopen advances no generation.  When the
 * snapshot stays busy too long (see lock_bounded) the stack is cut,
 * uncached.
 */
uint64_t
uw_rule_slow(uintptr_t key, uint32_t gen, struct cfi_row *row)
{
	struct cfi_obj o;
	enum cfi_status st;
	uint64_t rule;
	int k;

	if ((k = object_of(key, gen, &o)) == -1)
		return UW_CUT;		/* not cached: next time may do */
	if (k == 0)
		return UW_FP;
	st = cfi_find(&o, key, row);
	rule = uwa_compile(st, row);
	if (UW_KIND(rule) != UW_SLOW)
		cache_put(key, gen, rule);
	return rule;
}

/* A stack ended early; bad: at damaged call frame information. */
void
uw_note_cut(int bad)
{
	__atomic_add_fetch(&n_cut, 1, __ATOMIC_RELAXED);
	if (bad)
		__atomic_add_fetch(&n_bad, 1, __ATOMIC_RELAXED);
}

void
mdt_unwind_stats(uint64_t *cut, uint64_t *bad)
{
	*cut = __atomic_load_n(&n_cut, __ATOMIC_RELAXED);
	*bad = __atomic_load_n(&n_bad, __ATOMIC_RELAXED);
}

/*
 * pthread_getattr_np, interposed.  glibc's holds the thread's lock
 * while it allocates (the affinity mask; for the main thread, the
 * stdio of its read of /proc/self/maps), and the JVM starts every
 * thread with it: a thread whose first traced allocation comes from
 * there must not ask it for its own stack bounds, or it waits for the
 * lock it holds.  While in_getattr is set, bounds() reads the mapping
 * of the stack from /proc/self/maps instead, for that walk only.
 */
typedef int	(*getattr_fn)(pthread_t, pthread_attr_t *);

static getattr_fn	 real_getattr;
static _Thread_local int in_getattr
    __attribute__((tls_model("initial-exec")));

static getattr_fn
getattr_real(void)
{
	getattr_fn f = __atomic_load_n(&real_getattr, __ATOMIC_RELAXED);
	void *s;

	if (f == NULL) {
		s = dlsym(RTLD_NEXT, "pthread_getattr_np");
		memcpy(&f, &s, sizeof(f));
		__atomic_store_n(&real_getattr, f, __ATOMIC_RELAXED);
	}
	return f;
}

EXPORT int
pthread_getattr_np(pthread_t th, pthread_attr_t *attr)
{
	getattr_fn f;
	int r;

	in_getattr++;
	f = getattr_real();
	r = f != NULL ? f(th, attr) : ENOSYS;
	in_getattr--;
	return r;
}

/*
 * The mapping that holds address a, from /proc/self/maps, read through
 * a small buffer (a thread's stack may be small): 1 with [*lo, *hi).
 */
static int
mapping_of(uintptr_t a, uintptr_t *lo, uintptr_t *hi)
{
	char buf[256];
	uintptr_t v[2] = { 0, 0 };
	ssize_t n, i;
	int fd, field = 0, found = 0;	/* field 2: the rest of a line */
	unsigned d;

	if ((fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	while (!found && (n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n && !found; i++) {
			if (buf[i] == '\n') {
				field = 0;
				v[0] = v[1] = 0;
				continue;
			}
			if (field == 2)
				continue;
			if (buf[i] == '-' && field == 0) {
				field = 1;
				continue;
			}
			d = (unsigned char)buf[i];
			if (d >= '0' && d <= '9')
				d -= '0';
			else if (d >= 'a' && d <= 'f')
				d -= 'a' - 10;
			else {	/* the end of the range */
				found = field == 1 && v[0] <= a && a < v[1];
				field = 2;
				continue;
			}
			v[field] = v[field] << 4 | d;
		}
	close(fd);
	*lo = v[0];
	*hi = v[1];
	return found;
}

/* Fill in this thread's stack bounds; hi stays 1 if they are unknown. */
static void
find_stack(void)
{
	getattr_fn getattr = getattr_real();
	pthread_attr_t a;
	void *addr;
	size_t size;

	stack_hi = 1;
	if (getattr == NULL || getattr(pthread_self(), &a) != 0)
		return;
	if (pthread_attr_getstack(&a, &addr, &size) == 0) {
		stack_lo = (uintptr_t)addr;
		stack_hi = (uintptr_t)addr + size;
	}
	pthread_attr_destroy(&a);
	/* The main thread's top as ld.so knows it: tighter. */
	if (&__libc_stack_end != NULL && __libc_stack_end != NULL &&
	    syscall(SYS_gettid) == getpid() &&
	    (uintptr_t)__libc_stack_end < stack_hi)
		stack_hi = (uintptr_t)__libc_stack_end;
}

/*
 * The words a walker may read: from its own frame (lo, always below the
 * frames it walks) to the top of the stack.  Empty when the walker is
 * not on the stack it knows (a coroutine's stack).
 */
static int
bounds(struct uw_bounds *b)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), lo, hi;

	b->lo = here;
	b->slo = b->shi = 0;
	if (stack_hi == 0 && in_getattr) {
		if (!mapping_of(here, &lo, &hi))
			return 0;
		b->hi = hi;
		return 1;
	}
	if (stack_hi == 0)
		find_stack();
	b->hi = stack_hi;
	return stack_hi > here && here >= stack_lo;
}

/*
 * A signal handler running on the alternate signal stack (sigaltstack):
 * the walk reads that stack up to the signal frame, then the thread's.
 * One system call, only in this rare case.
 */
static int
alt_bounds(struct uw_bounds *b)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), top;
	stack_t ss;

	if (stack_hi <= 1 || sigaltstack(NULL, &ss) != 0 ||
	    !(ss.ss_flags & SS_ONSTACK))
		return 0;
	top = (uintptr_t)ss.ss_sp + ss.ss_size;
	if (here < (uintptr_t)ss.ss_sp || here >= top)
		return 0;
	b->lo = here;
	b->hi = top;
	b->slo = stack_lo;
	b->shi = stack_hi;
	return 1;
}

static uint32_t
unwind_fp(void *fp, uintptr_t *out, uint32_t max)
{
	/* The frame record's words, as the architecture file places them. */
	const intptr_t lk = uwa_fp_link, rk = uwa_fp_ra;
	const intptr_t below = lk < rk ? lk : rk;
	const intptr_t above = (lk > rk ? lk : rk) + (intptr_t)sizeof(uintptr_t);
	struct uw_bounds b;
	uintptr_t lo, hi, cur, next, ra;
	uint32_t n = 1;

	if (!bounds(&b))
		return 1;
	lo = b.lo - below;
	hi = b.hi - above;
	cur = (uintptr_t)fp;
	if (b.hi < b.lo + (uintptr_t)(above - below) || cur < lo || cur > hi)
		return 1;
	while (n < max) {
		next = *(const uintptr_t *)(cur + lk);
		if (next <= cur || next > hi ||
		    (next & (sizeof(uintptr_t) - 1)) != 0)
			break;
		ra = uwa_strip(*(const uintptr_t *)(next + rk));
		if (ra < LOWEST_CODE)
			break;
		out[n++] = ra;
		cur = next;
	}
	return n;
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

static uint32_t
unwind_dwarf(uintptr_t ra, uintptr_t *out, uint32_t max)
{
	struct uw_walk w;

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

/*
 * The stack-table entry of the stack of the interposed function whose
 * return address is ra and whose frame address is fp, at most max
 * frames (at least 1 when max is at least 1); NULL when the table has
 * no memory left.
 */
struct mdt_stack *
mdt_unwind_stack(uintptr_t ra, void *fp, uint32_t max)
{
	uintptr_t out[MDT_MAXFRAMES];
	struct uw_bounds b;
	struct uw_trail t;
	struct memo *m;
	struct memo_walk *w = NULL, *v;
	struct mdt_stack *stk;
	uint64_t stamp;
	uint32_t n, gen;

	out[0] = ra;
	if (max <= 1)
		return mdt_stack_intern(out, max);
	switch (mode) {
	case MODE_FP:
		return mdt_stack_intern(out, drop_own(out,
		    unwind_fp(fp, out, max), NULL));
	case MODE_DWARF:
		return mdt_stack_intern(out, drop_own(out,
		    unwind_dwarf(ra, out, max), NULL));
	}
	/*
	 * The memo first, before the bounds: a walk it keeps was made on
	 * this thread's stack, where fp is, and the words it read lie
	 * between fp and the stack's top.
	 */
	gen = __atomic_load_n(&uw_gen, __ATOMIC_ACQUIRE);
	if ((m = memo_get(max)) != NULL) {
		w = memo_set(m, ra, (uintptr_t)fp);
		stamp = memo_stamp(m, gen);
		if (w->ra == ra && w->fp == (uintptr_t)fp && w->stamp == stamp &&
		    (stk = memo_check(m, w, (uintptr_t)fp)) != NULL)
			return stk;
		v = memo_second(m, w);
		if (v->ra == ra && v->fp == (uintptr_t)fp && v->stamp == stamp &&
		    (stk = memo_check(m, v, (uintptr_t)fp)) != NULL)
			return stk;
	}
	if (!bounds(&b)) {
		if (!alt_bounds(&b)) {
			uw_note_cut(0);
			return mdt_stack_intern(out, 1);
		}
		return mdt_stack_intern(out, drop_own(out, uwa_walk(ra, fp,
		    out, max, &b, &t), NULL));
	}
	n = drop_own(out, uwa_walk(ra, fp, out, max, &b, &t), &t);
	stk = mdt_stack_intern(out, n);
	if (m == NULL)
		return stk;
	if (t.ok && stk != NULL)
		memo_put(m, w, ra, (uintptr_t)fp, gen, stk, &t);
	return stk;
}
