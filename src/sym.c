/*
 * sym.c: the symbolizer facade of sym.h.  It keeps the objects a trace
 * names, opened once on first use, and the answer for each distinct
 * (object, offset), computed once.
 *
 * For each object it finds the DWARF sections, in the object itself or
 * in its separate debug file (debugfile.h), and hands them to the DWARF
 * reader; the ELF symbol table names the function when DWARF cannot.
 * Objects that cannot be opened are remembered with one warning and
 * never retried.
 *
 * Lookup rules.  A frame whose object is "" or "." is looked up in the
 * -e executable (default a.out).  A relative object path is opened as
 * given, that is relative to the current directory, as the in-tree
 * trace format names the program by its argv[0].  The address looked up
 * is the recorded offset for a shared object or PIE (ET_DYN), and the
 * offset plus the link base (elf_link_base()) for ET_EXEC; then, unless
 * raw is set, one less, so that the return address names the call (an
 * offset of 0 is no return address and is kept).  The inline chain
 * comes from DWARF; when DWARF has no function for the address, the
 * outermost location takes the ELF symbol whose size covers it.
 *
 * It does not print: warnings go to the caller's callback.  The
 * environment variable MDUMP_DEBUG_ROOT, when set, replaces
 * /usr/lib/debug as the root of the debug file search (for tests, and
 * for debug files installed elsewhere).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugfile.h"
#include "debuginfod.h"
#include "dwarf.h"
#include "elf.h"
#include "hash.h"
#include "sym.h"
#include "u64map.h"
#include "xmalloc.h"

/* The executable for frames that name no object, as the original mdump. */
#define SYM_DEFAULT_EXE	"a.out"

/* The first size of both hash tables; they double at half full. */
#define SYM_HASH_INIT	64

struct sym_obj {
	char		*path;		/* owned; the key */
	struct elf	*elf;		/* owned; NULL when unreadable */
	struct elf	*dbg;		/* owned; separate debug file */
	struct dwarf	*dw;		/* owned; NULL without debug info */
	struct elf	*alt;		/* owned; dwz common file */
	struct dwarf	*altdw;		/* owned; its DWARF */
	uint64_t	 base;		/* link base added to offsets */
	/* Split DWARF files opened for the object, by path hash. */
	struct symbolizer *s;
	struct u64map	 dwos;
	struct sym_dwo	*dwo_list;
	int		 dwo_warned;
};

/* A .dwo file, opened once; elf is NULL when it could not be. */
struct sym_dwo {
	char		*path;
	struct elf	*elf;
	struct sym_dwo	*same;		/* next with the same hash */
	struct sym_dwo	*all;		/* next of the object's */
};

/* The DWARF sections of a .dwo file. */
static const struct dwarf_sect_name dwo_names[] = {
	{ ".debug_info.dwo", offsetof(struct dwarf_sections, info) },
	{ ".debug_abbrev.dwo", offsetof(struct dwarf_sections, abbrev) },
	{ ".debug_str.dwo", offsetof(struct dwarf_sections, str) },
	{ ".debug_str_offsets.dwo",
	    offsetof(struct dwarf_sections, str_offsets) },
	{ ".debug_rnglists.dwo", offsetof(struct dwarf_sections, rnglists) },
};

/*
 * A slot of the frame cache holds its key, so probing touches one array;
 * the frames and their chains live in arena chunks, freed all at once.
 */
struct sym_ent {
	const struct sym_obj	*obj;	/* NULL: free slot */
	uint64_t		 off;
	struct sym_frame	*frame;
};

/* Arena chunks hold this many bytes: thousands of frames each. */
#define SYM_CHUNK	(256 * 1024)

struct sym_chunk {
	struct sym_chunk	*next;
	size_t			 used;
	uint64_t		 data[SYM_CHUNK / sizeof(uint64_t)];
};

/*
 * Object paths seen lately, by their address: frames sorted by offset
 * (sym_prefetch()) take turns among the objects, and finding the object
 * by its path's text, hashed and compared each time: a page of an exp
 * trace of bench/scale.sh's generator (100000 stacks) took 2099 M
 * instructions so, 2015 M with this.
 */
#define SYM_SEEN	64

struct sym_seen {
	const char		*path;		/* NULL: free */
	const struct sym_obj	*obj;
};

/* A build-id the trace gives for an object path. */
struct sym_bid {
	char		*path;
	uint8_t		*id;
	size_t		 len;
	struct sym_bid	*next;
};

