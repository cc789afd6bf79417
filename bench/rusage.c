/*
 * rusage.c: run a command and print its wall time and peak resident
 * memory, so the benchmarks need no GNU time.
 *
 * usage: rusage [-i infile] [-o outfile] command [args ...]
 * Prints "SECONDS KIB CPU" on standard error after the command ends:
 * wall seconds, peak RSS, and user + system CPU seconds (the steadier
 * figure on a shared machine).
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
redirect(const char *path, int fd, int flags)
{
	int f;

	if (path == NULL)
		return;
	if ((f = open(path, flags, 0644)) == -1 || dup2(f, fd) == -1) {
		perror(path);
		_exit(127);
	}
	close(f);
}

int
main(int argc, char *argv[])
{
	const char *in = NULL, *out = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int ch, status;
	pid_t pid;

	while ((ch = getopt(argc, argv, "+i:o:")) != -1) {
		switch (ch) {
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: rusage [-i in] [-o out] cmd ...\n");
			return 2;
		}
	}
	if (optind >= argc)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		redirect(in, 0, O_RDONLY);
		redirect(out, 1, O_WRONLY | O_CREAT | O_TRUNC);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%.3f %ld %.3f\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
