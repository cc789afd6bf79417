/*
 * dwarf_line.c: the line-program decoder (.debug_line versions 2-5).
 *
 * A line program is run once, when an address first lands in a unit
 * naming it, into sorted rows grouped by sequence, so that a lookup is
 * two binary searches; units naming the same program share it.  A file
 * name is joined with its directory and the unit's compilation
 * directory the way llvm-symbolizer and addr2line show it, when a row
 * or call first names it.  Columns, discriminators, ISA and view
 * numbers are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "bsearch.h"
#include "dwarf_impl.h"
#include "xmalloc.h"

/* Standard opcodes. */
#define DW_LNS_copy			0x01
#define DW_LNS_advance_pc		0x02
#define DW_LNS_advance_line		0x03
#define DW_LNS_set_file			0x04
#define DW_LNS_set_column		0x05
#define DW_LNS_negate_stmt		0x06
#define DW_LNS_set_basic_block		0x07
#define DW_LNS_const_add_pc		0x08
#define DW_LNS_fixed_advance_pc		0x09
#define DW_LNS_set_prologue_end		0x0a
#define DW_LNS_set_epilogue_begin	0x0b
#define DW_LNS_set_isa			0x0c

/* Extended opcodes. */
#define DW_LNE_end_sequence		0x01
#define DW_LNE_set_address		0x02
#define DW_LNE_define_file		0x03

/* Content types of DWARF 5 directory and file entries. */
#define DW_LNCT_path			0x1
#define DW_LNCT_directory_index		0x2

/* A file entry as the header (or DW_LNE_define_file) gives it. */
struct lfile {
	const char	*name;
	uint64_t	 dir;
};

/* What the header says, and the tables being built. */
struct lhdr {
	struct dw_unit	 lu;		/* the unit, with the table's sizes */
	size_t		 prog, end;	/* the program's bytes */
	uint8_t		 min_inst, max_ops, default_stmt, line_range;
	uint8_t		 opcode_base;
	int8_t		 line_base;
	/*
	 * What each special opcode adds to the operation advance and to
	 * the line, worked out once: the program has one per row.
	 */
	uint8_t		 sp_adv[256];
	int16_t		 sp_line[256];
	const uint8_t	*std_len;
	const char	**dirs;
	size_t		 ndirs;
	struct lfile	*files;
	size_t		 nfiles, fcap;
};

static void
lfile_add(struct lhdr *h, const char *name, uint64_t dir)
{
	if (h->nfiles == h->fcap) {
		h->fcap = h->fcap ? h->fcap * 2 : 16;
		h->files = xreallocarray(h->files, h->fcap, sizeof(*h->files));
	}
	h->files[h->nfiles].name = name;
	h->files[h->nfiles].dir = dir;
	h->nfiles++;
}

/* DWARF 2-4 tables: strings until an empty one; entries take bytes. */
static int
tables_v4(struct buf *b, struct lhdr *h)
{
	const char *s;
	size_t cap = 0;
	uint64_t dir;

	while ((s = buf_cstr(b)) != NULL && *s != '\0') {
		if (h->ndirs == cap) {
			cap = cap ? cap * 2 : 16;
			h->dirs = xreallocarray(h->dirs, cap, sizeof(*h->dirs));
		}
		h->dirs[h->ndirs++] = s;
	}
	while ((s = buf_cstr(b)) != NULL && *s != '\0') {
		dir = buf_uleb(b);
		buf_uleb(b);	/* modification time */
		buf_uleb(b);	/* length */
		lfile_add(h, s, dir);
	}
	return b->err ? -1 : 0;
}

/*
 * One DWARF 5 entry table: formats, then entries.  Each entry has at
 * least one field of at least one byte (zero-size forms are refused),
 * so the count is checked against the bytes left before allocating.
 */
