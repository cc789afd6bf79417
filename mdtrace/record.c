/*
 * record.c: the leak report, written at exit as OpenBSD's malloc writes
 * it: utrace records in an OpenBSD ktrace file, LP64 little-endian
 * header layout (doc/FORMATS.md), each record one write(2) to a file
 * opened for append, so processes sharing the file never interleave
 * inside a record.
 *
 * Two shapes, as MALLOC_OPTIONS chose: the experimental records the
 * original mdump read (doc/FORMATS.md, "Experimental records": object
 * records, 80-byte leak records, dump text in fragments of at most 100
 * bytes) or the in-tree text of OpenBSD 7.5 ("Text records": label
 * "malloc", one line a record).
 *
 * Nothing here calls malloc or stdio: text is built with the bounded
 * string builder below, records in buffers on the stack.  Frames are
 * named by objects.c, which reads the program headers, not the symbol
 * tables as dladdr would.
 *
 * A record the file takes only in part (a full disk, a file size limit)
 * is cut off again (mdt_write_whole()), so the trace ends at a record
 * boundary; one message says so, and the process writes no more.
 *
 * What it does not do: create the file or write the start record (the
 * launcher does), or decide what leaked (table.c).
 */
#define _GNU_SOURCE	/* syscall */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mdt.h"
#include "untraced.h"
#include "../src/version.h"

#define HDR_SIZE	64	/* LP64 ktrace header */
#define COMM_SIZE	24	/* ktr_comm, NUL included */
#define LABEL_SIZE	20	/* utrace label, NUL-padded */
#define USER_MAX	2048	/* the kernel's cap on utrace data */
#define KTR_USER	9
#define TID_OFFSET	100000	/* OpenBSD's kernel adds this to tids */
#define FRAG_MAX	100	/* a mallocdumpline fragment, at most */
#define LINE_MAX_	USER_MAX	/* one in-tree text line, one record */
#define TAIL_ROOM	24	/* after a path: " 0x", 16 digits, newline */

/*
 * Objects whose record was written.  A process maps few objects; past
 * this many, records are written again, which is redundant but right.
 */
#define OBJ_MAX		1024

/* In no object: the frame's object is unknown; an id no base can be. */
#define UNKNOWN_ID	1

/* A bounded string: appends past cap are dropped, never overflow. */
struct sb {
	char	*b;
	size_t	 len;
	size_t	 cap;
};

/*
 * Records go out in batches of up to BATCH_MAX bytes, one write(2) a
 * batch, to a regular file: a report of 3,300 records took 3,300
 * writes and twice as many sigactions (8 ms of node's exit).  One
 * write of whole records to a file opened O_APPEND lands whole, after
 * or before another process's; to a pipe only a write of PIPE_BUF
 * bytes or fewer does, so there a record is a write, as it was.
 */
#define BATCH_MAX	(64 * 1024)
#define BATCH_RECS	(BATCH_MAX / (HDR_SIZE + LABEL_SIZE))

struct out {
	int			 fd;
	int			 batch;		/* a regular file: batches */
	unsigned char		 buf[BATCH_MAX];
	size_t			 ends[BATCH_RECS];	/* of its records */
	size_t			 nrec;
	int32_t			 pid;
	int32_t			 tid;
	char			 comm[COMM_SIZE];
	const struct mdt_opts	*o;
	char			 frag[FRAG_MAX];
	size_t			 fraglen;
	uintptr_t		 obj[OBJ_MAX];
	size_t			 nobj;
	int			 failed;	/* a record was not taken */
};

/* One frame as its object names it (objects.c). */
struct frame {
	uintptr_t	 ra;
	uintptr_t	 id;		/* load base, or UNKNOWN_ID */
	uintptr_t	 off;		/* ra - base, or ra */
	const char	*path;
};

