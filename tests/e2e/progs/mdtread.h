/*
 * mdtread.h: the utrace records of an mdtrace trace, read straight from
 * the file (LP64 little-endian headers, mdump.5), for the test readers
 * realread.c, kindsread.c and snapread.c: each is a reader of its own,
 * so that the tracer's tests do not rest on mdump.
 *
 * A reader may define, before including this file:
 *	MDTREAD_MAXDATA	the most bytes of data a record may carry after
 *			its label (4096 if not defined); a longer record
 *			ends the reading as one cut short
 *	MDTREAD_MAXPROC	the most processes mdt_next_kinds keeps (64)
 *
 * The functions are static inline: a reader that does not call one gets
 * no warning for it.
 */
#ifndef MDTREAD_H
#define MDTREAD_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef MDTREAD_MAXDATA
#define MDTREAD_MAXDATA	4096
#endif
#ifndef MDTREAD_MAXPROC
#define MDTREAD_MAXPROC	64
#endif

#define MDTREAD_HEADER	64	/* a record's header */
#define MDTREAD_LABEL	20	/* the label after it, NUL-padded */
#define MDTREAD_UTRACE	9	/* the type of utrace records */

/* One utrace record; its data is followed by a NUL. */
struct mdtrec {
	unsigned char	 buf[MDTREAD_HEADER + MDTREAD_LABEL +
			     MDTREAD_MAXDATA + 1];
	uint32_t	 pid;
	const char	*label;
	const unsigned char *data;	/* what follows the label */
	uint64_t	 n;		/* bytes of data */
};

/* The little-endian number of n bytes at p. */
static inline uint64_t
mdt_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/*
 * mdt_next: read the next utrace record of the trace f into r, passing
 * over records of other types and those too short for a label.  1 when
 * there is one, 0 at the end of the file (a header cut short counts as
 * the end), -1 at a record cut short or longer than MDTREAD_MAXDATA.
 */
static inline int
mdt_next(FILE *f, struct mdtrec *r)
{
	uint64_t len;

	for (;;) {
		if (fread(r->buf, 1, MDTREAD_HEADER, f) != MDTREAD_HEADER)
			return 0;
		/* the length of what follows: the 8 bytes at offset 56 */
		len = mdt_le(r->buf + 56, 8);
		if (len > MDTREAD_LABEL + MDTREAD_MAXDATA ||
		    fread(r->buf + MDTREAD_HEADER, 1, len, f) != len)
			return -1;
		r->buf[MDTREAD_HEADER + len] = '\0';
		/* the type: the first four bytes */
		if (mdt_le(r->buf, 4) == MDTREAD_UTRACE && len >= MDTREAD_LABEL)
			break;
	}
	/* the pid: the low half of the 8 bytes at offset 4 */
	r->pid = (uint32_t)mdt_le(r->buf + 4, 4);
	r->label = (const char *)r->buf + MDTREAD_HEADER;
	r->data = r->buf + MDTREAD_HEADER + MDTREAD_LABEL;
	r->n = len - MDTREAD_LABEL;
	return 1;
}

/*
 * The leak kinds of a process: an "mdtkinds" record, the bytes and
 * blocks of each kind (D d I i P p R r), waiting for the leak record
 * ("mallocleakrecord") after it.  The reports of processes may
 * interleave, so they are kept per process.
 */
struct mdtkinds {
	uint32_t	pid;
	int		pending;	/* kinds read, their leak not yet */
	uint64_t	kinds[8];
};

/*
 * mdt_kinds_of: the kinds kept for pid, a new entry the first time;
 * NULL when MDTREAD_MAXPROC processes are kept already.
 */
static inline struct mdtkinds *
mdt_kinds_of(uint32_t pid)
{
	static struct mdtkinds proc[MDTREAD_MAXPROC];
	static int nproc;
	int i;

	for (i = 0; i < nproc; i++)
		if (proc[i].pid == pid)
			return &proc[i];
	if (nproc == MDTREAD_MAXPROC)
		return NULL;
	proc[nproc].pid = pid;
	return &proc[nproc++];
}

/*
 * mdt_kinds_record: note r's kinds for its process when r is an
 * "mdtkinds" record (1), else 0.
 */
static inline int
mdt_kinds_record(const struct mdtrec *r, struct mdtkinds *p)
{
	int k;

	if (strcmp(r->label, "mdtkinds") != 0 || r->n < 64)
		return 0;
	for (k = 0; k < 8; k++)
		p->kinds[k] = mdt_le(r->data + 8 * k, 8);
	p->pending = 1;
	return 1;
}

/*
 * mdt_next_kinds: as mdt_next, and *p the kinds kept for the record's
 * process; "mdtkinds" records are noted there and passed over.  -1
 * also when MDTREAD_MAXPROC processes are kept already.
 */
static inline int
mdt_next_kinds(FILE *f, struct mdtrec *r, struct mdtkinds **p)
{
	int got;

	while ((got = mdt_next(f, r)) == 1) {
		if ((*p = mdt_kinds_of(r->pid)) == NULL)
			return -1;
		if (!mdt_kinds_record(r, *p))
			break;
	}
	return got;
}

/*
 * mdt_leak: 1 when r is a leak record ("mallocleakrecord", 80 bytes),
 * with its bytes in *sum and its blocks in *count; else 0.
 */
static inline int
mdt_leak(const struct mdtrec *r, uint64_t *sum, uint64_t *count)
{
	if (strcmp(r->label, "mallocleakrecord") != 0 || r->n != 80)
		return 0;
	*sum = mdt_le(r->data + 64, 8);
	*count = mdt_le(r->data + 72, 8);
	return 1;
}

#endif
