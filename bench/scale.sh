#!/bin/sh
#
# scale.sh: mdump on huge traces.  Generates (once; kept in bench/out/
# scale) a trace of 10 million leak records with 1 million distinct
# stacks in each record format, runs mdump on each with the text report
# and with -o folded, and prints the file size, wall time, throughput and
# peak resident memory of the fastest of SCALE_RUNS runs (default 3: on
# a shared machine single runs vary by a third).  The objects the traces
# name do not exist, so this measures the trace side: reading, decoding,
# merging, reporting.  Target: at least 300 MB/s and under
# 1 GB peak.
#
# usage: sh bench/scale.sh [records [stacks]]   (run from the top of the
# tree after make)

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
n=${1:-10000000}
s=${2:-1000000}
runs=${SCALE_RUNS:-3}
out=bench/out/scale
mkdir -p "$out"
CC=${CC:-cc}

$CC -O2 -o "$out/scalegen" bench/scalegen.c || exit 1
$CC -O2 -o bench/rusage bench/rusage.c || exit 1
[ -x ./mdump ] || { echo "scale.sh: build mdump first" >&2; exit 1; }

printf '%-6s %-7s %9s %8s %9s %10s\n' format output MB seconds MB/s \
    "peak MiB"
for fmt in exp text; do
	trace=$out/$fmt-$n-$s.ktrace
	if [ ! -f "$trace" ]; then
		"$out/scalegen" -f "$fmt" -n "$n" -s "$s" -o "$trace.tmp" &&
		    mv "$trace.tmp" "$trace" || exit 1
	fi
	bytes=$(wc -c <"$trace" | tr -d ' ')
	for o in text folded; do
		# Read the file once first: the figures are for a warm cache.
		cat "$trace" >/dev/null
		best=
		i=0
		while [ "$i" -lt "$runs" ]; do
			r=$(bench/rusage -o "$out/report.$fmt.$o" ./mdump \
			    -o "$o" -f "$trace" 2>&1 >/dev/null | tail -n 1)
			best=$(printf '%s\n%s\n' "$best" "$r" | sort -n |
			    grep . | head -n 1)
			i=$((i + 1))
		done
		set -- $best
		awk -v f="$fmt" -v o="$o" -v b="$bytes" -v t="$1" -v k="$2" \
		    'BEGIN { printf "%-6s %-7s %9.0f %8.2f %9.0f %10.0f\n",
		    f, o, b / 1e6, t, b / 1e6 / t, k / 1024 }'
	done
done
