/*
 * mdt.h: the parts of the preloaded malloc tracer (libmdtrace.so) that
 * talk to each other.  The library's files share this header only; the
 * launcher (mdtrace.c) does not use it, and mdump shares nothing with
 * either: the trace file is the whole interface.
 *
 * Nothing declared here may call malloc: these functions run inside the
 * program's malloc calls, and their memory comes from mmap(2).
 */
#ifndef MDT_H
#define MDT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Deepest stack recorded.  The in-tree text format has no limit of its
 * own; mdump keeps 64 frames, so deeper stacks would be cut there anyway.
 */
#define MDT_MAXFRAMES	64

/* Frames of the experimental records: fixed by the record's size. */
#define MDT_EXPFRAMES	4

/* What MALLOC_OPTIONS asked for. */
struct mdt_opts {
	int	enabled;	/* 'D' or a digit: write a leak report */
	int	text;		/* a digit: the in-tree text format */
	int	depth;		/* frames to record, 0 ... MDT_MAXFRAMES */
};

/*
 * Leak kinds, as valgrind memcheck names them; the order is that of the
 * trace's kinds record (mdump.5).
 */
enum mdt_kind {
	MDT_DEFINITE,
	MDT_INDIRECT,
	MDT_POSSIBLE,
	MDT_REACHABLE,
	MDT_NKINDS
};

/* A distinct stack; never freed, never moved once published. */
struct mdt_stack {
	uint64_t	 hash;
	uint64_t	 sum;		/* filled in by the report */
	uint64_t	 count;		/* filled in by the report */
	uint64_t	 ksum[MDT_NKINDS];	/* filled in by the leak check */
	uint64_t	 kcount[MDT_NKINDS];
	struct mdt_stack *order;	/* next stack in creation order */
	uint32_t	 hold[2];	/* the leak check's block (+1) whose
					   holder is told: possible, reachable */
	uint32_t	 nframes;
	uint32_t	 id;		/* what the live-block table keeps */
	uintptr_t	 frames[];	/* return addresses, frame 0 first */
};

/* A live block as the leak check sees it. */
struct mdt_block {
	uintptr_t		 addr;
	size_t			 size;
	struct mdt_stack	*stk;
};

