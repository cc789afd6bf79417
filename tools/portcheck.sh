#!/bin/sh
#
# portcheck.sh: build mdump's sources strictly, each build in a
# directory of its own under ${TMPDIR:-/tmp}, so no glibc-only API or
# compiler extension slips in:
#   musl-gcc  -std=c99 -pedantic -Werror   (Debian's musl-tools)
#   gcc       -std=c99 -pedantic -Werror
#   clang     -std=c99 -pedantic -Werror
# with only -D_POSIX_C_SOURCE=200809L, and linked.  zlib is left out of
# the musl build (musl-gcc does not see the host's zlib headers) and in
# for the others when the probe finds it.  Prints "ok port/CC" or
# "not ok port/CC (first error)"; a compiler that is missing is skipped
# with a note, except that CI (CI set in the environment) needs all.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
tmp=${TMPDIR:-/tmp}/mdump-portcheck.$$
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp"
srcs=$(ls src/*.c)
flags="-std=c99 -pedantic -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L"
status=0

for cc in musl-gcc gcc clang; do
	if ! command -v $cc >/dev/null 2>&1; then
		if [ -n "${CI:-}" ]; then
			echo "not ok port/$cc (not installed)"
			status=1
		else
			echo "ok port/$cc # skip not installed"
		fi
		continue
	fi
	z= zl=
	if [ $cc != musl-gcc ]; then
		z=$(sh tools/probe.sh cflags $cc)
		zl=$(sh tools/probe.sh libs $cc)
	fi
	# shellcheck disable=SC2086
	if ! $cc $flags $z -Isrc -o "$tmp/mdump-$cc" $srcs $zl \
	    >"$tmp/$cc.log" 2>&1; then
		echo "not ok port/$cc ($(grep -m 1 -E 'error|warning' \
		    "$tmp/$cc.log"))"
		sed 's/^/# /' "$tmp/$cc.log" | head -n 20
		status=1
		continue
	fi
	# The program runs: a bad option gives the usage and status 1.
	"$tmp/mdump-$cc" -x >/dev/null 2>&1
	if [ $? -eq 1 ]; then
		echo "ok port/$cc"
	else
		echo "not ok port/$cc (does not run)"
		status=1
	fi
done
exit $status
