/*
 * demangle.h: C++ names made readable, through the demangler of the
 * system's C++ runtime when the build found one (tools/probe.sh).
 */
#ifndef MDUMP_DEMANGLE_H
#define MDUMP_DEMANGLE_H

/* 1 when this build has a demangler, 0 when -C can do nothing. */
int	 demangle_available(void);
/*
 * The demangled form of a mangled C++ name, allocated (the caller frees
 * it), or NULL when the name is not a mangled C++ name, cannot be
 * demangled, or this build has no demangler.
 */
char	*demangle(const char *);

#endif /* MDUMP_DEMANGLE_H */
