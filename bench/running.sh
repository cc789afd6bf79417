#!/bin/sh
#
# running.sh: the cost of leak checks while a program runs, beside
# LeakSanitizer in the same run.
#
# 1. The pause: bench/leakheap.c builds N blocks (default 2000000, 1 GB)
#    and asks for one check with __lsan_do_recoverable_leak_check, which
#    both tools offer; it times the call itself.  The figure is the best
#    of RUNS runs (default 3).  Target: mdtrace's at most LeakSanitizer's
#    (whose check at exit is of the same kind).
# 2. Checks every second: bench/alloc_heavy.c's churn (threads allocate
#    and free at full speed) under mdtrace with MDTRACE_INTERVAL=1 and
#    without it; the CPU time (user + system, bench/rusage.c) of each,
#    best of RUNS.  Target: at most 5% more, beyond the pauses.
#
# Run from the top of the tree after "make".  Environment: N, RUNS, CC.

bench=running
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
N=${N:-2000000}
RUNS=${RUNS:-3}

$CC -O2 -o "$out/leakheap" bench/leakheap.c || exit 1
$CC -O2 -fsanitize=leak -o "$out/leakheap_lsan" bench/leakheap.c ||
    exit 1
$CC -O2 -pthread -o "$out/alloc_heavy" bench/alloc_heavy.c || exit 1
$CC -O2 -o "$out/rusage" bench/rusage.c || exit 1

# best: the smallest of the numbers on standard input.
best() {
	sort -g | head -n 1
}

i=0
: >"$out/pause.md"
: >"$out/pause.lsan"
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	MALLOC_OPTIONS=D8 MDTRACE_CONTROL=0 mdtrace/mdtrace \
	    -f "$out/pause.ktrace" "$out/leakheap" "$N" check 2>/dev/null |
	    awk '$1 == "check" { print $2 }' >>"$out/pause.md"
	LSAN_OPTIONS=symbolize=0:exitcode=0 "$out/leakheap_lsan" "$N" \
	    check 2>/dev/null | awk '$1 == "check" { print $2 }' \
	    >>"$out/pause.lsan"
done
md=$(best <"$out/pause.md")
ls=$(best <"$out/pause.lsan")
echo "pause of one check, $N blocks (best of $RUNS):"
echo "  mdtrace $md s   LeakSanitizer $ls s   ratio $(echo "$md $ls" |
    awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')"

i=0
: >"$out/cpu.off"
: >"$out/cpu.on"
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	MALLOC_OPTIONS=D8 MDTRACE_CONTROL=0 "$out/rusage" mdtrace/mdtrace \
	    -f "$out/churn.ktrace" "$out/alloc_heavy" churn 2>&1 >/dev/null |
	    awk 'END { print $3 }' >>"$out/cpu.off"
	MALLOC_OPTIONS=D8 MDTRACE_INTERVAL=1 "$out/rusage" mdtrace/mdtrace \
	    -f "$out/churn.ktrace" "$out/alloc_heavy" churn 2>&1 >/dev/null |
	    awk 'END { print $3 }' >>"$out/cpu.on"
done
off=$(best <"$out/cpu.off")
on=$(best <"$out/cpu.on")
echo "churn, CPU seconds (best of $RUNS): without checks $off," \
    "with a check every second $on ($(echo "$on $off" |
    awk '{ printf "%+.1f%%", ($2 > 0 ? 100 * ($1 / $2 - 1) : 0) }'))"
