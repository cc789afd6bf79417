#!/bin/sh
#
# mdtrace_faults.sh: the trace under faults.
#
# - A trace path that cannot be created (a missing directory, a path
#   under a file, a directory): mdtrace says so and exits 1 before the
#   program runs.  A file that takes no byte (/dev/full): the same.
# - No space left once the program runs: the library writes to
#   /dev/full (ENOSPC); it says so once, and the program's output and
#   exit status are its own.
# - A full disk at an exact size: RLIMIT_FSIZE (prlimit), SIGXFSZ not
#   ignored by the caller; write(2) writes what fits, then fails with
#   EFBIG.  At each limit the program's output and exit status are its
#   own, the trace is whole records only (walked here by their length
#   fields, not by mdump), shorter than the limit when the limit fell
#   inside a record (the partial record was taken back), and mdump says
#   the process's report is incomplete (or, when the file took nothing
#   after its start record, that it wrote none), at the offset where
#   the file ends, and counts it as not traced (exit status 0; 2 with
#   -x).
# - SIGKILL after two children exited: mdump reports the children's
#   leaks and the parent as not traced, with the offset where its
#   records end, never as an empty report (text and JSON; -x fails).
#
# Expected lines come from marker comments in tests/e2e/progs/faults.c.

out=tests/out/mdtrace_faults
name=mdtrace_faults
progs=tests/e2e/progs
. tests/e2e/check.sh.inc
limits="250 400 1000 2500 6000 12000"
plan 33
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
mkdir -p "$out" || exit 1
rm -f "$out"/*.ktrace "$out"/ran
${CC:-cc} -g -O0 -o "$out/faults" "$progs/faults.c" 2>"$out/faults.cc" ||
    failall "tests/e2e/progs/faults.c does not compile"

# The program as it runs untraced: its output and exit status.
"$out/faults" >"$out/plain.stdout" 2>&1
plain=$?

# Paths no trace can be made at.  The program would leave a file.
n=0
for path in /nonexistent/dir/t.ktrace /dev/null/t.ktrace "$(pwd)/$out" \
    /dev/full; do
	n=$((n + 1))
	mdtrace/mdtrace -f "$path" sh -c ": >$out/ran" \
	    >"$out/nopath$n.stdout" 2>"$out/nopath$n.stderr"
	rc=$?
	check "nopath$n-status" test "$rc" -eq 1
	check "nopath$n-not-run" test ! -e "$out/ran"
	check "nopath$n-message" grep -q "^mdtrace: cannot .* $path: " \
	    "$out/nopath$n.stderr"
done

# No space at all once the program runs: the library writes to /dev/full.
LD_PRELOAD=$(pwd)/mdtrace/libmdtrace.so MALLOC_OPTIONS=D8 \
    MDTRACE_FILE=/dev/full "$out/faults" >"$out/full.stdout" \
    2>"$out/full.stderr"
check full-status test $? -eq "$plain"
check full-stdout cmp -s "$out/plain.stdout" "$out/full.stdout"
check full-message grep -q \
    '^mdtrace: /dev/full: No space left on device: the trace of process [0-9]* ends here$' \
    "$out/full.stderr"
check full-once test "$(wc -l <"$out/full.stderr" | tr -d ' ')" -eq 1

# records FILE: the offset of each record's end, one a line, walking the
# lp64le headers by their length (bytes 56-63); "bad" if one runs past
# the end of the file.
records() {
	od -An -v -tu1 "$1" | awk '
	    { for (i = 1; i <= NF; i++) b[n++] = $i }
	    END {
		off = 0
		while (off + 64 <= n) {
			len = 0
			for (i = 7; i >= 0; i--)
				len = len * 256 + b[off + 56 + i]
			off += 64 + len
			if (off > n) { print "bad"; exit }
			print off
		}
		if (off != n) print "bad"
	    }'
}

# The whole trace, for its size: the limits must fall inside it.
MALLOC_OPTIONS=D8 mdtrace/mdtrace -f "$out/whole.ktrace" "$out/faults" \
    >/dev/null 2>&1
whole=$(wc -c <"$out/whole.ktrace" | tr -d ' ')
records "$out/whole.ktrace" >"$out/whole.ends"
check whole-walks test "$(tail -n 1 "$out/whole.ends")" = "$whole"
# A limit on a record boundary too: the next write fails whole.
exact=$(sed -n 9p "$out/whole.ends")

for lim in $limits $exact; do
	t=$out/lim$lim
	# Output and status through files the limit does not cover.
	{ { MALLOC_OPTIONS=D8 prlimit --fsize="$lim:$lim" mdtrace/mdtrace -f "$t.ktrace" \
	    "$out/faults" 2>&1 1>&3; echo $? >"$t.rc"; } |
	    cat >"$t.stderr"; } 3>&1 | cat >"$t.stdout"
	size=$(wc -c <"$t.ktrace" | tr -d ' ')
	ok=yes
	[ "$lim" -lt "$whole" ] || ok="limit $lim not below $whole"
	[ "$(cat "$t.rc")" = "$plain" ] || ok="exit status $(cat "$t.rc")"
	cmp -s "$out/plain.stdout" "$t.stdout" || ok="stdout differs"
	[ "$size" -le "$lim" ] || ok="size $size over $lim"
	[ "$(records "$t.ktrace" | tail -n 1)" = "$size" ] ||
	    ok="not whole records: $(records "$t.ktrace" | tail -n 1)"
	# The kernel wrote up to the limit: shorter means taken back.
	if [ "$lim" = "$exact" ]; then
		[ "$size" -eq "$lim" ] || ok="size $size, not $lim"
	elif [ "$size" -ge "$lim" ]; then
		ok="size $size: the partial record stayed"
	fi
	grep -q "^mdtrace: .*: File too large: the trace of process [0-9]* ends at offset $size, its last whole record\$" \
	    "$t.stderr" || ok="tracer's message: $(head -n 1 "$t.stderr")"
	./mdump -f "$t.ktrace" >"$t.report" 2>"$t.mdump"
	rc=$?
	[ $rc -eq 0 ] || ok="mdump exit status $rc"
	# A report begun is incomplete; none at all, not traced.
	grep -q "^\(Incomplete\|Not traced\): .*/faults (pid [0-9]*): .*; its records end at offset $size\$" \
	    "$t.report" || ok="mdump's line: $(grep -v '^ ' "$t.report" | head -n 3)"
	# A summary, if any (none when no process was traced and none
	# leaked), counts it: never a plain "leaks=0".
	if grep -q "^Summary" "$t.report" &&
	    ! grep -q "^Summary .* untraced=1\$" "$t.report"; then
		ok="summary: $(tail -n 1 "$t.report")"
	fi
	[ -s "$t.mdump" ] && ok="mdump's stderr: $(cat "$t.mdump")"
	check "limit-$lim" test "$ok" = yes
	[ "$ok" = yes ] || echo "# limit $lim: $ok"
