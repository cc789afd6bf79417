#!/bin/sh
#
# realprogs.sh: what mdtrace costs real programs, beside LeakSanitizer,
# in the same run.  bench/mdtrace_bench.sh measures the shapes that
# decide the cost on a program written for it; this one measures what
# a user meets: Debian's programs at work on inputs made here.
#
#   python3   builds a dict of 300,000 lists (its own allocator takes
#             the small objects; malloc the tables)
#   python3-malloc  the same with PYTHONMALLOC=malloc, as Python is run
#             under a leak checker: every object from malloc
#   perl      a hash of 300,000 arrays
#   jq        filters 200,000 JSON lines
#   sqlite3   inserts 200,000 rows into a table in memory, indexes them
#   cc        gcc compiles bench/alloc_heavy.c at -O2 (the driver, cc1
#             and as: three processes, each traced)
#   sort      sorts the 200,000 JSON lines
#   xz        compresses them with two threads
#   node      makes 100,000 objects
#
# Each runs untraced, under mdtrace (MALLOC_OPTIONS=D16: stacks of 16
# frames, the leak check and report at exit) and under LeakSanitizer's
# runtime preloaded, as bench/node_exit.sh does (16 frames, its leak
# check at exit), RUNS times (default 5), the three taking turns.  For
# each: the median CPU time (user + system, the program's processes
# together), the ratios to untraced, and traced over LeakSanitizer.
# LeakSanitizer's runtime is not made to be preloaded into programs
# built without it: where the program dies under it, its column says
# "fails".  A program not installed prints n/a.
#
# Measured (RUNS=5, a 2-core Intel Xeon with AVX-512 and AMX), median
# CPU time in seconds, ratios to untraced:
#
#   program          untraced  mdtrace        LeakSanitizer  mdtrace/LSan
#   python3          0.233     0.237  1.02x   0.239  1.03x   0.99x
#   python3-malloc   0.316     0.513  1.62x   0.369  1.17x   1.39x
#   perl             0.440     0.651  1.48x   fails
#   jq               0.394     0.462  1.17x   0.476  1.21x   0.97x
#   sqlite3          0.111     0.128  1.15x   fails
#   cc               0.153     0.238  1.56x   fails
#   sort             0.046     0.049  1.07x   0.114  2.48x   0.43x
#   xz               0.287     0.303  1.06x   0.283  0.99x   1.07x
#   node             0.089     0.142  1.60x   0.132  1.48x   1.08x
#
# LeakSanitizer's runtime killed perl and sqlite3 at start-up, and the
# assembler that gcc runs (SIGSEGV; gcc then fails).  Where both ran, mdtrace is at or below LeakSanitizer but
# for python3-malloc (1.39x: 1.8 million mallocs, 900,000 blocks held
# at once; LeakSanitizer's own allocator, with its metadata in the
# block's header, against glibc's and the tracer's table: 66% of the
# blocks put in a thread's nursery are evicted to the table later),
# node (1.08x; in wall time, bench/node_exit.sh, 0.66x) and xz (1.07x).
#
# Run from the top of the tree after "make".  Environment: RUNS, CC
# (whose liblsan.so is preloaded), PYTHON (default /usr/bin/python3
# where it is, else python3), NODE (default node).

