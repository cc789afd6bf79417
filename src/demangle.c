/*
 * demangle.c: C++ demangling for -C.  mdump has no demangler of its
 * own: the Itanium C++ ABI's mangling grammar is large and the C++
 * runtime of every target system already carries __cxa_demangle, the
 * function c++filt and addr2line -C use.  tools/probe.sh finds it at
 * build time and defines HAVE_CXA_DEMANGLE, linking the C++ runtime
 * only then; without it names stay as they are recorded.
 *
 * It does not cache: names.c asks once per distinct name.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "demangle.h"

/*
 * The runtime's demangler has C linkage (abi::__cxa_demangle is declared
 * extern "C" in <cxxabi.h>), so a C program can call it by declaring it
 * with the ABI's signature.
 */
#ifdef HAVE_CXA_DEMANGLE
char	*__cxa_demangle(const char *, char *, size_t *, int *);
#endif

/*
 * Longest name handed to the demangler.  Real mangled names are a few
 * hundred bytes; the demangler recurses on the name's structure, so a
 * hostile debug string of megabytes must not reach it.
 */
#define DEMANGLE_MAXLEN	4096

int
demangle_available(void)
{
#ifdef HAVE_CXA_DEMANGLE
	return 1;
#else
	return 0;
#endif
}

char *
demangle(const char *name)
{
#ifdef HAVE_CXA_DEMANGLE
	int status = 0;
	char *s;

	/* Only Itanium-mangled names; a C name "_Zork" merely fails. */
	if (name == NULL || strncmp(name, "_Z", 2) != 0 ||
	    strlen(name) > DEMANGLE_MAXLEN)
		return NULL;
	s = __cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(s);
		return NULL;
	}
	return s;
#else
	(void)name;
	return NULL;
#endif
}
