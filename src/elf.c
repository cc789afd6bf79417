/*
 * elf.c: read ELF32/ELF64 objects of either byte order, for the
 * symbolizer.
 *
 * The file is mapped read-only (or read into memory when mmap fails) and
 * every structure in it is decoded field by field through the bounded
 * cursor of buf.h.  The file header, section headers and program headers
 * are decoded once at open; symbol tables when a symbol is first asked
 * for; compressed sections when they are first asked for.  Offsets and
 * sizes from the file are checked against the file size before use: a
 * section that lies outside the file is treated as damaged, and a file
 * header that does not fit is refused.
 *
 * This file does not apply relocations (the symbolizer reads linked
 * objects only), does not decode DWARF and does not search for separate
 * debug files.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "bsearch.h"
#include "buf.h"
#include "elf.h"
#include "xmalloc.h"

/* e_ident. */
#define EI_NIDENT	16
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define EV_CURRENT	1

/* Special section indexes and extended numbering. */
#define SHN_UNDEF	0
#define SHN_LORESERVE	0xff00
#define SHN_XINDEX	0xffff
#define PN_XNUM		0xffff

/* Section types and flags. */
#define SHT_SYMTAB	2
#define SHT_NOTE	7
#define SHT_NOBITS	8
#define SHT_DYNSYM	11
#define SHF_EXECINSTR	0x4
#define SHF_COMPRESSED	0x800
#define ELFCOMPRESS_ZLIB 1

/* Segment types. */
#define PT_LOAD		1
#define PT_NOTE		4

/* Symbol types and bindings. */
#define STT_NOTYPE	0
#define STT_OBJECT	1
#define STT_FUNC	2
#define STT_COMMON	5
#define STT_TLS		6
#define STT_GNU_IFUNC	10
#define STB_LOCAL	0
#define STB_GLOBAL	1
#define STB_WEAK	2

/* Notes. */
#define NT_GNU_BUILD_ID	3

/* Sizes of the on-disk structures, 32-bit and 64-bit. */
#define EHDR32_SIZE	52
#define EHDR64_SIZE	64
#define SHDR32_SIZE	40
#define SHDR64_SIZE	64
#define PHDR32_SIZE	32
#define PHDR64_SIZE	56
#define SYM32_SIZE	16
#define SYM64_SIZE	24
#define CHDR32_SIZE	12
#define CHDR64_SIZE	24
#define ZDEBUG_HDR_SIZE	12	/* "ZLIB" and a 64-bit big-endian size */

/*
 * The smallest page size of the systems mdump runs on.  The loader maps
 * the lowest segment from its address rounded down to a page, and that
 * is the base the traced offsets are relative to.
 */
#define ELF_PAGE_SIZE	4096

/*
 * No debug section mdump reads is larger than this once inflated; it
 * keeps a hostile size field from asking for all of memory.
 */
#define ELF_MAX_INFLATE	((uint64_t)1 << 30)

/* Deflate cannot expand data by more than this factor (RFC 1951). */
#define DEFLATE_MAX_RATIO	1032

/*
 * Note areas (SHT_NOTE sections, then PT_NOTE segments) searched for the
 * build-id.  Objects have a handful (build-id, ABI tag, GNU property,
 * stapsdt, package), each usually both a section and part of a segment.
 * Without a bound, thousands of headers naming the same large area
 * would make the search take time quadratic in the file's size.
 */
#define ELF_MAX_NOTE_AREAS	64

/*
 * Symbols a lookup walks back over for one that covers the address.
 * Sized function symbols nest only where an assembler file gives inner
 * labels a size, a few at a time; a table that needs a longer walk was
 * built to be slow (one huge symbol below thousands of small ones would
 * make every lookup walk the whole table), and gets no answer.
 */
#define ELF_SYM_LOOKBACK	256

/* elf_shdr.strend before the section was first used as a string table. */
#define STREND_UNKNOWN		SIZE_MAX

struct elf_shdr {
	uint32_t	 name;
	uint32_t	 type;
	uint64_t	 flags;
	uint64_t	 offset;
	uint64_t	 size;
	uint32_t	 link;
	uint64_t	 align;
	uint64_t	 entsize;
	const char	*sname;		/* "" when the name is not readable */
	int		 inside;	/* offset and size lie in the file */
	int		 state;		/* ELF_SECT_* once inflated, else 1 */
	uint8_t		*inflated;	/* owned; the inflated bytes */
	size_t		 inflen;
	size_t		 strend;	/* one past its last NUL, or unknown */
};

