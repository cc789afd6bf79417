#!/bin/sh
#
# mdtrace_robust.sh: the tracer as the program meets it.  MALLOC_OPTIONS
# letters of OpenBSD's malloc pass in silence, other ones get a warning
# naming them, and so does a number of frames above 64, which counts as
# 64; the tracer's messages go to standard error as it was at
# start-up, never into a file the program put at descriptor 2, and
# MDTRACE_QUIET silences them; MDTRACE_INTERVAL and MDTRACE_OLDER that
# are not a number of seconds get a warning, as MDTRACE_SIGNAL that
# names no signal does; a program started by its bare name
# through PATH is symbolized to its file and line; a block freed behind
# the tracer's back and unmapped neither stops the checks nor the
# program; with MDTRACE_STOP=signal, a program that exits at once, and
# its forked child, have no thread that did not stop: the tracer's
# checker thread is its own from the start; bytes a program writes in
# a block's usable room survive realloc; a program linked with an
# allocator library of its own runs, and is checked, on the C
# library's allocator; threads whose first allocation is made inside
# pthread_getattr_np on themselves (as the JVM starts its threads) run,
# and what it allocated has its whole stack, without the tracer's frame;
# forked children killed before their report, one of them during its
# leak check at exit, are listed as such, and nothing of the tracer
# outlives them; the library given by hand to an empty file writes the
# start record the launcher would have.

out=tests/out/mdtrace_robust
name=mdtrace_robust
progs=tests/e2e/progs
. tests/e2e/check.sh.inc
plan 53
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
rm -rf "$out"
mkdir -p "$out/bin" || exit 1
top=$(pwd)

build() {
	${CC:-cc} -g -O0 -o "$2" "$progs/$1.c" 2>"$out/$1.cc" ||
	    echo "not ok $name/$1 (does not compile)"
}

# MALLOC_OPTIONS: every letter OpenBSD's malloc knows, no word; others,
# one line each, naming the letter.
MALLOC_OPTIONS='DCcFfGgJjRrSsUuVvXx<>T' mdtrace/mdtrace -f "$out/o.kt" true \
    2>"$out/known.err"
check options-known test ! -s "$out/known.err"
MALLOC_OPTIONS='DQ8' mdtrace/mdtrace -f "$out/o.kt" true 2>"$out/q.err"
check options-unknown grep -qx "mdtrace: unknown char 'Q' in MALLOC_OPTIONS" \
    "$out/q.err"
check options-one-line test "$(wc -l <"$out/q.err")" -eq 1
MALLOC_OPTIONS='Dtk' mdtrace/mdtrace -f "$out/o.kt" true 2>"$out/tk.err"
check options-each sh -c "grep -q \"'t'\" $out/tk.err &&
    grep -q \"'k'\" $out/tk.err && test \$(wc -l <$out/tk.err) -eq 2"
MDTRACE_QUIET=1 MALLOC_OPTIONS='DQ' mdtrace/mdtrace -f "$out/o.kt" true \
    2>"$out/quiet.err"
check options-quiet test ! -s "$out/quiet.err"

# A number of frames above 64: one line naming it as written (leading
# zeros left out, at most 20 digits); 64 is said nothing of.
for v in 64 65 0100 123456789012345678901234567890; do
	MALLOC_OPTIONS="D$v" mdtrace/mdtrace -f "$out/o.kt" true \
	    2>"$out/frames$v.err"
done
check frames-64 test ! -s "$out/frames64.err"
check frames-65 sh -c "test \"\$(cat $out/frames65.err)\" = \
    'mdtrace: 65 frames in MALLOC_OPTIONS: at most 64'"
check frames-100 sh -c "test \"\$(cat $out/frames0100.err)\" = \
    'mdtrace: 100 frames in MALLOC_OPTIONS: at most 64'"
check frames-long sh -c "test \"\$(cat \
    $out/frames123456789012345678901234567890.err)\" = \
    'mdtrace: 12345678901234567890... frames in MALLOC_OPTIONS: at most 64'"
MDTRACE_QUIET=1 MALLOC_OPTIONS='D65' mdtrace/mdtrace -f "$out/o.kt" true \
    2>"$out/framesquiet.err"
check frames-quiet test ! -s "$out/framesquiet.err"