struct symbolizer {
	char		 *exe;
	char		 *root;		/* NULL: DEBUGFILE_ROOT */
	int		  raw;
	void		(*warn)(void *, const char *);
	void		(*alert)(void *, const char *);
	void		 *warnarg;
	struct dbgd	 *dbgd;		/* NULL: no debuginfod requests */
	struct sym_bid	 *bids;
	struct sym_obj	**objs;		/* open addressing */
	size_t		  nobjs, objcap;
	struct sym_ent	 *ents;		/* open addressing */
	size_t		  nents, entcap;
	struct sym_chunk *chunks;	/* arena of frames and chains */
	struct sym_seen	  seen[SYM_SEEN];	/* by the path's address */
	struct sym_loc	  noloc;	/* for frames of no object */
	struct sym_frame  noframe;
};

/* "PATH: msg" to fn, which may be NULL. */
static void
say(struct symbolizer *s, void (*fn)(void *, const char *), const char *path,
    const char *msg)
{
	char *line;
	size_t n;

	if (fn == NULL)
		return;
	n = strlen(path) + strlen(msg) + sizeof(": ");
	line = xmalloc(n);
	snprintf(line, n, "%s: %s", path, msg);
	fn(s->warnarg, line);
	free(line);
}

static void
sym_warn(struct symbolizer *s, const char *path, const char *msg)
{
	say(s, s->warn, path, msg);
}

/* A warning shown without -v too: a server sent something wrong. */
static void
sym_alert(struct symbolizer *s, const char *path, const char *msg)
{
	say(s, s->alert != NULL ? s->alert : s->warn, path, msg);
}

static void
dbgd_note(void *arg, int loud, const char *msg)
{
	struct symbolizer *s = arg;
	void (*fn)(void *, const char *) = loud && s->alert != NULL ?
	    s->alert : s->warn;

	if (fn != NULL)
		fn(s->warnarg, msg);
}

static uint64_t
hash_ent(const struct sym_obj *o, uint64_t off)
{
	return hash_fmix(hash_word((uint64_t)(uintptr_t)o, off));
}

struct symbolizer *
sym_open(const struct sym_opts *opts)
{
	struct symbolizer *s;
	const char *root;

	s = xcalloc(1, sizeof(*s));
	s->exe = xstrdup(opts->exe != NULL ? opts->exe : SYM_DEFAULT_EXE);
	s->raw = opts->raw;
	s->warn = opts->warn;
	s->alert = opts->alert;
	s->warnarg = opts->warnarg;
	if (!opts->no_debuginfod)
		s->dbgd = dbgd_open(dbgd_note, s);
	if ((root = getenv("MDUMP_DEBUG_ROOT")) != NULL && *root != '\0')
		s->root = xstrdup(root);
	s->objcap = s->entcap = SYM_HASH_INIT;
	s->objs = xcalloc(s->objcap, sizeof(*s->objs));
	s->ents = xcalloc(s->entcap, sizeof(*s->ents));
	/* The answer for frames with nothing to look in: all unknown. */
	s->noframe.locs = &s->noloc;
	s->noframe.nlocs = 1;
	return s;
}

/*
 * Point ds at the sections of e the table names; 0 if the first (the
 * .debug_info) is there, and its elf_section() answer in *rc.
 */
static int
sections_of(struct elf *e, const struct dwarf_sect_name *names, size_t n,
    struct dwarf_sections *ds, int *rc)
{
	size_t i;

	memset(ds, 0, sizeof(*ds));
	for (i = 0; i < n; i++) {
		struct dwarf_sect *d;
		int r;

		d = (struct dwarf_sect *)(void *)((char *)ds + names[i].off);
		r = elf_section(e, names[i].name, &d->p, &d->len);
		if (i == 0)
			*rc = r;
	}
	ds->big_endian = elf_big_endian(e);
	ds->addr_size = elf_addr_size(e);
	return ds->info.p != NULL ? 0 : -1;
}

static int
dwarf_sections_of(struct elf *e, struct dwarf_sections *ds, int *rc)
{
	return sections_of(e, dwarf_sect_names, dwarf_nsect_names, ds, rc);
}

/* The .dwo file at path, opened on first use. */
static struct sym_dwo *
dwo_get(struct sym_obj *o, const char *path)
{
	struct sym_dwo *w, *head;
	uint64_t h = hash_bytes(HASH_INIT, path, strlen(path));

	head = u64map_get(&o->dwos, h);
	for (w = head; w != NULL; w = w->same)
		if (strcmp(w->path, path) == 0)
			return w;
	w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(path);
	w->elf = elf_open(path, NULL);
	w->same = head;
	(void)u64map_put(&o->dwos, h, w);
	w->all = o->dwo_list;
	o->dwo_list = w;
	return w;
}

