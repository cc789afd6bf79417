/*
 * debuginfod.c: the debuginfod client of debuginfod.h, over elfutils'
 * libdebuginfod opened with dlopen().
 *
 * The few functions used are declared here, as the library's manual
 * gives them, so neither its header nor the library is needed to build.
 * Without dlopen (HAVE_DLOPEN unset: static builds, systems without
 * <dlfcn.h>) the library is never found and every request answers NULL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_DLOPEN
#include <dlfcn.h>
#endif

#include "debuginfod.h"
#include "xmalloc.h"

#define DBGD_LIBRARY	"libdebuginfod.so.1"

/* The library's client handle, opaque. */
typedef struct debuginfod_client dbgd_client;
typedef dbgd_client *(*begin_fn)(void);
typedef void (*end_fn)(dbgd_client *);
typedef int (*find_fn)(dbgd_client *, const unsigned char *, int, char **);
typedef int (*progress_fn)(dbgd_client *, long, long);
typedef void (*set_progress_fn)(dbgd_client *, progress_fn);
typedef const char *(*get_url_fn)(dbgd_client *);

/* One answer, kept for the whole run; path NULL: none. */
struct dbgd_ent {
	int		 kind;
	uint8_t		*id;
	size_t		 len;
	char		*path;
	char		*url;
	struct dbgd_ent	*next;
};

struct dbgd {
	void		(*note)(void *, int, const char *);
	void		*arg;
	int		 tried;		/* the library was looked for */
	int		 dead;		/* no more requests this run */
	void		*lib;
	dbgd_client	*client;
	end_fn		 end;
	find_fn		 find[2];	/* by DBGD_* */
	get_url_fn	 get_url;	/* NULL when the library lacks it */
	const char	*what;		/* being fetched, for progress */
	int		 progress_shown;
	struct dbgd_ent	*ents;
};

static void
note(struct dbgd *d, int loud, const char *fmt, const char *a,
    const char *b)
{
	char msg[512];

	if (d->note == NULL)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b);
	d->note(d->arg, loud, msg);
}

struct dbgd *
dbgd_open(void (*fn)(void *, int, const char *), void *arg)
{
	struct dbgd *d;
	const char *urls = getenv("DEBUGINFOD_URLS");

	if (urls == NULL || urls[strspn(urls, " \t")] == '\0')
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->note = fn;
	d->arg = arg;
	return d;
}

/* The client whose request is under way: mdump is single-threaded. */
static struct dbgd *fetching;

#ifdef HAVE_DLOPEN
/*
 * A function of the library.  ISO C has no conversion from dlsym()'s
 * object pointer to a function pointer; POSIX guarantees the bytes are
 * the same, so they are copied.
 */
static int
sym(void *lib, const char *name, void *fnp, size_t size)
{
	void *p = dlsym(lib, name);

	if (p == NULL || size != sizeof(p))
		return -1;
	memcpy(fnp, &p, size);
	return 0;
}

/* DEBUGINFOD_PROGRESS: how much of the file came, on standard error. */
static int
progress(dbgd_client *c, long done, long total)
{
	struct dbgd *d = fetching;

	(void)c;
	if (d == NULL || d->what == NULL)
		return 0;
	if (total > 0)
		fprintf(stderr, "\rmdump: downloading %s: %ld/%ld KiB",
		    d->what, done / 1024, total / 1024);
	else
		fprintf(stderr, "\rmdump: downloading %s: %ld KiB", d->what,
		    done / 1024);
	d->progress_shown = 1;
	return 0;
}

