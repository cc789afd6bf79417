/*
 * ktrace.h: the ktrace.out container.  Finds the header layout of a
 * trace from the file itself and hands out its records one by one.
 */
#ifndef MDUMP_KTRACE_H
#define MDUMP_KTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "mdump.h"

#define KTR_DAMAGED	0	/* not a record: damage skipped, see below */
#define KTR_USER	9	/* utrace(2) records */
#define KTR_COMMLEN	24	/* ktr_comm in current kernels */
#define KTR_LABELLEN	20	/* the label in front of utrace data */
#define KTR_USERMAX	2048	/* most user data in one utrace record */

struct ktr_layout {
	const char	*name;		/* as tracegen and -v name it */
	int		 be;		/* big-endian fields */
	size_t		 hdrlen;	/* header bytes */
	size_t		 secoff;	/* tv_sec, 8 bytes */
	size_t		 nsecoff;	/* tv_nsec */
	size_t		 nsecsize;
	size_t		 commoff;
	size_t		 commlen;	/* 24, or 17 in older kernels */
	size_t		 lenoff;	/* ktr_len */
	size_t		 lensize;
	int		 ptrsize;	/* 4 or 8; 0 when the header can't tell */
};

struct ktr_record {
	uint32_t	 type;
	int32_t		 pid;
	int32_t		 tid;
	char		 comm[KTR_COMMLEN + 1];
	uint64_t	 off;		/* offset of the header in the file */
	uint64_t	 recno;		/* 1-based */
	const uint8_t	*data;		/* KTR_USER payload; NULL for others */
	size_t		 len;		/* ktr_len */
	const struct md_err *damage;	/* KTR_DAMAGED: what and where */
};

/* What ktr_next() found. */
#define KTR_ERR		-1	/* damage; the error says where */
#define KTR_EOF		0
#define KTR_REC		1	/* a record */
#define KTR_AGAIN	2	/* follow mode: no whole record yet */

struct ktr_reader;

/*
 * Start reading fd (not owned; the caller closes it).  With follow set,
 * end of file means "not yet" and partial records wait for their rest.
 */
struct ktr_reader	*ktr_open(int, int);

/*
 * The next record.  Its data point into the reader's buffer and stay
 * valid until the next call.  After KTR_ERR the reader is spent.
 *
 * Damage part-way (a bad header, a length that leads nowhere) is not an
 * error: the reader skips to the next offset where a chain of valid
 * records starts and hands out a record of type KTR_DAMAGED (pid -1, no
 * data) whose damage member says where the damage began, which record
 * it was and where reading resumed; the records after it follow.  It
 * points into the reader and stays valid until the next call.  KTR_ERR
 * is left for read errors, a file that is no trace, damage with no
 * valid record after it, and a file cut short.
 */
int			 ktr_next(struct ktr_reader *, struct ktr_record *,
			    struct md_err *);

/* The layout found, or NULL before the first record. */
const struct ktr_layout	*ktr_layout(const struct ktr_reader *);

void			 ktr_close(struct ktr_reader *);

/* For tests and fuzzing: detect the layout of a buffer holding a prefix. */
const struct ktr_layout	*ktr_detect(const uint8_t *, size_t, int);

#endif /* MDUMP_KTRACE_H */