/*
 * The dwarf_dwo_fn of an object: NAME under the compilation directory
 * (as named when absolute), else next to the object.  Not finding one
 * is said once per object.
 */
static int
dwo_open(void *arg, const char *comp_dir, const char *name,
    struct dwarf_sections *ds)
{
	struct sym_obj *o = arg;
	char path[PATH_MAX];
	const char *slash;
	struct sym_dwo *w = NULL;
	int n, rc;

	if (name[0] == '/' || comp_dir == NULL || comp_dir[0] == '\0')
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), "%s/%s", comp_dir, name);
	if (n >= 0 && (size_t)n < sizeof(path))
		w = dwo_get(o, path);
	if ((w == NULL || w->elf == NULL) && name[0] != '/' &&
	    (slash = strrchr(o->path, '/')) != NULL) {
		n = snprintf(path, sizeof(path), "%.*s/%s",
		    (int)(slash - o->path), o->path, name);
		if (n >= 0 && (size_t)n < sizeof(path))
			w = dwo_get(o, path);
	}
	if (w != NULL && w->elf != NULL && sections_of(w->elf, dwo_names,
	    sizeof(dwo_names) / sizeof(dwo_names[0]), ds, &rc) == 0)
		return 0;
	if (!o->dwo_warned) {
		o->dwo_warned = 1;
		n = snprintf(path, sizeof(path), "split DWARF file %s not found",
		    name);
		sym_warn(o->s, o->path, n >= 0 && (size_t)n < sizeof(path) ?
		    path : "split DWARF file not found");
	}
	return -1;
}

/* Damage the DWARF reader met, once per object, with where it was. */
static void
dmg_warn(const struct sym_obj *o)
{
	const char *sect, *what;
	char msg[160];
	uint64_t off;

	if (!dwarf_damage(o->dw, &sect, &off, &what))
		return;
	snprintf(msg, sizeof(msg), "damaged DWARF: %s offset 0x%llx: %s",
	    sect, (unsigned long long)off, what);
	sym_warn(o->s, o->path, msg);
}

/*
 * Fetch from a debuginfod server the file of that kind (DBGD_*, "what"
 * in messages) with the build-id id[0..len), for o, and open it if it
 * has that build-id.  -v tells what came from where; a file that is
 * damaged or has another build-id is said without -v, and dropped.
 * When found is not NULL, *found gets a copy of its path.
 */
static struct elf *
fetch(struct symbolizer *s, struct sym_obj *o, int kind, const char *what,
    const uint8_t *id, size_t len, char **found)
{
	char msg[PATH_MAX + 256];
	const char *path, *url;
	struct elf *e;

	if ((path = dbgd_find(s->dbgd, kind, id, len, &url)) == NULL)
		return NULL;
	if (*url == '\0')
		url = "the debuginfod cache";
	if ((e = debugfile_open_id(path, id, len)) == NULL) {
		snprintf(msg, sizeof(msg), "%s from %s is damaged or has "
		    "another build-id; not used", what, url);
		sym_alert(s, o->path, msg);
		return NULL;
	}
	snprintf(msg, sizeof(msg), "%s %s from %s", what, path, url);
	sym_warn(s, o->path, msg);
	if (found != NULL)
		*found = xstrdup(path);
	return e;
}

/*
 * The DWARF reader of the dwz common file that holder (opened from path)
 * names, if it names one; NULL when none.
 */
static struct dwarf *
load_alt(struct symbolizer *s, struct sym_obj *o, struct elf *holder,
    const char *path)
{
	struct dwarf_sections ds;
	const uint8_t *id;
	size_t len;
	int rc, named;

	o->alt = debugfile_alt(holder, path, s->root, &named);
	if (o->alt == NULL && named && debugfile_alt_id(holder, &id, &len) == 0)
		o->alt = fetch(s, o, DBGD_DEBUGINFO, "dwz common file", id,
		    len, NULL);
	if (o->alt == NULL) {
		if (named)
			sym_warn(s, o->path, "dwz common file "
			    "(.gnu_debugaltlink or .debug_sup) not found");
		return NULL;
	}
	if (dwarf_sections_of(o->alt, &ds, &rc) == -1 ||
	    (o->altdw = dwarf_open(&ds, NULL)) == NULL)
		sym_warn(s, o->path, "dwz common file has no debug info");
	return o->altdw;
}