static int
table_v5(struct dwarf *d, struct buf *b, struct lhdr *h, int isdir)
{
	uint64_t fmt[2 * 255], n, i, dir;
	size_t nfmt, j;
	struct dw_val v;
	const char *path;

	nfmt = buf_u8(b);
	for (j = 0; j < nfmt; j++) {
		fmt[2 * j] = buf_uleb(b);
		fmt[2 * j + 1] = buf_uleb(b);
		if (fmt[2 * j + 1] > UINT32_MAX ||
		    fmt[2 * j + 1] == DW_FORM_flag_present ||
		    fmt[2 * j + 1] == DW_FORM_implicit_const ||
		    fmt[2 * j + 1] == DW_FORM_indirect)
			return -1;
	}
	n = buf_uleb(b);
	if (b->err || (n > 0 && nfmt == 0) || n > buf_left(b))
		return -1;
	if (isdir)
		h->dirs = xreallocarray(NULL, n ? n : 1, sizeof(*h->dirs));
	for (i = 0; i < n; i++) {
		path = NULL;
		dir = 0;
		for (j = 0; j < nfmt; j++) {
			if (dw_form_read(&h->lu, b, (uint32_t)fmt[2 * j + 1], 0,
			    &v) == -1)
				return -1;
			if (fmt[2 * j] == DW_LNCT_path)
				path = dw_val_str(d, &h->lu, &v);
			else if (fmt[2 * j] == DW_LNCT_directory_index &&
			    (v.cls == DW_V_CONST || v.cls == DW_V_SCONST))
				dir = v.u;
		}
		if (isdir)
			h->dirs[h->ndirs++] = path != NULL ? path : "";
		else
			lfile_add(h, path != NULL ? path : "", dir);
	}
	return 0;
}

/* Parse the program header at off; the program's bounds into h. */
static int
header_read(struct dwarf *d, struct dw_unit *u, uint64_t off, struct lhdr *h)
{
	struct buf b;
	uint64_t len, hlen;
	unsigned version;

	dw_buf(d, &b, &d->s.line);
	if (off >= b.len || buf_seek(&b, (size_t)off) == -1)
		return -1;
	h->lu = *u;
	h->lu.off_size = 4;
	if ((len = buf_u32(&b)) == 0xffffffffu) {
		h->lu.off_size = 8;
		len = buf_u64(&b);
	}
	if (b.err || len > buf_left(&b))
		return -1;
	h->end = b.pos + (size_t)len;
	b.len = h->end;
	version = buf_u16(&b);
	if (version < 2 || version > 5)
		return -1;
	h->lu.version = (uint16_t)version;
	if (version >= 5) {
		h->lu.addr_size = buf_u8(&b);
		buf_u8(&b);	/* segment selector size */
	}
	hlen = buf_uint(&b, h->lu.off_size);
	if (b.err || hlen > buf_left(&b))
		return -1;
	h->prog = b.pos + (size_t)hlen;
	h->min_inst = buf_u8(&b);
	h->max_ops = version >= 4 ? buf_u8(&b) : 1;
	h->default_stmt = buf_u8(&b);
	h->line_base = (int8_t)buf_u8(&b);
	h->line_range = buf_u8(&b);
	h->opcode_base = buf_u8(&b);
	if (h->opcode_base > 0)
		h->std_len = buf_bytes(&b, h->opcode_base - 1u);
	if (b.err)
		return -1;
	if (h->max_ops == 0)
		h->max_ops = 1;
	if (version >= 5)
		return table_v5(d, &b, h, 1) == -1 ||
		    table_v5(d, &b, h, 0) == -1 ? -1 : 0;
	return tables_v4(&b, h);
}

/*
 * Append b to the path in buf[0..*len) with one slash between them, as
 * llvm's path::append joins; -1 when the result would pass DW_MAX_PATH.
 */
static int
path_append(char *buf, size_t *len, const char *b)
{
	size_t la = *len, lb;

	if (la > 0 && buf[la - 1] == '/')
		while (*b == '/')
			b++;
	lb = strlen(b);
	if (la > 0 && lb > 0 && buf[la - 1] != '/' && b[0] != '/') {
		if (la + 1 > DW_MAX_PATH)
			return -1;
		buf[la++] = '/';
	}
	if (lb > DW_MAX_PATH - la)
		return -1;
	memcpy(buf + la, b, lb + 1);
	*len = la + lb;
	return 0;
}

/*
 * A file entry as the table keeps it.  An absolute name stays;
 * otherwise its directory comes first, and the compilation directory
 * before a relative directory, except for DWARF 5 directory 0, which
 * already is the compilation directory.
 */