static void
sb_putn(struct sb *s, const char *p, size_t n)
{
	if (n > s->cap - s->len)
		n = s->cap - s->len;
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void
sb_puts(struct sb *s, const char *p)
{
	sb_putn(s, p, strlen(p));
}

static void
sb_pad(struct sb *s, size_t used, int width)
{
	for (; width > 0 && used < (size_t)width; used++)
		sb_putn(s, " ", 1);
}

/* printf's "%*s", right-aligned. */
static void
sb_field(struct sb *s, const char *p, int width)
{
	size_t n = strlen(p);

	sb_pad(s, n, width);
	sb_putn(s, p, n);
}

/* "%*zu" (base 10) or OpenBSD's "%*p" (base 16, "0x" prefix, 0x0). */
static void
sb_num(struct sb *s, uint64_t v, int hex, int width)
{
	char tmp[24];
	size_t n = sizeof(tmp);
	unsigned base = hex ? 16 : 10;

	do {
		tmp[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	if (hex) {
		tmp[--n] = 'x';
		tmp[--n] = '0';
	}
	sb_pad(s, sizeof(tmp) - n, width);
	sb_putn(s, tmp + n, sizeof(tmp) - n);
}

/*
 * The trace file's path, taken at start-up: the leak check's
 * __libc_freeres clears the environment before the report.
 */
static char	trace_path[4096] = "ktrace.out";

/*
 * The one message of a record the file did not take (a full disk, a
 * file size limit): this process writes no more, and the program goes
 * on.  mdt_write_whole() left the file at a record boundary.
 */
static void
write_failed(struct out *w, int e)
{
	char line[4096 + 256];
	struct sb sb = { line, 0, sizeof(line) - 1 };
	struct stat st;

	w->failed = 1;
	sb_puts(&sb, "mdtrace: ");
	sb_puts(&sb, trace_path);
	sb_puts(&sb, ": ");
	sb_puts(&sb, strerror(e));
	sb_puts(&sb, ": the trace of process ");
	sb_num(&sb, (uint64_t)w->pid, 0, 0);
	if (fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		sb_puts(&sb, " ends at offset ");
		sb_num(&sb, (uint64_t)st.st_size, 0, 0);
		sb_puts(&sb, ", its last whole record");
	} else
		sb_puts(&sb, " ends here");
	sb_puts(&sb, "\n");
	line[sb.len] = '\0';
	mdt_say(line);
}

/* Write the batch of w. */
static void
flush(struct out *w)
{
	int e;

	if (w->nrec == 0 || w->failed)
		return;
	if ((e = mdt_write_records(w->fd, w->buf, w->ends, w->nrec)) != 0)
		write_failed(w, e);
	w->nrec = 0;
}

/* One utrace record, into the batch or written; data beyond USER_MAX is cut. */
static void
utrace(struct out *w, const char *label, const void *data, size_t n)
{
	unsigned char rec[HDR_SIZE + LABEL_SIZE + USER_MAX];
	struct timespec ts;
	size_t len, start;
	int e;

	if (w->failed)
		return;
	if (n > USER_MAX)
		n = USER_MAX;
	len = LABEL_SIZE + n;
	memset(rec, 0, HDR_SIZE + LABEL_SIZE);
	clock_gettime(CLOCK_REALTIME, &ts);
	mdt_put_le(rec + 0, KTR_USER, 4);
	mdt_put_le(rec + 4, (uint32_t)w->pid, 4);
	mdt_put_le(rec + 8, (uint32_t)w->tid, 4);
	mdt_put_le(rec + 16, (uint64_t)ts.tv_sec, 8);
	mdt_put_le(rec + 24, (uint64_t)ts.tv_nsec, 8);
	memcpy(rec + 32, w->comm, COMM_SIZE);
	mdt_put_le(rec + 56, len, 8);
	strncpy((char *)rec + HDR_SIZE, label, LABEL_SIZE - 1);
	memcpy(rec + HDR_SIZE + LABEL_SIZE, data, n);
	if (!w->batch) {
		if ((e = mdt_write_whole(w->fd, rec, HDR_SIZE + len)) != 0)
			write_failed(w, e);
		return;
	}
	if (w->nrec == BATCH_RECS ||
	    (w->nrec > 0 && w->ends[w->nrec - 1] + HDR_SIZE + len > BATCH_MAX))
		flush(w);
	if (w->failed)
		return;
	start = w->nrec > 0 ? w->ends[w->nrec - 1] : 0;
	memcpy(w->buf + start, rec, HDR_SIZE + len);
	w->ends[w->nrec++] = start + HDR_SIZE + len;
}

/* Experimental dump text, sent in fragments of at most FRAG_MAX bytes. */
static void
dump_text(struct out *w, const char *s, size_t n)
{
	size_t k;

	while (n > 0) {
		k = FRAG_MAX - w->fraglen;
		if (k > n)
			k = n;
		memcpy(w->frag + w->fraglen, s, k);
		w->fraglen += k;
		s += k;
		n -= k;
		if (w->fraglen == FRAG_MAX) {
			utrace(w, "mallocdumpline", w->frag, w->fraglen);
			w->fraglen = 0;
		}
	}
}

static void
dump_flush(struct out *w)
{
	if (w->fraglen > 0)
		utrace(w, "mallocdumpline", w->frag, w->fraglen);
	w->fraglen = 0;
}

/* A line of text in the chosen format. */
static void
emit_line(struct out *w, struct sb *s)
{
	if (w->o->text)
		utrace(w, "malloc", s->b, s->len);
	else
		dump_text(w, s->b, s->len);
}

static void
frame_name(uintptr_t ra, struct frame *f)
{
	f->ra = ra;
	/*
	 * A frame of a library dlclose unloaded (unload.c).  Its id is the
	 * tagged record, not the base: another object may have that base.
	 */
	if (mdt_gone_frame(ra, &f->path, &f->id, &f->off)) {
		f->ra = f->id + f->off;
		f->id = ra - f->off;
		return;
	}
	/* ra - 1 lies in the call: a call ending a function still counts. */
	if (ra != 0 && mdt_obj_find(ra - 1, &f->id, &f->path)) {
		f->off = ra - f->id;
	} else {
		f->id = UNKNOWN_ID;
		f->off = ra;
		f->path = "";
	}
}

/* "mallocobjectrecord" before the first leak record that uses the id. */
static void
object_record(struct out *w, const struct frame *f)
{
	unsigned char d[USER_MAX];
	size_t i, n;

	for (i = 0; i < w->nobj; i++)
		if (w->obj[i] == f->id)
			return;
	if (w->nobj < OBJ_MAX)
		w->obj[w->nobj++] = f->id;
	n = strlen(f->path);
	if (n > USER_MAX - 9)
		n = USER_MAX - 9;	/* 8 bytes of id, 1 of NUL */
	mdt_put_le(d, f->id, 8);
	memcpy(d + 8, f->path, n);
	d[8 + n] = '\0';
	utrace(w, "mallocobjectrecord", d, 9 + n);
}

static void
exp_leak(struct out *w, const struct mdt_stack *s)
{
	unsigned char d[(2 * MDT_EXPFRAMES + 2) * 8];
	char line[LINE_MAX_];
	struct sb sb = { line, 0, sizeof(line) };
	struct frame f;
	uint32_t i;

	memset(d, 0, sizeof(d));
	if (s->nframes > 0)
		frame_name(s->frames[0], &f);
	sb_num(&sb, s->nframes > 0 ? f.ra : 0, 1, 18);
	sb_puts(&sb, " ");
	sb_num(&sb, s->sum, 0, 7);
	sb_puts(&sb, " ");
	sb_num(&sb, s->count, 0, 6);
	sb_puts(&sb, " ");
	sb_num(&sb, s->sum / s->count, 0, 6);
	for (i = 0; i < s->nframes && i < MDT_EXPFRAMES; i++) {
		frame_name(s->frames[i], &f);
		object_record(w, &f);
		mdt_put_le(d + 16 * i, f.off, 8);
		mdt_put_le(d + 16 * i + 8, f.id, 8);
		sb_puts(&sb, " ");
		sb_puts(&sb, f.path);
		sb_puts(&sb, ":");
		sb_num(&sb, f.off, 1, 0);
	}
	mdt_put_le(d + 16 * MDT_EXPFRAMES, s->sum, 8);
	mdt_put_le(d + 16 * MDT_EXPFRAMES + 8, s->count, 8);
	utrace(w, "mallocleakrecord", d, sizeof(d));
	sb_puts(&sb, "\n");
	dump_text(w, sb.b, sb.len);
}

/*
 * "%18p %7zu %6u %6zu addr2line -e %s %p" for the first frame, then
 * "%*p %*s %6s %6s addr2line -e %s %p" with widths i + 18 and 7 - i,
 * so the columns stay where the first line put them.
 */
static void
text_leak(struct out *w, const struct mdt_stack *s)
{
	char line[LINE_MAX_];
	struct sb sb;
	struct frame f;
	uint32_t i, n = s->nframes > 0 ? s->nframes : 1;

	for (i = 0; i < n; i++) {
		sb.b = line;
		sb.len = 0;
		/* Leave room for the offset and newline after a long path. */
		sb.cap = sizeof(line) - TAIL_ROOM;
		if (s->nframes == 0) {
			f.ra = f.off = 0;
			f.path = ".";
		} else {
			frame_name(s->frames[i], &f);
			if (f.id == UNKNOWN_ID)
				f.path = ".";
		}
		sb_num(&sb, f.ra, 1, (int)(18 + i));
		sb_puts(&sb, " ");
		if (i == 0) {
			sb_num(&sb, s->sum, 0, 7);
			sb_puts(&sb, " ");
			sb_num(&sb, s->count, 0, 6);
			sb_puts(&sb, " ");
			sb_num(&sb, s->sum / s->count, 0, 6);
		} else {
			sb_field(&sb, "-", 7 - (int)i);
			sb_puts(&sb, " ");
			sb_field(&sb, "-", 6);
			sb_puts(&sb, " ");
			sb_field(&sb, "-", 6);
		}
		sb_puts(&sb, " addr2line -e ");
		sb_puts(&sb, f.path);
		sb.cap = sizeof(line);
		sb_puts(&sb, " ");
		sb_num(&sb, f.off, 1, 0);
		sb_puts(&sb, "\n");
		emit_line(w, &sb);
	}
}

/*
 * The kinds of the leak about to be written: "mdtkinds", four pairs of
 * 64-bit little-endian numbers (bytes, blocks) for definite, indirect,
 * possible and reachable, whose sums are the leak's (mdump.5).  It
 * comes first, so that a reader knows them when the leak begins.
 */
static void
kinds_record(struct out *w, const struct mdt_stack *s)
{
	unsigned char d[MDT_NKINDS * 16];
	int k;

	for (k = 0; k < MDT_NKINDS; k++) {
		mdt_put_le(d + 16 * k, s->ksum[k], 8);
		mdt_put_le(d + 16 * k + 8, s->kcount[k], 8);
	}
	utrace(w, "mdtkinds", d, sizeof(d));
}

/* The object holding data address a, as frame_name names code. */
static void
data_place(uintptr_t a, struct frame *f)
{
	f->ra = a;
	if (mdt_obj_find(a, &f->id, &f->path)) {
		f->off = a - f->id;
	} else {
		f->id = UNKNOWN_ID;
		f->off = a;
		f->path = "";
	}
}

/* " 0xOFFSET PATH" of a place. */
static void
sb_place(struct sb *sb, const struct frame *f)
{
	sb_puts(sb, " ");
	sb_num(sb, f->off, 1, 0);
	sb_puts(sb, " ");
	sb_puts(sb, f->path);
}

/* One hop of a holder path as its lines, blocks with nf frames. */
static void
hop_lines(struct sb *sb, const struct mdt_hop *h, uint32_t nf)
{
	struct frame f;
	uint32_t i;

	if (h->type == MDT_HOP_BLOCK) {
		sb_puts(sb, "block ");
		sb_num(sb, h->addr, 1, 0);
		for (i = 0; i < h->stk->nframes && i < nf; i++) {
			frame_name(h->stk->frames[i], &f);
			sb_puts(sb, "\nframe");
			sb_place(sb, &f);
		}
		sb_puts(sb, "\n");
		return;
	}
	sb_puts(sb, "root ");
	switch (h->type) {
	case MDT_HOP_DATA:
		sb_puts(sb, "data");
		data_place(h->addr, &f);
		sb_place(sb, &f);
		break;
	case MDT_HOP_TLS:
		sb_puts(sb, "tls ");
		sb_num(sb, (uint64_t)h->tid, 0, 0);
		data_place(h->obj, &f);
		f.off = h->addr;
		sb_place(sb, &f);
		break;
	case MDT_HOP_STACK:
		sb_puts(sb, "stack ");
		sb_num(sb, (uint64_t)h->tid, 0, 0);
		if (h->addr != 0) {
			frame_name(h->addr, &f);
			if (f.id != UNKNOWN_ID)
				sb_place(sb, &f);
		}
		break;
	case MDT_HOP_REGISTER:
		sb_puts(sb, "register ");
		sb_num(sb, (uint64_t)h->tid, 0, 0);
		sb_puts(sb, " ");
		sb_puts(sb, h->name);
		break;
	case MDT_HOP_LOADER:
		sb_puts(sb, "loader");
		break;
	default:
		sb_puts(sb, "memory ");
		sb_num(sb, h->addr, 1, 0);
		break;
	}
	sb_puts(sb, "\n");
}

/*
 * "mdtholder" (doc/FORMATS.md): how the leak check reached a block of
 * the leak's of this kind, root first.  Blocks name 4 frames, or 1 if
 * that is too long for a record; a path longer still is not told.
 */
static void
holder_record(struct out *w, const struct mdt_stack *s, int kind)
{
	static const uint32_t nf[] = { 4, 1 };
	struct mdt_hop hops[MDT_MAXHOPS];
	char text[USER_MAX];
	struct sb sb;
	size_t i, n, t;

	if (s->kcount[kind] == 0 ||
	    (n = mdt_holder(s, kind, hops, MDT_MAXHOPS)) == 0)
		return;
	for (t = 0; t < sizeof(nf) / sizeof(nf[0]); t++) {
		sb.b = text;
		sb.len = 0;
		sb.cap = sizeof(text);
		sb_puts(&sb, kind == MDT_POSSIBLE ? "possible\n" :
		    "reachable\n");
		for (i = 0; i < n; i++)
			hop_lines(&sb, &hops[i], nf[t]);
		if (sb.len < sb.cap) {
			utrace(w, "mdtholder", text, sb.len);
			return;
		}
	}
}

/* The short name of the program: argv[0] without its directories. */
static void
get_comm(char *comm)
{
	char buf[256], *p;
	ssize_t n;
	int fd;

	memset(comm, 0, COMM_SIZE);
	if ((fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, '/');
	p = p == NULL ? buf : p + 1;
	n = (ssize_t)strlen(p);
	memcpy(comm, p, n < COMM_SIZE - 1 ? (size_t)n : COMM_SIZE - 1);
}

void
mdt_record_init(void)
{
	const char *path = getenv("MDTRACE_FILE");

	if (path != NULL && *path != '\0' && strlen(path) < sizeof(trace_path))
		memcpy(trace_path, path, strlen(path) + 1);
}

static int
open_trace(void)
{
	const char *msg;
	int fd, e;

	fd = open(trace_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		msg = strerror(e);
		/* One message; the program's exit goes on. */
		mdt_say("mdtrace: ");
		mdt_say(trace_path);
		mdt_say(": ");
		mdt_say(msg);
		mdt_say("\n");
	}
	return fd;
}

/* The trace file for w: batches if it is a regular file; -1 if none. */
static int
writer_open(struct out *w)
{
	struct stat st;

	if ((w->fd = open_trace()) == -1)
		return -1;
	w->batch = fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode);
	w->nrec = 0;
	return 0;
}

static void
writer_close(struct out *w)
{
	flush(w);
	close(w->fd);
}

static void
banner(struct out *w, const char *what)
{
	char line[128];
	struct sb sb = { line, 0, sizeof(line) };

	sb_puts(&sb, "******** ");
	sb_puts(&sb, what);
	sb_puts(&sb, " dump ");
	sb_puts(&sb, w->comm);
	sb_puts(&sb, " *******\n");
	emit_line(w, &sb);
}

static void
header(struct out *w)
{
	char line[128];
	struct sb sb = { line, 0, sizeof(line) };

	/* The option line of OpenBSD's malloc; mdtrace has no such knobs. */
	sb_puts(&sb, "M=0 I=0 F=0 U=0 J=0 R=0 X=0 C=0x0 cache=0 G=0\n");
	emit_line(w, &sb);
	sb.len = 0;
	sb_puts(&sb, w->o->text ? "Leak report:\n" : "Leak report\n");
	emit_line(w, &sb);
	sb.len = 0;
	sb_puts(&sb, "                 f     sum      #    avg\n");
	emit_line(w, &sb);
}

/* "mdtversion": this tracer's version, then a NUL (mdump.5). */
static void
version_record(struct out *w)
{
	static const char v[] = MDUMP_VERSION;

	utrace(w, "mdtversion", v, sizeof(v));
}

/* "mallocbuildid": length byte, build-id, path, NUL (mdump.5). */
static void
buildid_record(void *arg, const unsigned char *id, size_t len,
    const char *path)
{
	unsigned char d[USER_MAX];
	size_t n = strlen(path);

	if (len == 0 || len > 64 || 1 + len + n + 1 > sizeof(d))
		return;
	d[0] = (unsigned char)len;
	memcpy(d + 1, id, len);
	memcpy(d + 1 + len, path, n + 1);
	utrace(arg, "mallocbuildid", d, 1 + len + n + 1);
}

/*
 * "mdtracestacks" (mdump.5), only if the unwinder ended stacks early:
 * how many allocations' stacks, and how many of those at damaged call
 * frame information, each 8 bytes little-endian.
 */
static void
stacks_record(struct out *w)
{
	unsigned char d[16];
	uint64_t cut, bad;

	mdt_unwind_stats(&cut, &bad);
	if (cut == 0)
		return;
	mdt_put_le(d, cut, 8);
	mdt_put_le(d + 8, bad, 8);
	utrace(w, "mdtracestacks", d, sizeof(d));
}

/*
 * The snapshots' writer (snapshot.c): records of the process, whose
 * object records, once written, serve every later snapshot.
 */
static struct out	snapw;
static uintptr_t	snapobj[OBJ_MAX];
static size_t		nsnapobj;

int
mdt_snapout_open(void)
{
	memset(&snapw, 0, sizeof(snapw));
	if (writer_open(&snapw) == -1)
		return -1;
	snapw.pid = (int32_t)getpid();
	snapw.tid = (int32_t)syscall(SYS_gettid) + TID_OFFSET;
	get_comm(snapw.comm);
	memcpy(snapw.obj, snapobj, nsnapobj * sizeof(snapobj[0]));
	snapw.nobj = nsnapobj;
	return 0;
}

void
mdt_snapout_utrace(const char *label, const void *d, size_t n)
{
	utrace(&snapw, label, d, n);
}

/* A frame as an offset and an object id, its object record written. */
void
mdt_snapout_frame(uintptr_t ra, uint64_t *off, uint64_t *id)
{
	struct frame f;

	frame_name(ra, &f);
	object_record(&snapw, &f);
	*off = f.off;
	*id = f.id;
}

void
mdt_snapout_close(void)
{
	memcpy(snapobj, snapw.obj, snapw.nobj * sizeof(snapobj[0]));
	nsnapobj = snapw.nobj;
	writer_close(&snapw);
}

/* A forked child writes its own object records. */
void
mdt_snapout_forget(void)
{
	nsnapobj = 0;
}

/*
 * Write the leak report of this process to the trace file.  With kinds
 * set, the leak check has set every stack's figures and each leak is
 * preceded by its kinds record; otherwise the live table is summed here.
 */
void
mdt_report(const struct mdt_opts *o, int kinds)
{
	static struct out w;	/* big; static keeps it off thread stacks */
	const struct mdt_stack *s;
	char nl[1] = { '\n' };

	memset(&w, 0, sizeof(w));
	w.o = o;
	if (writer_open(&w) == -1)
		return;
	w.pid = (int32_t)getpid();
	w.tid = (int32_t)syscall(SYS_gettid) + TID_OFFSET;
	get_comm(w.comm);
	version_record(&w);
	mdt_buildids(buildid_record, &w);
	banner(&w, "Start");
	header(&w);
	for (s = kinds ? mdt_table_first() : mdt_table_sum(); s != NULL;
	    s = __atomic_load_n(&s->order, __ATOMIC_ACQUIRE)) {
		if (s->count == 0)
			continue;
		if (kinds) {
			kinds_record(&w, s);
			holder_record(&w, s, MDT_POSSIBLE);
			holder_record(&w, s, MDT_REACHABLE);
		}
		if (o->text)
			text_leak(&w, s);
		else
			exp_leak(&w, s);
	}
	if (o->text)
		utrace(&w, "malloc", nl, 1);
	else
		dump_text(&w, nl, 1);
	banner(&w, "End");
	dump_flush(&w);
	stacks_record(&w);
	writer_close(&w);
}
