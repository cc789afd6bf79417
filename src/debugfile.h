/*
 * debugfile.h: find the separate debug file of an object.
 *
 * A stripped object can name its debug information elsewhere, by
 * build-id or by .gnu_debuglink; this module finds that file and checks
 * it really belongs to the object.  It does not read DWARF.
 */
#ifndef MDUMP_DEBUGFILE_H
#define MDUMP_DEBUGFILE_H

#include <stddef.h>
#include <stdint.h>

struct elf;

/* Where distributions install debug files. */
#define DEBUGFILE_ROOT	"/usr/lib/debug"

/*
 * Continue the GNU debuglink CRC32 (the zlib one, polynomial
 * 0xedb88320) over n more bytes; start with 0.
 */
uint32_t	 debugfile_crc32(uint32_t, const uint8_t *, size_t);

/*
 * Open path if it is an ELF file with the build-id id[0..len); NULL
 * otherwise.  The caller owns the result (elf_close).
 */
struct elf	*debugfile_open_id(const char *, const uint8_t *, size_t);

/*
 * Find the debug file of obj, which was opened from path, trying in
 * order:
 *   ROOT/.build-id/xx/rest.debug, with a matching build-id;
 *   DIR/LINK, DIR/.debug/LINK and ROOT/DIR/LINK, with a matching CRC,
 * where DIR is the directory of path (made absolute for the last one),
 * LINK the .gnu_debuglink name and ROOT the root argument, or
 * DEBUGFILE_ROOT when it is NULL.  Returns the opened file, owned by the
 * caller (elf_close), or NULL.  When found is not NULL, *found gets a
 * copy of its path, owned by the caller.
 */
struct elf	*debugfile_find(struct elf *, const char *, const char *,
		    char **);

/*
 * Find the dwz common file that dbg, opened from dbgpath, names in its
 * .gnu_debugaltlink (or DWARF 5 .debug_sup), with the build-id the link
 * gives, trying in order:
 *   the path as named, relative to the directory of dbgpath if relative;
 *   the same path under root, when it lies under DEBUGFILE_ROOT;
 *   ROOT/.build-id/xx/rest.debug.
 * Returns the opened file, owned by the caller (elf_close), or NULL;
 * *named says whether dbg names a common file at all.
 */
struct elf	*debugfile_alt(struct elf *, const char *, const char *, int *);

/*
 * The build-id of the common file dbg names in .gnu_debugaltlink: 0 and
 * *id, *len set (bytes owned by dbg), or -1 when it names none that way
 * (.debug_sup names its file by a checksum, not a build-id).
 */
int		 debugfile_alt_id(struct elf *, const uint8_t **, size_t *);

#endif /* MDUMP_DEBUGFILE_H */