static void
file_entry(const struct lhdr *h, size_t i, struct dw_lfile *out)
{
	const struct lfile *f = &h->files[i];
	int v5 = h->lu.version >= 5;

	out->name = f->name;
	out->dir = "";
	out->cd = 0;
	if (f->name[0] == '/')
		return;
	if (v5 && f->dir < h->ndirs)
		out->dir = h->dirs[f->dir];
	else if (!v5 && f->dir > 0 && f->dir <= h->ndirs)
		out->dir = h->dirs[f->dir - 1];
	out->cd = out->dir[0] != '/' && (!v5 || f->dir != 0);
}

/* The state machine registers the reader keeps. */
struct lstate {
	uint64_t	 addr, op;
	uint64_t	 file;
	int64_t		 line;
	size_t		 seq_first;
	size_t		 rcap, scap;
};

/*
 * Lines move by signed steps from the file; they wrap rather than
 * overflow, and a line out of range is stored as unknown (row_emit).
 */
static int64_t
line_add(int64_t line, int64_t step)
{
	return (int64_t)((uint64_t)line + (uint64_t)step);
}

static void
lstate_reset(struct lstate *st, size_t nrows)
{
	st->addr = st->op = 0;
	st->file = 1;
	st->line = 1;
	st->seq_first = nrows;
}