done

# SIGKILL after two children exited normally.
MALLOC_OPTIONS=D8 mdtrace/mdtrace -f "$out/kill.ktrace" "$out/faults" kill \
    >"$out/kill.stdout" 2>"$out/kill.stderr"
check kill-status test $? -eq 137
ppid=$(sed -n 's/^parent //p' "$out/kill.stdout")
./mdump -x -f "$out/kill.ktrace" >"$out/kill.report" 2>"$out/kill.mdump"
check kill-mdump-status test $? -eq 2
child=$(grep -n LEAK_CHILD "$progs/faults.c" | cut -d: -f1)
for sum in 1000 2000; do
	check "kill-child-$sum" awk -v s="Leak sum=$sum count=1 " \
	    -v l="/faults.c:$child" 'index($0, s) == 1 { on = 1; next }
	    on { found = substr($0, length($0) - length(l) + 1) == l; exit }
	    END { exit !found }' "$out/kill.report"
done
check kill-parent-nothing sh -c "! grep -q 'sum=777 ' $out/kill.report"
# Not traced, with the end of its last record: a record boundary.
off=$(sed -n "s/^Not traced: .*\/faults (pid $ppid): it ended without writing its report (.*); its records end at offset \([0-9]*\)\$/\1/p" \
    "$out/kill.report")
records "$out/kill.ktrace" >"$out/kill.ends"
check kill-parent-untraced grep -qx "${off:-none}" "$out/kill.ends"
check kill-summary grep -q '^Summary leaks=2 bytes=3000 .* untraced=1$' \
    "$out/kill.report"
check kill-x-message grep -qx \
    "mdump: $out/kill.ktrace: 1 process was not traced: its leaks are unknown" \
    "$out/kill.mdump"
./mdump -o json -f "$out/kill.ktrace" >"$out/kill.json" 2>/dev/null
check kill-json grep -q "\"untraced\": \"it ended without writing its report (.*); its records end at offset ${off:-none}\"" \
    "$out/kill.json"
exit 0
