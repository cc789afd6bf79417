/*
 * stderr2.c: a program that closes its standard error and opens a data
 * file of its own in its place (descriptor 2), then makes the tracer
 * speak at exit: it removes the trace file, which the tracer then
 * cannot open.  The data file must hold only what the program wrote.
 *
 *	stderr2 DATAFILE
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static const char data[] = "the program's data\n";
	const char *trace = getenv("MDTRACE_FILE");
	char *leak;

	if (argc != 2 || trace == NULL)
		return 2;
	close(2);
	if (open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644) != 2)
		return 3;
	if (write(2, data, sizeof(data) - 1) != (ssize_t)sizeof(data) - 1)
		return 4;
	unlink(trace);
	leak = malloc(100);	/* so that there is a report to write */
	if (leak == NULL)
		return 5;
	memset(leak, 1, 100);
	return 0;
}
