/*
 * debugfile.c: find the separate debug file of a stripped object, by
 * build-id or by .gnu_debuglink, the way GDB and the GNU tools look for
 * it, and check that it matches (same build-id, or the CRC32 the link
 * records).
 *
 * It only opens and checks candidates; what is read from the debug file
 * is up to the caller.  A candidate that does not match is closed and
 * the search goes on.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "debugfile.h"
#include "elf.h"
#include "xmalloc.h"

#ifndef PATH_MAX
#define PATH_MAX	1024
#endif

#define CRC32_POLY	0xedb88320U

/*
 * Build the byte-at-a-time table on first use.  mdump is single-threaded,
 * so a lazily filled static table is safe here.
 */
static const uint32_t *
crc_table(void)
{
	static uint32_t t[256];
	static int done;
	uint32_t c;
	int i, k;

	if (done)
		return t;
	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? CRC32_POLY ^ (c >> 1) : c >> 1;
		t[i] = c;
	}
	done = 1;
	return t;
}

uint32_t
debugfile_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	const uint32_t *t = crc_table();
	size_t i;

	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

struct elf *
debugfile_open_id(const char *path, const uint8_t *id, size_t len)
{
	struct elf *d;
	const uint8_t *did;
	size_t dlen;

	if ((d = elf_open(path, NULL)) == NULL)
		return NULL;
	if (elf_build_id(d, &did, &dlen) == 0 && dlen == len &&
	    memcmp(did, id, len) == 0)
		return d;
	elf_close(d);
	return NULL;
}

/* Open path if it is an ELF file whose CRC32 is crc. */
static struct elf *
try_crc(const char *path, uint32_t crc)
{
	struct elf *d;
	const uint8_t *p;
	size_t len;

	if ((d = elf_open(path, NULL)) == NULL)
		return NULL;
	p = elf_image(d, &len);
	if (debugfile_crc32(0, p, len) == crc)
		return d;
	elf_close(d);
	return NULL;
}

/* Make ROOT/.build-id/xx/rest.debug for the build-id id[0..len). */
static int
id_path(const uint8_t *id, size_t len, const char *root, char *path,
    size_t size)
{
	size_t i, n;
	int w;

	if (len < 2)
		return -1;
	w = snprintf(path, size, "%s/.build-id/%02x/", root, id[0]);
	if (w < 0 || (size_t)w >= size)
		return -1;
	n = (size_t)w;
	/* Two hex digits per byte and ".debug": check before writing. */
	if ((len - 1) * 2 + sizeof(".debug") > size - n)
		return -1;
	for (i = 1; i < len; i++, n += 2)
		snprintf(path + n, 3, "%02x", id[i]);
	memcpy(path + n, ".debug", sizeof(".debug"));
	return 0;
}

static struct elf *
by_build_id(struct elf *obj, const char *root, char *path, size_t size)
{
	const uint8_t *id;
	size_t len;

	if (elf_build_id(obj, &id, &len) == -1 ||
	    id_path(id, len, root, path, size) == -1)
		return NULL;
	return debugfile_open_id(path, id, len);
}

/* The directory part of path, "." when it has none, in dir[size]. */
static int
dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(dir, size, ".") >= (int)size ? -1 : 0;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/*
 * Make dir absolute against the current directory, dropping a leading
 * "./"; symbolic links are left as they are.
 */
static int
absolute_dir(const char *dir, char *abs, size_t size)
{
	char cwd[PATH_MAX];
	int w;

	if (dir[0] == '/')
		w = snprintf(abs, size, "%s", dir);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -1;
		while (dir[0] == '.' && dir[1] == '/')
			dir += 2;
		if (strcmp(dir, ".") == 0 || dir[0] == '\0')
			w = snprintf(abs, size, "%s", cwd);
		else
			w = snprintf(abs, size, "%s/%s",
			    strcmp(cwd, "/") == 0 ? "" : cwd, dir);
	}
	return w < 0 || (size_t)w >= size ? -1 : 0;
}

static struct elf *
by_debuglink(struct elf *obj, const char *objpath, const char *root,
    char *path, size_t size)
{
	static const char *fmts[] = { "%s/%s", "%s/.debug/%s" };
	char dir[PATH_MAX], abs[PATH_MAX];
	const char *link;
	struct elf *d;
	uint32_t crc;
	size_t i;
	int w;

	if ((link = elf_debuglink(obj, &crc)) == NULL ||
	    dir_of(objpath, dir, sizeof(dir)) == -1)
		return NULL;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		w = snprintf(path, size, fmts[i], dir, link);
		if (w >= 0 && (size_t)w < size &&
		    (d = try_crc(path, crc)) != NULL)
			return d;
	}
	if (absolute_dir(dir, abs, sizeof(abs)) == -1)
		return NULL;
	w = snprintf(path, size, "%s%s/%s", root,
	    strcmp(abs, "/") == 0 ? "" : abs, link);
	if (w >= 0 && (size_t)w < size && (d = try_crc(path, crc)) != NULL)
		return d;
	return NULL;
}