# MDTRACE_INTERVAL and MDTRACE_OLDER: a value that is not a number of
# seconds (at most 1000000000, fractions allowed) gets one line naming
# the variable and counts as unset, as MDTRACE_SIGNAL that names no
# signal does; MDTRACE_QUIET silences them all.
for var in MDTRACE_INTERVAL MDTRACE_OLDER; do
	: >"$out/$var.bad"
	for v in abc -1 1x '' . 1.2.3 1000000001; do
		env "$var=$v" MALLOC_OPTIONS=D MDTRACE_CONTROL=0 \
		    mdtrace/mdtrace -f "$out/o.kt" true 2>>"$out/$var.bad"
	done
	check "$var-invalid" sh -c "test \$(grep -cx \
	    'mdtrace: $var is not a number of seconds' $out/$var.bad) -eq 7 &&
	    test \$(wc -l <$out/$var.bad) -eq 7"
	: >"$out/$var.good"
	for v in 0 2 0.25 .5 7. 1000000000; do
		env "$var=$v" MALLOC_OPTIONS=D MDTRACE_CONTROL=0 \
		    mdtrace/mdtrace -f "$out/o.kt" true 2>>"$out/$var.good"
	done
	check "$var-valid" test ! -s "$out/$var.good"
done
MDTRACE_SIGNAL=NOPE MALLOC_OPTIONS=D MDTRACE_CONTROL=0 mdtrace/mdtrace \
    -f "$out/o.kt" true 2>"$out/sig.bad"
check signal-invalid grep -qx "mdtrace: MDTRACE_SIGNAL names no signal" \
    "$out/sig.bad"
MDTRACE_SIGNAL=9 MALLOC_OPTIONS=D MDTRACE_CONTROL=0 mdtrace/mdtrace \
    -f "$out/o.kt" true 2>"$out/sig.kill"
check signal-uncatchable grep -qx \
    "mdtrace: MDTRACE_SIGNAL names a signal that cannot be caught" \
    "$out/sig.kill"
MDTRACE_QUIET=1 MDTRACE_INTERVAL=abc MDTRACE_OLDER=1x MDTRACE_SIGNAL=NOPE \
    MALLOC_OPTIONS=D MDTRACE_CONTROL=0 mdtrace/mdtrace -f "$out/o.kt" true \
    2>"$out/envquiet.err"
check env-quiet test ! -s "$out/envquiet.err"

# A program that puts a data file at descriptor 2, then makes the
# tracer speak at exit (it removed the trace file).
build stderr2 "$out/stderr2"
MALLOC_OPTIONS=D mdtrace/mdtrace -f "$out/s.kt" "$out/stderr2" \
    "$out/data" 2>"$out/s.err"
check fd2-data-intact sh -c "test \"\$(cat $out/data)\" = \"the program's data\""
check fd2-said grep -q "^mdtrace: .*s.kt: No such file or directory" \
    "$out/s.err"
MDTRACE_QUIET=1 MALLOC_OPTIONS=D mdtrace/mdtrace -f "$out/s.kt" \
    "$out/stderr2" "$out/data" 2>"$out/sq.err"
check fd2-quiet sh -c "test ! -s $out/sq.err &&
    test \"\$(cat $out/data)\" = \"the program's data\""

# Without MDTRACE_FILE (unset or empty), the library alone: ktrace.out
# in the working directory, not created when it is missing (one message,
# the exit status the program's); the start record where the program
# started, the report where it is at exit.
build chdirleak "$out/chdirleak"
mkdir -p "$out/nofile" "$out/start" "$out/end"
(cd "$out/nofile" && env -u MDTRACE_FILE \
    LD_PRELOAD="$top/mdtrace/libmdtrace.so" MALLOC_OPTIONS=D8 \
    "$top/$out/chdirleak" . 2>"$top/$out/nofile.err";
    echo "exit $?" >"$top/$out/nofile.status")
check default-not-created sh -c "test ! -e $out/nofile/ktrace.out &&
    test \"\$(cat $out/nofile.status)\" = 'exit 0'"
check default-said grep -qx "mdtrace: ktrace.out: No such file or directory" \
    "$out/nofile.err"
for d in start end; do
	MALLOC_OPTIONS= MDTRACE_QUIET=1 mdtrace/mdtrace -f "$out/$d/ktrace.out" true
done
(cd "$out/start" && MDTRACE_FILE= LD_PRELOAD="$top/mdtrace/libmdtrace.so" \
    MALLOC_OPTIONS=D8 "$top/$out/chdirleak" ../end)
./mdump -a -f "$out/end/ktrace.out" >"$out/end.report" 2>&1
check default-report-at-exit sh -c "grep -q '^Leak sum=77 count=1 ' \
    $out/end.report && grep -q '^Leak sum=33 count=1 ' $out/end.report"