struct elf_phdr {
	uint32_t	 type;
	uint64_t	 offset;
	uint64_t	 vaddr;
	uint64_t	 filesz;
	uint64_t	 align;
};

struct elf_sym {
	uint64_t	 value;
	uint64_t	 size;
	uint64_t	 maxend;	/* largest end of this and all before */
	const char	*name;
	int		 rank;		/* prefer global over weak over local */
	size_t		 order;		/* position in the table, for ties */
};

/* The symbols of one class (ELF_SYMS_*), sorted by value. */
struct elf_symtab {
	struct elf_sym	*syms;		/* owned */
	size_t		 nsyms;
	int		 done;
};

struct elf {
	const uint8_t	*img;
	size_t		 len;
	int		 how;		/* IMG_* */
	int		 be;
	int		 is64;
	int		 type;
	struct elf_shdr	*sh;		/* owned */
	size_t		 shnum;
	struct elf_phdr	*ph;		/* owned */
	size_t		 phnum;
	uint64_t	 link_base;
	struct elf_symtab tabs[ELF_NSYMS];	/* built on first use */
};

#define IMG_MEM		0	/* not owned */
#define IMG_MAPPED	1	/* munmap at close */
#define IMG_MALLOC	2	/* free at close */

/* Does [off, off + size) lie inside a file of len bytes? */
static int
in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* A file word: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t
get_word(struct buf *b, int is64)
{
	return is64 ? buf_u64(b) : buf_u32(b);
}

/*
 * The length of the part of string table s that ends in a NUL: a name at
 * an offset below it ends inside the table.  Found once per table, from
 * the end, rather than by a search for each name, which a table without
 * NULs and thousands of names pointing into it would make quadratic.
 */
static size_t
strtab_end(const struct elf *e, struct elf_shdr *s)
{
	const uint8_t *p = e->img + s->offset;
	size_t n = (size_t)s->size;

	if (s->strend == STREND_UNKNOWN) {
		while (n > 0 && p[n - 1] != '\0')
			n--;
		s->strend = n;
	}
	return s->strend;
}

/* A NUL-terminated string at off in a string table section, or NULL. */
static const char *
strtab_get(struct elf *e, size_t strndx, uint64_t off)
{
	struct elf_shdr *s;

	if (strndx == SHN_UNDEF || strndx >= e->shnum)
		return NULL;
	s = &e->sh[strndx];
	if (!s->inside || s->type == SHT_NOBITS || off >= s->size ||
	    off >= strtab_end(e, s))
		return NULL;
	return (const char *)e->img + s->offset + off;
}

static void
read_shdr(struct buf *b, int is64, struct elf_shdr *s)
{
	s->name = buf_u32(b);
	s->type = buf_u32(b);
	s->flags = get_word(b, is64);
	(void)get_word(b, is64);	/* sh_addr */
	s->offset = get_word(b, is64);
	s->size = get_word(b, is64);
	s->link = buf_u32(b);
	(void)buf_u32(b);		/* sh_info */
	s->align = get_word(b, is64);
	s->entsize = get_word(b, is64);
}

static void
read_phdr(struct buf *b, int is64, struct elf_phdr *p)
{
	p->type = buf_u32(b);
	if (is64) {
		(void)buf_u32(b);	/* p_flags */
		p->offset = buf_u64(b);
		p->vaddr = buf_u64(b);
		(void)buf_u64(b);	/* p_paddr */
		p->filesz = buf_u64(b);
		(void)buf_u64(b);	/* p_memsz */
		p->align = buf_u64(b);
	} else {
		p->offset = buf_u32(b);
		p->vaddr = buf_u32(b);
		(void)buf_u32(b);	/* p_paddr */
		p->filesz = buf_u32(b);
		(void)buf_u32(b);	/* p_memsz */
		(void)buf_u32(b);	/* p_flags */
		p->align = buf_u32(b);
	}
}

/* The header fields needed to find the tables. */
struct ehdr {
	uint64_t	phoff, shoff;
	size_t		phentsize, phnum, shentsize, shnum, shstrndx;
};