/* The debug file of o by its build-id from a debuginfod server. */
static struct elf *
fetch_debug(struct symbolizer *s, struct sym_obj *o, char **found)
{
	const uint8_t *id;
	size_t len;

	if (s->dbgd == NULL || elf_build_id(o->elf, &id, &len) == -1)
		return NULL;
	return fetch(s, o, DBGD_DEBUGINFO, "debug file", id, len, found);
}

/*
 * Find the debug info of o, opened from path: in the object, its debug
 * file on this machine, or one from a debuginfod server.
 */
static void
load_debug(struct symbolizer *s, struct sym_obj *o, const char *path)
{
	struct dwarf_sections ds;
	struct dwarf *alt;
	char *found = NULL;
	int rc, drc;

	if (dwarf_sections_of(o->elf, &ds, &rc) == -1) {
		o->dbg = debugfile_find(o->elf, path, s->root, &found);
		if (o->dbg == NULL)
			o->dbg = fetch_debug(s, o, &found);
		if (o->dbg == NULL ||
		    dwarf_sections_of(o->dbg, &ds, &drc) == -1) {
			if (o->dbg != NULL && rc == ELF_SECT_ABSENT)
				rc = drc;
			sym_warn(s, o->path, rc == ELF_SECT_NOZLIB ?
			    "compressed debug info, and no zlib" :
			    rc == ELF_SECT_BAD ? "damaged debug info" :
			    "no debug info");
			free(found);
			return;
		}
	}
	alt = load_alt(s, o, o->dbg != NULL ? o->dbg : o->elf,
	    found != NULL ? found : path);
	if ((o->dw = dwarf_open(&ds, alt)) == NULL)
		sym_warn(s, o->path, "no debug info");
	else
		dwarf_set_dwo(o->dw, dwo_open, o);
	free(found);
}

/*
 * The object at path; when it is not on this machine and the trace gave
 * its build-id, the executable from a debuginfod server.
 */
static struct sym_obj *
load_obj(struct symbolizer *s, const char *path)
{
	struct sym_obj *o;
	const struct sym_bid *b;
	const char *why = "cannot open";
	char *fetched = NULL;

	o = xcalloc(1, sizeof(*o));
	o->path = xstrdup(path);
	o->s = s;
	if ((o->elf = elf_open(path, &why)) == NULL && s->dbgd != NULL) {
		for (b = s->bids; b != NULL; b = b->next)
			if (strcmp(b->path, path) == 0)
				break;
		if (b != NULL)
			o->elf = fetch(s, o, DBGD_EXECUTABLE, "executable",
			    b->id, b->len, &fetched);
	}
	if (o->elf == NULL) {
		sym_warn(s, path, why);
		return o;
	}
	if (elf_type(o->elf) == ELF_ET_EXEC)
		o->base = elf_link_base(o->elf);
	load_debug(s, o, fetched != NULL ? fetched : path);
	free(fetched);
	return o;
}

void
sym_object_id(struct symbolizer *s, const char *path, const uint8_t *id,
    size_t len)
{
	struct sym_bid *b;

	for (b = s->bids; b != NULL; b = b->next)
		if (strcmp(b->path, path) == 0)
			return;
	b = xcalloc(1, sizeof(*b));
	b->path = xstrdup(path);
	b->id = xmalloc(len ? len : 1);
	memcpy(b->id, id, len);
	b->len = len;
	b->next = s->bids;
	s->bids = b;
}

static void
grow_objs(struct symbolizer *s)
{
	struct sym_obj **old = s->objs;
	size_t oldcap = s->objcap, i, j;

	s->objcap *= 2;
	s->objs = xcalloc(s->objcap, sizeof(*s->objs));
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		j = hash_bytes(HASH_INIT, old[i]->path,
		    strlen(old[i]->path)) & (s->objcap - 1);
		while (s->objs[j] != NULL)
			j = (j + 1) & (s->objcap - 1);
		s->objs[j] = old[i];
	}
	free(old);
}

/* The object called path, opened on first use. */
static struct sym_obj *
get_obj(struct symbolizer *s, const char *path)
{
	size_t j;

	if (s->nobjs + 1 > s->objcap / 2)
		grow_objs(s);
	j = hash_bytes(HASH_INIT, path, strlen(path)) & (s->objcap - 1);
	while (s->objs[j] != NULL) {
		if (strcmp(s->objs[j]->path, path) == 0)
			return s->objs[j];
		j = (j + 1) & (s->objcap - 1);
	}
	s->objs[j] = load_obj(s, path);
	s->nobjs++;
	return s->objs[j];
}

