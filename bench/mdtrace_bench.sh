#!/bin/sh
#
# mdtrace_bench.sh: the cost of tracing an allocation-heavy program
# (bench/alloc_heavy.c) built as distributions build, -O2 without frame
# pointers, beside LeakSanitizer (the same program recompiled with
# -fsanitize=leak) in the same run, over the shapes that decide the
# cost:
#
#   call depth above the allocation: shallow (1-3) and deep (8-20);
#   frames recorded: D4, D8, D16, D32 (MALLOC_OPTIONS);
#   threads: 1, as many as cores (N), twice as many;
#   block sizes: tiny (16 bytes) and mixed (16-1039; live: 16-79);
#   malloc/free churn, realloc-heavy resizing, two million blocks
#   held at once (live: the tracer's bytes per live block), and blocks
#   one thread allocates and another frees (handoff), alone or among
#   200 threads that allocated.
#
# Each shape runs untraced, under LeakSanitizer and under mdtrace at
# each depth, RUNS times, the variants taking turns within each round
# so that a machine's drift hits them alike.  For each variant: the
# median CPU time (user + system, all threads; other load on the
# machine disturbs it less than wall time), its spread (min-max, as a
# percentage of the median), its ratio to the untraced median and to
# LeakSanitizer's.  For live, also the bytes per live block over the
# untraced run: (median peak RSS - untraced median peak RSS) / LIVE,
# for mdtrace and LeakSanitizer alike.  A tool not installed prints
# n/a.  PEERS=1 adds the frame-pointer walk (MDTRACE_UNWIND=fp, D16),
# heaptrack and valgrind --leak-check=full to the first shape.  OTHER=
# the mdtrace launcher of another build (beside its libmdtrace.so) adds
# its rows at each depth, as other-DN, to compare two builds in one run.
#
# COUNT=1 counts instructions instead, once per variant under valgrind
# --tool=callgrind (ITER 200000, LIVE 300000 unless given): the same
# count on every run, where CPU times on a shared machine spread by
# 30-100%.  Neither tool checks for leaks at exit in that mode, which
# LeakSanitizer cannot do under valgrind; the tracer is preloaded as
# mdtrace would, without its launcher.  Instructions are not time: the
# live shapes wait on cache misses that a count does not see.
#
# Run from the top of the tree after "make" (or "make bench").
# Environment: RUNS (default 3), ITER (per thread, for handoff in all;
# default 1000000), LIVE (default 2000000), SHAPES (names, default all),
# DEPTHS (default "4 8 16 32"), PEERS, COUNT, CC.  The default run
# takes a few minutes on two cores, COUNT=1 DEPTHS="4 16" about five.
#
# Measured (RUNS=7 DEPTHS="4 16", OTHER= the build of ae41b9f, before
# the changes to the live table and the memo of walks that followed;
# two cores shared with other work, so each median's spread was
# 26-66%: read a row's difference below 10% as noise).
# Ratios of the median CPU time, "before after":
#
#   shape                   untraced, D4  untraced, D16  LSan, D16
#   churn-shallow-tiny-1t   2.75x 3.18x   3.55x 3.73x   1.12x 1.18x
#   churn-shallow-mixed-Nt  2.44x 2.24x   2.28x 2.14x   1.25x 1.17x
#   churn-deep-mixed-1t     2.33x 1.95x   2.31x 2.14x   1.11x 1.02x
#   churn-deep-tiny-Nt      2.19x 2.58x   2.51x 2.42x   1.10x 1.06x
#   churn-deep-mixed-2Nt    1.86x 1.84x   2.16x 1.92x   1.23x 1.09x
#   realloc-shallow-1t      1.79x 1.88x   1.80x 1.76x   0.57x 0.56x
#   realloc-deep-Nt         2.03x 1.75x   2.08x 1.66x   0.82x 0.65x
#   live-shallow            2.22x 2.29x   2.05x 1.98x   0.98x 0.94x
#   live-deep               1.83x 2.25x   1.77x 1.97x   0.88x 0.97x
#
# Live blocks: 12.2-12.5 bytes a block at D16 (LeakSanitizer 13.4-13.5).
# Taken alone, paired A/B runs of the changes (alloc_heavy, one thread,
# D16, min of five or seven runs): churn deep 0.251 -> 0.221 s, churn
# deep tiny 0.167 -> 0.145 s, live shallow 0.421 -> 0.378 s.
#
# Measured again later (RUNS=9 DEPTHS="4 16", nothing else running;
# spreads of 30-100%, so read a difference below 20% as noise):
#
#   shape                   D4/untraced  D16/untraced  D16/LSan  LSan/untraced
#   churn-shallow-tiny-1t   2.63x        3.15x         1.32x     2.39x
#   churn-shallow-mixed-Nt  1.83x        2.11x         0.96x     2.20x
#   churn-deep-mixed-1t     2.11x        2.24x         1.00x     2.23x
#   churn-deep-tiny-Nt      1.71x        1.85x         1.25x     1.48x
#   churn-deep-mixed-2Nt    1.87x        1.55x         1.03x     1.50x
#   realloc-shallow-1t      2.32x        2.58x         0.81x     3.19x
#   realloc-deep-Nt         1.49x        1.52x         0.63x     2.40x
#   live-shallow            2.14x        1.99x         0.80x     2.49x
#   live-deep               1.57x        1.75x         0.93x     1.88x
#
# Live blocks: 12.5-12.7 bytes a block (LeakSanitizer 13.5).  Against
# the targets: D16 at most LeakSanitizer's ratio holds for the realloc
# and live shapes and, within the noise, for mixed churn, not for tiny
# churn (1.25-1.32x); shallow shapes at D4 are 1.8-2.6x untraced, not
# 1.5x; live is at most 2x.  Where tiny churn's cost goes, counted by
# valgrind --tool=callgrind (whose counts repeat exactly, where times
# here do not): untraced, 346 instructions a round (an allocation and
# a free or realloc); the tracer adds about 775, of which the live
# table takes about 360, the unwinder's memo of walks about 105, the
# interposed functions about 190.
#
# Then each thread got a nursery in front of the live table (live.c).
# Counted by callgrind (D4, 200,000 rounds of churn-shallow-tiny-1t;
# 300,000 blocks of live-shallow), instructions of the whole run:
#
#   shape                   before        after
#   churn-shallow-tiny-1t   257.9 M       222.8 M   (table: 436 -> 255 a round)
#   live-shallow            361.3 M       379.5 M   (table: 387 -> 441 a block)
#
# In time, one run of this script (RUNS=5 DEPTHS="4 16", OTHER= the
# build before) put the two builds within each other's spread (30-90%)
# on every shape; paired runs of 9 to 11 (after/before, median CPU
# time, D16): churn-shallow-tiny-1t 0.82x, churn-deep-tiny-Nt 0.87x,
# live-shallow 0.95x.  node -e 0: 1.03x, within its spread; there the
# unwinder (memo checks and walks, 22% of the samples at D16) costs
# more than the table (7%).
#
# COUNT=1 DEPTHS="4 16", OTHER= the build before the nursery; millions
# of instructions, and the ratios, "before after":
#
#   shape                   untraced  D4/untraced  D16/untraced  D16/LSan   LSan/untraced
#   churn-shallow-tiny-1t     69.3    3.31x 2.79x  3.37x 2.85x   1.06x 0.89x  3.19x
#   churn-shallow-mixed-Nt   237.8    2.35x 2.12x  2.39x 2.15x   0.87x 0.78x  2.76x
#   churn-deep-mixed-1t      145.5    2.11x 1.91x  2.26x 2.06x   0.92x 0.84x  2.45x
#   churn-deep-tiny-Nt       191.2    2.68x 2.30x  2.90x 2.52x   1.13x 0.98x  2.57x
#   churn-deep-mixed-2Nt     581.2    2.11x 1.91x  2.27x 2.07x   0.93x 0.85x  2.43x
#   realloc-shallow-1t        97.1    2.26x 2.00x  2.29x 2.03x   0.46x 0.41x  4.99x
#   realloc-deep-Nt          243.8    2.01x 1.80x  2.13x 1.92x   0.51x 0.46x  4.17x
#   live-shallow             120.2    2.70x 2.84x  2.75x 2.89x   1.25x 1.32x  2.19x
#   live-deep                159.8    2.28x 2.38x  2.43x 2.54x   1.28x 1.34x  1.90x
#
# Against the targets, in instructions: at D16 every churn and realloc
# shape is now at or below LeakSanitizer's count, the live shapes 1.3x
# above it (in CPU time they were 0.8-1.1x of it, above); the shallow
# shapes at D4 are 2.0-2.8x untraced, not 1.5x.
#
# The handoff shapes, OTHER= the build before a free looked first in
# the nursery where its thread found a block last (before, every
# nursery was looked in, newest first).  COUNT=1 DEPTHS="4 16":
#
#   shape          untraced  D4/untraced  D16/untraced  D16/LSan     LSan/untraced
#   handoff-2t       132.0   2.14x 2.14x  2.17x 2.17x   0.87x 0.86x  2.51x
#   handoff-200t     133.0   3.53x 2.21x  3.58x 2.27x   1.42x 0.90x  2.53x
#
# RUNS=5 DEPTHS=16, CPU time, D16 over untraced, "before after":
# handoff-2t 1.35x 1.39x, handoff-200t 3.04x 1.45x (LeakSanitizer
# 1.67x and 1.84x).
#
# Every shape at once, COUNT=1 DEPTHS="4 16", after blocks handed out
# again were cleared up to 4 KiB (mixed sizes count about 3% more):
#
#   shape                   untraced  D4/untraced  D16/untraced  D16/LSan  LSan/untraced
#   churn-shallow-tiny-1t     69.3    2.79x        2.84x         0.89x     3.19x
#   churn-shallow-mixed-Nt   237.8    2.19x        2.22x         0.81x     2.76x
#   churn-deep-mixed-1t      145.5    1.97x        2.12x         0.87x     2.45x
#   churn-deep-tiny-Nt       191.2    2.29x        2.52x         0.98x     2.57x
#   churn-deep-mixed-2Nt     580.9    1.98x        2.14x         0.88x     2.43x
#   realloc-shallow-1t        97.1    2.09x        2.11x         0.42x     4.99x
#   realloc-deep-Nt          243.8    1.86x        1.98x         0.48x     4.17x
#   live-shallow             120.2    2.85x        2.90x         1.32x     2.19x
#   live-deep                159.8    2.39x        2.54x         1.34x     1.90x
#   handoff-2t               132.0    2.21x        2.24x         0.89x     2.51x
#   handoff-200t             132.8    2.28x        2.34x         0.92x     2.53x
#
# D16 is at or below LeakSanitizer's count on every shape but live
# (1.3x; in CPU time 0.8-1.1x of it); the shallow shapes at D4 are
# 2.1-2.9x untraced, not 1.5x.
#
# On another machine (2-core Intel Xeon with AVX-512 and AMX), RUNS=5
# DEPTHS="4 16", OTHER= the build of eb374e9, before each thread put
# in and took from its nursery without a lock (membarrier); CPU time,
# "before after".  The handoff shapes gained another 4% after (a
# consumer looks first in the nursery it took from last), not here.
#
#   shape                   D4/untraced   D16/untraced  D16/LSan     LSan/untraced
#   churn-shallow-tiny-1t   2.00x 1.80x   2.03x 1.89x   0.95x 0.88x  2.14x
#   churn-shallow-mixed-Nt  1.61x 1.43x   1.53x 1.40x   1.42x 1.31x  1.08x
#   churn-deep-mixed-1t     1.59x 1.58x   1.73x 1.73x   1.20x 1.20x  1.43x
#   churn-deep-tiny-Nt      1.39x 1.28x   1.40x 1.28x   1.10x 1.00x  1.28x
#   churn-deep-mixed-2Nt    1.51x 1.45x   1.55x 1.50x   1.20x 1.16x  1.30x
#   realloc-shallow-1t      1.77x 1.75x   1.87x 1.83x   0.79x 0.77x  2.37x
#   realloc-deep-Nt         1.74x 1.69x   1.81x 1.76x   1.23x 1.20x  1.47x
#   live-shallow            2.15x 2.28x   2.11x 2.12x   1.03x 1.04x  2.04x
#   live-deep               1.84x 1.87x   1.92x 1.95x   1.04x 1.06x  1.84x
#   handoff-2t              1.49x 1.42x   1.52x 1.44x   1.44x 1.36x  1.06x
#   handoff-200t            1.42x 1.38x   1.59x 1.55x   1.32x 1.29x  1.20x
#
# Live blocks: 12.1-12.6 bytes a block (LeakSanitizer 13.4-13.5).
# LeakSanitizer's own allocator is faster than glibc's here with mixed
# sizes and threads (1.08x untraced), which mdtrace, on glibc's, cannot
# follow: D16 is at most its ratio on tiny churn, realloc-shallow and
# churn-deep-tiny-Nt, 1.04-1.06x on live, 1.2-1.4x elsewhere.  Shallow
# shapes at D4: 1.4x with threads, 1.75-2.3x with one.

