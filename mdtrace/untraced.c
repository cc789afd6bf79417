/*
 * untraced.c: telling that a program will not be traced, for the
 * launcher before it executes the program and for the library before
 * the program executes another one (untraced.h).
 *
 * The dynamic loader preloads the tracer only into a dynamically linked
 * program (one with a PT_INTERP header: a static one, static-pie too,
 * has no loader to do it) of the tracer's own ELF class and machine,
 * and ignores LD_PRELOAD's paths for a program that runs with other
 * user or group ids than its caller (set-user-ID or set-group-ID for
 * another owner, on a file system that honours it).  A script runs its
 * interpreter, which must pass the same tests.
 *
 * Nothing here allocates: the library calls it from the exec family,
 * which may run in the child of vfork(2).
 */
#define _GNU_SOURCE	/* pread, statvfs's ST_NOSUID in strict modes */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "untraced.h"

#define HDR_SIZE	64	/* lp64le ktrace header, doc/FORMATS.md */
#define COMM_SIZE	24
#define LABEL_SIZE	20
#define USER_MAX	2048
#define KTR_USER	9
#define TID_OFFSET	100000
#define SCRIPT_DEPTH	4	/* interpreters of interpreters, as Linux */
#define MAX_PHDRS	64	/* read at most this many program headers */

#if defined(__x86_64__)
#define OUR_MACHINE	EM_X86_64
#elif defined(__aarch64__)
#define OUR_MACHINE	EM_AARCH64
#elif defined(__i386__)
#define OUR_MACHINE	EM_386
#elif defined(__riscv)
#define OUR_MACHINE	EM_RISCV
#endif
#define OUR_CLASS	(sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)

/* Whether running path changes the user or group id: LD_PRELOAD is cut. */
static const char *
secure_exec(int fd, const struct stat *st)
{
	struct statvfs vfs;

	if ((st->st_mode & (S_ISUID | S_ISGID)) == 0 ||
	    (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOSUID) != 0))
		return NULL;
	if ((st->st_mode & S_ISUID) != 0 && st->st_uid != geteuid())
		return "set-user-ID: the dynamic loader ignores LD_PRELOAD";
	/* Without group execute, the bit means mandatory locking. */
	if ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    st->st_gid != getegid())
		return "set-group-ID: the dynamic loader ignores LD_PRELOAD";
	return NULL;
}

/* PT_INTERP among the program headers of a 64-bit ELF file. */
static int
has_interp64(int fd, const Elf64_Ehdr *eh)
{
	Elf64_Phdr ph[MAX_PHDRS];
	size_t n = eh->e_phnum < MAX_PHDRS ? eh->e_phnum : MAX_PHDRS, i;

	if (eh->e_phentsize != sizeof(ph[0]) ||
	    pread(fd, ph, n * sizeof(ph[0]), (off_t)eh->e_phoff) !=
	    (ssize_t)(n * sizeof(ph[0])))
		return 1;	/* unreadable: let exec judge */
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return 1;
	return 0;
}

static const char *
elf_why(int fd, const unsigned char *h, size_t len)
{
	Elf64_Ehdr eh;

	if (h[EI_CLASS] != OUR_CLASS)
		return h[EI_CLASS] == ELFCLASS32 ?
		    "a 32-bit program: the tracer is a 64-bit library" :
		    "a 64-bit program: the tracer is a 32-bit library";
	if (OUR_CLASS != ELFCLASS64 || len < sizeof(eh))
		return NULL;
	memcpy(&eh, h, sizeof(eh));
#ifdef OUR_MACHINE
	if (eh.e_machine != OUR_MACHINE)
		return "built for another machine than the tracer";
#endif
	if (!has_interp64(fd, &eh))
		return "statically linked: there is no dynamic loader to "
		    "preload the tracer";
	return NULL;
}

/* A script's interpreter, from its "#!" line, into buf. */
static int
interpreter(const unsigned char *h, size_t len, char *buf, size_t n)
{
	size_t i = 2, j = 0;

	while (i < len && (h[i] == ' ' || h[i] == '\t'))
		i++;
	while (i < len && h[i] != ' ' && h[i] != '\t' && h[i] != '\n' &&
	    j + 1 < n)
		buf[j++] = (char)h[i++];
	buf[j] = '\0';
	return j > 0 && buf[0] == '/' ? 0 : -1;
}

static const char *
why_at(const char *path, int depth)
{
	unsigned char h[256];
	char interp[256];
	const char *why = NULL;
	struct stat st;
	ssize_t len;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || (len = read(fd, h, sizeof(h))) < 4) {
		close(fd);
		return NULL;
	}
	if (memcmp(h, ELFMAG, SELFMAG) == 0 && len > EI_CLASS) {
		if ((why = secure_exec(fd, &st)) == NULL)
			why = elf_why(fd, h, (size_t)len);
	} else if (h[0] == '#' && h[1] == '!' && depth < SCRIPT_DEPTH &&
	    interpreter(h, (size_t)len, interp, sizeof(interp)) == 0) {
		close(fd);
		return why_at(interp, depth + 1) == NULL ? NULL :
		    "its interpreter cannot be traced (static, set-user-ID "
		    "or of another class)";
	}
	close(fd);
	return why;
}

const char *
mdt_exe_why(const char *path)
{
	return why_at(path, 0);
}

