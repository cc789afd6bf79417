/*
 * mrec.h: malloc records, decoded from utrace payloads into one model
 * for both formats: process -> leaks -> frames (object path, offset),
 * plus the malloc dump text each process wrote.  Which labels hold which
 * format, and how each is decoded, is private to mrec.c and the decoders
 * (mrec_int.h).
 */
#ifndef MDUMP_MREC_H
#define MDUMP_MREC_H

#include <stddef.h>
#include <stdint.h>

#include "ktrace.h"

struct leak_table;
struct snap_log;
struct md_err;

/* The longest tracer version an "mdtversion" record may give. */
#define MREC_VERMAX	63

/* One traced process, as its records describe it. */
struct mproc {
	int32_t			 pid;
	char			 comm[KTR_COMMLEN + 1];	/* of its last record */
	char			 tracer[MREC_VERMAX + 1];	/* version of
						   mdtrace that wrote its
						   report; "" if not said */
	struct leak_table	*leaks;
	char			*dump;		/* -D: the text as written */
	size_t			 dumplen;
	int			 done;		/* its report is complete */
	uint32_t		 report;	/* reports begun: a new one
						   replaces the last */
	struct snap_log		*snaps;		/* snapshots (snap.h) or
						   NULL */
	uint32_t		 image;		/* traced images begun
						   ("mdtstart"): each has
						   snapshots of its own */
	char			*program;	/* mdtrace: its real path */
	char			*untraced;	/* mdtrace: why it was not
						   traced; NULL if it was */
	int			 cut;		/* mdtrace: its report began
						   and has no end banner */
	uint64_t		 end;		/* offset past its last record */
};

/* What the decoders skipped or cut, for -v. */
struct mrec_stats {
	uint64_t	other;		/* records of other ktrace types */
	uint64_t	labels;		/* utrace labels not ours */
	uint64_t	binary;		/* binary payloads under "malloc" */
	uint64_t	badid;		/* frames naming an unknown object id */
	uint64_t	deep;		/* frames past LEAK_MAXFRAMES */
	uint64_t	cut;		/* stacks the tracer ended early */
	uint64_t	cutbad;		/* ... at damaged frame information */
	uint64_t	snapcut;	/* snapshots cut short at the end */
};

/* The longest build-id a "mallocbuildid" record may give. */
#define MREC_BIDMAX	64

/* An object's build-id, as the trace gives it. */
struct mrec_bid {
	char		*path;
	uint8_t		 id[MREC_BIDMAX];
	size_t		 len;
};

struct mrec;

/* Decode records of a trace in the given layout; -D keeps dump text. */
struct mrec	*mrec_open(const struct ktr_layout *, int);
/* -p: only this process's records make a process. */
void		 mrec_select(struct mrec *, int32_t);
/*
 * Decode one record.  Returns 0, or -1 when the record (or a line in it)
 * is damaged, or is the reader's report of damage it skipped
 * (KTR_DAMAGED); the error says where, and decoding can go on.  The
 * process the record belonged to, if any, is stored in *pp.
 */
int		 mrec_feed(struct mrec *, const struct ktr_record *,
		    struct mproc **, struct md_err *);
/* End of the trace: close open leaks and lines.  Same returns. */
int		 mrec_finish(struct mrec *, struct md_err *);
/* The processes, in order of their first record. */
size_t		 mrec_nprocs(const struct mrec *);
struct mproc	*mrec_proc(const struct mrec *, size_t);
const struct mrec_stats *mrec_stats(const struct mrec *);
/* The traced machine's pointer size; 0 while not known. */
int		 mrec_ptrsize(const struct mrec *);
void		 mrec_close(struct mrec *);
/* The build-ids the trace gave so far, in order of arrival. */
size_t		 mrec_nbids(const struct mrec *);
const struct mrec_bid *mrec_bid(const struct mrec *, size_t);

#endif /* MDUMP_MREC_H */