static void
row_emit(struct dw_lines *L, struct lstate *st)
{
	struct dw_row *r;

	/*
	 * Of rows at one address a lookup answers with the last: an
	 * earlier one (a view, a column or is_stmt change) is replaced.
	 */
	if (L->nrows > st->seq_first &&
	    L->rows[L->nrows - 1].addr == st->addr)
		r = &L->rows[L->nrows - 1];
	else {
		if (L->nrows == st->rcap) {
			st->rcap = st->rcap ? st->rcap * 2 : 256;
			L->rows = xreallocarray(L->rows, st->rcap,
			    sizeof(*L->rows));
		}
		r = &L->rows[L->nrows++];
		r->addr = st->addr;
	}
	r->file = st->file > UINT32_MAX ? UINT32_MAX : (uint32_t)st->file;
	r->line = st->line < 0 || st->line > UINT32_MAX ? 0 :
	    (uint32_t)st->line;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct dw_row *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Close a sequence at the end_sequence address; empty ones are dropped. */
static void
seq_end(struct dw_lines *L, struct lstate *st)
{
	struct dw_seq *s;
	size_t i, n = L->nrows - st->seq_first;

	if (n == 0 || L->rows[st->seq_first].addr >= st->addr) {
		L->nrows = st->seq_first;
		return;
	}
	/* Rows of a sequence must rise; damaged ones are sorted. */
	for (i = st->seq_first + 1; i < L->nrows; i++)
		if (L->rows[i].addr < L->rows[i - 1].addr) {
			qsort(L->rows + st->seq_first, n, sizeof(*L->rows),
			    row_cmp);
			break;
		}
	if (L->nseqs == st->scap) {
		st->scap = st->scap ? st->scap * 2 : 16;
		L->seqs = xreallocarray(L->seqs, st->scap, sizeof(*L->seqs));
	}
	s = &L->seqs[L->nseqs++];
	s->lo = L->rows[st->seq_first].addr;
	s->hi = st->addr;
	s->first = st->seq_first;
	s->n = n;
}

/* Advance the address by an operation advance (VLIW op_index kept). */
static void
advance(const struct lhdr *h, struct lstate *st, uint64_t adv)
{
	uint64_t ops;

	/* Only VLIW targets have more than one operation per instruction. */
	if (h->max_ops == 1) {
		st->addr += h->min_inst * adv;
		return;
	}
	ops = st->op + adv;
	st->addr += h->min_inst * (ops / h->max_ops);
	st->op = ops % h->max_ops;
}

static void
special_init(struct lhdr *h)
{
	unsigned op, adj;

	for (op = h->opcode_base; op < 256; op++) {
		adj = op - h->opcode_base;
		h->sp_adv[op] = (uint8_t)(adj / h->line_range);
		h->sp_line[op] = (int16_t)(h->line_base +
		    (int)(adj % h->line_range));
	}
}

static int
extended(struct lhdr *h, struct buf *b, struct dw_lines *L, struct lstate *st)
{
	uint64_t len;
	size_t next;
	const char *name;
	uint64_t dir;

	len = buf_uleb(b);
	if (b->err || len == 0 || len > buf_left(b))
		return -1;
	next = b->pos + (size_t)len;
	switch (buf_u8(b)) {
	case DW_LNE_end_sequence:
		seq_end(L, st);
		lstate_reset(st, L->nrows);
		break;
	case DW_LNE_set_address:
		if (len - 1 >= 1 && len - 1 <= 8)
			st->addr = buf_uint(b, (size_t)len - 1);
		st->op = 0;
		break;
	case DW_LNE_define_file:
		if ((name = buf_cstr(b)) != NULL) {
			dir = buf_uleb(b);
			if (!b->err)
				lfile_add(h, name, dir);
		}
		break;
	default:
		break;
	}
	return buf_seek(b, next);
}

static void
standard(struct lhdr *h, struct buf *b, struct dw_lines *L, struct lstate *st,
    unsigned op)
{
	unsigned i;

	switch (op) {
	case DW_LNS_copy:
		row_emit(L, st);
		break;
	case DW_LNS_advance_pc:
		advance(h, st, buf_uleb(b));
		break;
	case DW_LNS_advance_line:
		st->line = line_add(st->line, buf_sleb(b));
		break;
	case DW_LNS_set_file:
		st->file = buf_uleb(b);
		break;
	case DW_LNS_const_add_pc:
		advance(h, st, (255u - h->opcode_base) / h->line_range);
		break;
	case DW_LNS_fixed_advance_pc:
		st->addr += buf_u16(b);
		st->op = 0;
		break;
	case DW_LNS_negate_stmt: case DW_LNS_set_basic_block:
	case DW_LNS_set_prologue_end: case DW_LNS_set_epilogue_begin:
		break;
	default:
		/* Column, ISA and unknown opcodes: skip their operands. */
		for (i = 0; i < h->std_len[op - 1]; i++)
			buf_uleb(b);
		break;
	}
}

/* Run the program; every opcode consumes a byte, bounding the loop. */
static void
program_run(struct lhdr *h, struct buf *b, struct dw_lines *L)
{
	struct lstate st;
	unsigned op;

	memset(&st, 0, sizeof(st));
	lstate_reset(&st, 0);
	special_init(h);
	while (b->pos < h->end && !b->err) {
		op = b->p[b->pos++];
		if (op >= h->opcode_base) {
			advance(h, &st, h->sp_adv[op]);
			st.line = line_add(st.line, h->sp_line[op]);
			row_emit(L, &st);
		} else if (op == 0) {
			if (extended(h, b, L, &st) == -1)
				break;
		} else
			standard(h, b, L, &st, op);
	}
	/* Rows after the last end_sequence have no end: drop them. */
	L->nrows = st.seq_first;
}

static int
seq_cmp(const void *a, const void *b)
{
	const struct dw_seq *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sample every DW_LINE_STRIDE-th row address of each sequence. */
static void
skip_build(struct dw_lines *L)
{
	size_t i, k, n = 0;
	struct dw_seq *s;

	for (i = 0; i < L->nseqs; i++)
		n += (L->seqs[i].n + DW_LINE_STRIDE - 1) / DW_LINE_STRIDE;
	L->skip = xreallocarray(NULL, n ? n : 1, sizeof(*L->skip));
	n = 0;
	for (i = 0; i < L->nseqs; i++) {
		s = &L->seqs[i];
		s->skip = n;
		for (k = 0; k < s->n; k += DW_LINE_STRIDE)
			L->skip[n++] = L->rows[s->first + k].addr;
	}
}

/*
 * Point u at its line program, decoded on first use by any unit naming
 * the same one; -1 when it has none.  A damaged program keeps the rows
 * read before the damage.
 */
int
dw_lines_decode(struct dwarf *d, struct dw_unit *u)
{
	struct lhdr h;
	struct buf b;
	struct dw_lines *L;
	size_t i;

	if (!u->has_stmt)
		return -1;
	if ((L = u64map_get(&d->lines, u->stmt_list)) != NULL) {
		u->lines = L;
		return 0;
	}
	L = xcalloc(1, sizeof(*L));
	L->off = u->stmt_list;
	(void)u64map_put(&d->lines, L->off, L);
	L->all = d->line_list;
	d->line_list = L;
	u->lines = L;
	memset(&h, 0, sizeof(h));
	if (header_read(d, u, u->stmt_list, &h) == -1 ||
	    h.line_range == 0 || h.opcode_base == 0) {
		dw_damaged(d, ".debug_line", u->stmt_list,
		    "unreadable line program header");
		goto out;
	}
	dw_buf(d, &b, &d->s.line);
	b.len = h.end;
	if (buf_seek(&b, h.prog) == -1)
		goto out;
	program_run(&h, &b, L);
	if (b.err)
		dw_damaged(d, ".debug_line", b.pos,
		    "line program cut short");
	if (L->nseqs > 1)
		qsort(L->seqs, L->nseqs, sizeof(*L->seqs), seq_cmp);
	skip_build(L);
	L->v5 = h.lu.version >= 5;
	L->nfiles = h.nfiles;
	L->files = xreallocarray(NULL, h.nfiles ? h.nfiles : 1,
	    sizeof(*L->files));
	for (i = 0; i < h.nfiles; i++)
		file_entry(&h, i, &L->files[i]);
out:
	free(h.dirs);
	free(h.files);
	return 0;
}

/* The row for addr: the last at or below it in the sequence holding it. */
const struct dw_row *
dw_lines_find(const struct dw_lines *L, uint64_t addr)
{
	const struct dw_seq *s;
	const struct dw_row *r;
	const uint64_t *sk;
	size_t lo, base;

	lo = BS_UPPER(L->seqs, L->nseqs, struct dw_seq, lo, addr);
	if (lo == 0 || addr >= L->seqs[lo - 1].hi)
		return NULL;
	s = &L->seqs[lo - 1];
	/* The last sampled row at or below addr, then rows after it. */
	sk = L->skip + s->skip;
	lo = BS_UPPER_U64(sk, (s->n + DW_LINE_STRIDE - 1) / DW_LINE_STRIDE,
	    addr);
	if (lo == 0)
		return NULL;
	base = (lo - 1) * DW_LINE_STRIDE;
	r = L->rows + s->first + base;
	lo = BS_UPPER(r, s->n - base < DW_LINE_STRIDE ? s->n - base :
	    DW_LINE_STRIDE, struct dw_row, addr, addr);
	return lo == 0 ? NULL : &r[lo - 1];
}

/* What a unit's path cache holds for a path too long to keep. */
static const char too_long[] = "";

/*
 * The joined path of a file index as rows and DW_AT_call_file use it,
 * joined on first use with u's compilation directory and kept in u.
 */
const char *
dw_lines_file(struct dw_unit *u, uint64_t idx)
{
	const struct dw_lines *L = u->lines;
	const struct dw_lfile *f;
	char buf[DW_MAX_PATH + 1], *p;
	size_t len = 0;

	if (L == NULL)
		return NULL;
	if (!L->v5) {
		if (idx == 0)
			return NULL;
		idx--;
	}
	if (idx >= L->nfiles)
		return NULL;
	if ((p = u64map_get(&u->paths, idx)) != NULL)
		return p == too_long ? NULL : p;
	f = &L->files[idx];
	buf[0] = '\0';
	if ((f->cd && u->comp_dir != NULL &&
	    path_append(buf, &len, u->comp_dir) == -1) ||
	    path_append(buf, &len, f->dir) == -1 ||
	    path_append(buf, &len, f->name) == -1) {
		(void)u64map_put(&u->paths, idx, (void *)(uintptr_t)too_long);
		return NULL;
	}
	p = xstrdup(buf);
	(void)u64map_put(&u->paths, idx, p);
	return p;
}

/* Free the paths a unit joined. */
void
dw_lines_unit_free(struct dw_unit *u)
{
	size_t i;

	for (i = 0; i < u->paths.nslots; i++)
		if (u->paths.vals[i] != NULL && u->paths.vals[i] != too_long)
			free(u->paths.vals[i]);
	u64map_free(&u->paths);
}

/* Free every line table of the reader. */
void
dw_lines_free(struct dwarf *d)
{
	struct dw_lines *L;

	while ((L = d->line_list) != NULL) {
		d->line_list = L->all;
		free(L->files);
		free(L->rows);
		free(L->seqs);
		free(L->skip);
		free(L);
	}
	u64map_free(&d->lines);
}