/* dir (dlen bytes; empty: the current directory), '/', name into buf. */
static int
join(char *buf, size_t n, const char *dir, size_t dlen, const char *name)
{
	size_t nlen = strlen(name);

	if (dlen == 0) {
		dir = ".";
		dlen = 1;
	}
	if (dlen + 1 + nlen + 1 > n)
		return -1;
	memcpy(buf, dir, dlen);
	buf[dlen] = '/';
	memcpy(buf + dlen + 1, name, nlen + 1);
	return 0;
}

int
mdt_exe_find(const char *name, const char *path, char *buf, size_t n)
{
	const char *p, *end;

	if (strchr(name, '/') != NULL) {
		if (strlen(name) + 1 > n)
			return -1;
		memcpy(buf, name, strlen(name) + 1);
		return 0;
	}
	/* execvp's default search path, glibc's since 2.31. */
	for (p = path != NULL ? path : "/bin:/usr/bin";; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		if (join(buf, n, p, (size_t)(end - p), name) == 0 &&
		    access(buf, X_OK) == 0)
			return 0;
		if (*end == '\0')
			return -1;
	}
}

size_t
mdt_untraced_data(char *d, size_t n, const char *path, const char *why)
{
	size_t pl = strlen(path), wl = strlen(why);

	if (wl + 2 > n)
		return 0;
	if (pl + wl + 2 > n)
		pl = n - wl - 2;	/* the reason counts more */
	memcpy(d, path, pl);
	d[pl] = '\0';
	memcpy(d + pl + 1, why, wl + 1);
	return pl + wl + 2;
}

static void
put_le(unsigned char *p, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int
mdt_write_whole(int fd, const void *b, size_t len)
{
	return mdt_write_records(fd, b, &len, 1);
}

int
mdt_write_records(int fd, const void *b, const size_t *ends, size_t n)
{
	struct sigaction ign, old;
	struct stat st;
	size_t done = 0, len = n > 0 ? ends[n - 1] : 0, keep = 0, i;
	ssize_t r;
	off_t at;
	int e = 0;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	(void)sigaction(SIGXFSZ, &ign, &old);
	while (done < len) {
		r = write(fd, (const char *)b + done, len - done);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		e = r == -1 ? errno : EIO;
		/*
		 * The whole records written stay; the part of one is cut.
		 * If another process appended after it, cutting would take
		 * theirs too: the part stays, and mdump skips it.
		 */
		for (i = 0; i < n && ends[i] <= done; i++)
			keep = ends[i];
		if (done > keep && (at = lseek(fd, 0, SEEK_CUR)) != -1 &&
		    fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size == at)
			(void)!ftruncate(fd, at - (off_t)(done - keep));
		break;
	}
	(void)sigaction(SIGXFSZ, &old, NULL);
	return e;
}

void
mdt_start_record(unsigned char *h)
{
	struct timespec ts;

	memset(h, 0, MDT_START_SIZE);
	memcpy(h, "KTR", 4);
	put_le(h + 4, 0xffffffffU, 4);
	put_le(h + 8, 0xffffffffU, 4);
	clock_gettime(CLOCK_REALTIME, &ts);
	put_le(h + 16, (uint64_t)ts.tv_sec, 8);
	put_le(h + 24, (uint64_t)ts.tv_nsec, 8);
}

/*
 * A file still empty gets the start record first, in the same write:
 * the library was given to the program by hand (LD_PRELOAD and
 * MDTRACE_FILE, a service's environment), not by mdtrace, which writes
 * it as it makes the file.  Two processes that find the file empty at
 * once write one each; mdump skips a start record anywhere.
 */
int
mdt_note(const char *trace, int32_t pid, const char *comm, const char *label,
    const void *data, size_t n)
{
	unsigned char buf[MDT_START_SIZE + HDR_SIZE + LABEL_SIZE + USER_MAX];
	unsigned char *rec = buf + MDT_START_SIZE;
	const char *base = strrchr(comm, '/');
	struct timespec ts;
	struct stat st;
	size_t cl, ends[2];
	int fd, w, e = errno;

	if (n > USER_MAX)
		n = USER_MAX;
	base = base != NULL ? base + 1 : comm;
	cl = strlen(base) < COMM_SIZE - 1 ? strlen(base) : COMM_SIZE - 1;
	memset(rec, 0, HDR_SIZE + LABEL_SIZE);
	clock_gettime(CLOCK_REALTIME, &ts);
	put_le(rec, KTR_USER, 4);
	put_le(rec + 4, (uint32_t)pid, 4);
	put_le(rec + 8, (uint32_t)pid + TID_OFFSET, 4);
	put_le(rec + 16, (uint64_t)ts.tv_sec, 8);
	put_le(rec + 24, (uint64_t)ts.tv_nsec, 8);
	memcpy(rec + 32, base, cl);
	put_le(rec + 56, LABEL_SIZE + n, 8);
	memcpy(rec + HDR_SIZE, label, strlen(label) < LABEL_SIZE ?
	    strlen(label) : LABEL_SIZE - 1);
	memcpy(rec + HDR_SIZE + LABEL_SIZE, data, n);
	if ((fd = open(trace, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1) {
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		mdt_start_record(buf);
		ends[0] = MDT_START_SIZE;
		ends[1] = MDT_START_SIZE + HDR_SIZE + LABEL_SIZE + n;
		w = mdt_write_records(fd, buf, ends, 2);
	} else
		w = mdt_write_whole(fd, rec, HDR_SIZE + LABEL_SIZE + n);
	close(fd);
	errno = e;
	return w == 0 ? 0 : -1;
}
