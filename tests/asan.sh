#!/bin/sh
#
# asan.sh: the whole test suite with mdump, tests/tracegen and the unit
# test programs built with AddressSanitizer (LeakSanitizer included) and
# UndefinedBehaviorSanitizer, every report fatal.  "make test-asan" runs
# it; CI too.
#
# The suite runs on a copy of the tree in $ASAN_DIR (default: a new
# folder ${TMPDIR:-/tmp}/mdump-asan.XXXXXX of its own, so that two runs
# on one machine never share one, removed when the run passed), so the
# ordinary build in the tree stays as it is.  The mdtrace tracer is built without sanitizers: it is
# preloaded into other programs, where ASan's runtime cannot follow.
# Sanitizer reports go to files in $ASAN_DIR/san/; any such file fails
# the run, whatever the test that caused it printed.  valgrind.sh skips
# itself there (valgrind and ASan do not mix) and the fuzzers only
# replay their kept inputs.
#
# Exit status 1 when a test failed or a sanitizer spoke.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if [ -n "${ASAN_DIR:-}" ]; then
	dir=$ASAN_DIR
	own=
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/mdump-asan.XXXXXX") || exit 1
	own=$dir
fi
cc=${CC:-cc}
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
san="$san -fno-omit-frame-pointer"

rm -rf "$dir"
mkdir -p "$dir/san" || exit 1
for f in * .ci; do
	[ -e "$f" ] && cp -R "$f" "$dir/"
done
rm -rf "$dir/tests/out" "$dir/fuzz/out" "$dir/bench/out"
cd "$dir" || exit 1
make clean >/dev/null 2>&1
# The tracer first, plain; then mdump and the generator with sanitizers.
if ! make CC="$cc" mdtrace-if-linux >build.log 2>&1 ||
    ! make CC="$cc" CFLAGS="-g -O1 $san" LDFLAGS="$san" mdump \
    tests/tracegen >>build.log 2>&1; then
	echo "not ok asan/build (see $dir/build.log)"
	exit 1
fi
ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$dir/san/asan"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$dir/san/ubsan"
MDUMP_ASAN=1
FUZZ_SECONDS=0
CC=$cc
export ASAN_OPTIONS UBSAN_OPTIONS MDUMP_ASAN FUZZ_SECONDS CC
# The unit test programs, with sanitizers, linked as run.sh links them.
# Not through CC for the whole suite: the mdtrace tests compile programs
# with CC and preload the tracer into them, which ASan's runtime forbids.
rc=0
mkdir -p tests/out-asan
for t in tests/unit/test_*.c; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .c)
	l=$(sed -n 's,^/\* link: \(.*\) \*/$,\1,p' "$t" | head -n 1)
	# shellcheck disable=SC2086
	if ! $cc $san -g -std=c99 -D_POSIX_C_SOURCE=200809L -Isrc \
	    -o "tests/out-asan/$n" "$t" $l >"tests/out-asan/$n.cc" 2>&1; then
		echo "not ok asan/unit/$n (does not compile)"
		rc=1
	elif ! "tests/out-asan/$n" >"tests/out-asan/$n.out" 2>&1; then
		echo "not ok asan/unit/$n (see $dir/tests/out-asan/$n.out)"
		rc=1
	else
		echo "ok asan/unit/$n"
	fi
done
sh tests/run.sh || rc=1
if ls "$dir"/san/* >/dev/null 2>&1; then
	echo "not ok asan/reports (in $dir/san:" \
	    "$(grep -h -m 1 -E 'ERROR|runtime error' "$dir"/san/* | head -n 1))"
	exit 1
fi
echo "ok asan/reports (none)"
# A folder of its own is kept only for looking at a failure.
if [ "$rc" -eq 0 ] && [ -n "$own" ]; then
	cd "$top" && rm -rf "$own"
fi
exit $rc
