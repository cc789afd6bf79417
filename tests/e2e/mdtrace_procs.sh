#!/bin/sh
#
# mdtrace_procs.sh: mdtrace beyond one simple process: fork with leaking
# threads in both processes (exact sums and counts per pid), exec of a
# second traced program, allocations in a constructor and freed by an
# atexit handler, every interposed function with failed calls, a
# program that leaks nothing, no 'D' (nothing written), and a trace
# file the library cannot open (a message; the program still runs).
# Expected lines come from marker comments in tests/e2e/progs/*.c.

out=tests/out/mdtrace_procs
name=mdtrace
progs=tests/e2e/progs
. tests/e2e/check.sh.inc
plan 35
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
mkdir -p "$out" || exit 1

build() {
	${CC:-cc} -g -O0 -pthread -o "$out/$1" "$progs/$1.c" \
	    2>"$out/$1.cc" || echo "not ok $name/$1 (does not compile)"
}

marker() {
	grep -n "$2" "$progs/$1" | head -n 1 | cut -d: -f1
}

# leak_at REPORT SUM COUNT FILE:LINE: a leak whose first frame is there.
leak_at() {
	awk -v s="Leak sum=$2 count=$3 " -v tail="/$4" '
	    index($0 " ", s) == 1 { on = 1; next }
	    on { if (substr($0, length($0) - length(tail) + 1) == tail)
		found = 1; on = 0 }
	    END { exit !found }' "$1"
}

for p in forkthreads exec1 exec2 ctor noleak calls; do
	build "$p"
done

# fork + 4 threads in each process.
MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/fork.ktrace" \
    "$out/forkthreads" >"$out/fork.stdout" 2>&1
set -- $(cat "$out/fork.stdout")
ppid=$2
cpid=$4
l=$(marker forkthreads.c LEAK_THREAD)
if [ -n "$ppid" ] && [ -n "$cpid" ]; then
	./mdump -f "$out/fork.ktrace" -p "$ppid" >"$out/fork.parent" 2>&1
	./mdump -f "$out/fork.ktrace" -p "$cpid" >"$out/fork.child" 2>&1
	check fork-parent leak_at "$out/fork.parent" 3000 10 \
	    "forkthreads.c:$l"
	check fork-child leak_at "$out/fork.child" 9000 10 \
	    "forkthreads.c:$l"
	check fork-parent-only sh -c "! grep -q 'sum=9000 ' $out/fork.parent"
	check fork-child-only sh -c "! grep -q 'sum=3000 ' $out/fork.child"
else
	echo "not ok $name/fork (no pids: $(head -n 1 "$out/fork.stdout"))"
fi

# exec: the first image never exits, the second reports under its pid.
MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/exec.ktrace" \
    "$out/exec1" "$out/exec2" >"$out/exec.stdout" 2>&1
./mdump -f "$out/exec.ktrace" >"$out/exec.report" 2>&1
check exec-second leak_at "$out/exec.report" 222 1 \
    "exec2.c:$(marker exec2.c LEAK_EXEC2)"
check exec-first-silent sh -c "! grep -q 'sum=111 ' $out/exec.report"

# Constructor, main, and a block the program frees in its atexit handler.
MALLOC_OPTIONS=D2 mdtrace/mdtrace -f "$out/ctor.ktrace" "$out/ctor" \
    >"$out/ctor.stdout" 2>&1
./mdump -a -f "$out/ctor.ktrace" >"$out/ctor.report" 2>&1
check ctor leak_at "$out/ctor.report" 300 1 "ctor.c:$(marker ctor.c LEAK_CTOR)"
check ctor-main leak_at "$out/ctor.report" 400 1 \
    "ctor.c:$(marker ctor.c LEAK_MAIN)"
check ctor-atexit sh -c "! grep -q 'sum=500 ' $out/ctor.report"

# Every interposed function.
MALLOC_OPTIONS=DT mdtrace/mdtrace -f "$out/calls.ktrace" "$out/calls" \
    >"$out/calls.stdout" 2>&1
./mdump -a -f "$out/calls.ktrace" >"$out/calls.report" 2>&1
check calls-ran grep -qx done "$out/calls.stdout"
pg=$(getconf PAGESIZE)
for c in "11 MALLOC" "21 CALLOC" "31 REALLOC" "41 REALLOCARRAY" \
    "51 POSIX_MEMALIGN" "128 ALIGNED_ALLOC" "71 MEMALIGN" "81 VALLOC" \
    "$pg PVALLOC" "91 REALLOC_FAILED" "2000 REALLOC_MOVED"; do
	set -- $c
	check "calls-$2" leak_at "$out/calls.report" "$1" 1 \
	    "calls.c:$(marker calls.c "LEAK_$2 ")"
done
check calls-count sh -c "test \$(grep -c '^Leak ' $out/calls.report) -eq 11"

# Nothing leaked: an empty report.
MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/noleak.ktrace" \
    "$out/noleak" >"$out/noleak.stdout" 2>&1
./mdump -f "$out/noleak.ktrace" >"$out/noleak.report" 2>&1
check noleak-ran grep -qx done "$out/noleak.stdout"
# No leak block, and the summary line says none were found.
check noleak-empty sh -c "! grep -q '^Leak' $out/noleak.report"
check noleak-summary grep -qx \
    'Summary leaks=0 bytes=0 allocations=0 suppressed=0' "$out/noleak.report"
check noleak-ended grep -q 'End dump noleak' "$out/noleak.ktrace"

# Without D nothing but the start record is written.
env -u MALLOC_OPTIONS mdtrace/mdtrace -f "$out/off.ktrace" "$out/calls" \
    >"$out/off.stdout" 2>&1
check off-ran grep -qx done "$out/off.stdout"
check off-empty test "$(wc -c <"$out/off.ktrace" | tr -d ' ')" -eq 64
# ... and neither the launcher nor mdump lets that pass for no leaks.
check off-warned grep -q '^mdtrace: MALLOC_OPTIONS asks for no leak report' \
    "$out/off.stdout"
./mdump -x -f "$out/off.ktrace" >/dev/null 2>"$out/off.mdump"
check off-unknown test $? -eq 2
check off-said grep -q 'no process left malloc records: nothing was recorded' \
    "$out/off.mdump"

# A trace file the library cannot open: one message, the program runs.
LD_PRELOAD=$(pwd)/mdtrace/libmdtrace.so MALLOC_OPTIONS=D \
    MDTRACE_FILE=/nonexistent/dir/ktrace.out "$out/calls" \
    >"$out/noopen.stdout" 2>"$out/noopen.stderr"
check noopen-status test $? -eq 0
check noopen-ran grep -qx done "$out/noopen.stdout"
check noopen-message grep -q '^mdtrace: /nonexistent/dir/ktrace.out: ' \
    "$out/noopen.stderr"
check noopen-once test "$(wc -l <"$out/noopen.stderr" | tr -d ' ')" -eq 1
exit 0