bench=mdtrace_bench
have() {
	command -v "$1" >/dev/null 2>&1
}
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
if [ -n "$COUNT" ]; then
	ITER=${ITER:-200000}
	LIVE=${LIVE:-300000}
	RUNS=1
	PEERS=
	if ! have valgrind; then
		echo "mdtrace_bench: COUNT needs valgrind" >&2
		exit 1
	fi
fi
ITER=${ITER:-1000000}
LIVE=${LIVE:-2000000}
RUNS=${RUNS:-3}
DEPTHS=${DEPTHS:-4 8 16 32}
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
prog=$out/alloc_heavy
lsan=$out/alloc_heavy_lsan
rusage=$out/rusage
res=$out/mdtrace_bench.txt

# name|threads|program arguments (threads and ITER or LIVE appended)
all_shapes="churn-shallow-tiny-1t|1|-d 1-3 -s tiny churn
churn-shallow-mixed-Nt|$ncpu|-d 1-3 churn
churn-deep-mixed-1t|1|-d 8-20 churn
churn-deep-tiny-Nt|$ncpu|-d 8-20 -s tiny churn
churn-deep-mixed-2Nt|$((2 * ncpu))|-d 8-20 churn
realloc-shallow-1t|1|-d 1-3 realloc
realloc-deep-Nt|$ncpu|-d 8-20 realloc
live-shallow|0|-d 1-3 live
live-deep|0|-d 8-20 live
handoff-2t|2|-d 1-3 handoff
handoff-200t|200|-d 1-3 handoff"
SHAPES=${SHAPES:-$(echo "$all_shapes" | cut -d '|' -f 1)}

