/*
 * debuginfod.h: fetch debug files and executables by build-id from the
 * debuginfod servers DEBUGINFOD_URLS lists, through elfutils' client
 * library, loaded at run time.
 *
 * The library (libdebuginfod.so.1) is opened on the first request, so a
 * run that never needs it never loads it, and a system without it (or
 * without dlopen) simply gets no answers.  The library reads the
 * DEBUGINFOD_* variables itself (cache, timeout); this module adds what
 * a whole run needs: each (kind, build-id) is asked once, answers and
 * refusals alike, and after a server fails to answer (a timeout, a
 * refused connection: anything but "not found") nothing more is asked.
 *
 * It does not check what it fetched: the caller compares build-ids.
 */
#ifndef MDUMP_DEBUGINFOD_H
#define MDUMP_DEBUGINFOD_H

#include <stddef.h>
#include <stdint.h>

/* What to fetch. */
#define DBGD_DEBUGINFO		0
#define DBGD_EXECUTABLE		1

struct dbgd;

/*
 * A client, or NULL when nothing is to be asked: DEBUGINFOD_URLS unset
 * or empty.  note(arg, loud, message), which may be NULL, hears why
 * asking stopped: loud when a server failed to answer, quiet when the
 * library is not there.
 */
struct dbgd	*dbgd_open(void (*)(void *, int, const char *), void *);

/*
 * The path, in the client cache, of the file of that kind with the
 * build-id id[0..len); NULL when none.  *url, when not NULL, gets the
 * address it came from ("" when the library does not say).  Both are
 * owned by the client and stay valid until dbgd_close().  A NULL client
 * answers NULL.
 */
const char	*dbgd_find(struct dbgd *, int, const uint8_t *, size_t,
		    const char **);
void		 dbgd_close(struct dbgd *);

#endif /* MDUMP_DEBUGINFOD_H */
