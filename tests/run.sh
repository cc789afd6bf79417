#!/bin/sh
#
# run.sh: the mdump test suite.  Run from the top of the tree after
# "make" (the Makefile's "test" target does both).
#
# Every part of the suite prints one line per test, "ok NAME",
# "ok NAME # skip REASON" or "not ok NAME (why)"; this script runs the
# parts, shows the failures and ends with the line
# "N passed, N failed[, N skipped]".  Exit status 1 if anything failed.
#
# Parts:
#   tests/gen/check.sh     the trace generator against hand-checked bytes
#   tests/unit/test_*.c    unit tests, compiled with the module they test
#   tests/unit/test_*.sh   unit tests that drive a helper program
#   tests/cases/*.test     golden tests of mdump (tests/golden.sh)
#   tests/e2e/*.sh         further scripted tests

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=tests/out
# Each part cleans its own folder under tests/out.
mkdir -p "$out"
log=$out/results
: >"$log"

CC=${CC:-cc}
export CC

# Unit test programs: tests/unit/test_NAME.c links with src/NAME*.c as
# listed on its "/* link: ... */" line.
run_unit_c() {
	for t in tests/unit/test_*.c; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .c)
		srcs=$(sed -n 's,^/\* link: \(.*\) \*/$,\1,p' "$t" | head -n 1)
		if ! $CC -g -Wall -Wextra -std=c99 -D_POSIX_C_SOURCE=200809L \
		    -Isrc -o "$out/$name" "$t" $srcs 2>"$out/$name.cc"; then
			echo "not ok unit/$name (does not compile:" \
			    "$(head -n 1 "$out/$name.cc"))"
			continue
		fi
		"$out/$name" || echo "not ok unit/$name (exit $?)"
	done
}

run_scripts() {
	for t in "$@"; do
		[ -f "$t" ] || continue
		sh "$t" || echo "not ok $(basename "$t") (exit $?)"
	done
}

{
	sh tests/gen/check.sh tests/tracegen
	run_unit_c
	run_scripts tests/unit/test_*.sh
	sh tests/golden.sh
	run_scripts tests/e2e/*.sh
} 2>&1 | tee "$log.raw" | grep -E '^(not )?ok ' >"$log"

grep '^not ok ' "$log"
pass=$(grep -c '^ok ' "$log" | tr -d ' ')
skip=$(grep -c '^ok .*# skip' "$log" | tr -d ' ')
fail=$(grep -c '^not ok ' "$log" | tr -d ' ')
pass=$((pass - skip))
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
