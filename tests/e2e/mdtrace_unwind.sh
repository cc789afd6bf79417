#!/bin/sh
#
# mdtrace_unwind.sh: mdtrace's default unwinder (its own reader of the
# DWARF call frame information) against an independent one, libgcc's
# _Unwind_Backtrace (MDTRACE_UNWIND=dwarf), on programs built -O2
# without frame pointers:
#   chain   noinline chains, strdup, a qsort callback, calloc + realloc,
#           a realigned frame (CFA by expression), recursion deeper than
#           the recorded depth, signal handlers entered by raise, on the
#           alternate signal stack and by interrupting a loop, a thread
#           (progs/uw_chain.c);
#   reload  dlclose of a library and dlopen of another mapped at the same
#           address, same code layout, other frame sizes: a stale rule
#           would give wrong frames (progs/uw_dl.c, uw_lib.c);
#   nocfi   the chain program built without unwind tables but with frame
#           pointers: the frame-pointer step where no CFI exists;
#   big     blocks of 4 GiB and more: their exact sizes in the report;
#   reuse   a thread's memo of walks taken by the next thread, whose
#           stack lacks the pages where the first one's walk read words:
#           they must not be read again (progs/uw_reuse.c);
#   damage  the library with its .eh_frame_hdr or .eh_frame overwritten,
#           by hand and by random bytes: the program runs to its end, the
#           stack ends at the damaged library, and mdump -v counts it.
# Each leak of the test's own sources must have the same symbolized
# stack under both unwinders.

out=tests/out/mdtrace_unwind
name=mdtrace/unwind
progs=tests/e2e/progs
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name # skip mdtrace is built on Linux only"
	echo "1..1"
	exit 0
fi
case $(uname -m) in
x86_64|amd64) ;;
*)
	echo "ok $name # skip the default unwinder is written for x86-64"
	echo "1..1"
	exit 0
	;;
esac
mkdir -p "$out"
rm -f "$out"/*.ktrace

. tests/e2e/check.sh.inc

CFLAGS_T="-O2 -g -fomit-frame-pointer"

# Leaks whose stack names one of the test's sources, one a line, frames
# joined by '|', sorted.  Where a signal interrupted the loop in spin()
# varies from run to run: its line is left out.
ours() {
	./mdump -a -f "$1" 2>/dev/null | awk '
	    /^Leak / { s = $2; next }
	    /^$/ { if (s != "" && own) print s st; s = ""; st = ""; own = 0; next }
	    /^  held by / { next }
	    s != "" { st = st "|" $0; if (index($0, "/progs/uw_")) own = 1 }
	    END { if (s != "" && own) print s st }' |
	    sed 's/\( spin at [^|]*\):[0-9]*/\1/' | sort
}

# trace MODE NAME PROG ARGS...: run under mdtrace, deep stacks.
# MDTRACE_FREERES=0: stdio's buffer stays, one of the stacks counted.
trace() {
	m=$1
	n=$2
	shift 2
	MDTRACE_FREERES=0 MDTRACE_UNWIND=$m MALLOC_OPTIONS=D40 mdtrace/mdtrace \
	    -f "$out/$n.ktrace" "$@" >"$out/$n.stdout" 2>"$out/$n.stderr"
}

# Every stack of the reference trace $2 is in $1.  (With libgcc loaded
# early, the dynamic loader's first allocations in dlopen come before
# tracing starts: $1 may have a few more.)
same_stacks() {
	ours "$out/$1.ktrace" >"$out/$1.stacks"
	ours "$out/$2.ktrace" >"$out/$2.stacks"
	test -s "$out/$2.stacks" &&
	    test -z "$(comm -13 "$out/$1.stacks" "$out/$2.stacks")"
}

