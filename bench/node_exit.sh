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
# MDTRACE_LEAKCHECK=0 in the environment leaves the report alone at exit
# (no leak check, no stopping of node's threads).
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

unset MALLOC_OPTIONS
set -- $(best "$NODE")
uw=$1 ue=$2
set -- $(MALLOC_OPTIONS=D16 best mdtrace/mdtrace -f "$out/node_exit.ktrace" "$NODE")
tw=$1 te=$2
awk -v uw="$uw" -v ue="$ue" -v tw="$tw" -v te="$te" 'BEGIN {
	printf "node untraced: run %.3f s, exit %.3f s\n", uw, ue
	printf "node traced (D16, leak check): run %.3f s, exit %.3f s\n", tw, te
	printf "ratio traced/untraced: run %.2f, exit %.2f\n", tw / uw, \
	    (ue > 0 ? te / ue : 0)
}'