$CC -O2 -g -fomit-frame-pointer -pthread -o "$prog" bench/alloc_heavy.c ||
    exit 1
$CC -O2 -o "$rusage" bench/rusage.c || exit 1
# LeakSanitizer needs a compiler that has it; else its rows say n/a.
$CC -O2 -g -fomit-frame-pointer -pthread -fsanitize=leak -o "$lsan" \
    bench/alloc_heavy.c 2>/dev/null || rm -f "$lsan"


# count SHAPE VARIANT CMD...: one run under callgrind, one line "shape
# variant instructions 0" into $res.  A traced run gets the tracer as
# mdtrace would give it ($lib, the trace file made first), so that the
# launcher's own instructions are not counted; neither tool checks for
# leaks at exit, which LeakSanitizer cannot do under valgrind.
count() {
	s=$1
	v=$2
	shift 2
	rm -f "$out/bench.callgrind"
	: >"$out/bench.ktrace"
	env ${lib:+LD_PRELOAD=$lib} MDTRACE_FILE="$out/bench.ktrace" \
	    MDTRACE_LEAKCHECK=0 valgrind -q --tool=callgrind \
	    --callgrind-out-file="$out/bench.callgrind" "$@" \
	    2>"$out/stderr" >/dev/null || {
		echo "mdtrace_bench: failed: $*" >&2
		tail -n 3 "$out/stderr" >&2
		exit 1
	}
	awk -v s="$s" -v v="$v" '/^totals:/ { print s, v, $2, 0 }' \
	    "$out/bench.callgrind" >>"$res"
}

