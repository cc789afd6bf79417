/*
 * tasks.c: the threads of the process as /proc lists them, for the two
 * ways of stopping them (stop.c with a signal, stop_ptrace.c through
 * its helper, whose own /proc/self is not the process's), and the
 * threads no check stops: the tracer's own checker (control.c) and an
 * emulator's (stop.c finds them at start-up).
 *
 * Nothing here calls malloc or touches errno: the ptrace helper, which
 * shares the checking thread's thread pointer, calls it too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tasks.h"

struct linux_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

static int	foreign[16];	/* never stopped */
static size_t	nforeign;

static int
parse_int(const char *s)
{
	int v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/*
 * Into path (64 bytes): "/proc/self/task/TID/NAME", or with tid -1
 * "/proc/PID/NAME" (for the ptrace helper, whose /proc/self is its
 * own).  Nothing here touches errno.
 */
void
mdt_stop_path(char *path, int pid, int tid, const char *name)
{
	char digits[16];
	size_t n, k = 0;
	int v = tid < 0 ? pid : tid;

	memcpy(path, tid < 0 ? "/proc/" : "/proc/self/task/",
	    tid < 0 ? 7 : 17);
	n = tid < 0 ? 6 : 16;
	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && k < sizeof(digits));
	while (k > 0)
		path[n++] = digits[--k];
	path[n++] = '/';
	for (k = 0; name[k] != '\0' && n < 63; k++)
		path[n++] = name[k];
	path[n] = '\0';
}

/*
 * The directory entry at p (getdents64): its thread id in *tid (-1 if
 * none), its length.
 */
long
mdt_stop_dirent(const char *p, int *tid)
{
	const struct linux_dirent64 *d = (const void *)p;

	*tid = parse_int(d->d_name);
	return d->d_reclen > 0 ? d->d_reclen : 4096;
}

/* Is tid one of the emulator's own threads? */
int
mdt_stop_foreign(int tid)
{
	size_t i;

	for (i = 0; i < nforeign; i++)
		if (foreign[i] == tid)
			return 1;
	return 0;
}

/* A thread no check stops: the tracer's own, or an emulator's. */
void
mdt_stop_ignore(int tid)
{
	if (nforeign < sizeof(foreign) / sizeof(foreign[0]))
		foreign[nforeign++] = tid;
}
