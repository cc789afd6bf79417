/*
 * mrec_int.h: between the record dispatcher (mrec.c) and the decoders of
 * the malloc formats (mrec_exp.c, mrec_text.c); nothing else includes
 * it.  The dispatcher owns the processes of the model (mrec.h) and finds
 * the decoder of each record by its utrace label; a decoder keeps its
 * own state, for the trace and for each process, and reaches the model
 * only through the process it is handed.
 */
#ifndef MDUMP_MREC_INT_H
#define MDUMP_MREC_INT_H

#include "mrec.h"

/* What the dispatcher and every decoder of one trace share. */
struct mrec_ctx {
	int			 ptrsize;	/* 0 until known */
	int			 be;		/* big-endian machine */
	struct mrec_stats	 stats;
	struct mrec_bid		*bids;		/* build-ids, as they came */
	size_t			 nbids, bidcap;
};

/* mdtrace's object id of frames dladdr could not place. */
#define MREC_UNKNOWN_ID	1

/* A decoder's answer for one record. */
#define MREC_OK		0
#define MREC_DAMAGED	(-1)	/* the error says where */
#define MREC_FOREIGN	1	/* another writer's payload: not dump text */

/* A utrace label a decoder reads. */
struct mrec_label {
	const char	*name;
	size_t		 len;		/* strlen(name) */
	int		 dump;		/* its payloads are dump text (-D) */
};
#define MREC_LABEL(s, dump)	{ s, sizeof(s) - 1, dump }

/*
 * The operations of a decoder.  "ps" is the decoder's state for one
 * process: the dispatcher keeps the slot, NULL until the decoder fills
 * it, and hands it back with each record of that process.
 */
struct mrec_decoder {
	const struct mrec_label	*labels;
	size_t			 nlabels;
	/* State for one trace; the context outlives it. */
	void	*(*open)(struct mrec_ctx *);
	/* A record under labels[label]: MREC_OK, MREC_DAMAGED, MREC_FOREIGN. */
	int	 (*record)(void *, struct mproc *, void **, size_t,
		    const struct ktr_record *, const uint8_t *, size_t,
		    struct md_err *);
	/*
	 * A record of a process -p did not select: what it tells of the
	 * trace as a whole.  NULL: nothing.  Returns as record().
	 */
	int	 (*other)(void *, size_t, const struct ktr_record *,
		    const uint8_t *, size_t, struct md_err *);
	/*
	 * For a decoder that keeps state per process (else all three
	 * NULL): bytes of unknown processes were lost, forget open lines;
	 * the end of the trace (returns as record()); free the state.
	 */
	void	 (*damaged)(void *, void *);
	int	 (*finish)(void *, struct mproc *, void *, struct md_err *);
	void	 (*procfree)(void *, void *);
	void	 (*close)(void *);
};

/*
 * The path of object id in process p as its object records give it
 * (mrec_exp.c), for the snapshot decoder's stacks; *known is 0 when no
 * record gave it.  A process that writes snapshots writes 8-byte ids:
 * where the layout did not tell the pointer size, this fixes it, and
 * damage in object records waiting for it is set in the error.
 */
const char	*mrec_objpath(struct mrec_ctx *, struct mproc *, uint64_t,
		    int *, struct md_err *);
const char	*mrec_exp_path(void *, void **, uint64_t, int *,
		    struct md_err *);

extern const struct mrec_decoder mrec_bid_decoder;
extern const struct mrec_decoder mrec_exp_decoder;
extern const struct mrec_decoder mrec_mdt_decoder;
extern const struct mrec_decoder mrec_snap_decoder;
extern const struct mrec_decoder mrec_text_decoder;

#endif /* MDUMP_MREC_INT_H */