static const char *
read_ehdr(struct elf *e, struct ehdr *h)
{
	struct buf b;
	const uint8_t *id = e->img;

	if (e->len < EI_NIDENT || memcmp(id, "\177ELF", 4) != 0)
		return "not an ELF file";
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return "unknown ELF class";
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return "unknown ELF byte order";
	if (id[EI_VERSION] != EV_CURRENT)
		return "unknown ELF version";
	e->is64 = id[EI_CLASS] == ELFCLASS64;
	e->be = id[EI_DATA] == ELFDATA2MSB;
	if (e->len < (size_t)(e->is64 ? EHDR64_SIZE : EHDR32_SIZE))
		return "truncated ELF header";
	buf_init(&b, e->img, e->len, e->be);
	buf_seek(&b, EI_NIDENT);
	e->type = buf_u16(&b);
	(void)buf_u16(&b);		/* e_machine */
	(void)buf_u32(&b);		/* e_version */
	(void)get_word(&b, e->is64);	/* e_entry */
	h->phoff = get_word(&b, e->is64);
	h->shoff = get_word(&b, e->is64);
	(void)buf_u32(&b);		/* e_flags */
	(void)buf_u16(&b);		/* e_ehsize */
	h->phentsize = buf_u16(&b);
	h->phnum = buf_u16(&b);
	h->shentsize = buf_u16(&b);
	h->shnum = buf_u16(&b);
	h->shstrndx = buf_u16(&b);
	return b.err ? "truncated ELF header" : NULL;
}

/*
 * Decode the section headers.  Extended numbering keeps the real count
 * and string table index in section 0 when they do not fit in 16 bits.
 * A table that does not fit in the file is an error: nothing else in
 * the file can be found without it.
 */
static const char *
read_sections(struct elf *e, struct ehdr *h)
{
	struct buf b;
	size_t min = e->is64 ? SHDR64_SIZE : SHDR32_SIZE, i;
	struct elf_shdr s0;

	if (h->shoff == 0)
		return NULL;
	if (h->shentsize < min || !in_file(h->shoff, h->shentsize, e->len))
		return "section headers outside the file";
	buf_init(&b, e->img, e->len, e->be);
	buf_seek(&b, (size_t)h->shoff);
	read_shdr(&b, e->is64, &s0);
	if (h->shnum == 0)
		h->shnum = s0.size > SIZE_MAX ? SIZE_MAX : (size_t)s0.size;
	if (h->shstrndx == SHN_XINDEX)
		h->shstrndx = s0.link;
	if (h->phnum == PN_XNUM)
		h->phnum = 0;	/* The real count is in sh_info: unused. */
	if (h->shnum > (e->len - h->shoff) / h->shentsize)
		return "section headers outside the file";
	e->shnum = h->shnum;
	e->sh = xcalloc(e->shnum, sizeof(*e->sh));
	for (i = 0; i < e->shnum; i++) {
		struct elf_shdr *s = &e->sh[i];

		buf_seek(&b, (size_t)(h->shoff + i * h->shentsize));
		read_shdr(&b, e->is64, s);
		s->inside = s->type == SHT_NOBITS ||
		    in_file(s->offset, s->size, e->len);
		s->state = 1;
		s->strend = STREND_UNKNOWN;
	}
	for (i = 0; i < e->shnum; i++) {
		const char *n = strtab_get(e, h->shstrndx, e->sh[i].name);

		e->sh[i].sname = n != NULL ? n : "";
	}
	return NULL;
}

/* Decode the program headers; only PT_LOAD and PT_NOTE are kept. */
static const char *
read_segments(struct elf *e, const struct ehdr *h)
{
	struct buf b;
	size_t min = e->is64 ? PHDR64_SIZE : PHDR32_SIZE, i;
	uint64_t lowest = UINT64_MAX;

	if (h->phoff == 0 || h->phnum == 0)
		return NULL;
	if (h->phentsize < min || h->phoff > e->len ||
	    h->phnum > (e->len - h->phoff) / h->phentsize)
		return "program headers outside the file";
	e->ph = xcalloc(h->phnum, sizeof(*e->ph));
	buf_init(&b, e->img, e->len, e->be);
	for (i = 0; i < h->phnum; i++) {
		struct elf_phdr p;

		buf_seek(&b, (size_t)(h->phoff + i * h->phentsize));
		read_phdr(&b, e->is64, &p);
		if (p.type != PT_LOAD && p.type != PT_NOTE)
			continue;
		e->ph[e->phnum++] = p;
		if (p.type == PT_LOAD && p.vaddr < lowest)
			lowest = p.vaddr;
	}
	if (lowest != UINT64_MAX)
		e->link_base = lowest & ~(uint64_t)(ELF_PAGE_SIZE - 1);
	return NULL;
}

