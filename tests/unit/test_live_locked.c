/* link: -DMDT_NO_MEMBARRIER mdtrace/live.c mdtrace/stacks.c mdtrace/tables.c */
/*
 * test_live_locked.c: the cases of test_live.c against the live-block
 * table built as it runs where membarrier(2) is missing or refused (an
 * old kernel, a seccomp filter): every thread takes its nursery's lock
 * (mdtrace/live.c).  Where the kernel has it, test_live.c tests the
 * lock-free way; this one keeps the locked way tested on every machine.
 * Each case prints "ok live-locked/NAME" or "not ok live-locked/NAME
 * (what)", then the plan line.
 */
#define LIVE_NAME	"live-locked"
#include "test_live.c"
