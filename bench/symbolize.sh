#!/bin/sh
#
# symbolize.sh: how fast mdump symbolizes, in each output format,
# against llvm-symbolizer and GNU addr2line reading the same addresses
# in the same run.
#
# Builds a large library with DWARF 5 and heavy inlining (-O3, always-
# inline helper chains), samples distinct addresses inside its functions,
# writes a trace whose leaks name them, and times
#   mdump -r -o FORMAT -f TRACE          (every frame symbolized once)
#   llvm-symbolizer --inlining --obj=LIB < addresses
#   addr2line -f -i -e LIB < addresses
# on N distinct frames (default 100000) and on 40 frames, FORMAT being
# each of text, json, folded (and html, when this mdump has it).  Prints
# the wall and CPU (user + system) times, best of three, peak memory,
# and for each format its CPU time as a ratio of the text report's and
# of the faster other's, with the targets: each format within 1.2x
# text; at most 0.25x the faster other on N frames (goal 0.15x), 0.3x
# on 40.  Ratios use CPU time: on a machine busy with other work, wall
# time measures the others too.
#
# usage: sh bench/symbolize.sh [frames]   (from the top of the tree)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
n=${1:-100000}
out=bench/out/sym
mkdir -p "$out/src"
CC=${CC:-cc}

make -s mdump tests/tracegen
$CC -O2 -o "$out/rusage" bench/rusage.c

lib=$out/libbig.so
if [ ! -f "$lib" ]; then
	echo "building the library (DWARF 5, -O3) ..."
	awk -v files=60 -v funcs=60 -v dir="$out/src" -f bench/genlib.awk
	for f in "$out"/src/*.c; do
		$CC -O3 -g -gdwarf-5 -fPIC -c -o "${f%.c}.o" "$f" &
		# two at a time: the machine has two cores
		[ $(jobs -p | wc -l) -lt 2 ] || wait
	done
	wait
	$CC -shared -o "$lib" "$out"/src/*.o
fi
libabs=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")
echo "library: $(wc -c <"$lib" | tr -d ' ') bytes," \
    "$(nm --defined-only "$lib" | grep -c ' T ') functions"

# Distinct offsets inside functions: every 3rd byte, shuffled.
nm -S --defined-only "$lib" | awk '
function hex(s,    i, v) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
$3 == "T" || $3 == "t" {
	a = hex($1); s = hex($2)
	for (o = 1; o < s; o += 3) printf "%d\n", a + o
}' | awk 'BEGIN { srand(1) } { print rand() "\t" $0 }' | sort -n |
    cut -f2 >"$out/all"
total=$(wc -l <"$out/all" | tr -d ' ')
[ "$total" -ge "$n" ] || { echo "only $total addresses"; exit 1; }

# trace N: leaks of 4 frames each, in the in-tree text format.
mktrace() {
	head -n "$1" "$out/all" | awk -v lib="$libabs" '
	BEGIN { print "layout lp64le"; print "start"; print "proc 1 big" }
	{
		if (NR % 4 == 1)
			printf "text %18s %7d %6d %6d addr2line -e %s 0x%x\\n\n", \
			    "0x1000", 64, 1, 64, lib, $1
		else
			printf "text %19s %7s %6s %6s addr2line -e %s 0x%x\\n\n", \
			    "0x1000", "-", "-", "-", lib, $1
	}' >"$out/trace$1.desc"
	tests/tracegen -o "$out/trace$1" "$out/trace$1.desc"
	head -n "$1" "$out/all" | awk '{ printf "0x%x\n", $1 }' >"$out/addr$1"
}

# run NAME INPUT CMD...: the best wall and CPU times of three runs and
# the largest peak memory; prints "NAME wall s cpu s KiB" and keeps
# "cpu KiB" in res.NAME.
run() {
	name=$1
	in=$2
	shift 2
	: >"$out/times"
	for i in 1 2 3; do
		"$out/rusage" -i "$in" "$@" 2>"$out/time" >/dev/null || true
		tail -n 1 "$out/time" >>"$out/times"
	done
	wall=$(sort -n "$out/times" | head -n 1 | cut -d ' ' -f 1)
	cpu=$(sort -k3 -n "$out/times" | head -n 1 | cut -d ' ' -f 3)
	mem=$(sort -k2 -n "$out/times" | tail -n 1 | cut -d ' ' -f 2)
	printf '%-16s %8.3f s wall %8.3f s cpu %8d KiB\n' "$name" "$wall" \
	    "$cpu" "$mem"
	echo "$cpu $mem" >"$out/res.$name"
}

ratio() {	# ratio A B: A / B
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? a / b : 0 }'
}

# html when this mdump writes it (of an empty trace).
formats="text json folded"
printf 'layout lp64le\nstart\n' >"$out/empty.desc"
tests/tracegen -o "$out/empty" "$out/empty.desc" &&
    ./mdump -o html -f "$out/empty" >/dev/null 2>&1 &&
    formats="$formats html"

for frames in "$n" 40; do
	mktrace "$frames"
	echo "== $frames distinct frames"
	for f in $formats; do
		run "mdump-$f" /dev/null ./mdump -r -o "$f" -f "$out/trace$frames"
	done
	run llvm-symbolizer "$out/addr$frames" \
	    llvm-symbolizer --inlining --obj="$lib"
	run addr2line "$out/addr$frames" addr2line -f -i -e "$lib"
	read -r tt mt <"$out/res.mdump-text"
	read -r tl ml <"$out/res.llvm-symbolizer"
	read -r ta ma <"$out/res.addr2line"
	best=$(awk -v a="$ta" -v b="$tl" 'BEGIN { print (a < b) ? a : b }')
	target="0.25, goal 0.15"
	[ "$frames" -eq 40 ] && target=0.3
	for f in $formats; do
		read -r tm mm <"$out/res.mdump-$f"
		printf '%-7s cpu / text: %s (target <= 1.2)' "$f" \
		    "$(ratio "$tm" "$tt")"
		printf '  cpu / faster other: %s (target <= %s)\n' \
		    "$(ratio "$tm" "$best")" "$target"
	done
	echo "mdump memory / llvm-symbolizer: $(ratio "$mt" "$ml")" \
	    "(target <= 1)"
done
