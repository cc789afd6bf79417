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
#   malloc/free churn, realloc-heavy resizing, and two million blocks
#   held at once (live: the tracer's bytes per live block).
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
# Run from the top of the tree after "make" (or "make bench").
# Environment: RUNS (default 3), ITER (per thread, default 1000000),
# LIVE (default 2000000), SHAPES (names, default all), DEPTHS (default
# "4 8 16 32"), PEERS, CC.  The default run takes a few minutes on two
# cores.
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

bench=mdtrace_bench
# shellcheck source=bench/common.sh.inc
. "$(dirname "$0")/common.sh.inc"
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
live-deep|0|-d 8-20 live"
SHAPES=${SHAPES:-$(echo "$all_shapes" | cut -d '|' -f 1)}

$CC -O2 -g -fomit-frame-pointer -pthread -o "$prog" bench/alloc_heavy.c ||
    exit 1
$CC -O2 -o "$rusage" bench/rusage.c || exit 1
# LeakSanitizer needs a compiler that has it; else its rows say n/a.
$CC -O2 -g -fomit-frame-pointer -pthread -fsanitize=leak -o "$lsan" \
    bench/alloc_heavy.c 2>/dev/null || rm -f "$lsan"

have() {
	command -v "$1" >/dev/null 2>&1
}

# measure SHAPE VARIANT CMD...: one run, one line "shape variant cpu kib"
# into $res.
measure() {
	s=$1
	v=$2
	shift 2
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
		measure "$s" "$v" "$prog" "$@" ;;
	LeakSanitizer)
		[ -x "$lsan" ] || return 0
		ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=exitcode=0:symbolize=0 \
		    measure "$s" "$v" "$lsan" "$@" ;;
	D*)
		MALLOC_OPTIONS=$v measure "$s" "mdtrace-$v" mdtrace/mdtrace \
		    -f "$out/bench.ktrace" "$prog" "$@" ;;
	other-D*)
		MALLOC_OPTIONS=${v#other-} measure "$s" "$v" "$OTHER" \
		    -f "$out/bench.ktrace" "$prog" "$@" ;;
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

echo "alloc_heavy -O2 -fomit-frame-pointer, $ncpu cpus, $RUNS runs;" \
    "ITER=$ITER per thread, LIVE=$LIVE"
echo "CPU time (user + system): median, spread (min-max), ratio to" \
    "untraced and to LeakSanitizer"
awk -v live="$LIVE" '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
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
