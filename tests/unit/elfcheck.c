/*
 * elfcheck.c: a test driver for the ELF reader, the debug file search
 * and the symbolizer facade.  It prints what they find in a form the
 * shell test compares with nm, readelf, addr2line and llvm-symbolizer.
 *
 *	elfcheck info OBJ		type, class, byte order, link base,
 *					build-id, debuglink
 *	elfcheck sym OBJ ADDR...	symbol-table function at each
 *					link-time address (hex)
 *	elfcheck sect OBJ NAME		length and CRC32 of a section's bytes
 *	elfcheck crc FILE		CRC32 of a whole file
 *	elfcheck debug OBJ		the separate debug file found
 *	elfcheck lookup [-r] [-e EXE] OBJ OFF...
 *					the sym_lookup chain of each offset
 *					(hex), looked up twice
 *
 * It is not part of mdump and is built by the test only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/debugfile.h"
#include "../../src/elf.h"
#include "../../src/sym.h"

static int
usage(void)
{
	fprintf(stderr, "usage: elfcheck info|sym|sect|crc|debug|lookup "
	    "...\n");
	return 2;
}

static struct elf *
open_or_say(const char *path)
{
	struct elf *e;
	const char *why = "?";

	if ((e = elf_open(path, &why)) == NULL)
		printf("error %s\n", why);
	return e;
}

static int
cmd_info(const char *path)
{
	struct elf *e;
	const uint8_t *id;
	const char *link;
	size_t len, i;
	uint32_t crc;

	if ((e = open_or_say(path)) == NULL)
		return 1;
	printf("type %d\nclass %d\nendian %s\nbase 0x%llx\n", elf_type(e),
	    elf_addr_size(e) * 8, elf_big_endian(e) ? "big" : "little",
	    (unsigned long long)elf_link_base(e));
	if (elf_build_id(e, &id, &len) == 0) {
		printf("buildid ");
		for (i = 0; i < len; i++)
			printf("%02x", id[i]);
		printf("\n");
	}
	if ((link = elf_debuglink(e, &crc)) != NULL)
		printf("debuglink %s %08x\n", link, crc);
	elf_close(e);
	return 0;
}

static int
cmd_sym(const char *path, char **addrs)
{
	struct elf *e;
	const char *name;
	uint64_t start;

	if ((e = open_or_say(path)) == NULL)
		return 1;
	for (; *addrs != NULL; addrs++) {
		uint64_t a = strtoull(*addrs, NULL, 16);

		name = elf_symbol(e, a, &start);
		printf("%llx %s", (unsigned long long)a, name ? name : "??");
		if (name != NULL)
			printf(" %llx", (unsigned long long)start);
		printf("\n");
	}
	elf_close(e);
	return 0;
}

static int
cmd_sect(const char *path, const char *name)
{
	struct elf *e;
	const uint8_t *p;
	size_t len;
	int rc;

	if ((e = open_or_say(path)) == NULL)
		return 1;
	rc = elf_section(e, name, &p, &len);
	if (rc == ELF_SECT_OK)
		printf("%s %zu %08x\n", name, len, debugfile_crc32(0, p, len));
	else
		printf("%s %s\n", name, rc == ELF_SECT_ABSENT ? "absent" :
		    rc == ELF_SECT_BAD ? "bad" : "nozlib");
	elf_close(e);
	return 0;
}

static int
cmd_crc(const char *path)
{
	unsigned char b[65536];
	uint32_t crc = 0;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return 1;
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		crc = debugfile_crc32(crc, b, n);
	fclose(f);
	printf("%08x\n", crc);
	return 0;
}

static int
cmd_debug(const char *path)
{
	struct elf *e, *d;
	char *found = NULL;

	if ((e = open_or_say(path)) == NULL)
		return 1;
	d = debugfile_find(e, path, getenv("MDUMP_DEBUG_ROOT"), &found);
	printf("%s\n", d != NULL ? found : "none");
	free(found);
	elf_close(d);
	elf_close(e);
	return 0;
}

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static void
print_frame(uint64_t off, const struct sym_frame *f)
{
	size_t i;

	for (i = 0; i < f->nlocs; i++) {
		const struct sym_loc *l = &f->locs[i];

		printf("%s%llx %s at %s:%lu\n", i > 0 ? "  (inlined by) " : "",
		    (unsigned long long)off,
		    l->function ? l->function : "??",
		    l->file ? l->file : "??", l->line);
	}
}

static int
cmd_lookup(int argc, char **argv)
{
	struct sym_opts o;
	struct symbolizer *s;
	const struct sym_frame *f, *g;
	const char *obj;
	int i = 0, pass;

	memset(&o, 0, sizeof(o));
	o.warn = warn_cb;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0)
			o.raw = 1;
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc)
			o.exe = argv[++i];
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	obj = argv[i++];
	s = sym_open(&o);
	/* Twice: the second pass must come from the cache, unchanged. */
	for (pass = 0; pass < 2; pass++) {
		int j;

		for (j = i; j < argc; j++) {
			uint64_t off = strtoull(argv[j], NULL, 16);

			f = sym_lookup(s, obj, off);
			if (pass == 0) {
				print_frame(off, f);
				continue;
			}
			g = sym_lookup(s, obj, off);
			if (f != g || f->nlocs == 0)
				printf("cache-miss %llx\n",
				    (unsigned long long)off);
		}
	}
	sym_close(s);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "info") == 0)
		return cmd_info(argv[2]);
	if (strcmp(argv[1], "sym") == 0)
		return cmd_sym(argv[2], argv + 3);
	if (strcmp(argv[1], "sect") == 0 && argc == 4)
		return cmd_sect(argv[2], argv[3]);
	if (strcmp(argv[1], "crc") == 0)
		return cmd_crc(argv[2]);
	if (strcmp(argv[1], "debug") == 0)
		return cmd_debug(argv[2]);
	if (strcmp(argv[1], "lookup") == 0)
		return cmd_lookup(argc - 2, argv + 2);
	return usage();
}