static struct elf *
elf_setup(struct elf *e, const char **why)
{
	struct ehdr h;
	const char *msg;

	if ((msg = read_ehdr(e, &h)) == NULL &&
	    (msg = read_sections(e, &h)) == NULL)
		msg = read_segments(e, &h);
	if (msg != NULL) {
		if (why != NULL)
			*why = msg;
		elf_close(e);
		return NULL;
	}
	return e;
}

struct elf *
elf_open_mem(const void *p, size_t len, const char **why)
{
	struct elf *e;

	e = xcalloc(1, sizeof(*e));
	e->img = p;
	e->len = p == NULL ? 0 : len;
	e->how = IMG_MEM;
	return elf_setup(e, why);
}

/* Read a regular file that cannot be mapped (no mmap in its file system). */
static uint8_t *
slurp(int fd, size_t *lenp)
{
	uint8_t *p = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap > SIZE_MAX / 2 - 1) {
				free(p);
				errno = EFBIG;
				return NULL;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			p = xreallocarray(p, cap, 1);
		}
		if ((n = read(fd, p + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			free(p);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*lenp = len;
	return p;
}

struct elf *
elf_open(const char *path, const char **why)
{
	struct elf *e;
	struct stat st;
	void *p;
	int fd;

	/*
	 * Paths come from the trace, which may name a FIFO (whose open
	 * would wait for a writer) or a device such as /dev/zero (which
	 * never ends): open without blocking and read regular files only.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1) {
		if (why != NULL)
			*why = errno == ENOENT ? "not found" : strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (why != NULL)
			*why = "not a regular file";
		close(fd);
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	if (st.st_size > 0 &&
	    (uintmax_t)st.st_size <= SIZE_MAX &&
	    (p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) != MAP_FAILED) {
		e->img = p;
		e->len = (size_t)st.st_size;
		e->how = IMG_MAPPED;
	} else if ((e->img = slurp(fd, &e->len)) != NULL) {
		e->how = IMG_MALLOC;
	} else {
		if (why != NULL)
			*why = strerror(errno);
		close(fd);
		free(e);
		return NULL;
	}
	close(fd);
	return elf_setup(e, why);
}

void
elf_close(struct elf *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->shnum; i++)
		free(e->sh[i].inflated);
	free(e->sh);
	free(e->ph);
	for (i = 0; i < ELF_NSYMS; i++)
		free(e->tabs[i].syms);
	if (e->how == IMG_MAPPED)
		munmap((void *)(uintptr_t)e->img, e->len);
	else if (e->how == IMG_MALLOC)
		free((void *)(uintptr_t)e->img);
	free(e);
}

int
elf_type(const struct elf *e)
{
	return e->type;
}

int
elf_big_endian(const struct elf *e)
{
	return e->be;
}

int
elf_addr_size(const struct elf *e)
{
	return e->is64 ? 8 : 4;
}

uint64_t
elf_link_base(const struct elf *e)
{
	return e->link_base;
}

const uint8_t *
elf_image(const struct elf *e, size_t *len)
{
	*len = e->len;
	return e->img;
}

#ifdef HAVE_ZLIB
/*
 * Inflate a zlib stream into exactly size bytes.  Anything else (a
 * shorter or longer stream, a damaged one) is an error.
 */
static int
inflate_exact(const uint8_t *src, size_t srclen, uint8_t *dst, size_t size)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)src;
	z.next_out = dst;
	z.avail_out = 0;
	/* zlib counts in uInt; feed and drain in chunks that fit. */
	do {
		size_t in = srclen - (size_t)((const uint8_t *)z.next_in - src);
		size_t out = size - (size_t)(z.next_out - dst);

		z.avail_in = in > UINT_MAX ? UINT_MAX : (uInt)in;
		z.avail_out = out > UINT_MAX ? UINT_MAX : (uInt)out;
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK && (z.avail_in > 0 || z.avail_out > 0));
	inflateEnd(&z);
	if (rc != Z_STREAM_END || (size_t)(z.next_out - dst) != size)
		return -1;
	return 0;
}
#endif

/*
 * Inflate section s, whose zlib stream is src[0..srclen), to size bytes.
 * The size comes from the file, so it is capped by what the stream could
 * possibly hold and by ELF_MAX_INFLATE.
 */
static int
inflate_section(struct elf_shdr *s, const uint8_t *src, size_t srclen,
    uint64_t size)
{
#ifdef HAVE_ZLIB
	if (size > ELF_MAX_INFLATE ||
	    size > (uint64_t)srclen * DEFLATE_MAX_RATIO + 64)
		return ELF_SECT_BAD;
	if (size == 0)
		return ELF_SECT_ABSENT;
	s->inflated = xmalloc((size_t)size);
	if (inflate_exact(src, srclen, s->inflated, (size_t)size) == -1) {
		free(s->inflated);
		s->inflated = NULL;
		return ELF_SECT_BAD;
	}
	s->inflen = (size_t)size;
	return ELF_SECT_OK;
#else
	(void)s;
	(void)src;
	(void)srclen;
	(void)size;
	return ELF_SECT_NOZLIB;
#endif
}

/* Decode the Elf32_Chdr/Elf64_Chdr in front of an SHF_COMPRESSED section. */
static int
inflate_gabi(struct elf *e, struct elf_shdr *s)
{
	struct buf b;
	uint32_t type;
	uint64_t size;
	size_t hdr = e->is64 ? CHDR64_SIZE : CHDR32_SIZE;

	buf_init(&b, e->img + s->offset, (size_t)s->size, e->be);
	type = buf_u32(&b);
	if (e->is64)
		(void)buf_u32(&b);	/* ch_reserved */
	size = get_word(&b, e->is64);
	if (b.err || type != ELFCOMPRESS_ZLIB)
		return ELF_SECT_BAD;
	return inflate_section(s, e->img + s->offset + hdr,
	    (size_t)s->size - hdr, size);
}

/* The legacy GNU form: "ZLIB", a 64-bit big-endian size, the stream. */
static int
inflate_zdebug(struct elf *e, struct elf_shdr *s)
{
	const uint8_t *p = e->img + s->offset;

	if (s->size < ZDEBUG_HDR_SIZE || memcmp(p, "ZLIB", 4) != 0)
		return ELF_SECT_BAD;
	return inflate_section(s, p + ZDEBUG_HDR_SIZE,
	    (size_t)s->size - ZDEBUG_HDR_SIZE, buf_get(p + 4, 8, 1));
}

static struct elf_shdr *
find_section(struct elf *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->shnum; i++)
		if (strcmp(e->sh[i].sname, name) == 0)
			return &e->sh[i];
	return NULL;
}

