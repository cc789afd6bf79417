#!/bin/sh
#
# running.sh: the cost of leak checks while a program runs, beside
# LeakSanitizer in the same run.
#
# 1. The pause: bench/leakheap.c builds N blocks (default 2000000, 1 GB)
#    and asks for one check with __lsan_do_recoverable_leak_check, which
#    both tools offer; it times the call itself, and mdtrace's snapshot
#    says how long the program was stopped.  The figures are medians of
#    RUNS runs (default 3).  Target: mdtrace's pause at most
#    LeakSanitizer's (whose check at exit is of the same kind).
# 2. Checks every second: bench/alloc_heavy.c's churn (two threads
#    allocate and free at full speed, ITER rounds each, default
#    20000000: about ten seconds traced) under mdtrace with
#    MDTRACE_INTERVAL=1 and without it, in pairs; the CPU time (user +
#    system, bench/rusage.c) of each, the median of RUNS, and how long
#    the checks stopped the program (mdump -T).  Target: at most 5%
#    more, beyond the pauses.
#
# Measured on a 2-core AMD EPYC (family 25), a virtual machine whose
# speed drifts by up to 2x between identical runs.  The pause, nine
# pairs on a quiet machine: calls 0.492 s against LeakSanitizer's 0.475
# s (medians; ratio of pairs 1.00), the program stopped 0.35 to 0.46 s
# of each call; LeakSanitizer's check at exit on the same heap costs
# 0.49 to 0.58 s (bench/leakcheck.sh).  The pause was 1.36 s against
# 0.44 s while the marking went breadth first, the copy read the
# allocator's headers in hash order and the figures were summed with
# the threads stopped.  Churn with a check every second: medians of
# pairs from -1.0% to +7.7% in three runs, single runs differing more
# than that; over 12 s of churn with 12 checks the checker thread used
# under 10 ms of CPU, the program being stopped 82 ms in all.  (Before,
# the churn ended within a second, before the first check.)
#
# Run from the top of the tree after "make".  Environment: N, RUNS,
# ITER, CC.

bench=running
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
N=${N:-2000000}
RUNS=${RUNS:-3}
ITER=${ITER:-20000000}

$CC -O2 -o "$out/leakheap" bench/leakheap.c || exit 1
$CC -O2 -fsanitize=leak -o "$out/leakheap_lsan" bench/leakheap.c ||
    exit 1
$CC -O2 -pthread -o "$out/alloc_heavy" bench/alloc_heavy.c || exit 1
$CC -O2 -o "$out/rusage" bench/rusage.c || exit 1

# median: of the numbers on standard input.
median() {
	sort -g | awk '{ v[NR] = $1 }
	    END { m = int((NR + 1) / 2); print NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2 }'
}

# Each tool's call, in pairs; and how long mdtrace's check kept the
# program stopped, as its snapshot records it (the call also writes the
# snapshot, after the threads run again).  LeakSanitizer's threads stay
# stopped for its whole call.
i=0
: >"$out/pause.md"
: >"$out/pause.stopped"
: >"$out/pause.lsan"
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	MALLOC_OPTIONS=D8 MDTRACE_CONTROL=0 mdtrace/mdtrace \
	    -f "$out/pause.ktrace" "$out/leakheap" "$N" check 2>/dev/null |
	    awk '$1 == "check" { print $2 }' >>"$out/pause.md"
	./mdump -T -f "$out/pause.ktrace" 2>/dev/null |
	    awk '$1 == 1 { print $NF / 1000 }' >>"$out/pause.stopped"
	LSAN_OPTIONS=symbolize=0:exitcode=0 "$out/leakheap_lsan" "$N" \
	    check 2>/dev/null | awk '$1 == "check" { print $2 }' \
	    >>"$out/pause.lsan"
done
md=$(median <"$out/pause.md")
st=$(median <"$out/pause.stopped")
ls=$(median <"$out/pause.lsan")
echo "processor: $cpu_model"
echo "one check, $N blocks (median of $RUNS):"
echo "  mdtrace: the call $md s, the program stopped $st s;" \
    "LeakSanitizer: the call $ls s"
echo "  stopped / LeakSanitizer $(echo "$st $ls" |
    awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')," \
    "call / LeakSanitizer $(echo "$md $ls" |
    awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')"

# The churn of two threads, long enough for checks every second (about
# ten at the default ITER), in pairs with and without them, so that a
# drift of the machine's speed falls on both alike.  What the checks
# cost beyond the pauses: CPU time with checks, less without, less the
# time the program was stopped (each snapshot says how long, and the
# checker works alone meanwhile).
i=0
: >"$out/cpu.off"
: >"$out/cpu.on"
: >"$out/cpu.pause"
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	MALLOC_OPTIONS=D8 MDTRACE_CONTROL=0 "$out/rusage" mdtrace/mdtrace \
	    -f "$out/churn.ktrace" "$out/alloc_heavy" churn 2 "$ITER" \
	    2>&1 >/dev/null | awk 'END { print $3 }' >>"$out/cpu.off"
	MALLOC_OPTIONS=D8 MDTRACE_INTERVAL=1 "$out/rusage" mdtrace/mdtrace \
	    -f "$out/churn.ktrace" "$out/alloc_heavy" churn 2 "$ITER" \
	    2>&1 >/dev/null | awk 'END { print $3 }' >>"$out/cpu.on"
	./mdump -T -f "$out/churn.ktrace" 2>/dev/null | awk '
	    $1 ~ /^[0-9]+$/ { n++; ms += $NF }
	    END { printf "%d %.4f\n", n, ms / 1000 }' >>"$out/cpu.pause"
done
off=$(median <"$out/cpu.off")
on=$(median <"$out/cpu.on")
checks=$(awk '{ print $1 }' "$out/cpu.pause" | median)
pause=$(awk '{ print $2 }' "$out/cpu.pause" | median)
echo "churn, 2 threads, CPU seconds (median of $RUNS):" \
    "without checks $off, with a check every second $on" \
    "($checks checks, stopped $pause s in all)"
echo "$on $off $pause" | awk '{ printf "  beyond the pauses: %+.1f%%" \
    "   (target: at most +5%%)\n", ($2 > 0 ? 100 * ($1 - $3 - $2) / $2 : 0) }'
