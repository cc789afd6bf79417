#!/bin/sh
#
# node_exit.sh: what mdtrace costs node at exit, where its report names
# the object of every frame of every leak (node has some 75,000 dynamic
# symbols: a lookup through dladdr, which searches them, took seconds).
#
# How it is measured: node runs a small script (JS, below) that ends by
# printing the time of day; the script takes the time of day when the
# process has ended.  The difference is the exit: untraced, node's own;
# traced (MALLOC_OPTIONS=D16, the leak check on), the tracer's leak
# check and report too.  The whole run is timed as well.  Each figure
# is the best of RUNS runs (default 5); the ratios are traced over
# untraced.
#
# LeakSanitizer runs in the same way beside it, as the runtime of the
# compiler CC preloaded into node (node is not built with it), keeping
# 16 frames as D16 does (LSAN_OPTIONS malloc_context_size=16; its
# frame-pointer walk, cut short in code without frame pointers) and
# checking for leaks at exit; traced over LeakSanitizer is the last
# ratio.  Without CC's liblsan.so its rows say n/a.
#
# MDTRACE_LEAKCHECK=0 in the environment leaves the report alone at exit
# (no leak check, no stopping of node's threads).
#
# Measured (RUNS=9, node 20, gcc 12's LeakSanitizer, a 2-core VM):
#
#   script      untraced  traced/untraced  LSan/untraced  traced/LSan
#               run  exit   run   exit      run   exit     run   exit
#   default   0.110 0.009   1.70  1.87      2.35  2.07     0.72  0.90
#   JS='0;'   0.085 0.006   1.70  2.04      2.78  2.56     0.61  0.79
#
# Run from the top of the tree after "make".  Environment: RUNS, NODE
# (default: node), JS (the script's body).

bench=node_exit
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
RUNS=${RUNS:-5}
NODE=${NODE:-node}
JS=${JS:-'let a = []; for (let i = 0; i < 100000; i++) a.push({ i, s: "x" + i });'}
# The time of day in seconds, as the last act.
tail='process.stdout.write(String((performance.timeOrigin + performance.now()) / 1000));'

if ! command -v "$NODE" >/dev/null 2>&1; then
	echo "node_exit: $NODE not found (Debian: apt-get install nodejs)" >&2
	exit 1
fi

# one_run CMD...: "WHOLE EXIT" in seconds for one run.
one_run() {
	start=$(date +%s.%N)
	last=$("$@" -e "$JS $tail" 2>"$out/node_exit.err")
	end=$(date +%s.%N)
	awk -v s="$start" -v l="$last" -v e="$end" \
	    'BEGIN { printf "%.4f %.4f\n", e - s, e - l }'
}

# best CMD...: the smallest whole time and the smallest exit time.
best() {
	i=0
	bw=
	be=
	while [ $i -lt "$RUNS" ]; do
		t=$(one_run "$@")
		bw=$(echo "$t" | awk -v b="$bw" '{ print (b == "" || $1 < b) ? $1 : b }')
		be=$(echo "$t" | awk -v b="$be" '{ print (b == "" || $2 < b) ? $2 : b }')
		i=$((i + 1))
	done
	echo "$bw $be"
}

# LeakSanitizer's runtime as CC has it; empty if it has none.
lsan=$($CC -print-file-name=liblsan.so 2>/dev/null)
case $lsan in
/*)	[ -f "$lsan" ] || lsan= ;;
*)	lsan= ;;
esac

unset MALLOC_OPTIONS
set -- $(best "$NODE")
uw=$1 ue=$2
set -- $(MALLOC_OPTIONS=D16 best mdtrace/mdtrace -f "$out/node_exit.ktrace" "$NODE")
tw=$1 te=$2
lw= le=
if [ -n "$lsan" ]; then
	set -- $(LSAN_OPTIONS=malloc_context_size=16:exitcode=0 \
	    LD_PRELOAD=$lsan best "$NODE")
	lw=$1 le=$2
fi
echo "processor: $cpu_model"
awk -v uw="$uw" -v ue="$ue" -v tw="$tw" -v te="$te" -v lw="$lw" \
    -v le="$le" '
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "n/a" }
BEGIN {
	printf "node untraced: run %.3f s, exit %.3f s\n", uw, ue
	printf "node traced (D16, leak check): run %.3f s, exit %.3f s\n", tw, te
	if (lw != "")
		printf "node under LeakSanitizer (16 frames, leak check): " \
		    "run %.3f s, exit %.3f s\n", lw, le
	else
		print "node under LeakSanitizer: n/a (no liblsan.so)"
	printf "ratio traced/untraced: run %s, exit %s\n", ratio(tw, uw), \
	    ratio(te, ue)
	if (lw != "") {
		printf "ratio LeakSanitizer/untraced: run %s, exit %s\n", \
		    ratio(lw, uw), ratio(le, ue)
		printf "ratio traced/LeakSanitizer: run %s, exit %s\n", \
		    ratio(tw, lw), ratio(te, le)
	}
}'
