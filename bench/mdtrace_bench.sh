#!/bin/sh
#
# mdtrace_bench.sh: the cost of tracing an allocation-heavy program
# (bench/alloc_heavy.c: millions of malloc/free pairs in several threads)
# under mdtrace with MALLOC_OPTIONS=DTTTT, beside its peers in the same
# run: valgrind --leak-check=full and heaptrack.  Prints wall-clock
# seconds (best of $RUNS) and each tool's ratio to the untraced time.
#
# Run from the top of the tree after "make" (or "make bench").
# Environment: THREADS (default 4), ITER (per thread, default 1000000),
# RUNS (default 3; valgrind and heaptrack run once, they are slow),
# CC.  A peer that is not installed is reported as skipped.
#
# mdtrace rows: "fp" is the default frame-pointer walk, "dwarf" the
# libgcc unwinder (MDTRACE_UNWIND=dwarf).  The program is built with
# frame pointers, as programs must be for the fp walk to see deep.

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=bench/out
mkdir -p "$out"
CC=${CC:-cc}
THREADS=${THREADS:-4}
ITER=${ITER:-1000000}
RUNS=${RUNS:-3}
prog=$out/alloc_heavy

if [ ! -x mdtrace/mdtrace ] || [ ! -f mdtrace/libmdtrace.so ]; then
	echo "mdtrace_bench: build first (make)" >&2
	exit 1
fi
$CC -O2 -g -fno-omit-frame-pointer -pthread -o "$prog" \
    bench/alloc_heavy.c || exit 1

now() {
	date +%s.%N
}

# Best wall-clock time of $1 runs of the rest of the arguments.
best() {
	n=$1
	shift
	b=
	i=0
	while [ "$i" -lt "$n" ]; do
		t0=$(now)
		"$@" >/dev/null 2>"$out/stderr" || {
			echo "mdtrace_bench: failed: $*" >&2
			cat "$out/stderr" >&2
			return 1
		}
		t1=$(now)
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" \
		    'BEGIN { t = z - a; if (b == "" || t < b) b = t;
		    printf "%.3f\n", b }')
		i=$((i + 1))
	done
	echo "$b"
}

row() {
	awk -v n="$1" -v t="$2" -v b="$base" \
	    'BEGIN { printf "%-28s %8.3f s %8.2fx\n", n, t, t / b }'
}

echo "alloc_heavy: $THREADS threads x $ITER malloc/free pairs," \
    "$(nproc 2>/dev/null || echo '?') cpus"
base=$(best "$RUNS" "$prog" "$THREADS" "$ITER") || exit 1
row "untraced" "$base"

t=$(MALLOC_OPTIONS=DTTTT best "$RUNS" mdtrace/mdtrace -f "$out/fp.ktrace" \
    "$prog" "$THREADS" "$ITER") || exit 1
row "mdtrace DTTTT (fp)" "$t"
mdt=$t

t=$(MALLOC_OPTIONS=DTTTT MDTRACE_UNWIND=dwarf best "$RUNS" mdtrace/mdtrace \
    -f "$out/dwarf.ktrace" "$prog" "$THREADS" "$ITER") || exit 1
row "mdtrace DTTTT (dwarf)" "$t"

t=$(MALLOC_OPTIONS=D16 best "$RUNS" mdtrace/mdtrace -f "$out/d16.ktrace" \
    "$prog" "$THREADS" "$ITER") || exit 1
row "mdtrace D16 (fp)" "$t"

if command -v valgrind >/dev/null 2>&1; then
	t=$(best 1 valgrind -q --leak-check=full "$prog" "$THREADS" "$ITER") &&
	    row "valgrind --leak-check=full" "$t" &&
	    awk -v a="$t" -v b="$mdt" \
	    'BEGIN { printf "  mdtrace is %.1fx faster\n", a / b }'
else
	echo "valgrind: skipped (not installed)"
fi
if command -v heaptrack >/dev/null 2>&1; then
	rm -f "$out"/heaptrack.*
	t=$(best 1 heaptrack -o "$out/heaptrack" "$prog" "$THREADS" \
	    "$ITER") && row "heaptrack" "$t" &&
	    awk -v a="$t" -v b="$mdt" \
	    'BEGIN { printf "  mdtrace is %.1fx faster\n", a / b }'
else
	echo "heaptrack: skipped (not installed)"
fi
