#!/bin/sh
#
# limits.sh: crafted traces that made mdump quadratic, made here at a
# size where the old code ran for minutes and the fixed code takes a
# second or two.  Each must finish within LIMIT
# seconds (default 60; a sanitizer build is several times slower, a
# quadratic one hundreds of times), with the leaks it holds reported.
#
#   damage-x-processes  two records of a new process, then a damaged
#                       byte, N times: each damage dropped the open lines
#                       of every process
#   report-lines        N leaks, then N "Leak report:" lines: each line
#                       cleared every slot of the leak table
#
# Keys that differ only in high bits (object ids, frame offsets) once
# shared hash slots; tests/unit/test_u64map.c checks the spread, as the
# key space bounds that cost to seconds, which no time limit tells from
# a slow machine.

out=tests/out/limits
name=limits
rm -rf "$out"
mkdir -p "$out" || exit 1
LIMIT=${LIMIT:-60}
. tests/e2e/check.sh.inc
plan 3

# run NAME WANT-LEAKS [WANT-DAMAGE]: mdump on $out/NAME.trace within the
# limit; the summary must count WANT-LEAKS leaks, and stderr name
# WANT-DAMAGE skipped stretches.
run() {
	tests/tracegen -o "$out/$1.trace" "$out/$1.desc" || {
		echo "not ok $name/$1 (tracegen)"
		return
	}
	timeout "$LIMIT" ./mdump -f "$out/$1.trace" >"$out/$1.out" \
	    2>"$out/$1.err"
	st=$?
	if [ $st = 124 ]; then
		echo "not ok $name/$1 (more than $LIMIT s)"
		return
	fi
	check "$1" grep -q "^Summary leaks=$2 " "$out/$1.out"
	[ -z "$3" ] ||
	    check "$1-damage" test "$(grep -c 'bytes skipped' "$out/$1.err")" = "$3"
}

n=150000
awk -v n=$n 'BEGIN {
	print "layout lp64le"; print "start"
	for (i = 1; i <= n; i++) {
		print "proc " 100000 + i " p"
		print "text \"Leak report:\\n\""
		print "text \"Leak report:\\n\""
		print "raw ff"
	}
	print "proc 1 last"
	print "text \"Leak report:\\n\""
	print "text \"    0x1000    64      1     64 addr2line -e /nonexistent 0x10\\n\""
}' >"$out/damage-x-processes.desc"
run damage-x-processes 1 $n

n=150000
awk -v n=$n 'BEGIN {
	print "layout lp64le"; print "start"; print "proc 7 p"
	print "text \"Leak report:\\n\""
	for (i = 1; i <= n; i++)
		printf "text \"    0x1000    64      1     64 addr2line " \
		    "-e /nonexistent 0x%x\\n\"\n", i * 16
	for (i = 1; i <= n; i++)
		print "text \"Leak report:\\n\""
	print "text \"    0x1000    64      1     64 addr2line -e /nonexistent 0x10\\n\""
}' >"$out/report-lines.desc"
run report-lines 1

exit 0
