#!/bin/sh
# probe.sh: what the C compiler here offers that mdump can use.
#   probe.sh cflags CC   prints -D flags for what was found
#   probe.sh libs CC     prints the libraries to link for it
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

case $what in
cflags) has_zlib && printf '%s ' -DHAVE_ZLIB ;;
libs) has_zlib && printf '%s ' -lz ;;
*) echo "usage: probe.sh cflags|libs CC" >&2; exit 1 ;;
esac
echo