check default-start-where-started grep -aq mdtstart "$out/start/ktrace.out"
check default-no-report-where-started sh -c "! grep -aq mdtstart \
    $out/end/ktrace.out && ! ./mdump -a -f $out/start/ktrace.out 2>&1 |
    grep -q '^Leak '"

# The library given by hand (LD_PRELOAD and MDTRACE_FILE, as for a
# service) to an empty file: it writes the start record mdtrace would
# have made, and mdump reads the trace.  A file mdtrace made has its
# start record once: the next record is the program's own.
: >"$out/byhand.kt"
LD_PRELOAD="$top/mdtrace/libmdtrace.so" MALLOC_OPTIONS=D8 \
    MDTRACE_FILE="$top/$out/byhand.kt" "$out/chdirleak" .
check byhand-start test "$(od -An -tx1 -N4 "$out/byhand.kt" | tr -d ' ')" = \
    4b545200
./mdump -a -f "$out/byhand.kt" >"$out/byhand.report" 2>&1
check byhand-report sh -c "grep -q '^Leak sum=77 count=1 ' \
    $out/byhand.report && grep -q '^Leak sum=33 count=1 ' $out/byhand.report"
check launcher-one-start sh -c "test \"\$(od -An -tx1 -j64 -N4 \
    $out/end/ktrace.out | tr -d ' ')\" != 4b545200"

# Started by its bare name through PATH, from another directory.
build pathprog "$out/bin/pathprog"
line=$(grep -n LEAK_PATH "$progs/pathprog.c" | head -n 1 | cut -d: -f1)
(cd / && PATH="$top/$out/bin:$PATH" MALLOC_OPTIONS=D8 \
    "$top/mdtrace/mdtrace" -f "$top/$out/p.kt" pathprog)
./mdump -f "$out/p.kt" >"$out/p.report" 2>&1
check path-leak grep -q "^Leak sum=77 count=1 " "$out/p.report"
check path-line grep -q "^ make_leak at .*pathprog.c:$line\$" "$out/p.report"
check path-object sh -c "! grep -q '?? at ??:0 (pathprog' $out/p.report"

# A block freed behind the tracer's back and unmapped: the checks leave
# it out, and the program runs to its end.
build behind "$out/behind"
MALLOC_OPTIONS=D MDTRACE_CONTROL=0 mdtrace/mdtrace -f "$out/b.kt" \
    "$out/behind" >"$out/b.out" 2>"$out/b.err"
echo "exit $?" >>"$out/b.out"
check behind-runs test "$(cat "$out/b.out")" = "$(printf 'check 1\nsurvived\nexit 0')"
./mdump -T -f "$out/b.kt" >"$out/b.snaps" 2>&1
check behind-snapshot sh -c "awk '\$1 == 1' $out/b.snaps | grep -q ."
./mdump -a -f "$out/b.kt" >"$out/b.report" 2>&1
check behind-reachable grep -q "^Leak sum=100 count=1 .*reachable" "$out/b.report"
check behind-lost grep -q "^Leak sum=77 count=1 .*definite" "$out/b.report"

# The checker thread blocks every signal: were it taken for one of the
# program's, the check at exit would wait for it in vain and warn.
build quickfork "$out/quickfork"
for i in 1 2 3; do
	MDTRACE_STOP=signal MALLOC_OPTIONS=D mdtrace/mdtrace -f "$out/q.kt" \
	    "$out/quickfork" 2>>"$out/qf.err"
done
check stop-signal-quiet test ! -s "$out/qf.err"
./mdump -f "$out/q.kt" >"$out/q.report" 2>&1
check stop-signal-both test "$(grep -c '^Process ' "$out/q.report")" -eq 2

# A program that writes the bytes malloc_usable_size gives beyond its
# size, then grows the block: realloc keeps them under the tracer too.
build slackuse "$out/slackuse"
MALLOC_OPTIONS=D mdtrace/mdtrace -f "$out/u.kt" "$out/slackuse" \
    >"$out/u.out" 2>"$out/u.err"
check slack-kept grep -q '^kept [0-9]' "$out/u.out"