# measure SHAPE VARIANT CMD...: one run, one line "shape variant cpu kib"
# into $res (with COUNT set, as count does).
measure() {
	s=$1
	v=$2
	shift 2
	if [ -n "$COUNT" ]; then
		count "$s" "$v" "$@"
		return
	fi
	"$rusage" -o /dev/null "$@" 2>"$out/stderr" || {
		echo "mdtrace_bench: failed: $*" >&2
		tail -n 3 "$out/stderr" >&2
		exit 1
	}
	tail -n 1 "$out/stderr" | awk -v s="$s" -v v="$v" \
	    '{ print s, v, $3, $2 }' >>"$res"
}

# variant SHAPE VARIANT ARGS...: run the program as VARIANT says.
variant() {
	s=$1
	v=$2
	shift 2
	case $v in
	untraced)
		lib='' measure "$s" "$v" "$prog" "$@" ;;
	LeakSanitizer)
		[ -x "$lsan" ] || return 0
		leaks=1
		[ -n "$COUNT" ] && leaks=0
		lib='' ASAN_OPTIONS=detect_leaks=$leaks \
		    LSAN_OPTIONS=detect_leaks=$leaks:exitcode=0:symbolize=0 \
		    measure "$s" "$v" "$lsan" "$@" ;;
	D*)
		if [ -n "$COUNT" ]; then
			lib=$PWD/mdtrace/libmdtrace.so MALLOC_OPTIONS=$v \
			    measure "$s" "mdtrace-$v" "$prog" "$@"
		else
			MALLOC_OPTIONS=$v measure "$s" "mdtrace-$v" \
			    mdtrace/mdtrace -f "$out/bench.ktrace" "$prog" "$@"
		fi ;;
	other-D*)
		if [ -n "$COUNT" ]; then
			lib=$(cd "$(dirname "$OTHER")" && pwd)/libmdtrace.so \
			    MALLOC_OPTIONS=${v#other-} measure "$s" "$v" \
			    "$prog" "$@"
		else
			MALLOC_OPTIONS=${v#other-} measure "$s" "$v" "$OTHER" \
			    -f "$out/bench.ktrace" "$prog" "$@"
		fi ;;
	fp)
		MALLOC_OPTIONS=D16 MDTRACE_UNWIND=fp measure "$s" \
		    "mdtrace-D16-fp" mdtrace/mdtrace -f "$out/bench.ktrace" \
		    "$prog" "$@" ;;
	heaptrack)
		have heaptrack || return 0
		rm -f "$out"/heaptrack.*
		measure "$s" "$v" heaptrack -o "$out/heaptrack" "$prog" "$@" ;;
	valgrind)
		have valgrind || return 0
		measure "$s" "$v" valgrind -q --leak-check=full "$prog" "$@" ;;
	esac
}