bench=realprogs
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
RUNS=${RUNS:-5}
NODE=${NODE:-node}
if [ -z "$PYTHON" ]; then
	PYTHON=python3
	[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
fi
rusage=$out/rusage
res=$out/realprogs.txt
$CC -O2 -o "$rusage" bench/rusage.c || exit 1

# LeakSanitizer's runtime as CC has it; empty if it has none.
lsan=$($CC -print-file-name=liblsan.so 2>/dev/null)
case $lsan in
/*)	[ -f "$lsan" ] || lsan= ;;
*)	lsan= ;;
esac

# The inputs.
lines=$out/realprogs.jsonl
awk 'BEGIN { for (i = 1; i <= 200000; i++)
    printf "{\"id\":%d,\"name\":\"n%d\",\"tags\":[\"a\",\"b%d\"]}\n",
    i, (i * 7919) % 200000, i % 7 }' >"$lines"

# name|command (run by sh -c; $lines, $out, $PYTHON, $NODE, $CC set)
progs='python3|"$PYTHON" -c "d = {str(i): [i] * 3 for i in range(300000)}; print(len(d))"
python3-malloc|env PYTHONMALLOC=malloc "$PYTHON" -c "d = {str(i): [i] * 3 for i in range(300000)}; print(len(d))"
perl|perl -e "my %h; \$h{\$_} = [\$_, \"x\$_\"] for 1 .. 300000; print scalar(keys %h), \"\\n\""
jq|jq -c "select(.id % 3 == 0) | .name" "$lines"
sqlite3|sqlite3 :memory: "create table t(a, b); with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000) insert into t select x, '"'"'v'"'"' || x from c; create index i on t(b); select count(*) from t;"
cc|"$CC" -O2 -c bench/alloc_heavy.c -o "$out/realprogs.o"
sort|sort "$lines"
xz|xz -T2 -1 -c "$lines"
node|"$NODE" -e "let a = []; for (let i = 0; i < 100000; i++) a.push({ i, s: \"x\" + i }); console.log(a.length)"'

export lines out PYTHON NODE CC

# measure NAME VARIANT COMMAND: one run, "NAME VARIANT CPU" into $res,
# or "NAME VARIANT fails" if it did not end well.
measure() {
	if "$rusage" -o /dev/null sh -c "$3" 2>"$out/stderr"; then
		tail -n 1 "$out/stderr" | awk -v n="$1" -v v="$2" \
		    '{ print n, v, $3 }' >>"$res"
	else
		echo "$1 $2 fails" >>"$res"
	fi
}

: >"$res"
r=0
while [ "$r" -lt "$RUNS" ]; do
	echo "$progs" | while IFS='|' read -r name cmd; do
		tool=${cmd%% *}
		case $name in
		python3*) tool=$PYTHON ;;
		node) tool=$NODE ;;
		cc) tool=$CC ;;
		esac
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "$name untraced n/a" >>"$res"
			continue
		fi
		measure "$name" untraced "exec $cmd"
		measure "$name" mdtrace "MALLOC_OPTIONS=D16 exec \
		    mdtrace/mdtrace -f $out/realprogs.ktrace $cmd"
		[ -z "$lsan" ] || measure "$name" LeakSanitizer "LD_PRELOAD=$lsan \
		    LSAN_OPTIONS=malloc_context_size=16:exitcode=0 exec $cmd"
	done
	r=$((r + 1))
done

echo "processor: $cpu_model; $RUNS runs"
echo "CPU time (user + system), median; ratios to untraced, and mdtrace over LeakSanitizer"
awk "$awk_median"'
{
	if (!($1 in seen)) { seen[$1] = 1; names[++n] = $1 }
	k = $1 SUBSEP $2
	if ($3 == "fails" || $3 == "n/a")
		bad[k] = $3
	else
		cpu[k] = cpu[k] " " $3
}
END {
	printf "%-9s %9s %9s %8s %13s %8s %13s\n", "program", "untraced",
	    "mdtrace", "ratio", "LeakSanitizer", "ratio", "mdtrace/LSan"
	for (i = 1; i <= n; i++) {
		p = names[i]
		if ((p SUBSEP "untraced") in bad) {
			printf "%-9s %9s\n", p, bad[p SUBSEP "untraced"]
			continue
		}
		u = median(cpu[p SUBSEP "untraced"])
		if ((p SUBSEP "mdtrace") in bad)
			m = "fails"
		else
			m = median(cpu[p SUBSEP "mdtrace"])
		if ((p SUBSEP "LeakSanitizer") in bad)
			l = "fails"
		else if ((p SUBSEP "LeakSanitizer") in cpu)
			l = median(cpu[p SUBSEP "LeakSanitizer"])
		else
			l = "n/a"
		printf "%-9s %9.3f", p, u
		if (m == "fails")
			printf " %9s %8s", m, ""
		else
			printf " %9.3f %7.2fx", m, (u > 0 ? m / u : 0)
		if (l == "fails" || l == "n/a")
			printf " %13s %8s %13s\n", l, "", ""
		else
			printf " %13.3f %7.2fx %12.2fx\n", l, (u > 0 ? l / u : 0),
			    (m != "fails" && l > 0 ? m / l : 0)
	}
}' "$res"
