#!/bin/sh
#
# leakcheck.sh: the time of mdtrace's leak check at exit beside
# LeakSanitizer's on the same program (bench/leakheap.c: N blocks, 1 GB
# for the default 2000000, a tenth of them lost), in the same run.
#
# How it is measured: the program prints the time of day as its last
# act; the script takes the time of day when the process has ended.
# The difference is what the process does at exit.  Each tool runs with
# its check and without it (LSAN_OPTIONS=detect_leaks=0,
# MDTRACE_LEAKCHECK=0); the check's cost is the difference, so the
# unmapping of the heap and mdtrace's report writing, which both runs
# do, cancel out.  Each figure is the best of RUNS runs (default 5).
# LeakSanitizer runs with symbolize=0: mdtrace does not symbolize either.
#
# Measured on a 2-core AMD EPYC (family 25), in one run each: the
# check's cost 0.30 s against LeakSanitizer's 0.58 s (0.52).  Marking
# the whole heap breadth first, for holder paths that are all shortest,
# it was 1.11 s against 0.49 s (2.27): see drain() in mdtrace/scan.c.
#
# RESERVE=M gives the program an array of M MiB in its bss that it
# never touches but for one word (default 0).  mdtrace passes over the
# pages the kernel's pagemap says were never written; LeakSanitizer
# reads them all.  Measured on a 2-core x86-64 VM with N=200000
# RESERVE=1024, in one run: the check's cost 0.033 s against
# LeakSanitizer's 0.439 s; reading every page, as mdtrace did before, it
# was 0.425 s.
#
# Run from the top of the tree after "make".  Environment: N, RUNS, CC,
# RESERVE.

bench=leakcheck
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
N=${N:-2000000}
RUNS=${RUNS:-5}
RESERVE=${RESERVE:-0}
case $RESERVE in
0) def= ;;
*[!0-9]*) echo "leakcheck: RESERVE must be a number of MiB" >&2; exit 1 ;;
*) def=-DRESERVE_MB=$RESERVE ;;
esac

$CC -O2 $def -o "$out/leakheap" bench/leakheap.c || exit 1
if ! $CC -O2 $def -fsanitize=leak -o "$out/leakheap_lsan" bench/leakheap.c \
    2>/dev/null; then
	echo "leakcheck: $CC cannot build with -fsanitize=leak" >&2
	exit 1
fi

# exit_time CMD...: seconds from the program's exit to the process' end.
exit_time() {
	"$@" >/dev/null 2>"$out/stderr"
	end=$(date +%s.%N)
	start=$(sed -n 's/^exit //p' "$out/stderr")
	awk -v a="$start" -v z="$end" 'BEGIN { printf "%.3f\n", z - a }'
}

# best CMD...: the smallest of RUNS exit times.
best() {
	b=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t=$(exit_time "$@")
		b=$(awk -v t="$t" -v b="$b" \
		    'BEGIN { print (b == "" || t < b) ? t : b }')
		i=$((i + 1))
	done
	echo "$b"
}

lsan0=$(LSAN_OPTIONS=detect_leaks=0 best "$out/leakheap_lsan" "$N")
lsan1=$(LSAN_OPTIONS=symbolize=0:exitcode=0 best "$out/leakheap_lsan" "$N")
md0=$(MALLOC_OPTIONS=D MDTRACE_LEAKCHECK=0 best mdtrace/mdtrace \
    -f "$out/leakcheck.ktrace" "$out/leakheap" "$N")
md1=$(MALLOC_OPTIONS=D best mdtrace/mdtrace -f "$out/leakcheck.ktrace" \
    "$out/leakheap" "$N")
echo "processor: $cpu_model"
awk -v n="$N" -v r="$RESERVE" -v l0="$lsan0" -v l1="$lsan1" -v m0="$md0" \
    -v m1="$md1" '
BEGIN {
	printf "heap: %d blocks, about %d MB\n", n, n * 512 / 1000000
	if (r > 0)
		printf "untouched array in bss: %d MiB\n", r
	printf "%-14s %10s %10s %10s\n", "seconds", "no check", "check", "cost"
	printf "%-14s %10.3f %10.3f %10.3f\n", "LeakSanitizer", l0, l1, l1 - l0
	printf "%-14s %10.3f %10.3f %10.3f\n", "mdtrace", m0, m1, m1 - m0
	if (l1 - l0 > 0)
		printf "mdtrace / LeakSanitizer: %.2f\n", (m1 - m0) / (l1 - l0)
}'
