/*
 * longopt.c: "--help" and "--version" for getopt(3) (longopt.h).  Shared
 * by mdump and the mdtrace launcher; it calls nothing but the C library's
 * string functions, so the launcher links it as it is.
 */
#include <string.h>

#include "longopt.h"

void
longopt_map(int argc, char *argv[], const char *optstring)
{
	static char help[] = "-h", version[] = "-V";
	const char *p, *o;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			argv[i] = help;
			continue;
		}
		if (strcmp(argv[i], "--version") == 0) {
			argv[i] = version;
			continue;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0' ||
		    strcmp(argv[i], "--") == 0)
			return;
		/* A cluster such as -af FILE: skip the option's argument. */
		for (p = argv[i] + 1; *p != '\0'; p++) {
			if (*p == ':' || (o = strchr(optstring, *p)) == NULL ||
			    o[1] != ':')
				continue;
			if (p[1] == '\0')
				i++;
			break;
		}
	}
}