struct elf *
debugfile_find(struct elf *obj, const char *objpath, const char *root,
    char **found)
{
	char path[PATH_MAX];
	struct elf *d;

	if (root == NULL)
		root = DEBUGFILE_ROOT;
	if ((d = by_build_id(obj, root, path, sizeof(path))) == NULL)
		d = by_debuglink(obj, objpath, root, path, sizeof(path));
	if (d != NULL && found != NULL)
		*found = xstrdup(path);
	return d;
}

/* What names a common file, and how to know it. */
struct altlink {
	const char	*name;
	const uint8_t	*id;		/* build-id, or .debug_sup checksum */
	size_t		 idlen;
	int		 sup;		/* from .debug_sup */
};

/*
 * Parse .debug_sup: version 5, is_supplementary, a path and a NUL, a
 * ULEB128 length and as many bytes of checksum.  The file that refers
 * to a supplementary file has is_supplementary 0 and names it; the
 * supplementary file has 1, no name, and the same checksum.
 */
static int
sup_parse(struct elf *e, int supplementary, struct altlink *l)
{
	const uint8_t *p;
	size_t len;
	struct buf b;
	uint64_t n;

	if (elf_section(e, ".debug_sup", &p, &len) != ELF_SECT_OK)
		return -1;
	buf_init(&b, p, len, elf_big_endian(e));
	if (buf_u16(&b) != 5 || buf_u8(&b) != supplementary)
		return -1;
	l->name = buf_cstr(&b);
	n = buf_uleb(&b);
	l->idlen = n > buf_left(&b) ? 0 : (size_t)n;
	l->id = buf_bytes(&b, l->idlen);
	l->sup = 1;
	return b.err || l->name == NULL ? -1 : 0;
}

/*
 * The common file dbg names: from .gnu_debugaltlink (a path, a NUL, the
 * build-id the file has), else from DWARF 5's .debug_sup.
 */
static int
alt_link(struct elf *dbg, struct altlink *l)
{
	const uint8_t *p;
	size_t len;
	struct buf b;

	if (elf_section(dbg, ".gnu_debugaltlink", &p, &len) == ELF_SECT_OK) {
		buf_init(&b, p, len, 0);
		l->name = buf_cstr(&b);
		l->idlen = buf_left(&b);
		l->id = buf_bytes(&b, l->idlen);
		l->sup = 0;
		if (b.err || l->name == NULL)
			return -1;
	} else if (sup_parse(dbg, 0, l) == -1)
		return -1;
	return l->name[0] == '\0' ? -1 : 0;
}

/* Open path if it is the common file l names. */
static struct elf *
try_alt(const char *path, const struct altlink *l)
{
	struct altlink mine;
	struct elf *d;

	if (!l->sup)
		return debugfile_open_id(path, l->id, l->idlen);
	if ((d = elf_open(path, NULL)) == NULL)
		return NULL;
	if (sup_parse(d, 1, &mine) == 0 && mine.idlen == l->idlen &&
	    memcmp(mine.id, l->id, l->idlen) == 0)
		return d;
	elf_close(d);
	return NULL;
}

/*
 * Tried as named (relative to the directory of the file holding the link
 * when relative), under root when it lies in DEBUGFILE_ROOT, then by its
 * build-id under root.
 */
struct elf *
debugfile_alt(struct elf *dbg, const char *dbgpath, const char *root,
    int *named)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct altlink l;
	struct elf *d = NULL;
	size_t n;
	int w;

	*named = 0;
	if (alt_link(dbg, &l) == -1)
		return NULL;
	*named = 1;
	/* Without a build-id nothing says the file is the right one. */
	if (l.idlen < 2)
		return NULL;
	if (root == NULL)
		root = DEBUGFILE_ROOT;
	if (l.name[0] == '/')
		w = snprintf(path, sizeof(path), "%s", l.name);
	else if (dir_of(dbgpath, dir, sizeof(dir)) == 0)
		w = snprintf(path, sizeof(path), "%s/%s", dir, l.name);
	else
		w = -1;
	if (w >= 0 && (size_t)w < sizeof(path))
		d = try_alt(path, &l);
	n = strlen(DEBUGFILE_ROOT);
	if (d == NULL && strcmp(root, DEBUGFILE_ROOT) != 0 &&
	    strncmp(l.name, DEBUGFILE_ROOT "/", n + 1) == 0) {
		w = snprintf(path, sizeof(path), "%s%s", root, l.name + n);
		if (w >= 0 && (size_t)w < sizeof(path))
			d = try_alt(path, &l);
	}
	if (d == NULL && id_path(l.id, l.idlen, root, path, sizeof(path)) == 0)
		d = try_alt(path, &l);
	return d;
}

int
debugfile_alt_id(struct elf *dbg, const uint8_t **id, size_t *len)
{
	struct altlink l;

	if (alt_link(dbg, &l) == -1 || l.sup || l.idlen < 2)
		return -1;
	*id = l.id;
	*len = l.idlen;
	return 0;
}
