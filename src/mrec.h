/*
 * mrec.h: malloc records, decoded from utrace payloads into one model
 * for both formats: process -> leaks -> frames (object path, offset),
 * plus the malloc dump text each process wrote.
 */
#ifndef MDUMP_MREC_H
#define MDUMP_MREC_H

#include <stddef.h>
#include <stdint.h>

#include "ktrace.h"
#include "leak.h"
#include "mdump.h"
#include "u64map.h"

/* Where the in-tree text parser of a process is. */
enum mrec_textstate {
	MTEXT_NONE,		/* outside a dump */
	MTEXT_DUMP,		/* after Start dump, before the leak report */
	MTEXT_LEAKS		/* in the leak report */
};

/* An object record that came before the pointer size was known. */
struct mrec_rawobj {
	uint8_t		*bytes;
	size_t		 len;
	uint64_t	 off;
	uint64_t	 recno;
};

struct mproc {
	int32_t			 pid;
	char			 comm[KTR_COMMLEN + 1];
	struct leak_table	 leaks;
	char			*dump;		/* -D text as written */
	size_t			 dumplen;
	size_t			 dumpcap;
	char			*line;		/* a text line being built */
	size_t			 linelen;
	int			 linebad;	/* overlong: drop to newline */
	char			 banner[24];	/* start of a dump line */
	size_t			 bannerlen;
	enum mrec_textstate	 tstate;
	struct leak_frame	*pend;		/* in-tree leak being built */
	size_t			 npend;
	int			 haspend;
	uint64_t		 pendsum;
	uint64_t		 pendcount;
	uint64_t		 pkinds[LEAK_KINDWORDS];	/* of the pending leak */
	int			 haspkinds;
	struct u64map		 objs;		/* object id -> path */
	struct mrec_rawobj	*rawobjs;
	size_t			 nrawobjs;
	int			 done;		/* End dump seen */
	int			 printed;	/* follow mode printed it */
	uint64_t		 damage;	/* mrec_state.damage it saw */
};

struct mrec_stats {
	uint64_t	other;		/* records of other ktrace types */
	uint64_t	labels;		/* utrace labels not ours */
	uint64_t	binary;		/* binary payloads under "malloc" */
	uint64_t	badid;		/* frames naming an unknown object id */
	uint64_t	deep;		/* frames past LEAK_MAXFRAMES */
	uint64_t	cut;		/* stacks the tracer ended early */
	uint64_t	cutbad;		/* ... at damaged frame information */
};

/* The longest build-id a "mallocbuildid" record may give. */
#define MREC_BIDMAX	64

/* An object's build-id, as the trace gives it. */
struct mrec_bid {
	char		*path;
	uint8_t		 id[MREC_BIDMAX];
	size_t		 len;
};

struct mrec_state {
	struct mproc	**procs;	/* in order of first appearance */
	size_t		  nprocs;
	size_t		  cap;
	struct u64map	  bypid;
	struct mproc	 *last;		/* the process of the last record */
	int		  ptrsize;	/* 0 until known */
	int		  be;
	int		  keepdump;	/* keep dump text for -D */
	int		  onlypid;	/* with pid: only that process */
	int32_t		  pid;
	uint64_t	  damage;	/* damage records so far */
	struct mrec_stats stats;
	struct mrec_bid	 *bids;		/* in order of arrival */
	size_t		  nbids, bidcap;
};

/* Start decoding records of a trace in the given layout. */
void	mrec_init(struct mrec_state *, const struct ktr_layout *, int);
void	mrec_select(struct mrec_state *, int32_t);

/*
 * Decode one record.  Returns 0, or -1 when the record (or a line in it)
 * is damaged, or is the reader's report of damage it skipped
 * (KTR_DAMAGED); the error says where, and decoding can go on.  The
 * process the record belonged to, if any, is stored in *pp.
 */
int	mrec_feed(struct mrec_state *, const struct ktr_record *,
	    struct mproc **, struct md_err *);

/* End of the trace: close open leaks and lines.  Same returns. */
int	mrec_finish(struct mrec_state *, struct md_err *);
void	mrec_free(struct mrec_state *);

/* For the decoders. */
struct mproc	*mrec_proc(struct mrec_state *, const struct ktr_record *);
void		 mrec_dumptext(struct mproc *, const uint8_t *, size_t);
int		 mrec_exp_object(struct mrec_state *, struct mproc *,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
int		 mrec_exp_leak(struct mrec_state *, struct mproc *,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
int		 mrec_exp_dumpline(struct mrec_state *, struct mproc *,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
void		 mrec_exp_free(struct mproc *);
int		 mrec_buildid(struct mrec_state *, struct mproc *,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
void		 mrec_bid_free(struct mrec_state *);
int		 mrec_text_record(struct mrec_state *, struct mproc *,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
int		 mrec_text_finish(struct mrec_state *, struct mproc *,
		    struct md_err *);

#endif /* MDUMP_MREC_H */