/* Hand out the bytes of s, inflating them the first time. */
static int
section_bytes(struct elf *e, struct elf_shdr *s, int zdebug,
    const uint8_t **p, size_t *len)
{
	if (s->type == SHT_NOBITS || s->size == 0)
		return ELF_SECT_ABSENT;
	if (!s->inside)
		return ELF_SECT_BAD;
	if (s->state == 1) {
		if (s->flags & SHF_COMPRESSED)
			s->state = inflate_gabi(e, s);
		else if (zdebug)
			s->state = inflate_zdebug(e, s);
		else
			s->state = ELF_SECT_OK;
	}
	if (s->state != ELF_SECT_OK)
		return s->state;
	if (s->inflated != NULL) {
		*p = s->inflated;
		*len = s->inflen;
	} else {
		*p = e->img + s->offset;
		*len = (size_t)s->size;
	}
	return ELF_SECT_OK;
}

/* The longest section name tried as ".zdebug_*" instead of ".debug_*". */
#define ZDEBUG_NAME_MAX	64

int
elf_section(struct elf *e, const char *name, const uint8_t **p, size_t *len)
{
	struct elf_shdr *s;
	char zname[ZDEBUG_NAME_MAX];

	*p = NULL;
	*len = 0;
	if ((s = find_section(e, name)) != NULL)
		return section_bytes(e, s, 0, p, len);
	if (strncmp(name, ".debug_", 7) != 0 ||
	    strlen(name) + 2 > sizeof(zname))
		return ELF_SECT_ABSENT;
	zname[0] = '.';
	zname[1] = 'z';
	memcpy(zname + 2, name + 1, strlen(name));	/* with the NUL */
	if ((s = find_section(e, zname)) != NULL)
		return section_bytes(e, s, 1, p, len);
	return ELF_SECT_ABSENT;
}