static int
load(struct dbgd *d)
{
	begin_fn begin;
	set_progress_fn set_progress;
	const char *p;

	/*
	 * The library retries a query that failed (twice by default), so
	 * a server that does not answer would cost three timeouts; one is
	 * enough, unless the user asked for retries.
	 */
	if (getenv("DEBUGINFOD_RETRY_LIMIT") == NULL)
		(void)setenv("DEBUGINFOD_RETRY_LIMIT", "0", 0);
	if ((d->lib = dlopen(DBGD_LIBRARY, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
	if (sym(d->lib, "debuginfod_begin", &begin, sizeof(begin)) == -1 ||
	    sym(d->lib, "debuginfod_end", &d->end, sizeof(d->end)) == -1 ||
	    sym(d->lib, "debuginfod_find_debuginfo", &d->find[DBGD_DEBUGINFO],
	    sizeof(d->find[0])) == -1 ||
	    sym(d->lib, "debuginfod_find_executable",
	    &d->find[DBGD_EXECUTABLE], sizeof(d->find[0])) == -1 ||
	    (d->client = begin()) == NULL)
		return -1;
	if (sym(d->lib, "debuginfod_get_url", &d->get_url,
	    sizeof(d->get_url)) == -1)
		d->get_url = NULL;
	p = getenv("DEBUGINFOD_PROGRESS");
	if (p != NULL && *p != '\0' && sym(d->lib,
	    "debuginfod_set_progressfn", &set_progress,
	    sizeof(set_progress)) == 0)
		set_progress(d->client, progress);
	return 0;
}
#else
static int
load(struct dbgd *d)
{
	(void)d;
	return -1;
}
#endif

static void
hex(const uint8_t *id, size_t len, char *out, size_t size)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < len && 2 * i + 3 <= size; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static struct dbgd_ent *
lookup(struct dbgd *d, int kind, const uint8_t *id, size_t len)
{
	struct dbgd_ent *e;

	for (e = d->ents; e != NULL; e = e->next)
		if (e->kind == kind && e->len == len &&
		    memcmp(e->id, id, len) == 0)
			return e;
	e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->id = xmalloc(len);
	memcpy(e->id, id, len);
	e->len = len;
	e->next = d->ents;
	d->ents = e;
	return e;
}

/* Ask the servers for e; fills e->path and e->url when they have it. */
static void
ask(struct dbgd *d, struct dbgd_ent *e)
{
	static const char *kinds[] = { "debug info", "executable" };
	char idhex[2 * 64 + 1], what[sizeof(idhex) + 32];
	const char *url;
	char *path = NULL;
	int fd;

	hex(e->id, e->len, idhex, sizeof(idhex));
	snprintf(what, sizeof(what), "%s %s", kinds[e->kind], idhex);
	d->what = what;
	d->progress_shown = 0;
	fetching = d;
	fd = d->find[e->kind](d->client, e->id, (int)e->len, &path);
	d->what = NULL;
	fetching = NULL;
	if (d->progress_shown)
		fputc('\n', stderr);
	if (fd < 0) {
		free(path);
		if (fd != -ENOENT) {
			d->dead = 1;
			note(d, 1, "debuginfod: %s: %s; no more requests "
			    "this run",
			    what, strerror(-fd));
		}
		return;
	}
	close(fd);
	e->path = path;
	url = d->get_url != NULL ? d->get_url(d->client) : NULL;
	e->url = xstrdup(url != NULL ? url : "");
}

const char *
dbgd_find(struct dbgd *d, int kind, const uint8_t *id, size_t len,
    const char **url)
{
	struct dbgd_ent *e;

	if (d == NULL || len == 0 || len > 64 ||
	    (kind != DBGD_DEBUGINFO && kind != DBGD_EXECUTABLE))
		return NULL;
	e = lookup(d, kind, id, len);
	if (e->path == NULL && e->url == NULL && !d->dead) {
		if (!d->tried) {
			d->tried = 1;
			if (load(d) == -1) {
				d->dead = 1;
				note(d, 0, "debuginfod: %s not available%s",
				    DBGD_LIBRARY, "");
				return NULL;
			}
		}
		ask(d, e);
		if (e->url == NULL)
			e->url = xstrdup("");
	}
	if (url != NULL)
		*url = e->url;
	return e->path;
}

void
dbgd_close(struct dbgd *d)
{
	struct dbgd_ent *e;

	if (d == NULL)
		return;
	while ((e = d->ents) != NULL) {
		d->ents = e->next;
		free(e->id);
		free(e->path);
		free(e->url);
		free(e);
	}
	if (d->client != NULL)
		d->end(d->client);
	/* The library stays loaded: libcurl's exit handlers run later. */
	free(d);
}