: >"$res"
variants="untraced LeakSanitizer"
for d in $DEPTHS; do
	variants="$variants D$d"
	[ -n "$OTHER" ] && variants="$variants other-D$d"
done
first=$(echo "$SHAPES" | awk '{ print $1; exit }')
r=0
while [ "$r" -lt "$RUNS" ]; do
	for s in $SHAPES; do
		line=$(echo "$all_shapes" | grep "^$s|") || {
			echo "mdtrace_bench: no shape $s" >&2
			exit 1
		}
		t=$(echo "$line" | cut -d '|' -f 2)
		args=$(echo "$line" | cut -d '|' -f 3)
		if [ "$t" = 0 ]; then
			set -- $args "$LIVE"
		else
			set -- $args "$t" "$ITER"
		fi
		vs=$variants
		if [ -n "$PEERS" ] && [ "$s" = "$first" ]; then
			vs="$vs fp"
			[ "$r" = 0 ] && vs="$vs heaptrack valgrind"
		fi
		for v in $vs; do
			variant "$s" "$v" "$@"
		done
	done
	r=$((r + 1))
done

echo "alloc_heavy -O2 -fomit-frame-pointer, $ncpu cpus ($cpu_model)," \
    "$RUNS runs; ITER=$ITER per thread, LIVE=$LIVE"
