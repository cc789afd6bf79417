/*
 * sigstksz.c: prints sysconf(_SC_SIGSTKSZ), the size glibc advises for
 * an alternate signal stack (realprogs.sh).  glibc derives it from the
 * processor's register state (four times the kernel's AT_MINSIGSTKSZ,
 * at least SIGSTKSZ): 8192 where valgrind runs a program, which shows
 * it a processor of its own, but 47808 on an Intel Xeon with AMX.  A C
 * library without _SC_SIGSTKSZ: SIGSTKSZ.
 */
#define _GNU_SOURCE	/* SIGSTKSZ */

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
#ifdef _SC_SIGSTKSZ
	long n = sysconf(_SC_SIGSTKSZ);
#else
	long n = -1;
#endif

	printf("%ld\n", n > 0 ? n : (long)SIGSTKSZ);
	return 0;
}
