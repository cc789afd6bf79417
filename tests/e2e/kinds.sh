#!/bin/sh
#
# kinds.sh: the leak kinds mdtrace writes (definite, indirect, possible,
# reachable) against valgrind memcheck's on the same programs.
#
# 1. tests/e2e/progs/kinds.cpp has one block per role, each of a size of
#    its own (valgrind's heuristics for interior pointers included); run
#    three ways (main exits, another thread exits, a thread
#    that blocks every signal), natively and under qemu-user as four
#    other processors (EPYC, Haswell, Skylake-Server, Nehalem), the kind of every block of 1001 bytes or
#    more must be valgrind's (the lost cycle's two blocks as a pair: which
#    one leads it depends on the allocator's addresses).
# 2. Real programs (python3, perl, sort, the gcc driver): the bytes
#    definitely lost agree with valgrind's within 5%; the table of all
#    four kinds is written to tests/out/kinds/table.
#
# The trace is read by tests/e2e/progs/kindsread.c, not by mdump.
# Prints a TAP plan as its last line.

out=tests/out/kinds
name=kinds
mkdir -p "$out"
res=$out/results
: >"$res"
. tests/e2e/check.sh.inc

plan() {
	results_plan
}
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name # skip mdtrace is built on Linux only" >"$res"
	plan
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok $name (valgrind is missing: tools/deps.sh installs it)" \
	    >"$res"
	plan
fi
if ! ${CXX:-c++} -g -O0 -pthread -o "$out/kinds" \
    tests/e2e/progs/kinds.cpp 2>"$out/cc" ||
    ! ${CC:-cc} -O2 -o "$out/kindsread" tests/e2e/progs/kindsread.c \
    2>>"$out/cc"; then
	echo "not ok $name (cannot compile: $(head -n 1 "$out/cc"))" >"$res"
	plan
fi

