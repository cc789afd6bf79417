#!/bin/sh
#
# snapshots.sh [NSNAP NSTACK CHANGE GROW]: a day of one-second snapshots
# of a program with 10,000 stacks, 200 of which change at each check and
# 5 grow steadily (bench/snapgen.c); prints the trace's size and the
# time and memory mdump takes for the growth view (-g) and for the last
# snapshot's report.  Targets: under 1 GB, under 5 s.  Run from the top
# of the tree after "make".
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
n=${1:-86400} s=${2:-10000} c=${3:-200} g=${4:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/snapbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/snapgen" bench/snapgen.c || exit 1
${CC:-cc} -O2 -o "$tmp/rusage" bench/rusage.c || exit 1
"$tmp/snapgen" "$n" "$s" "$c" "$g" >"$tmp/trace" || exit 1
bytes=$(wc -c <"$tmp/trace" | tr -d ' ')
echo "trace: $n snapshots, $s stacks, $c changing and $g growing per" \
    "snapshot: $bytes bytes ($((bytes / 1048576)) MiB)"
for args in "-g -a -n 10" "-a -n 10" "-T"; do
	"$tmp/rusage" -o "$tmp/out" ./mdump $args -f "$tmp/trace" \
	    2>"$tmp/err"
	set -- $(tail -n 1 "$tmp/err")
	echo "mdump $args: $1 s wall, $3 s CPU, $(($2 / 1024)) MiB peak"
done
./mdump -g -a -n 5 -f "$tmp/trace" | grep '^Stack'