/*
 * Symbols.  A table for each class (functions, data, TLS) is built on
 * first use: the symbols of that class that have a size, sorted by address, each with the largest end address of
 * all symbols up to it, so a lookup can stop walking back as soon as
 * nothing earlier can reach the address.
 */

static int
symbol_rank(int bind)
{
	return bind == STB_GLOBAL ? 2 : bind == STB_WEAK ? 1 : 0;
}

static int
symbol_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Is symbol type t with section index shndx of class cls? */
static int
in_class(const struct elf *e, int cls, int t, size_t shndx)
{
	if (shndx == SHN_UNDEF)
		return 0;
	switch (cls) {
	case ELF_SYMS_DATA:
		return t == STT_OBJECT || t == STT_COMMON;
	case ELF_SYMS_TLS:
		return t == STT_TLS;
	default:
		break;
	}
	if (t == STT_FUNC || t == STT_GNU_IFUNC)
		return 1;
	return t == STT_NOTYPE && shndx < e->shnum &&
	    (e->sh[shndx].flags & SHF_EXECINSTR) != 0;
}

/* Add the symbols of class cls of symbol table section s to tab. */
static void
load_symtab(struct elf *e, const struct elf_shdr *s, int cls,
    struct elf_symtab *tab)
{
	struct buf b;
	size_t entsize = e->is64 ? SYM64_SIZE : SYM32_SIZE, n, i;

	if (!s->inside || s->type == SHT_NOBITS || s->entsize < entsize)
		return;
	/* The count is bounded by the section, which lies in the file. */
	n = (size_t)(s->size / s->entsize);
	tab->syms = xcalloc(n, sizeof(*tab->syms));
	buf_init(&b, e->img + s->offset, (size_t)s->size, e->be);
	for (i = 0; i < n; i++) {
		struct elf_sym *y = &tab->syms[tab->nsyms];
		uint32_t name;
		uint8_t info;
		size_t shndx;

		buf_seek(&b, (size_t)(i * s->entsize));
		name = buf_u32(&b);
		if (e->is64) {
			info = buf_u8(&b);
			(void)buf_u8(&b);	/* st_other */
			shndx = buf_u16(&b);
			y->value = buf_u64(&b);
			y->size = buf_u64(&b);
		} else {
			y->value = buf_u32(&b);
			y->size = buf_u32(&b);
			info = buf_u8(&b);
			(void)buf_u8(&b);	/* st_other */
			shndx = buf_u16(&b);
		}
		if (b.err || y->size == 0 || y->value + y->size < y->value ||
		    !in_class(e, cls, info & 0xf, shndx))
			continue;
		if ((y->name = strtab_get(e, s->link, name)) == NULL ||
		    *y->name == '\0')
			continue;
		y->rank = symbol_rank(info >> 4);
		y->order = i;
		tab->nsyms++;
	}
}

static void
build_symbols(struct elf *e, int cls)
{
	struct elf_symtab *tab = &e->tabs[cls];
	struct elf_shdr *s = NULL;
	uint64_t maxend = 0;
	size_t i;

	tab->done = 1;
	for (i = 0; i < e->shnum && s == NULL; i++)
		if (e->sh[i].type == SHT_SYMTAB)
			s = &e->sh[i];
	for (i = 0; i < e->shnum && s == NULL; i++)
		if (e->sh[i].type == SHT_DYNSYM)
			s = &e->sh[i];
	if (s == NULL)
		return;
	load_symtab(e, s, cls, tab);
	if (tab->nsyms == 0)
		return;
	qsort(tab->syms, tab->nsyms, sizeof(*tab->syms), symbol_cmp);
	for (i = 0; i < tab->nsyms; i++) {
		if (tab->syms[i].value + tab->syms[i].size > maxend)
			maxend = tab->syms[i].value + tab->syms[i].size;
		tab->syms[i].maxend = maxend;
	}
}

