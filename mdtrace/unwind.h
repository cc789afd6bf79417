/*
 * unwind.h: between the generic part of the default unwinder (unwind.c:
 * objects, the rule cache, the slow path) and its architecture file
 * (unwind_x86_64.c: registers, rule kinds, the signal frame).
 *
 * A rule is one 64-bit word that says how to step from a frame to its
 * caller at one code address; its layout belongs to the architecture
 * file, except for the kind in the low byte.  Rules are computed once
 * per address from the call frame information (cfi.c) and kept in a
 * fixed-size cache that readers use without a lock.
 */
#ifndef UNWIND_H
#define UNWIND_H

#include <stdint.h>
#include <string.h>

#include "cfi.h"
#include "mdt.h"

/* Rule kinds, the low byte of a rule word. */
#define UW_EMPTY	0	/* no rule: never stored */
#define UW_CFA		1	/* compact: the architecture's fast step */
#define UW_SIGNAL	2	/* a signal frame: registers from its context */
#define UW_END		3	/* the outermost frame: the stack ends here */
#define UW_CUT		4	/* damaged or missing CFI: the stack is cut */
#define UW_FP		5	/* no CFI for this code: frame-pointer step */
#define UW_SLOW		6	/* a row only the general step can follow */

#define UW_KIND(r)	((unsigned)((r) & 0xff))

/* With UW_CUT: the call frame information is damaged, not missing. */
#define UW_F_BAD	(1u << 8)

/*
 * Where stack words may be read: [lo, hi).  On an alternate signal
 * stack that is the signal stack, and [slo, shi) the thread's own
 * stack, where the walk moves at the signal frame; else slo == shi.
 */
struct uw_bounds {
	uintptr_t	lo;
	uintptr_t	hi;
	uintptr_t	slo;
	uintptr_t	shi;
};

/*
 * The cache: a direct-mapped table of 2^UW_CACHE_BITS entries, each
 * under its own sequence number (odd while a writer fills it), so a
 * reader either sees a whole entry or none.  An entry counts only with
 * the current generation, which dlclose advances.
 */
#define UW_CACHE_BITS	14

struct uw_centry {
	uint32_t	seq;
	uint32_t	gen;
	uintptr_t	key;
	uint64_t	rule;
	uint64_t	pad;		/* two entries a cache line */
};

extern struct uw_centry	*uw_cache;
extern uint32_t		 uw_gen;

static inline struct uw_centry *
uw_slot(uintptr_t key)
{
	return &uw_cache[(key * 0x9e3779b97f4a7c15ULL) >>
	    (64 - UW_CACHE_BITS)];
}

/* The cached rule of key, or UW_EMPTY. */
static inline uint64_t
uw_cache_get(uintptr_t key)
{
	struct uw_centry *e;
	uint32_t s1, g;
	uintptr_t k;
	uint64_t r;

	if (uw_cache == NULL)
		return UW_EMPTY;
	e = uw_slot(key);
	s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
	k = __atomic_load_n(&e->key, __ATOMIC_RELAXED);
	g = __atomic_load_n(&e->gen, __ATOMIC_RELAXED);
	r = __atomic_load_n(&e->rule, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if ((s1 & 1) || __atomic_load_n(&e->seq, __ATOMIC_RELAXED) != s1 ||
	    k != key || g != __atomic_load_n(&uw_gen, __ATOMIC_RELAXED))
		return UW_EMPTY;
	return r;
}

/*
 * What a walk read, for the memo of unwind.c: the stack words, each as
 * its offset from the interposed function's frame address.  ra_off[j]
 * is the word that gave frame j (j >= 1); x_off and x_val the others
 * (saved frame pointers, the 0 that ended a stack) with their values.
 * ok: every step was a compact one, so these words and the rules of
 * the frames' addresses decide the whole walk.
 */
#define UW_MAXEXTRA	(MDT_MAXFRAMES + 2)

struct uw_trail {
	int		 ok;
	uint32_t	 nextra;
	uint32_t	 ra_off[MDT_MAXFRAMES];
	uint32_t	 x_off[UW_MAXEXTRA];
	uintptr_t	 x_val[UW_MAXEXTRA];
};

/*
 * What the general step (unwind_general.c) knows of the registers: the
 * value of each column whose bit is set in known, by DWARF number.
 */
#define UW_MAXREGS	CFI_NREGS
#define UW_BIT(r)	((uint64_t)1 << (r))

struct uw_regs {
	uintptr_t		 r[UW_MAXREGS];
	uint64_t		 known;
	const struct uw_bounds	*b;
};

/* The stack word at a into *v if it lies within b; else -1. */
static inline int
uw_rd(const struct uw_bounds *b, uintptr_t a, uintptr_t *v)
{
	if (a < b->lo || b->hi < sizeof(*v) || a > b->hi - sizeof(*v))
		return -1;
	memcpy(v, (const void *)a, sizeof(*v));
	return 0;
}

/* Whether v fits a signed field of bits bits. */
static inline int
uw_fits(int64_t v, int bits)
{
	return v >= -((int64_t)1 << (bits - 1)) &&
	    v < ((int64_t)1 << (bits - 1));
}

int		 uw_general(struct uw_regs *, const struct cfi_row *);
uint64_t	 uw_compile_common(enum cfi_status, const struct cfi_row *);

/* unwind.c: the slow path and the counters. */
uint64_t	 uw_rule_slow(uintptr_t, uint32_t, struct cfi_row *);
void		 uw_note_cut(int);

/*
 * unwind_ARCH.c, one file for each processor (unwind_none.c for any
 * other).  uwa_nregs, uwa_sp and uwa_ra describe its registers to the
 * general step (unwind_general.c).  The frame record a frame pointer
 * points at holds the caller's frame pointer at fp + uwa_fp_link and
 * the return address at fp + uwa_fp_ra.  uwa_strip gives a return address read from the
 * stack as code can be found there: without a pointer authentication
 * code, where the processor signs them.
 */
extern const int uwa_fp_link;
extern const int uwa_fp_ra;
extern const unsigned uwa_nregs;	/* columns the general step follows */
extern const unsigned uwa_sp;		/* the stack pointer's column */
extern const unsigned uwa_ra;		/* the return address's */
uintptr_t	 uwa_strip(uintptr_t);
uint64_t	 uwa_compile(enum cfi_status, const struct cfi_row *);
uint32_t	 uwa_walk(uintptr_t, void *, uintptr_t *, uint32_t,
		    struct uw_bounds *, struct uw_trail *);

#endif /* UNWIND_H */
