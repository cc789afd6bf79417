/*
 * leak.h: the leak table of one process.  Identical stacks (same object
 * paths and offsets, frame by frame) are merged into one leak; leaks keep
 * the order in which their stacks first appeared, until sorted.
 */
#ifndef MDUMP_LEAK_H
#define MDUMP_LEAK_H

#include <stddef.h>
#include <stdint.h>

/* The deepest stack kept for one leak. */
#define LEAK_MAXFRAMES	64

struct leak_frame {
	const char	*object;	/* interned (strpool.h); NULL: unknown
					   object id */
	uint64_t	 offset;	/* as recorded */
};

/*
 * What a leak's blocks are, when the trace says (mdtrace's leak check,
 * mdump.5): lost for sure, lost with the blocks pointing to them, only
 * reached by interior pointers, or still reachable.  Leaks of different
 * kinds never merge.
 */
enum leak_kind {
	LEAK_ANY,		/* the trace does not say */
	LEAK_DEFINITE,
	LEAK_INDIRECT,
	LEAK_POSSIBLE,
	LEAK_REACHABLE,
	LEAK_NKINDS
};

/* The kinds record: bytes and allocations for DEFINITE ... REACHABLE. */
#define LEAK_KINDWORDS	8

/*
 * What holds a possibly lost or reachable leak (mdtrace's holder record,
 * mdump.5): a path from a root through heap blocks to one of its blocks.
 */
enum leak_hopkind {
	LEAK_ROOT_DATA,		/* object, offset: a data or bss word */
	LEAK_ROOT_TLS,		/* tid, object, offset in its TLS block */
	LEAK_ROOT_STACK,	/* tid; object, offset of the function, or
				   object NULL when not found */
	LEAK_ROOT_REGISTER,	/* tid, reg */
	LEAK_ROOT_LOADER,	/* a block of the dynamic linker's */
	LEAK_ROOT_MEMORY,	/* offset: the address */
	LEAK_HOP_BLOCK		/* offset into the block, its frames */
};

/* A block's allocation stack in a holder record has at most these. */
#define LEAK_HOPFRAMES	4
/* The longest register name kept, with its NUL. */
#define LEAK_REGLEN	16

struct leak_hop {
	enum leak_hopkind	 kind;
	uint64_t		 tid;
	const char		*object;	/* interned; "" unnamed */
	uint64_t		 offset;
	char			 reg[LEAK_REGLEN];
	size_t			 nframes;
	struct leak_frame	 frames[LEAK_HOPFRAMES];	/* innermost
							   first */
};

struct leak_holder {
	struct leak_holder	*next;		/* the table's, to free */
	size_t			 nhops;		/* at least 1 */
	struct leak_hop		 hops[];	/* the root first */
};

/* Small, so that a leak of one frame fits in a cache line. */
struct leak {
	uint64_t		 sum;		/* bytes */
	uint64_t		 count;		/* allocations */
	uint32_t		 nframes;	/* 0: anonymous */
	uint32_t		 hash;
	struct leak_frame	*frames;	/* innermost first */
	enum leak_kind		 kind;
	/* Possible or reachable: what holds one block, or NULL. */
	const struct leak_holder *holder;
};

struct leak_table;

struct leak_table	*leak_open(void);
/* Add or merge one leak; the frames are copied, at most LEAK_MAXFRAMES. */
void			 leak_add(struct leak_table *, const struct leak_frame *,
			    size_t, uint64_t, uint64_t);
void			 leak_add_kind(struct leak_table *,
			    const struct leak_frame *, size_t, uint64_t,
			    uint64_t, enum leak_kind);
/*
 * Kinds for the process's next leak: leak_setkinds() stores them as a
 * kinds record gives them, leak_takekinds() hands them to the decoder
 * of the leak that begins (1) or says there are none (0);
 * leak_kinds_valid() says whether they add up to the leak's sum and
 * count.  leak_add_kinds() adds a leak as one leak per kind it has
 * (kinds NULL: as LEAK_ANY); -1 when the kinds do not add up, and the
 * leak was added as LEAK_ANY.
 */
void			 leak_setkinds(struct leak_table *, const uint64_t *);
/*
 * A holder for the process's next leak, of kind LEAK_POSSIBLE or
 * LEAK_REACHABLE (others are freed); the table owns it.  It goes with
 * the kinds: leak_setkinds() forgets those not taken yet,
 * leak_takekinds() takes those given since, and the next
 * leak_add_kinds() gives them to the parts of their kind (a merged
 * leak keeps the holder it had).  The first of a kind counts.
 */
void			 leak_setholder(struct leak_table *, enum leak_kind,
			    struct leak_holder *);
int			 leak_takekinds(struct leak_table *, uint64_t *);
int			 leak_kinds_valid(const uint64_t *, uint64_t, uint64_t);
int			 leak_add_kinds(struct leak_table *,
			    const struct leak_frame *, size_t, uint64_t,
			    uint64_t, const uint64_t *);
/* "definite", ... "reachable"; NULL for LEAK_ANY. */
const char		*leak_kindname(enum leak_kind);
/*
 * The leaks, in their order, and their number in *n.  Valid until the
 * next leak_add(), leak_clear() or leak_sort().
 */
struct leak *const	*leak_list(struct leak_table *, size_t *);
/* Order by "sum", "count" or "avg", largest first, stable; -1: no key. */
int			 leak_sort(struct leak_table *, const char *);
/* Forget every leak (a new report replaces the old). */
void			 leak_clear(struct leak_table *);
void			 leak_close(struct leak_table *);

/* A hash of a stack's frames (interned objects, offsets). */
uint64_t		 leak_frames_hash(const struct leak_frame *, size_t);

/* Bytes per allocation, rounded down; 0 without allocations. */
uint64_t		 leak_avg(const struct leak *);

#endif /* MDUMP_LEAK_H */