/* v as n little-endian bytes at p, as the trace's records hold numbers. */
static inline void
mdt_put_le(unsigned char *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A 64-bit mix (the finalizer of MurmurHash3): all bits count. */
static inline uint64_t
mdt_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* stacks.c: the stack table; memory and locks for the tracer. */
void		*mdt_mmap(size_t);
void		 mdt_spin_lock(int *);
void		 mdt_spin_unlock(int *);
struct mdt_stack *mdt_stack_intern(const uintptr_t *, uint32_t);
struct mdt_stack *mdt_stack_of(uint32_t);
void		 mdt_stack_each(void (*)(struct mdt_stack *, void *), void *);
void		 mdt_stack_lock(void);
void		 mdt_stack_unlock(void);
void		 mdt_stack_resetlock(void);
struct mdt_stack *mdt_table_first(void);

/* tables.c: both tables together. */
void		 mdt_table_lockall(void);
void		 mdt_table_unlockall(void);
void		 mdt_table_resetlocks(void);
struct mdt_stack *mdt_table_sum(void);

/* live.c: the live-block table. */
#define MDT_LIVE_REGIONS	112	/* most pairs mdt_live_regions gives */
void		 mdt_live_prefetch(void *);
void		 mdt_live_insert(void *, size_t, size_t, struct mdt_stack *);
int		 mdt_live_take(void *, size_t *, struct mdt_stack **);
void		 mdt_live_sizer(size_t (*)(void *));
void		 mdt_live_init(void);
void		 mdt_live_lockall(void);
void		 mdt_live_unlockall(void);
void		 mdt_live_resetlocks(void);
void		 mdt_live_each(void (*)(const struct mdt_block *, void *),
		    void *, int);
size_t		 mdt_live_count(void);
uintptr_t	 mdt_live_sizing(void);
int		 mdt_live_skip(uintptr_t);
int		 mdt_live_each_ordered(void (*)(const struct mdt_block *,
		    void *), void *, uint64_t *, uint64_t *, size_t);
size_t		 mdt_live_regions(uintptr_t *, size_t);

/* unwind.c: the stack of the current malloc call. */
void		 mdt_unwind_init(void);
struct mdt_stack *mdt_unwind_stack(uintptr_t, void *, uint32_t);
void		 mdt_unwind_stats(uint64_t *, uint64_t *);
void		 mdt_unwind_forget(void);
/* unwind_ARCH.c: the registers at a call, for the leak check. */
int		 uwa_caller_regs(const void *, uintptr_t, uintptr_t *,
		    uintptr_t, uintptr_t);

/*
 * objects.c: the object holding an address (1, its base and name, as
 * dladdr gives them but the main program named by its real path) or 0;
 * that real path, read by mdt_objects_init at start-up.
 */
void		 mdt_objects_init(void);
const char	*mdt_exe_path(void);
int		 mdt_obj_find(uintptr_t, uintptr_t *, const char **);

/* unload.c: a frame of an object dlclose unloaded, or 0; the set-up. */
void		 mdt_unload_init(void);
int		 mdt_gone_frame(uintptr_t, const char **, uintptr_t *,
		    uintptr_t *);

/*
 * snapshot.c: a check while the program runs: begin (threads stopped;
 * -1 without memory), each live block in address order with its kind,
 * end (the pause it took), then write the snapshot (its number; 0 if
 * the trace could not be opened).  forget: in a forked child.  older:
 * MDTRACE_OLDER's T in nanoseconds (0: none), before the first check;
 * memory: the ranges a check must not read as roots.
 */
int		 mdt_snap_begin(size_t);
void		 mdt_snap_block(const struct mdt_block *, int);
void		 mdt_snap_end(uint64_t);
uint32_t	 mdt_snap_write(void);
void		 mdt_snap_forget(void);
uint64_t	 mdt_snap_lost(void);
#define MDT_SNAP_RANGES	5	/* at most, from mdt_snap_memory */
size_t		 mdt_snap_memory(uintptr_t *);
void		 mdt_snap_older(uint64_t);

/*
 * control.c: checks while the program runs.  exit: the check at exit
 * waits for a running one (and the control socket goes); exit_done
 * after its report.
 */
/*
 * The tracer gives control.c what it needs of it: to set the current
 * thread's allocations untraced (1) or traced (0), and whether it
 * traces at all.
 */
void		 mdt_control_init(void (*)(int), int (*)(void));
void		 mdt_control_fork_prepare(void);
void		 mdt_control_fork_parent(void);
void		 mdt_control_fork(void);
void		 mdt_control_exit(void);
void		 mdt_control_exit_done(void);


/* record.c: the snapshots' records (snapshot.c). */
int		 mdt_snapout_open(void);
void		 mdt_snapout_utrace(const char *, const void *, size_t);
void		 mdt_snapout_frame(uintptr_t, uint64_t *, uint64_t *);
void		 mdt_snapout_close(void);
void		 mdt_snapout_forget(void);

/* record.c: the leak report, written at exit. */
void		 mdt_report(const struct mdt_opts *, int);
void		 mdt_record_init(void);

/*
 * scan.c: the leak check; 1 if every stack's kinds were filled in.  Its
 * memory stays until mdt_leakcheck_free, for mdt_holder: the path along
 * which the check reached the leak's block of a kind (MDT_POSSIBLE or
 * MDT_REACHABLE), root first, as hops; how many, at most max.
 */
enum mdt_hop_type {
	MDT_HOP_DATA,		/* addr: a word of an object's data */
	MDT_HOP_TLS,		/* tid; addr: an offset in obj's TLS block */
	MDT_HOP_STACK,		/* tid; addr: the frame's code, or 0 */
	MDT_HOP_REGISTER,	/* tid; name */
	MDT_HOP_LOADER,		/* a block the dynamic linker allocated */
	MDT_HOP_MEMORY,		/* addr: another mapping's word */
	MDT_HOP_BLOCK		/* addr: an offset in a block of stack stk */
};

struct mdt_hop {
	enum mdt_hop_type	 type;
	int			 tid;
	uintptr_t		 addr;
	uintptr_t		 obj;
	const char		*name;
	const struct mdt_stack	*stk;
};

#define MDT_MAXHOPS	8

int		 mdt_leakcheck(void *, void *, int);
void		 mdt_leakcheck_exclude(uintptr_t, uintptr_t);
size_t		 mdt_holder(const struct mdt_stack *, int, struct mdt_hop *,
		    size_t);
void		 mdt_leakcheck_free(void);

/*
 * stop.c: stop the other threads for the leak check and let them go.
 * What a stopped thread left: its stack pointer (0 when not known) and
 * its registers, which the scan treats as roots.
 */
struct mdt_thread {
	int		 tid;
	int		 state;		/* MDT_STOP_* of tasks.h */
	uintptr_t	 sp;
	uintptr_t	 self;		/* its thread pointer, or 0 */
	uintptr_t	 stack_hi;	/* its stack's end (scan.c), or 0 */
	uintptr_t	 regs[64];
};
#define MDT_MAXTHREADS	4096	/* stopped at most; the others run on */
void		 mdt_stop_init(void);
/* tasks.c: a thread no check stops (the tracer's own). */
void		 mdt_stop_ignore(int);
size_t		 mdt_stop_threads(struct mdt_thread **);
void		 mdt_resume_threads(void);

/* buildid.c: fn(arg, build-id, its length, path) for each object. */
void		 mdt_buildids(void (*)(void *, const unsigned char *, size_t,
		    const char *), void *);

/*
 * say.c: the tracer's messages, to standard error as it was at start-up
 * (never to whatever descriptor 2 is later); MDTRACE_QUIET silences
 * them.  mdt_say writes its string as it is, in one write where it can.
 */
int		 mdt_quiet(void);
void		 mdt_say_init(void);
void		 mdt_say_end(void);
void		 mdt_say(const char *);

/*
 * exec.c: the exec family, which notes in the trace a program that will
 * not be traced; the start record of a traced image; the check at exit
 * that the program's malloc is the tracer's.
 */
void		 mdt_exec_resolve(void);
void		 mdt_exec_init(void);
void		 mdt_exec_forked(void);
void		 mdt_exec_exit(void);

/*
 * options.c: MALLOC_OPTIONS into o, with a warning of each unknown
 * letter if warn is set; whether options like these ask for a report.
 */
void		 mdt_options_parse(const char *, struct mdt_opts *, int);
int		 mdt_options_enable(const char *);

/* preload.c: set the recursion guard (1) or clear it; its old value. */
int		 mdt_guard(int);

/* preload.c: allocate and free for C++'s operators (cxxnew.c). */
void		*mdt_alloc_at(size_t, size_t, uintptr_t, void *);
void		 mdt_free(void *);

#endif /* MDT_H */
