/*
 * untraced.h: what the launcher (mdtrace.c) and the library (exec.c)
 * share to say that a program will not be traced: why the dynamic
 * loader would not preload the tracer into an executable, where execvp
 * finds a program, and the record that says so in the trace
 * ("mdtuntraced", doc/FORMATS.md).  Nothing here allocates.
 */
#ifndef MDT_UNTRACED_H
#define MDT_UNTRACED_H

#include <stddef.h>
#include <stdint.h>

/* The trace's labels of a process's tracing (doc/FORMATS.md). */
#define MDT_START_LABEL		"mdtstart"
#define MDT_UNTRACED_LABEL	"mdtuntraced"

/*
 * Why the tracer cannot be preloaded into the program at path (static,
 * set-user-ID or set-group-ID for another user, another ELF class or
 * machine, the same for a script's interpreter), or NULL when nothing
 * stands in the way (or the file cannot be read: exec will say).
 */
const char	*mdt_exe_why(const char *);

/*
 * The file execvp(3) would run for name, searching path (the PATH
 * variable; NULL: the default) when name has no '/': into buf, which
 * has n bytes.  0, or -1 when no executable was found.
 */
int		 mdt_exe_find(const char *, const char *, char *, size_t);

/*
 * The record a trace file begins with (doc/FORMATS.md): type bytes
 * "KTR\0", pid and tid -1, the time now, no command, no payload; into
 * MDT_START_SIZE bytes at h.
 */
#define MDT_START_SIZE	64
void		 mdt_start_record(unsigned char *);

/*
 * Append one utrace record under label to the trace file at path, as
 * from process pid named comm (its last path component is used): the
 * data after the label, at most 2048 bytes; after a start record when
 * the file is empty.  0, or -1 if the file could not be opened or
 * written.
 */
int		 mdt_note(const char *, int32_t, const char *, const char *,
		    const void *, size_t);

/*
 * Write one record of len bytes to fd with one write(2), or leave the
 * file as it was: 0, or the error.  A record the file took only in part
 * (a full disk, a file size limit) is cut off again with ftruncate(2)
 * if it is still the file's end, so the trace ends at a record
 * boundary.  SIGXFSZ is ignored meanwhile: a size limit makes the write
 * fail rather than kill the program.
 */
int		 mdt_write_whole(int, const void *, size_t);
/*
 * The same for n records in one buffer, one write(2) for all where the
 * file takes them: record i ends at ends[i].  Of a write taken in part,
 * the whole records stay and the rest is cut off.
 */
int		 mdt_write_records(int, const void *, const size_t *, size_t);

/* The payload of "mdtuntraced": path, NUL, reason, NUL; its length. */
size_t		 mdt_untraced_data(char *, size_t, const char *, const char *);

#endif /* MDT_UNTRACED_H */
