/*
 * snap.h: the snapshots of one process, the leak check mdtrace runs
 * while the program runs (doc/FORMATS.md, "Snapshots").
 *
 * A day of one-second snapshots of a program with ten thousand stacks
 * must fit in memory, so what is kept is what the trace holds: each
 * snapshot's totals, and the figures that changed in it, packed as
 * variable-length numbers in one log.  The figures at any snapshot are
 * got by replaying the log up to it (snap_replay()).
 *
 * With MDTRACE_OLDER, a key also has old figures: its bytes and blocks
 * first seen by a check at least T before; "mdtolder" records change
 * them apart from the others.
 *
 * A (stack, kind) is a key: the stack's index times SNAP_NKINDS plus
 * the kind, 0 definite to 3 reachable.  Stacks are numbered in order of
 * their first mdtstack record; stacks with the same frames share one
 * index, so that a key is one leak of the report.
 */
#ifndef MDUMP_SNAP_H
#define MDUMP_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "leak.h"

#define SNAP_NKINDS	4

/* What a snapshot record says of the whole heap, and where its changes are. */
struct snap_head {
	uint32_t	num;		/* 1, 2, ... within the process */
	uint32_t	nentries;	/* entries its record announced */
	uint64_t	mono;		/* CLOCK_MONOTONIC, ns */
	uint64_t	real;		/* CLOCK_REALTIME, ns since the epoch */
	uint64_t	bytes;		/* live bytes, every kind */
	uint64_t	blocks;
	uint64_t	kbytes[SNAP_NKINDS];
	uint64_t	kblocks[SNAP_NKINDS];
	uint64_t	stopped;	/* ns the program was stopped */
	uint64_t	older;		/* T of its old figures, ns; 0: none */
	size_t		end;		/* its changes end here in the log */
};

/*
 * The figures of one key: live bytes and blocks, the new of them, and
 * the old of them.
 */
enum { SNAP_BYTES, SNAP_BLOCKS, SNAP_NEWBYTES, SNAP_NEWBLOCKS,
    SNAP_OLDBYTES, SNAP_OLDBLOCKS, SNAP_NFIG };

/* What a change sets: the live and new figures, or the old ones. */
#define SNAP_SETLIVE	1u
#define SNAP_SETOLD	2u

struct snap_log;

/* The figures of every key at one snapshot. */
struct snap_state {
	uint64_t	(*fig)[SNAP_NFIG];	/* by key */
	size_t		 nkeys;
	size_t		 next;		/* snapshots replayed */
	size_t		 at;		/* log offset reached */
};

struct snap_log	*snap_open(void);
void		 snap_close(struct snap_log *);

/*
 * A stack by the trace's id: its index, or -1 when no mdtstack record
 * gave it.  snap_stack_add() gives it frames (copied, at most
 * LEAK_MAXFRAMES); -1 when the id has other frames already.
 */
long		 snap_stack(const struct snap_log *, uint32_t);
int		 snap_stack_add(struct snap_log *, uint32_t,
		    const struct leak_frame *, size_t);
size_t		 snap_nstacks(const struct snap_log *);
const struct leak_frame *snap_frames(const struct snap_log *, size_t,
		    size_t *);

/*
 * The snapshot being read: snap_begin() opens it, snap_entry() adds a
 * change of the live and new figures, snap_entry_old() one of the old
 * figures alone, snap_older() gives its T (else it keeps the T of the
 * snapshot kept before it), snap_commit() keeps it.  snap_drop() forgets the snapshot
 * but keeps the changes it read, so that they are applied with the
 * next one kept: figures of later snapshots stay right.
 */
void		 snap_begin(struct snap_log *, const struct snap_head *);
void		 snap_entry(struct snap_log *, size_t, unsigned,
		    const uint64_t *);
void		 snap_entry_old(struct snap_log *, size_t, unsigned,
		    uint64_t, uint64_t);
void		 snap_older(struct snap_log *, uint64_t);
void		 snap_commit(struct snap_log *);
void		 snap_drop(struct snap_log *);

/* The snapshots kept, in order. */
size_t		 snap_count(const struct snap_log *);
const struct snap_head *snap_get(const struct snap_log *, size_t);
/* Index of the snapshot numbered num, or -1. */
long		 snap_find(const struct snap_log *, uint32_t);

/*
 * The change at *at in the log, moved past: the figures it sets into
 * fig, which of them (SNAP_SET*) into *set, its key returned.  Snapshot i's changes are those from the end of i - 1
 * (0 for the first) to its end (snap_head.end), with those of any
 * snapshot dropped between them.
 */
size_t		 snap_next(const struct snap_log *, size_t *, uint64_t *,
		    unsigned *);

/*
 * Bring a state (zeroed at first) to snapshot i (an index): forward
 * from where it is, or from the start when i is behind it.
 */
void		 snap_replay(const struct snap_log *, struct snap_state *,
		    size_t);
void		 snap_state_free(struct snap_state *);
/*
 * Add to a leak table one leak per key with live blocks in the state,
 * in key order: the snapshot as a leak report.  With older set, the
 * old blocks of each key instead (mdump -O).
 */
void		 snap_table(const struct snap_log *, const struct snap_state *,
		    struct leak_table *, int);

/* A leak's blocks new since the previous snapshot, and its old blocks. */
struct snap_age {
	uint64_t	addbytes, addblocks;
	uint64_t	oldbytes, oldblocks;
};

/*
 * The ages of the leaks snap_table() added to a table (with the same
 * older), by the index leak_list() gives them before any sort; free()
 * the array.  A leak that stands for several keys sums them.
 */
struct snap_age	*snap_ages(const struct snap_log *, const struct snap_state *,
		    struct leak_table *, int);
/* The leak kind of a key. */
enum leak_kind	 snap_kind(size_t);

/* The growth of one key over the snapshots (snap_growth()). */
#define SNAP_SAMPLES	48

struct snap_grow {
	size_t		key;
	uint32_t	grew;		/* intervals its bytes grew in */
	uint32_t	shrank;
	uint64_t	first;		/* bytes at the first snapshot */
	uint64_t	bytes;		/* at the last */
	uint64_t	blocks;
	size_t		nsamples;
	uint32_t	snum[SNAP_SAMPLES];	/* sampled snapshots' numbers */
	uint64_t	sbytes[SNAP_SAMPLES];	/* its bytes at them */
};

/*
 * Every key live at the last snapshot, in key
 * order, with its samples: at most SNAP_SAMPLES snapshots evenly spread
 * from the first to the last.  *n is their number; free() the array.
 */
struct snap_grow *snap_growth(const struct snap_log *, size_t *);
/*
 * The order of -g: the keys that grew in most intervals first, then by
 * how much they grew, their bytes at the last snapshot, their key.
 */
int		 snap_grow_cmp(const struct snap_grow *,
		    const struct snap_grow *);
/* Seconds from the first snapshot to the last (0 with one). */
double		 snap_span(const struct snap_log *);

#endif /* MDUMP_SNAP_H */
