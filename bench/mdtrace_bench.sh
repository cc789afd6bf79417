#!/bin/sh
#
# mdtrace_bench.sh: the cost of tracing an allocation-heavy program
# (bench/alloc_heavy.c) built as distributions build, -O2 without frame
# pointers, beside its peers in the same run.  Two workloads:
#
#   churn  THREADS threads x ITER malloc/free pairs at stack depths 1-13
#   live   LIVE blocks held at once (default two million)
#
# Rows: untraced; mdtrace's default unwinder (exact stacks from the
# call frame information); mdtrace with MDTRACE_UNWIND=fp (frame-pointer
# walk: cut or wrong stacks in such a program); LeakSanitizer (the
# program recompiled with -fsanitize=leak, frame-pointer stacks);
# heaptrack; valgrind --leak-check=full.  Each figure is the best of
# $RUNS runs (heaptrack and valgrind: one run): wall time and its ratio
# to the untraced one, then CPU time (user + system, all threads) and
# its ratio, which other load on the machine disturbs less.  For live, also the tracer's bytes per live
# block: (peak RSS traced - peak RSS untraced) / LIVE.  A tool that is
# not installed prints n/a.
#
# Run from the top of the tree after "make" (or "make bench").
# Environment: THREADS (default 4), ITER (per thread, default 1000000),
# LIVE (default 2000000), RUNS (default 3), CC.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=bench/out
mkdir -p "$out"
CC=${CC:-cc}
THREADS=${THREADS:-4}
ITER=${ITER:-1000000}
LIVE=${LIVE:-2000000}
RUNS=${RUNS:-3}
prog=$out/alloc_heavy
lsan=$out/alloc_heavy_lsan
rusage=$out/rusage

if [ ! -x mdtrace/mdtrace ] || [ ! -f mdtrace/libmdtrace.so ]; then
	echo "mdtrace_bench: build first (make)" >&2
	exit 1
fi
$CC -O2 -g -fomit-frame-pointer -pthread -o "$prog" bench/alloc_heavy.c ||
    exit 1
$CC -O2 -o "$rusage" bench/rusage.c || exit 1
# LeakSanitizer needs a compiler that has it; else its rows say n/a.
$CC -O2 -g -fomit-frame-pointer -pthread -fsanitize=leak -o "$lsan" \
    bench/alloc_heavy.c 2>/dev/null || rm -f "$lsan"

# best N CMD...: "SECONDS KIB CPU" of N runs: the least wall time, the
# peak RSS of that run, the least CPU time.
best() {
	n=$1
	shift
	b=
	i=0
	while [ "$i" -lt "$n" ]; do
		"$rusage" -o /dev/null "$@" 2>"$out/stderr" || {
			echo "mdtrace_bench: failed: $*" >&2
			tail -n 3 "$out/stderr" >&2
			return 1
		}
		r=$(tail -n 1 "$out/stderr")
		b=$(echo "$r $b" | awk '{ if (NF < 6) { print; exit }
		    w = $1 < $4 ? $1 " " $2 : $4 " " $5
		    print w, ($3 < $6 ? $3 : $6) }')
		i=$((i + 1))
	done
	echo "$b"
}

# row NAME "SECONDS KIB CPU" [blocks]: times, ratios and, for live,
# the tracer's bytes per block.
row() {
	if [ -z "$2" ]; then
		printf '%-28s %10s\n' "$1" "n/a"
		return
	fi
	echo "$2" | awk -v n="$1" -v b="$base" -v c="$cpu0" -v rss0="$rss0" \
	    -v live="$3" '
	    { printf "%-28s %7.3f s %6.2fx  cpu %7.3f s %6.2fx", n, $1,
		$1 / b, $3, $3 / c
	      if (live != "")
		printf " %6.1f B/block", ($2 - rss0) * 1024 / live
	      printf "\n" }'
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# workload NAME PEAK-ARGS...: every row for one workload.
workload() {
	w=$1
	shift
	per=
	[ "$w" = live ] && per=$LIVE
	r=$(best "$RUNS" "$prog" "$@") || exit 1
	base=$(echo "$r" | cut -d ' ' -f 1)
	rss0=$(echo "$r" | cut -d ' ' -f 2)
	cpu0=$(echo "$r" | cut -d ' ' -f 3)
	row "untraced" "$r"
	r=$(MALLOC_OPTIONS=DTTTT best "$RUNS" mdtrace/mdtrace \
	    -f "$out/$w-cfi.ktrace" "$prog" "$@") || exit 1
	row "mdtrace DTTTT (default)" "$r" "$per"
	r=$(MALLOC_OPTIONS=D16 best "$RUNS" mdtrace/mdtrace \
	    -f "$out/$w-d16.ktrace" "$prog" "$@") || exit 1
	row "mdtrace D16 (default)" "$r" "$per"
	r=$(MALLOC_OPTIONS=DTTTT MDTRACE_UNWIND=fp best "$RUNS" \
	    mdtrace/mdtrace -f "$out/$w-fp.ktrace" "$prog" "$@") || exit 1
	row "mdtrace DTTTT (fp)" "$r" "$per"
	r=
	[ -x "$lsan" ] && r=$(ASAN_OPTIONS=detect_leaks=1 \
	    LSAN_OPTIONS=exitcode=0 best "$RUNS" "$lsan" "$@")
	row "LeakSanitizer" "$r" "$per"
	r=
	if have heaptrack; then
		rm -f "$out"/heaptrack.*
		r=$(best 1 heaptrack -o "$out/heaptrack" "$prog" "$@")
	fi
	row "heaptrack" "$r"
	r=
	have valgrind && r=$(best 1 valgrind -q --leak-check=full \
	    "$prog" "$@")
	row "valgrind --leak-check=full" "$r"
}

echo "churn: alloc_heavy, $THREADS threads x $ITER malloc/free pairs," \
    "depths 1-13, $(nproc 2>/dev/null || echo '?') cpus"
workload churn churn "$THREADS" "$ITER"
echo
echo "live: alloc_heavy, $LIVE blocks held at once"
workload live live "$LIVE"