# leak_frames KTRACE SUM: the frames of the leak of SUM bytes, one a line.
leak_frames() {
	./mdump -a -f "$1" 2>/dev/null | awk -v s="sum=$2" '
	    /^Leak / { on = $2 == s; next }
	    /^$/ { on = 0 }
	    on && !/^  \(inlined/ { print $1 }'
}

run_tests() {
	cc=${CC:-cc}
	if ! $cc $CFLAGS_T -pthread -o "$out/chain" "$progs/uw_chain.c" ||
	    ! $cc $CFLAGS_T -o "$out/dl" "$progs/uw_dl.c" -ldl ||
	    ! $cc $CFLAGS_T -shared -fPIC -DFRAME=200 -o "$out/libA.so" \
	    "$progs/uw_lib.c" ||
	    ! $cc $CFLAGS_T -shared -fPIC -DFRAME=1000 -o "$out/libB.so" \
	    "$progs/uw_lib.c"; then
		echo "not ok $name/build (the test programs do not compile)"
		return
	fi

	# chain: every stack as libgcc's.
	trace cfi chain "$out/chain" && trace dwarf chain-ref "$out/chain"
	check chain-ran grep -qx done "$out/chain.stdout"
	check chain-stacks same_stacks chain chain-ref
	check chain-count test "$(wc -l <"$out/chain.stacks")" -ge 10
	# Through the signal frame to the interrupted loop and its caller.
	check chain-async grep -q 'on_usr2 at.*|.*|  *spin at.*|  *main at' \
	    "$out/chain.stacks"
	check chain-altstack grep -q \
	    '^sum=3001|.*on_alt at.*|  *altraiser at.*|  *main at' \
	    "$out/chain.stacks"
	check chain-thread grep -q 'thread_main at.*|  *start_thread at' \
	    "$out/chain.stacks"
	check chain-depth sh -c "test \$(grep '^sum=777|' $out/chain.stacks |
	    tr '|' '\n' | grep -c ' rec at') -eq 40"

	# nocfi: frames from the frame pointers, the whole chain.
	if $cc -O2 -g -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	    -fno-unwind-tables -pthread -o "$out/nocfi" "$progs/uw_chain.c"
	then
		trace cfi nocfi "$out/nocfi"
		leak_frames "$out/nocfi.ktrace" 205 | head -n 6 | tr '\n' ' ' \
		    >"$out/nocfi.frames"
		check nocfi-chain grep -qx 'c5 c4 c3 c2 c1 main ' \
		    "$out/nocfi.frames"
	else
		echo "not ok $name/nocfi (does not compile)"
	fi

	# reload: the second library's frames after the first one's.
	trace cfi reload "$out/dl" "$out/libA.so" "$out/libB.so" &&
	    trace dwarf reload-ref "$out/dl" "$out/libA.so" "$out/libB.so"
	check reload-same-address grep -qx same "$out/reload.stdout"
	check reload-stacks same_stacks reload reload-ref
	check reload-main grep -q '^sum=22|.*uw_lib_alloc at.*|  *main at' \
	    "$out/reload.stacks"

	# big: sizes past 32 bits, kept beside the live-block table.
	if $cc -O2 -g -o "$out/big" "$progs/uw_big.c"; then
		trace cfi big "$out/big"
		./mdump -f "$out/big.ktrace" >"$out/big.report" 2>&1
		check big-ran grep -qx done "$out/big.stdout"
		check big-leak grep -q '^Leak sum=4294967419 count=1 ' \
		    "$out/big.report"
		check big-realloc grep -q '^Leak sum=4294967341 count=1 ' \
		    "$out/big.report"
		check big-freed sh -c "! grep -q 'sum=4294967303 ' \
		    $out/big.report"
	else
		echo "not ok $name/big (does not compile)"
	fi

	# reuse: the second thread's stack, walked anew, as libgcc's.
	if $cc $CFLAGS_T -pthread -o "$out/reuse" "$progs/uw_reuse.c"; then
		trace cfi reuse "$out/reuse" && trace dwarf reuse-ref "$out/reuse"
		check reuse-ran grep -qx done "$out/reuse.stdout"
		check reuse-same-place grep -qx samefp "$out/reuse.stdout"
		check reuse-stacks same_stacks reuse reuse-ref
		leak_frames "$out/reuse.ktrace" 41 | head -n 3 | tr '\n' ' ' \
		    >"$out/reuse.frames"
		check reuse-second grep -qx \
		    'reuse_leaf reuse_thread start_thread ' "$out/reuse.frames"
	else
		echo "not ok $name/reuse (does not compile)"
	fi

	damage_tests
}

