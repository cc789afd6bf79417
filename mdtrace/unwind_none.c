/*
 * unwind_none.c: the default unwinder's part for a processor it does
 * not know (unwind.h): no rules, so the walk gives frame 0 only
 * (MDTRACE_UNWIND=fp and dwarf still walk), and the exiting thread's
 * registers are not known.  A processor gets its own unwind_ARCH.c.
 */
#include "mdt.h"
#include "unwind.h"

/* The frame record at a frame pointer: as on most processors. */
const int	 uwa_fp_link = 0;
const int	 uwa_fp_ra = sizeof(uintptr_t);

/* No registers: the general step is never taken. */
const unsigned	 uwa_nregs = 0;
const unsigned	 uwa_sp = 0;
const unsigned	 uwa_ra = 0;

uintptr_t
uwa_strip(uintptr_t ra)
{
	return ra;
}

uint64_t
uwa_compile(enum cfi_status st, const struct cfi_row *row)
{
	(void)st;
	(void)row;
	return UW_FP;
}

uint32_t
uwa_walk(uintptr_t ra, void *fp, uintptr_t *out, uint32_t max,
    struct uw_bounds *b, struct uw_trail *t)
{
	t->ok = 0;	/* no memo of the walk */
	(void)ra;
	(void)fp;
	(void)out;
	(void)max;
	(void)b;
	return 1;
}

int
uwa_caller_regs(const void *uc, uintptr_t sp, uintptr_t *gregs,
    uintptr_t lo, uintptr_t hi)
{
	(void)uc;
	(void)sp;
	(void)gregs;
	(void)lo;
	(void)hi;
	return -1;
}