const char *
elf_symbol_of(struct elf *e, int cls, uint64_t addr, uint64_t *start,
    int *global)
{
	const struct elf_symtab *tab;
	const struct elf_sym *y, *v;
	size_t lo, i;

	if (cls < 0 || cls >= ELF_NSYMS)
		return NULL;
	if (!e->tabs[cls].done)
		build_symbols(e, cls);
	tab = &e->tabs[cls];
	v = tab->syms;
	/* Find the first symbol above addr; the candidates precede it. */
	lo = BS_UPPER(v, tab->nsyms, struct elf_sym, value, addr);
	/*
	 * Walk back to the nearest symbol that covers addr; among several
	 * at the same address the sort put the preferred binding first.
	 */
	for (i = lo; i > 0 && lo - i < ELF_SYM_LOOKBACK &&
	    v[i - 1].maxend > addr; i--) {
		y = &v[i - 1];
		if (addr - y->value < y->size) {
			while (i > 1 && lo - i < ELF_SYM_LOOKBACK &&
			    v[i - 2].value == y->value &&
			    addr - v[i - 2].value < v[i - 2].size)
				y = &v[--i - 1];
			if (start != NULL)
				*start = y->value;
			if (global != NULL)
				*global = y->rank > 0;
			return y->name;
		}
	}
	return NULL;
}

const char *
elf_symbol(struct elf *e, uint64_t addr, uint64_t *start)
{
	return elf_symbol_of(e, ELF_SYMS_FUNC, addr, start, NULL);
}

/*
 * Walk the notes in p[0..len) for the GNU build-id.  Notes are padded
 * to their section's alignment (4, or 8 for some 64-bit notes).
 */
static int
find_build_id(const struct elf *e, const uint8_t *p, size_t len,
    uint64_t align, const uint8_t **id, size_t *idlen)
{
	struct buf b;
	size_t pad = align == 8 ? 8 : 4;

	buf_init(&b, p, len, e->be);
	/* Each note takes at least 12 bytes, so this ends. */
	while (buf_left(&b) >= 12) {
		uint32_t namesz = buf_u32(&b), descsz = buf_u32(&b);
		uint32_t type = buf_u32(&b);
		const uint8_t *name, *desc;

		name = buf_bytes(&b, namesz);
		buf_skip(&b, (pad - namesz % pad) % pad);
		desc = buf_bytes(&b, descsz);
		buf_skip(&b, (pad - descsz % pad) % pad);
		if (name == NULL || desc == NULL)
			return -1;
		if (type == NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0 && descsz > 0) {
			*id = desc;
			*idlen = descsz;
			return 0;
		}
	}
	return -1;
}

int
elf_build_id(const struct elf *e, const uint8_t **id, size_t *len)
{
	size_t i, areas = 0;

	for (i = 0; i < e->shnum && areas < ELF_MAX_NOTE_AREAS; i++) {
		const struct elf_shdr *s = &e->sh[i];

		if (s->type != SHT_NOTE || !s->inside)
			continue;
		areas++;
		if (find_build_id(e, e->img + s->offset, (size_t)s->size,
		    s->align, id, len) == 0)
			return 0;
	}
	for (i = 0; i < e->phnum && areas < ELF_MAX_NOTE_AREAS; i++) {
		const struct elf_phdr *p = &e->ph[i];

		if (p->type != PT_NOTE || !in_file(p->offset, p->filesz, e->len))
			continue;
		areas++;
		if (find_build_id(e, e->img + p->offset, (size_t)p->filesz,
		    p->align, id, len) == 0)
			return 0;
	}
	return -1;
}

const char *
elf_debuglink(struct elf *e, uint32_t *crc)
{
	const uint8_t *p;
	size_t len, off;
	const uint8_t *nul;

	if (elf_section(e, ".gnu_debuglink", &p, &len) != ELF_SECT_OK)
		return NULL;
	if ((nul = memchr(p, '\0', len)) == NULL || nul == p)
		return NULL;
	/* The CRC follows the name at the next multiple of 4. */
	off = ((size_t)(nul - p) + 1 + 3) & ~(size_t)3;
	if (off > len || len - off < 4)
		return NULL;
	*crc = (uint32_t)buf_get(p + off, 4, e->be);
	return (const char *)p;
}
