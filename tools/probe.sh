#!/bin/sh
# probe.sh: what the C compiler here offers that mdump can use.
#   probe.sh cflags CC   prints -D flags for what was found
#   probe.sh libs CC     prints the libraries to link for it
#   probe.sh arch CC     prints the processor the compiler builds for,
#                        as mdtrace's files name it (mdtrace/arch_ARCH.c,
#                        mdtrace/unwind_ARCH.c), or "none" without them
# What it looks for: zlib (compressed debug sections), the C++
# runtime's __cxa_demangle (mdump -C) and dlopen (the debuginfod client
# library, loaded at run time), linked only where found.
# Used by the Makefile through "!=", which GNU make and BSD make share.
what=$1
shift
cc=${*:-cc}
tmp=${TMPDIR:-/tmp}/mdump-probe.$$
trap 'rm -f "$tmp" "$tmp.c"' EXIT INT TERM

has_zlib() {
	printf '#include <zlib.h>\nint main(void){return inflateInit(0);}\n' \
	    >"$tmp.c"
	$cc -o "$tmp" "$tmp.c" -lz >/dev/null 2>&1
}

# The C++ runtime that links a C program calling __cxa_demangle: GNU
# libstdc++ (Linux), LLVM libc++ with its ABI library (OpenBSD).  The
# demangler has C linkage, so a C compiler can call it.
cxa_lib() {
	printf '%s\n' '#include <stddef.h>' '#include <stdlib.h>' \
	    'char *__cxa_demangle(const char *, char *, size_t *, int *);' \
	    'int main(void) { int st = 1; char *s = __cxa_demangle("_Z1fv",' \
	    '    NULL, NULL, &st); free(s); return st; }' >"$tmp.c"
	for lib in -lstdc++ -lc++ "-lc++ -lc++abi"; do
		# shellcheck disable=SC2086
		if $cc -o "$tmp" "$tmp.c" $lib >/dev/null 2>&1 &&
		    "$tmp" >/dev/null 2>&1; then
			printf '%s ' $lib
			return 0
		fi
	done
	return 1
}

# The library that gives dlopen: the C library itself (glibc 2.34+,
# OpenBSD, musl), else -ldl.  Not found: mdump asks no debuginfod server.
dl_lib() {
	printf '%s\n' '#include <dlfcn.h>' '#include <stddef.h>' \
	    'int main(void) { void *h = dlopen("libc.so.6", RTLD_NOW);' \
	    '    return h != NULL && dlsym(h, "x") == h; }' >"$tmp.c"
	for lib in "" -ldl; do
		# shellcheck disable=SC2086
		if $cc -o "$tmp" "$tmp.c" $lib >/dev/null 2>&1; then
			[ -n "$lib" ] && printf '%s ' $lib
			return 0
		fi
	done
	return 1
}

# The processor of the compiler's target triple, if mdtrace has its
# files; mdtrace/arch.h says what they hold.
mdt_arch() {
	m=$($cc -dumpmachine 2>/dev/null)
	m=${m%%-*}
	if [ -n "$m" ] && [ -f "mdtrace/arch_$m.c" ] &&
	    [ -f "mdtrace/unwind_$m.c" ]; then
		printf '%s' "$m"
	else
		printf none
	fi
}

case $what in
arch)
	mdt_arch
	;;
cflags)
	has_zlib && printf '%s ' -DHAVE_ZLIB
	cxa_lib >/dev/null && printf '%s ' -DHAVE_CXA_DEMANGLE
	dl_lib >/dev/null && printf '%s ' -DHAVE_DLOPEN
	;;
libs)
	has_zlib && printf '%s ' -lz
	cxa_lib
	dl_lib
	;;
*) echo "usage: probe.sh cflags|libs|arch CC" >&2; exit 1 ;;
esac
echo