if [ -n "$COUNT" ]; then
	echo "Instructions (valgrind --tool=callgrind, no leak check at exit):"
	echo "millions, ratio to untraced and to LeakSanitizer"
	awk '
	{
		k = $1 SUBSEP $2
		if (!($1 in seen)) { seen[$1] = 1; shapes[++ns] = $1 }
		order[++n] = k
		ins[k] = $3
	}
	END {
		for (i = 1; i <= ns; i++) {
			s = shapes[i]
			printf "\n%s\n", s
			u = ins[s SUBSEP "untraced"]
			l = ins[s SUBSEP "LeakSanitizer"] + 0
			for (j = 1; j <= n; j++) {
				split(order[j], kv, SUBSEP)
				if (kv[1] != s)
					continue
				m = ins[order[j]]
				printf "  %-16s %9.1f M  %6.2fx", kv[2], m / 1e6,
				    (u > 0 ? m / u : 0)
				if (l > 0)
					printf "  %5.2fx LSan", m / l
				printf "\n"
			}
		}
	}' "$res"
	exit 0
fi
echo "CPU time (user + system): median, spread (min-max), ratio to" \
    "untraced and to LeakSanitizer"
awk -v live="$LIVE" "$awk_median"'
function lo(list,   n, a, i, m) {
	n = split(list, a, " "); m = a[1]
	for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]
	return m
}
function hi(list,   n, a, i, m) {
	n = split(list, a, " "); m = a[1]
	for (i = 2; i <= n; i++) if (a[i] + 0 > m + 0) m = a[i]
	return m
}
{
	k = $1 SUBSEP $2
	if (!(k in cpu)) {
		order[++n] = k
		if (!($1 in seen)) { seen[$1] = 1; shapes[++ns] = $1 }
	}
	cpu[k] = cpu[k] " " $3
	rss[k] = rss[k] " " $4
}
END {
	for (i = 1; i <= ns; i++) {
		s = shapes[i]
		printf "\n%s\n", s
		u = median(cpu[s SUBSEP "untraced"])
		ur = median(rss[s SUBSEP "untraced"])
		l = 0
		if ((s SUBSEP "LeakSanitizer") in cpu)
			l = median(cpu[s SUBSEP "LeakSanitizer"])
		for (j = 1; j <= n; j++) {
			split(order[j], kv, SUBSEP)
			if (kv[1] != s)
				continue
			m = median(cpu[order[j]])
			sp = m > 0 ? 100 * (hi(cpu[order[j]]) - \
			    lo(cpu[order[j]])) / m : 0
			ru = u > 0 ? m / u : 0
			printf "  %-16s cpu %7.3f s  %5.1f%%  %6.2fx", kv[2], m,
			    sp, ru
			if (l > 0)
				printf "  %5.2fx LSan", m / l
			if (s ~ /^live/ && kv[2] != "untraced")
				printf "  %5.1f B/block",
				    (median(rss[order[j]]) - ur) * 1024 / live
			printf "\n"
		}
	}
}' "$res"