# Section NAME of FILE: "size offset" in decimal.
section() {
	objdump -h "$2" | awk -v n="$1" \
	    '$2 == n { printf "%d %d\n", "0x" $3, "0x" $6 }'
}

# poke FILE OFFSET OCTAL-ESCAPES
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# One damaged copy of libA.so: the program must end normally, its leak
# of 11 bytes keep the two frames before the library and no other.
damaged() {
	trace cfi "dmg-$1" "$out/dl" "$out/dmg-$1.so"
	check "damage-$1-ran" grep -qx done "$out/dmg-$1.stdout"
	leak_frames "$out/dmg-$1.ktrace" 11 >"$out/dmg-$1.frames"
	check "damage-$1-cut" sh -c "test \"\$(tr '\n' ' ' \
	    <$out/dmg-$1.frames)\" = 'viaprog uw_lib_inner '"
	./mdump -v -f "$out/dmg-$1.ktrace" >/dev/null 2>"$out/dmg-$1.v"
	check "damage-$1-counted" grep -q \
	    '[1-9][0-9]* at damaged frame information' "$out/dmg-$1.v"
}

damage_tests() {
	set -- $(section .eh_frame_hdr "$out/libA.so")
	hsize=$1
	hoff=$2
	set -- $(section .eh_frame "$out/libA.so")
	esize=$1
	eoff=$2
	if [ -z "$hoff" ] || [ -z "$eoff" ]; then
		echo "not ok $name/damage (no .eh_frame_hdr in libA.so)"
		return
	fi
	nfde=$(((hsize - 12) / 8))
	mk() {
		cp "$out/libA.so" "$out/dmg-$1.so"
	}
	# A count of FDEs far beyond the section.
	mk count
	poke "$out/dmg-count.so" $((hoff + 8)) '\377\377\377\177'
	damaged count
	# Every FDE pointer far outside the object.
	mk far
	i=0
	while [ $i -lt $nfde ]; do
		poke "$out/dmg-far.so" $((hoff + 16 + 8 * i)) '\360\377\377\177'
		i=$((i + 1))
	done
	damaged far
	# Every FDE pointer at the header itself: a lying table.
	mk lie
	i=0
	while [ $i -lt $nfde ]; do
		poke "$out/dmg-lie.so" $((hoff + 16 + 8 * i)) '\0\0\0\0'
		i=$((i + 1))
	done
	damaged lie
	# An unknown header version.
	mk version
	poke "$out/dmg-version.so" "$hoff" '\2'
	damaged version
	# .eh_frame itself overwritten.
	mk frames
	awk -v n="$esize" 'BEGIN { for (i = 0; i < n; i++) printf "A" }' |
	    dd of="$out/dmg-frames.so" bs=1 seek="$eoff" conv=notrunc \
	    2>/dev/null
	damaged frames
	# Random bytes: whatever they say, the program runs to its end.
	k=1
	while [ $k -le 30 ]; do
		cp "$out/libA.so" "$out/rnd.so"
		awk -v seed=$k -v h="$hoff" -v hs="$hsize" -v e="$eoff" \
		    -v es="$esize" 'BEGIN { srand(seed);
		    for (i = 0; i < 12; i++) {
			if (rand() < 0.3) o = h + int(rand() * hs);
			else o = e + int(rand() * es);
			printf "%d %d\n", o, int(rand() * 256) } }' |
		while read -r o v; do
			poke "$out/rnd.so" "$o" "$(printf '\\%03o' "$v")"
		done
		trace cfi rnd "$out/dl" "$out/rnd.so"
		if ! grep -qx done "$out/rnd.stdout"; then
			cp "$out/rnd.so" "$out/rnd-fail-$k.so"
			echo "not ok $name/damage-random-$k (see $out/rnd-fail-$k.so)"
		else
			echo "ok $name/damage-random-$k"
		fi
		k=$((k + 1))
	done
}

run_tests >"$out/results" 2>&1
cat "$out/results"
echo "1..$(grep -c '^\(not \)\{0,1\}ok ' "$out/results")"
exit 0
