#!/bin/sh
#
# fuzz.sh: the libFuzzer harnesses of fuzz/, in the test suite.
#
# Builds them ("make fuzz", clang), replays every input kept in
# fuzz/regress/NAME/ (each once crashed, hung or leaked), then makes the
# seed corpora (fuzz/seeds.sh) and runs each fuzzer for FUZZ_SECONDS
# seconds (default 60; 0 replays only).  The corpus of the long runs,
# minimized, is in fuzz/corpus/NAME/ and seeds each run too (fuzz/README
# says how it was made).
#
# In the suite the run is the same every time: a fixed random seed
# (FUZZ_SEED, default 1), a fresh corpus, and a fixed number of inputs
# per fuzzer (FUZZ_RUNS_trace, _elf, _dwarf, about a minute each here),
# so that CI cannot fail by luck on a bug nobody has seen.  Longer runs
# that look for new bugs: FUZZ_SEED=0 (random) and a large FUZZ_SECONDS
# with FUZZ_RUNS_x=-1, keeping the corpus in fuzz/out/corpus/.
#
# A crash, a hang longer than
# FUZZ_TIMEOUT seconds (default 10) or a leak fails the fuzzer's test;
# its input is left in fuzz/out/NAME/ to be fixed and then copied to
# fuzz/regress/NAME/.
#
# Prints the plan, then "ok fuzz/..." or "not ok fuzz/... (why)": one
# result for the replay of each fuzzer that has kept inputs, one for
# each fuzzing run; skips them when clang cannot build a libFuzzer
# program here.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-1}
: "${FUZZ_RUNS_trace:=4000}" "${FUZZ_RUNS_elf:=150000}"
: "${FUZZ_RUNS_dwarf:=250000}" "${FUZZ_RUNS_mdt:=15000}"
tmo=${FUZZ_TIMEOUT:-10}
# The longest input each fuzzer makes.  Without it libFuzzer takes the
# longest seed, and the kept inputs of fuzz/regress/ (seeds too) run to
# megabytes: fuzz_trace, whose time grows with the length (layout
# detection tries a header at every byte for each of seven layouts), went
# from hundreds of inputs a second to ten.  Longer seeds are cut to it,
# fuzzed only in part; the replay above reads them whole.
#   trace: one utrace record of the largest size (64 + 20 + 2048 bytes)
#          and a dozen ordinary ones;
#   dwarf: what it had from its seeds (libFuzzer's least default);
#   elf:   the longest seed binary (18 KB) whole, with room to grow, as
#          its section headers are at the end;
#   mdt:   a process's start, build-id and kinds records and the first
#          leaks of its report.
: "${FUZZ_MAXLEN_trace:=4096}" "${FUZZ_MAXLEN_dwarf:=4096}"
: "${FUZZ_MAXLEN_elf:=32768}" "${FUZZ_MAXLEN_mdt:=4096}"
names="trace elf dwarf mdt"
log=fuzz/out/log
mkdir -p "$log" || exit 1

# The results to come: regress-NAME where fuzz/regress/NAME/ holds
# inputs, and NAME when fuzzing runs.
results=
for n in $names; do
	set -- fuzz/regress/$n/*
	[ -f "$1" ] && results="$results regress-$n"
done
[ "$secs" -gt 0 ] 2>/dev/null && results="$results $names"
echo "1..$(echo $results | wc -w | tr -d ' ')"

# each VERDICT NAME...: the given results of these fuzzers, not run.
each() {
	v=$1
	shift
	for n; do
		for r in $results; do
			[ "$r" = "$n" ] || [ "$r" = "regress-$n" ] || continue
			case $v in
			"# skip"*) echo "ok fuzz/$r $v" ;;
			*) echo "not ok fuzz/$r $v" ;;
			esac
		done
	done
}

skipall() {
	each "# skip $1" $names
	exit 0
}

printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n'\
'{ (void)d; (void)n; return 0; }\n' >"$log/probe.c"
clang -fsanitize=fuzzer,address,undefined -o "$log/probe" "$log/probe.c" \
    >/dev/null 2>&1 || skipall "clang cannot build libFuzzer programs"
# Each fuzzer on its own: one that does not build fails alone.
built=
for n in $names; do
	if make -s fuzz/out/fuzz_$n >"$log/build-$n" 2>&1; then
		built="$built $n"
	else
		each "(does not build: $(grep -m 1 error "$log/build-$n"))" $n
	fi
done
make -s fuzz/out/mkseed fuzz/out/mdtseed >"$log/build-mkseed" 2>&1
names=$built

# A report of a sanitizer, or of libFuzzer itself, in a log.
found() {
	grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|Sanitizer: |ALARM: working on the last Unit' "$1" |
	    head -n 1
}

# The kept inputs run once each, as libFuzzer replays files.
for n in $names; do
	set -- fuzz/regress/$n/*
	if [ ! -f "$1" ]; then
		# Nothing found by this fuzzer yet: nothing to replay.
		continue
	fi
	if fuzz/out/fuzz_$n -timeout="$tmo" -rss_limit_mb=2048 "$@" \
	    >"$log/regress-$n" 2>&1 && [ -z "$(found "$log/regress-$n")" ]
	then
		echo "ok fuzz/regress-$n ($# inputs)"
	else
		echo "not ok fuzz/regress-$n ($(found "$log/regress-$n"); see" \
		    "$log/regress-$n)"
	fi
done

[ "$secs" -gt 0 ] 2>/dev/null || exit 0
sh fuzz/seeds.sh >"$log/seeds" 2>&1
export MDUMP_FUZZ_EXE="$top/fuzz/out/seeds/elf/gcc-O2-dw5"
for n in $names; do
	eval "runs=\$FUZZ_RUNS_$n"
	eval "maxlen=\${FUZZ_MAXLEN_$n:-0}"
	corpus=fuzz/out/corpus/$n
	if [ "$seed" != 0 ]; then
		corpus=fuzz/out/corpus-fixed/$n
		rm -rf "$corpus"
	fi
	mkdir -p "$corpus" "fuzz/out/$n"
	# Kept inputs are seeds too; git keeps no empty folder.
	regress=
	[ -d "fuzz/regress/$n" ] && regress=fuzz/regress/$n
	[ -d "fuzz/corpus/$n" ] && regress="$regress fuzz/corpus/$n"
	# With a fixed seed the count of inputs ends the run; the time
	# limit only guards against a machine far slower than this one.
	t=$secs
	[ "$seed" != 0 ] && t=$((secs * 5))
	fuzz/out/fuzz_$n -dict=fuzz/$n.dict -max_total_time="$t" \
	    -seed="$seed" -runs="$runs" -max_len="$maxlen" \
	    -timeout="$tmo" -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="fuzz/out/$n/" "$corpus" fuzz/out/seeds/$n \
	    $regress >"$log/$n" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log/$n")
	if [ $rc -eq 0 ] && [ -z "$(found "$log/$n")" ]; then
		echo "ok fuzz/$n (${runs:-?} runs, seed $seed)"
	else
		echo "not ok fuzz/$n ($(found "$log/$n"); input in" \
		    "fuzz/out/$n/, log $log/$n)"
	fi
done