# A program linked with an allocator library of its own (as with
# libjemalloc): the tracer's malloc family comes first, so its blocks
# are the C library's, and malloc_usable_size, the program's and the
# tracer's, must be the C library's too; that library's aborts on them.
${CC:-cc} -g -O0 -shared -fPIC -o "$out/libotheralloc.so" \
    "$progs/otheralloc.c" 2>"$out/otheralloc.cc" &&
    ${CC:-cc} -g -O0 -o "$out/otherprog" "$progs/otherprog.c" \
    -L"$out" -lotheralloc -Wl,-rpath,"$top/$out" 2>>"$out/otheralloc.cc" ||
    echo "not ok $name/otheralloc (does not compile)"
MALLOC_OPTIONS=D mdtrace/mdtrace -f "$out/a.kt" "$out/otherprog" \
    >"$out/a.out" 2>"$out/a.err"
check other-alloc-runs test "$(cat "$out/a.out")" = "usable ok"
./mdump -f "$out/a.kt" >"$out/a.report" 2>&1
check other-alloc-leak grep -q "^Leak sum=77 count=1 .*definite" "$out/a.report"
check other-alloc-reachable grep -q \
    "^Summary .* definite=77/1 .* reachable=100/1" "$out/a.report"

# Threads whose first allocation comes from pthread_getattr_np on
# themselves, which holds their own lock while it allocates: the
# tracer must not wait for that lock (the run hung, as java did).
${CC:-cc} -g -O1 -pthread -o "$out/getattr" "$progs/getattr.c" \
    2>"$out/getattr.cc" || echo "not ok $name/getattr (does not compile)"
MALLOC_OPTIONS=D16 timeout 60 mdtrace/mdtrace -f "$out/g.kt" "$out/getattr" \
    >"$out/g.out" 2>"$out/g.err"
check getattr-runs test "$(cat "$out/g.out")" = ok
./mdump -f "$out/g.kt" -e "$out/getattr" >"$out/g.report" 2>&1
check getattr-threads grep -q "^Leak sum=12406 count=4 .*definite" \
    "$out/g.report"
check getattr-main grep -q "^Leak sum=3099 count=1 .*definite" \
    "$out/g.report"
# The attributes thread 0 kept: their block's stack goes from inside
# pthread_getattr_np to the thread's start, with no frame of the
# tracer's between (its pthread_getattr_np calls the C library's).
awk '/^Leak / { stack = "" } /^ / { stack = stack $1 " " }
    /^$/ && stack ~ /own_attr_kept/ { print stack }' "$out/g.report" \
    >"$out/g.kept"
check getattr-kept-stack grep -q \
    "getattr_np own_attr_kept thread_main start_thread" "$out/g.kept"
check getattr-no-tracer-frame sh -c \
    "! grep -Eq 'unwind\.c|libmdtrace' '$out/g.report'"
check getattr-quiet test ! -s "$out/g.err"

# Forked children sent signals that end them: A during its leak check
# at exit (the helper that stopped its threads once outlived it and
# kept its standard output open: the pipeline never ended), B, killed
# while it waited, is listed as having ended without its report.
${CC:-cc} -O1 -pthread -o "$out/killedcheck" "$progs/killedcheck.c" \
    2>"$out/killedcheck.cc" ||
    echo "not ok $name/killedcheck (does not compile)"
MALLOC_OPTIONS=D timeout 60 mdtrace/mdtrace -f "$out/k.kt" \
    "$out/killedcheck" 2>"$out/k.err" | timeout 60 cat >"$out/k.out"
check killed-pipeline-ends grep -qx done "$out/k.out"
./mdump -f "$out/k.kt" >"$out/k.report" 2>&1
a=$(sed -n 's/^a=\([0-9]*\) b=.*/\1/p' "$out/k.out")
b=$(sed -n 's/^a=.* b=\([0-9]*\)$/\1/p' "$out/k.out")
# A's SIGTERM came during its check: it waits for the report, which
# counts every block A held (half a million of 32 bytes and their
# array of 4 MB), then ends A.
check killed-in-check-reported awk -v p="pid=${a:-none}" '
    $1 == "Summary" && $2 == p { split($4, b, "="); n = b[2] }
    END { exit !(n >= 20000000) }' "$out/k.report"
check killed-in-check-not-lost sh -c "! grep -q \
    '(pid ${a:-none}): it ended without writing its report' '$out/k.report'"
check killed-in-check-by-signal grep -qx "a ended by signal 15" "$out/k.out"
check killed-waiting-listed grep -q \
    "^Not traced: .*(pid ${b:-none}): it ended without writing its report" \
    "$out/k.report"
check killed-parent-report grep -q "^Summary pid=[0-9]* leaks=0 " \
    "$out/k.report"