# vg_kinds XML: "BYTES BLOCKS KIND" per loss record, BYTES the direct ones.
vg_kinds() {
	awk '
	/<error>/ { kind = ""; text = ""; blocks = "" }
	/<kind>/ { kind = $0; gsub(/.*<kind>Leak_|<\/kind>.*/, "", kind) }
	/<text>/ && text == "" { text = $0; gsub(/.*<text>|<\/text>.*/, "", text) }
	/<leakedblocks>/ { blocks = $0; gsub(/[^0-9]/, "", blocks) }
	/<\/error>/ && kind != "" {
		n = split(text, w, " ")
		bytes = w[1]
		if (w[2] ~ /^\(/) { bytes = w[2]; sub(/^\(/, "", bytes) }
		gsub(",", "", bytes)
		k = "reachable"
		if (kind == "DefinitelyLost") k = "definite"
		if (kind == "IndirectlyLost") k = "indirect"
		if (kind == "PossiblyLost") k = "possible"
		print bytes, blocks, k
	}' "$1"
}

# md_kinds TRACE [PID]: "BYTES BLOCKS KIND" per leak and kind.
md_kinds() {
	"$out/kindsread" "$1" | awk -v pid="$2" '
	pid != "" && $1 != pid { next }
	NF == 11 {
		split("definite indirect possible reachable", k, " ")
		for (i = 0; i < 4; i++)
			if ($(5 + 2 * i) > 0)
				print $(4 + 2 * i), $(5 + 2 * i), k[i + 1]
	}'
}

# kind_of FILE SIZE: the kind of the one block of that size.
kind_of() {
	awk -v s="$2" '$1 == s && $2 == 1 { print $3 }' "$1" | sort | head -n 1
}

# traced TRACE PROGRAM ARGS...: run it under mdtrace, or with $model
# set, under qemu-x86_64 -cpu $model: the guest gets the tracer through
# qemu's -E, the trace file is made by the launcher (a run of true with
# no report), and qemu's own warnings of features it lacks are dropped.
# A watchdog fails a run that hangs.
traced() {
	t=$1
	shift
	if [ -n "$arm" ]; then
		MALLOC_OPTIONS= MDTRACE_QUIET=1 mdtrace/mdtrace -f "$t" true || return
		timeout 120 qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu \
		    -E LD_PRELOAD="$PWD/$out/arm/libmdtrace.so" \
		    -E MDTRACE_FILE="$PWD/$t" -E MALLOC_OPTIONS="$MALLOC_OPTIONS" \
		    "$@"
		return
	fi
	if [ -z "$model" ]; then
		timeout 120 mdtrace/mdtrace -f "$t" "$@"
		return
	fi
	MALLOC_OPTIONS= MDTRACE_QUIET=1 mdtrace/mdtrace -f "$t" true || return
	timeout 120 qemu-x86_64 -cpu "$model" -E LD_PRELOAD="$PWD/mdtrace/libmdtrace.so" \
	    -E MDTRACE_FILE="$PWD/$t" -E MALLOC_OPTIONS="$MALLOC_OPTIONS" \
	    "$@" 2>"$t.stderr"
	st=$?
	grep -v "^qemu-x86_64: warning: TCG doesn't support" "$t.stderr" >&2
	return $st
}

# compare LABEL VG MD: the kind of every role block in MD is valgrind's.
compare() {
	n=0
	for size in $(awk '$1 >= 1001 && $2 == 1 && $1 != 1011 &&
	    $1 != 1012 { print $1 }' "$2" | sort -n); do
		n=$((n + 1))
		want=$(kind_of "$2" "$size")
		got=$(kind_of "$3" "$size")
		check "$1/$size-$want" test "$got" = "$want"
	done
	# The role sizes: 1001 to 1014, the record, its string and vector,
	# the object of two base classes.
	check "$1/roles" test "$n" -eq 16
	want=$(echo "$(kind_of "$2" 1011) $(kind_of "$2" 1012)" |
	    tr ' ' '\n' | sort | tr '\n' ' ')
	got=$(echo "$(kind_of "$3" 1011) $(kind_of "$3" 1012)" |
	    tr ' ' '\n' | sort | tr '\n' ' ')
	check "$1/cycle" test "$got" = "$want"
}

# roles MODE: valgrind's verdict (once, natively: it does not depend on
# the processor) against mdtrace's, on this processor or on $model.
roles() {
	mode=$1
	d=$out/$mode
	label=$mode
	prog=$out/kinds
	if [ -n "$arm" ]; then
		d=$out/aarch64/$mode
		label=aarch64/$mode
		prog=$out/arm/kinds
	elif [ -n "$model" ]; then
		d=$out/$model/$mode
		label=$model/$mode
	elif [ -n "$MDTRACE_STOP" ]; then
		d=$out/$mode-$MDTRACE_STOP
		label=$mode-$MDTRACE_STOP
	fi
	mkdir -p "$d"
	if [ ! -s "$out/$mode/vg" ]; then
		valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
		    --xml-file="$out/$mode/vg.xml" "$out/kinds" $mode \
		    >/dev/null 2>&1
		vg_kinds "$out/$mode/vg.xml" >"$out/$mode/vg"
	fi
	MALLOC_OPTIONS=DTTTT traced "$d/ktrace.out" \
	    "$prog" $mode >"$d/stdout" 2>"$d/stderr"
	md_kinds "$d/ktrace.out" >"$d/md"
	compare "$label" "$out/$mode/vg" "$d/md"
	# ptrace stops a thread that blocks every signal; the signal, under
	# qemu-user (no ptrace there) or when asked for, does not.
	if [ "$mode" = blocksig ] && [ -n "$model$MDTRACE_STOP" ]; then
		check "$label/warning" grep -q \
		    'did not stop for the leak check' "$d/stderr"
	else
		check "$label/quiet" test ! -s "$d/stderr"
	fi
}

model=
{
	roles exit
	roles thread-exit
	roles blocksig
	MDTRACE_STOP=signal
	export MDTRACE_STOP
	roles thread-exit
	roles blocksig
	unset MDTRACE_STOP
} >>"$res"

# Threads busy in malloc and free, one blocked in read(2), when main
# exits: the check stops them all and the process exits; each busy
# thread's 64 blocks of 2000 bytes are reachable from its stack (one may
# be between free and malloc).
busy() {
	d=$out/busy
	label=busy
	if [ -n "$model" ]; then
		d=$out/$model/busy
		label=$model/busy
	fi
	mkdir -p "$d"
	if [ ! -x "$out/kinds_busy" ] && ! ${CC:-cc} -O1 -pthread \
	    -o "$out/kinds_busy" tests/e2e/progs/kinds_busy.c 2>"$d/cc"; then
		echo "not ok $name/$label (cannot compile)"
		return
	fi
	for i in 1 2 3; do
		MALLOC_OPTIONS=DT traced "$d/ktrace.out" "$out/kinds_busy" 8 \
		    2>"$d/stderr"
		check "$label/$i-exit" test $? -eq 0
		check "$label/$i-quiet" test ! -s "$d/stderr"
		"$out/kindsread" "$d/ktrace.out" >"$d/kinds"
		check "$label/$i-kinds" sh -c "! grep -q ' -\$' $d/kinds"
		check "$label/$i-reachable" awk '$2 == 2000 * $3 { n += $11 }
		    END { exit !(n >= 8 * 63) }' "$d/kinds"
	done
}
busy >>"$res"

# How a process ends.  The report comes after every library's
# destructors (one frees what it allocated), after _exit and _Exit too
# (not in a vfork child, which borrows its parent's memory), with the
# exiting thread's registers at exit among the roots (a block held only
# in a callee-saved register, -O2); the exit status is the program's,
# and each block's kind is valgrind's.
exits() {
	d=$out/exits
	mkdir -p "$d"
	if ! ${CC:-cc} -O2 -o "$d/exit_regs" tests/e2e/progs/exit_regs.c \
	    tests/e2e/progs/exit_regs_fill.c 2>"$d/cc" ||
	    ! ${CC:-cc} -O1 -shared -fPIC -o "$d/libexitdtor.so" \
	    tests/e2e/progs/exit_dtor_lib.c 2>>"$d/cc" ||
	    ! ${CC:-cc} -O1 -o "$d/exit_paths" tests/e2e/progs/exit_paths.c \
	    -L"$d" -lexitdtor -Wl,-rpath,"$PWD/$d" 2>>"$d/cc"; then
		echo "not ok $name/exits (cannot compile: $(head -n 1 "$d/cc"))"
		return
	fi
	for run in regs: dtor:dtor _exit:_exit _Exit:_Exit vfork:vfork; do
		label=${run%%:*}
		arg=${run#*:}
		prog=$d/exit_paths
		[ "$label" = regs ] && prog=$d/exit_regs
		valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
		    --xml-file="$d/$label.%p.xml" $prog $arg >/dev/null 2>&1 &
		vpid=$!
		wait $vpid
		vst=$?
		MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$d/$label.kt" \
		    $prog $arg >/dev/null 2>"$d/$label.err" &
		mpid=$!
		wait $mpid
		check "exits/$label-status" test $? -eq $vst
		check "exits/$label-quiet" test ! -s "$d/$label.err"
		vg_kinds "$d/$label.$vpid.xml" >"$d/$label.vg"
		md_kinds "$d/$label.kt" $mpid >"$d/$label.md"
		n=0
		for size in 4321 4322 4323 4324; do
			want=$(kind_of "$d/$label.vg" $size)
			got=$(kind_of "$d/$label.md" $size)
			[ -n "$want$got" ] || continue
			n=$((n + 1))
			check "exits/$label/$size-${want:-none}" \
			    test "$got" = "$want"
		done
		check "exits/$label/blocks" test $n -ge 1
		check "exits/$label/processes" test "$("$out/kindsread" \
		    "$d/$label.kt" | awk '{ print $1 }' | sort -u | wc -l)" \
		    -eq 1
	done
	check exits/regs/holder grep -aq '^root register' "$d/regs.kt"
}
exits >>"$res"

# Blocks hold only what the program wrote: chunks taken again keep
# glibc's free-list links in their first words, and the words of the
# block they were, which must not keep a lost block possibly lost or
# reachable (progs/stale.c); each kind is valgrind's, definite.
stale() {
	d=$out/stale
	mkdir -p "$d"
	if ! ${CC:-cc} -O1 -o "$d/stale" tests/e2e/progs/stale.c 2>"$d/cc"
	then
		echo "not ok $name/stale (cannot compile)"
		return
	fi
	valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
	    --xml-file="$d/vg.xml" "$d/stale" >/dev/null 2>&1
	MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$d/ktrace.out" "$d/stale"
	vg_kinds "$d/vg.xml" >"$d/vg"
	md_kinds "$d/ktrace.out" >"$d/md"
	for size in 3000 2008 88 72; do
		want=$(kind_of "$d/vg" $size)
		check "stale/$size-$want" test "$(kind_of "$d/md" $size)" = \
		    "$want"
		check "stale/$size-definite" test "$want" = definite
	done
}
stale >>"$res"

# A block whose only pointer is in a block allocated before the tracer
# started, by the constructor of a library the program links
# (progs/earlylib.c, which the dynamic linker initialises before the
# tracer): both reachable, as valgrind has them; and a lost one.  Of
# the constructor's other blocks, those it freed are no leaks, and
# those it keeps are reachable.
early() {
	d=$out/early
	mkdir -p "$d"
	if ! ${CC:-cc} -O1 -shared -fPIC -o "$d/libearly.so" \
	    tests/e2e/progs/earlylib.c 2>"$d/cc" ||
	    ! ${CC:-cc} -O1 -o "$d/earlyprog" tests/e2e/progs/earlyprog.c \
	    -L"$d" -learly -Wl,-rpath,"$PWD/$d" 2>>"$d/cc"; then
		echo "not ok $name/early (cannot compile)"
		return
	fi
	valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
	    --xml-file="$d/vg.xml" "$d/earlyprog" >/dev/null 2>&1
	vg_kinds "$d/vg.xml" >"$d/vg"
	MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$d/ktrace.out" \
	    "$d/earlyprog" 2>"$d/stderr"
	md_kinds "$d/ktrace.out" >"$d/md"
	for size in 3101 3102 3103; do
		want=$(kind_of "$d/vg" $size)
		check "early/$size-${want:-none}" test -n "$want" -a \
		    "$(kind_of "$d/md" $size)" = "$want"
	done
	want=$(awk '$1 == 931800 && $2 == 300 { print $3 }' "$d/vg")
	check "early/300x3106-${want:-none}" test -n "$want" -a \
	    "$(awk '$1 == 931800 && $2 == 300 { print $3 }' "$d/md")" = "$want"
	# The 48-byte blocks were freed before the tracer started: a block
	# the table kept would be a record more, of whatever size the
	# allocator's chunk said by then.
	check "early/freed" test "$(wc -l <"$d/md")" -eq "$(wc -l <"$d/vg")"
}
early >>"$res"

# Blocks held only from pages in the middle of memory never touched
# otherwise (a 64 MiB array in bss, a 64 MiB mapping), which the check
# passes over where the kernel's pagemap says they were never written,
# and one whose page was given back (progs/sparseroot.c); each kind is
# valgrind's, natively, as one other processor (qemu, where the pagemap
# may be the emulator's) and on aarch64.
sparse() {
	d=$out/sparse$model${arm:+-arm}
	label=sparse${model:+/$model}${arm:+/aarch64}
	prog=$out/sparse/sparseroot
	mkdir -p "$d"
	[ -n "$arm" ] && prog=$out/arm/sparseroot
	if [ ! -s "$out/sparse/vg" ]; then
		valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
		    --xml-file="$out/sparse/vg.xml" "$out/sparse/sparseroot" \
		    >/dev/null 2>&1
		vg_kinds "$out/sparse/vg.xml" >"$out/sparse/vg"
	fi
	MALLOC_OPTIONS=DTTTT traced "$d/ktrace.out" "$prog" 2>"$d/stderr"
	check "$label/exit" test $? -eq 0
	md_kinds "$d/ktrace.out" >"$d/md"
	for size in 3001 3002 3003 3004; do
		want=$(kind_of "$out/sparse/vg" $size)
		check "$label/$size-${want:-none}" test -n "$want" -a \
		    "$(kind_of "$d/md" $size)" = "$want"
	done
}
mkdir -p "$out/sparse"
if ! ${CC:-cc} -O2 -o "$out/sparse/sparseroot" \
    tests/e2e/progs/sparseroot.c 2>"$out/sparse/cc"; then
	echo "not ok $name/sparse (cannot compile)" >>"$res"
else
	sparse >>"$res"
fi

# The kinds of a check while the program runs: kinds.cpp, waiting for
# the end of its input, checked by valgrind's gdbserver (vgdb's
# leak_check monitor command, with valgrind's default heuristics) and
# by "mdtrace -c"; each role block's kind must agree.
# wait_ready FILE: until the program has written "ready" there, 30 s at
# most.
wait_ready() {
	i=0
	while [ $i -lt 300 ] && ! grep -q ready "$1"; do
		sleep 0.1
		i=$((i + 1))
	done
}

running() {
	d=$out/running
	mkdir -p "$d"
	if ! command -v vgdb >/dev/null 2>&1 ||
	    ! ${CC:-cc} -O2 -o "$d/snapread" tests/e2e/progs/snapread.c \
	    2>"$d/cc"; then
		echo "not ok $name/running (vgdb or snapread missing)"
		return
	fi
	rm -f "$d/fifo"
	mkfifo "$d/fifo"
	valgrind -q --vgdb=yes "$out/kinds" wait <"$d/fifo" >"$d/vg.out" \
	    2>"$d/vg.err" &
	vpid=$!
	exec 3>"$d/fifo"
	wait_ready "$d/vg.out"
	vgdb --pid=$vpid leak_check full kinds all heuristics all \
	    >"$d/vg.mon" 2>&1
	exec 3>&-
	wait $vpid
	# "N bytes in 1 blocks are KIND", N the direct bytes.
	awk '/ blocks are / {
		line = $0
		if (match(line, /\([0-9,]+ \(\+[0-9,]+\) direct/))
			line = substr(line, RSTART + 1)
		else
			sub(/^==[0-9]+== /, "", line)
		split(line, w, " ")
		gsub(",", "", w[1])
		k = "reachable"
		if (index($0, "definitely lost")) k = "definite"
		if (index($0, "indirectly lost")) k = "indirect"
		if (index($0, "possibly lost")) k = "possible"
		n = $0
		sub(/.* bytes in /, "", n)
		split(n, c, " ")
		print w[1], c[1], k
	}' "$d/vg.mon" |
	    # libstdc++'s emergency pool (72704 bytes) is allocated before
	    # the tracer starts, so untraced; at exit it is freed anyway.
	    awk '$1 != 72704' >"$d/vg"
	rm -f "$d/fifo"
	mkfifo "$d/fifo"
	MALLOC_OPTIONS=D8 mdtrace/mdtrace -f "$d/ktrace.out" "$out/kinds" \
	    wait <"$d/fifo" >"$d/md.out" 2>"$d/md.err" &
	mpid=$!
	exec 3>"$d/fifo"
	wait_ready "$d/md.out"
	mdtrace/mdtrace -c $mpid >"$d/ask" 2>&1
	check "running/asked" grep -q "snapshot 1" "$d/ask"
	exec 3>&-
	wait $mpid
	"$d/snapread" "$d/ktrace.out" | awk '
	    $1 == "ent" && $3 == 1 && $7 > 0 {
		split("definite indirect possible reachable", k, " ")
		print $6, $7, k[$5 + 1]
	    }' >"$d/md"
	compare running "$d/vg" "$d/md"
}
running >>"$res"

# The same scenarios on other processors: glibc chooses its string
# functions, its lazy binding's register saving and more by CPUID, and
# with them what stale words stacks keep; the kinds must not change.
# qemu-user runs the program as if on each model (valgrind's verdict
# does not depend on the processor, so it is taken natively above).
models() {
	if [ "$(uname -m)" != x86_64 ]; then
		echo "ok $name/models # skip the processor models are x86-64's"
		return
	fi
	if ! command -v qemu-x86_64 >/dev/null 2>&1; then
		echo "not ok $name/models (qemu-x86_64 is missing:" \
		    "tools/deps.sh installs qemu-user)"
		return
	fi
	for model in EPYC Haswell Skylake-Server Nehalem; do
		roles exit
		roles thread-exit
		roles blocksig
		busy
	done
	model=EPYC
	sparse
	model=
}
models >>"$res"

# The same kinds on aarch64, under qemu-aarch64 (tests/e2e/arm64.sh
# tests its stacks): the program's blocks and what holds them do not
# depend on the processor, so valgrind's verdict is the native one.
arm=
aarch64() {
	if ! command -v qemu-aarch64 >/dev/null 2>&1 ||
	    ! command -v aarch64-linux-gnu-g++ >/dev/null 2>&1; then
		echo "ok $name/aarch64 # skip missing qemu-aarch64 or" \
		    "aarch64-linux-gnu-g++ (tools/deps.sh installs them)"
		return
	fi
	if ! make -s cross-mdtrace XCC=aarch64-linux-gnu-gcc \
	    XOUT="$out/arm" >"$out/arm.cc" 2>&1 ||
	    ! aarch64-linux-gnu-g++ -g -O0 -pthread -o "$out/arm/kinds" \
	    tests/e2e/progs/kinds.cpp 2>>"$out/arm.cc" ||
	    ! aarch64-linux-gnu-gcc -O2 -o "$out/arm/sparseroot" \
	    tests/e2e/progs/sparseroot.c 2>>"$out/arm.cc"; then
		echo "not ok $name/aarch64 (cannot compile:" \
		    "$(head -n 1 "$out/arm.cc"))"
		return
	fi
	arm=1
	roles exit
	roles thread-exit
	sparse
	arm=
}
aarch64 >>"$res"

# Real programs: the per-kind totals of the traced process itself.
totals() {
	awk '{ t[$3] += $1 } END { printf "%d %d %d %d\n", t["definite"],
	    t["indirect"], t["possible"], t["reachable"] }' "$1"
}

# within5 A B: A and B differ by at most 5% of the larger.
within5() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d
	    m = a > b ? a : b; exit !(d * 20 <= m) }'
}

real() {
	label=$1
	shift
	d=$out/real-$label
	mkdir -p "$d"
	valgrind -q --leak-check=full --show-leak-kinds=all --xml=yes \
	    --xml-file="$d/vg.xml" "$@" >/dev/null 2>&1 </dev/null
	MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$d/ktrace.out" "$@" \
	    >/dev/null 2>"$d/stderr" </dev/null &
	pid=$!
	wait $pid
	vg_kinds "$d/vg.xml" >"$d/vg"
	md_kinds "$d/ktrace.out" $pid >"$d/md"
	v=$(totals "$d/vg")
	m=$(totals "$d/md")
	printf '%-10s %s | %s\n' "$label" "$v" "$m" >>"$out/table"
	check "real/$label" within5 "${v%% *}" "${m%% *}"
}

echo "program    valgrind: definite indirect possible reachable |" \
    "mdtrace: the same" >"$out/table"
printf 'int f(void) { return 1; }\n' >"$out/t.c"
{
	py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
	if [ -n "$py" ]; then
		real python3 "$py" -c 'import json; print(json.dumps([1]))'
	else
		echo "not ok $name/real/python3 (python3 is missing:" \
		    "tools/deps.sh installs it)"
	fi
	real perl perl -e 'my %h = (a => 1); print scalar(keys %h), "\n"'
	real sort sort /etc/passwd
	real gcc gcc -c -o "$out/t.o" "$out/t.c"
} >>"$res"
plan