static void
grow_ents(struct symbolizer *s)
{
	struct sym_ent *old = s->ents;
	size_t oldcap = s->entcap, i, j;

	s->entcap *= 2;
	s->ents = xcalloc(s->entcap, sizeof(*s->ents));
	for (i = 0; i < oldcap; i++) {
		if (old[i].obj == NULL)
			continue;
		j = hash_ent(old[i].obj, old[i].off) & (s->entcap - 1);
		while (s->ents[j].obj != NULL)
			j = (j + 1) & (s->entcap - 1);
		s->ents[j] = old[i];
	}
	free(old);
}

/* n bytes from the arena, aligned for any member of the frame structs. */
static void *
arena_alloc(struct symbolizer *s, size_t n)
{
	struct sym_chunk *c = s->chunks;
	void *p;

	n = (n + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1);
	if (c == NULL || SYM_CHUNK - c->used < n) {
		c = xmalloc(sizeof(*c));
		c->next = s->chunks;
		c->used = 0;
		s->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/*
 * Fill the inline chain of offset off in o, an object that could be
 * read; returns its length.
 */
static size_t
symbolize(const struct symbolizer *s, const struct sym_obj *o, uint64_t off,
    struct sym_loc *chain)
{
	uint64_t addr;
	size_t n = 0;

	memset(&chain[0], 0, sizeof(chain[0]));
	/*
	 * The recorded offset is a return address; the call is the byte
	 * before it.  An offset of 0 is no return address: keep it.
	 */
	addr = o->base + off;
	if (!s->raw && off > 0)
		addr--;
	if (o->dw != NULL) {
		n = dwarf_lookup(o->dw, addr, chain, SYM_MAX_INLINE);
		dmg_warn(o);
	}
	if (n == 0) {
		memset(&chain[0], 0, sizeof(chain[0]));
		n = 1;
	}
	/* The last entry is the function that really holds the address. */
	if (chain[n - 1].function == NULL &&
	    (chain[n - 1].function = elf_symbol(o->elf, addr, NULL)) == NULL &&
	    o->dbg != NULL)
		chain[n - 1].function = elf_symbol(o->dbg, addr, NULL);
	return n;
}

const struct sym_frame *
sym_unknown(const struct symbolizer *s)
{
	return &s->noframe;
}

const struct sym_frame *
sym_lookup(struct symbolizer *s, const char *path, uint64_t off)
{
	struct sym_loc chain[SYM_MAX_INLINE];
	const struct sym_obj *o;
	struct sym_seen *seen;
	struct sym_frame *f;
	size_t j, n;

	/* An object id the trace never named: nothing to look in. */
	if (path == NULL)
		return &s->noframe;
	seen = &s->seen[((uintptr_t)path >> 3 ^ (uintptr_t)path >> 9) &
	    (SYM_SEEN - 1)];
	if (seen->path == path)
		o = seen->obj;
	else {
		if (*path == '\0' || strcmp(path, ".") == 0)
			o = get_obj(s, s->exe);
		else
			o = get_obj(s, path);
		seen->path = path;
		seen->obj = o;
	}
	/* Nothing to find in an object that cannot be read: one answer. */
	if (o->elf == NULL)
		return &s->noframe;
	if (s->nents + 1 > s->entcap / 2)
		grow_ents(s);
	j = hash_ent(o, off) & (s->entcap - 1);
	while (s->ents[j].obj != NULL) {
		if (s->ents[j].obj == o && s->ents[j].off == off)
			return s->ents[j].frame;
		j = (j + 1) & (s->entcap - 1);
	}
	n = symbolize(s, o, off, chain);
	f = arena_alloc(s, sizeof(*f) + n * sizeof(*chain));
	memcpy(f + 1, chain, n * sizeof(*chain));
	f->locs = (struct sym_loc *)(f + 1);
	f->nlocs = n;
	f->tag = 0;
	s->ents[j].obj = o;
	s->ents[j].off = off;
	s->ents[j].frame = f;
	s->nents++;
	return f;
}

const char *
sym_variable(struct symbolizer *s, const char *path, uint64_t off, int tls,
    int *global)
{
	const struct sym_obj *o;
	const char *name;
	int cls = tls ? ELF_SYMS_TLS : ELF_SYMS_DATA;
	uint64_t addr;

	if (path == NULL)
		return NULL;
	o = get_obj(s, *path == '\0' || strcmp(path, ".") == 0 ? s->exe :
	    path);
	if (o->elf == NULL)
		return NULL;
	/* TLS symbols count from the TLS block, whatever the load base. */
	addr = tls ? off : o->base + off;
	if ((name = elf_symbol_of(o->elf, cls, addr, NULL, global)) == NULL &&
	    o->dbg != NULL)
		name = elf_symbol_of(o->dbg, cls, addr, NULL, global);
	return name;
}

int
sym_variable_decl(struct symbolizer *s, const char *path, uint64_t off,
    int tls, const char **file, unsigned long *line)
{
	const struct sym_obj *o;
	int cls = tls ? ELF_SYMS_TLS : ELF_SYMS_DATA;
	uint64_t addr, start;
	int rc;

	*file = NULL;
	*line = 0;
	if (path == NULL)
		return -1;
	o = get_obj(s, *path == '\0' || strcmp(path, ".") == 0 ? s->exe :
	    path);
	if (o->elf == NULL || o->dw == NULL)
		return -1;
	/* The variable's DIE has the symbol's value, not the word's. */
	addr = tls ? off : o->base + off;
	if (elf_symbol_of(o->elf, cls, addr, &start, NULL) == NULL &&
	    (o->dbg == NULL ||
	    elf_symbol_of(o->dbg, cls, addr, &start, NULL) == NULL))
		return -1;
	rc = dwarf_variable(o->dw, start, tls, file, line);
	dmg_warn(o);
	return rc;
}

/*
 * Sort q[0..n) by offset: a least-significant-byte-first radix sort,
 * skipping the bytes in which all offsets agree (most of the high ones):
 * a few linear passes instead of n log n calls of a comparison.  On
 * bench/symbolize.sh's 100000 frames, ten runs of mdump take 1.65 s of
 * CPU with it and 1.66 to 1.89 s with qsort(3).  Frames of different
 * objects interleave, which keeps each object's walk forward all the
 * same.
 */
static void
query_sort(struct sym_query *q, size_t n)
{
	size_t count[8][256], pos[256], i, sum;
	struct sym_query *tmp, *from = q, *to, *t;
	unsigned byte, c;

	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (byte = 0; byte < 8; byte++)
			count[byte][q[i].offset >> (8 * byte) & 0xff]++;
	tmp = to = xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	for (byte = 0; byte < 8; byte++) {
		if (count[byte][q[0].offset >> (8 * byte) & 0xff] == n)
			continue;
		for (c = 0, sum = 0; c < 256; c++) {
			pos[c] = sum;
			sum += count[byte][c];
		}
		for (i = 0; i < n; i++)
			to[pos[from[i].offset >> (8 * byte) & 0xff]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	if (from != q)
		memcpy(q, from, n * sizeof(*q));
	free(tmp);
}

void
sym_prefetch(struct symbolizer *s, struct sym_query *q, size_t n)
{
	const struct sym_frame *f = NULL;
	size_t i;

	if (n == 0)
		return;
	query_sort(q, n);
	for (i = 0; i < n; i++) {
		if (i == 0 || q[i].object != q[i - 1].object ||
		    q[i].offset != q[i - 1].offset)
			f = sym_lookup(s, q[i].object, q[i].offset);
		if (q[i].frame != NULL)
			*q[i].frame = f;
	}
}

void
sym_close(struct symbolizer *s)
{
	size_t i;

	if (s == NULL)
		return;
	while (s->chunks != NULL) {
		struct sym_chunk *c = s->chunks;

		s->chunks = c->next;
		free(c);
	}
	for (i = 0; i < s->objcap; i++) {
		struct sym_obj *o = s->objs[i];

		if (o == NULL)
			continue;
		if (o->dw != NULL)
			dwarf_close(o->dw);
		if (o->altdw != NULL)
			dwarf_close(o->altdw);
		elf_close(o->alt);
		while (o->dwo_list != NULL) {
			struct sym_dwo *w = o->dwo_list;

			o->dwo_list = w->all;
			elf_close(w->elf);
			free(w->path);
			free(w);
		}
		u64map_free(&o->dwos);
		elf_close(o->dbg);
		elf_close(o->elf);
		free(o->path);
		free(o);
	}
	while (s->bids != NULL) {
		struct sym_bid *b = s->bids;

		s->bids = b->next;
		free(b->path);
		free(b->id);
		free(b);
	}
	dbgd_close(s->dbgd);
	free(s->ents);
	free(s->objs);
	free(s->exe);
	free(s->root);
	free(s);
}
