#!/bin/sh
#
# run.sh [PART...]: the mdump test suite.  Run from the top of the tree
# after "make" (the Makefile's "test" target does both).  With PART
# arguments (shell scripts), runs only those, each as a part.
#
# Protocol.  Every part prints one line per result on standard output:
#
#	ok NAME
#	ok NAME # skip REASON
#	not ok NAME (why)
#
# and one plan line "1..N", N the number of results it gives, either
# before its first result or after its last (TAP's rule); lines starting
# with '#' are comments.  A part fails, and is named in the summary,
# when it exits non-zero, gives no plan, more than one, a plan between
# its results, or another number of results than planned; results it
# planned but did not give count as failed, so a part that dies midway
# can never lower the count.
#
# A skip names its reason, and these are listed in the summary.  A test
# whose tool is absent says "# skip missing TOOL ...".  With CI=true,
# a skip for a missing TOOL that tools/deps.sh installs is a failure:
# there it must have been installed.
#
# The last line is "N passed, N failed", with ", N skipped" when some
# were; exit status 1 if anything failed.  Output of each part: tests/out/parts/ (RUN_OUT
# changes tests/out).
#
# Parts:
#   tests/gen/check.sh     the trace generator against hand-checked bytes
#   tests/unit/test_*.c    unit tests, compiled with the module they test
#   tests/unit/test_*.sh   unit tests that drive a helper program
#   tests/cases/*.test     golden tests of mdump (tests/golden.sh)
#   tests/e2e/*.sh         further scripted tests

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=${RUN_OUT:-tests/out}
parts=$out/parts
rm -rf "$parts"
mkdir -p "$parts" || exit 1
log=$out/results
: >"$log"
: >"$out/partfail"

CC=${CC:-cc}
export CC

# The commands tools/deps.sh installs, for the CI rule on skips.
deps=$(sh tools/deps.sh --list 2>/dev/null | tr '\n' ' ')

# judge NAME FILE STATUS: append NAME's results to the log; a line to
# $out/partfail and status 1 when the part broke the protocol.
judge() {
	awk -v part="$1" -v rc="$3" -v logf="$log" -v fail="$out/partfail" \
	    -v ci="${CI:-}" -v deps=" $deps " '
	function partfail(why) {
		whys = whys (whys == "" ? "" : "; ") why
	}
	/^1\.\.[0-9]+[ \t]*$/ {
		plans++
		planned = substr($0, 4) + 0
		planat = nres
		next
	}
	/^(not )?ok / {
		nres++
		line = $0
		if (ci == "true" && line ~ /^ok .*# skip missing /) {
			tool = line
			sub(/.*# skip missing /, "", tool)
			sub(/[ ,;:)].*/, "", tool)
			if (index(deps, " " tool " ") > 0)
				line = "not ok " substr(line, 4) \
				    " (CI: tools/deps.sh installs " tool ")"
		}
		print line >>logf
	}
	END {
		if (rc != 0)
			partfail("exited with status " rc)
		if (plans == 0)
			partfail("no plan (1..N) in its output")
		else if (plans > 1)
			partfail(plans " plans in its output")
		else if (planat != 0 && planat != nres)
			partfail("plan after result " planat " of " nres)
		else if (nres != planned)
			partfail("planned " planned " results, gave " nres + 0)
		for (i = nres; i < planned; i++)
			print "not ok " part "/missing-" i + 1 \
			    " (planned, never given)" >>logf
		if (whys != "")
			print "not ok " part " (" whys ")" >>fail
		exit whys != ""
	}' "$2"
}

# part NAME COMMAND...: run one part and judge its output.
part() {
	name=$1
	shift
	f=$parts/$(printf '%s' "$name" | tr '/' '_')
	"$@" >"$f.out" 2>"$f.err"
	judge "$name" "$f.out" $?
}

# Unit test programs: tests/unit/test_NAME.c links with src/NAME*.c as
# listed on its "/* link: ... */" line, which may begin with -D flags
# that its sources are compiled with (test_live_locked.c).
unit_c() {
	t=$1
	name=$(basename "$t" .c)
	srcs=$(sed -n 's,^/\* link: \(.*\) \*/$,\1,p' "$t" | head -n 1)
	if ! $CC -g -Wall -Wextra -std=c99 -D_POSIX_C_SOURCE=200809L \
	    -Isrc -o "$out/$name" "$t" $srcs 2>"$out/$name.cc"; then
		echo "1..1"
		echo "not ok unit/$name (does not compile:" \
		    "$(head -n 1 "$out/$name.cc"))"
		return 0
	fi
	"$out/$name"
}

if [ $# -gt 0 ]; then
	for t in "$@"; do
		part "$t" sh "$t"
	done
else
	part tests/gen/check.sh sh tests/gen/check.sh tests/tracegen
	for t in tests/unit/test_*.c; do
		[ -f "$t" ] && part "$t" unit_c "$t"
	done
	for t in tests/unit/test_*.sh; do
		[ -f "$t" ] && part "$t" sh "$t"
	done
	part tests/golden.sh sh tests/golden.sh
	for t in tests/e2e/*.sh; do
		[ -f "$t" ] && part "$t" sh "$t"
	done
fi

grep '^not ok ' "$log"
cat "$out/partfail"
grep '^ok .*# skip' "$log" | sed 's/.*# skip //' | sort | uniq -c |
    sed 's/^ *\([0-9]*\) /skipped \1: /'
pass=$(grep -c '^ok ' "$log" | tr -d ' ')
skip=$(grep -c '^ok .*# skip' "$log" | tr -d ' ')
fail=$(grep -c '^not ok ' "$log" | tr -d ' ')
pfail=$(wc -l <"$out/partfail" | tr -d ' ')
pass=$((pass - skip))
fail=$((fail + pfail))
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
