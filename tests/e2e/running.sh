#!/bin/sh
#
# running.sh: leak checks while a program runs (mdtrace.1, "CHECKS
# WHILE THE PROGRAM RUNS"), read by tests/e2e/progs/snapread.c, not by
# mdump, with addr2line naming each stack's first frame.
#
# 1. A server-like program (progs/server.c) answers a request every
#    10 ms (it waits itself, so that a loaded machine slows the checks
#    and the requests alike) and is checked every 0.2 s: its answers and exit status are
#    those of the untraced run; the stack that leaks a block a request
#    is definitely lost and grows in every interval; the cache is
#    reachable and flat once warm; the pool is reachable and never
#    grows; every snapshot is complete, numbered in order, and changes
#    only what changed; the report at exit is unchanged.
# 2. mdtrace -c PID asks a running server for a check and waits for its
#    snapshot; for a process that is not traced it fails and says so.
# 3. MDTRACE_SIGNAL=USR2: the signal asks for a check.
# 4. __lsan_do_recoverable_leak_check from the program: a snapshot with
#    the lost block, and 1 returned; without the tracer, nothing.
# 5. Stress: checks every 50 ms while 8 threads allocate and free, one
#    blocks in read(2), two sleep in nanosleep and poll, and the program
#    forks every 20 ms: no hang (a watchdog), no EINTR, every snapshot
#    complete.
# 6. The program killed with SIGKILL between checks: every complete
#    snapshot reads back.
# Prints a TAP plan as its last line.

out=tests/out/running
name=running
res=$out/results
rm -rf "$out"
mkdir -p "$out"
: >"$res"
. tests/e2e/check.sh.inc

if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name # skip mdtrace is built on Linux only" >"$res"
	results_plan
fi
if ! ${CC:-cc} -g -O1 -o "$out/server" tests/e2e/progs/server.c \
    2>"$out/cc" || ! ${CC:-cc} -g -O1 -pthread -o "$out/running" \
    tests/e2e/progs/running.c 2>>"$out/cc" ||
    ! ${CC:-cc} -O2 -o "$out/snapread" tests/e2e/progs/snapread.c \
    2>>"$out/cc"; then
	echo "not ok $name (cannot compile: $(head -n 1 "$out/cc"))" >"$res"
	results_plan
fi

# requests N: N request lines, one every 50 ms.
requests() {
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		echo "request $i"
		sleep 0.05
	done
}

# stack_of TRACE FUNCTION: the ids of the stacks whose first frame
# addr2line places in FUNCTION of the server.
stack_of() {
	"$out/snapread" "$1" | awk '$1 == "stack" { print $3, $5 }' |
	    while read -r id off; do
		f=$(addr2line -f -e "$out/server" "$off" | head -n 1)
		[ "$f" = "$2" ] && echo "$id"
	done
}

# series TRACE ID KIND: the bytes of that stack and kind in each
# snapshot, in order, as the changes add up (absent: unchanged).
series() {
	"$out/snapread" "$1" | awk -v id="$2" -v k="$3" '
	$1 == "snap" { if (n) print v + 0; n++ }
	$1 == "ent" && $4 == id && $5 == k { v = $6 }
	END { if (n) print v + 0 }'
}

# complete TRACE: every snapshot has the entries its header counts, and
# the numbers run 1, 2, ... per process.
complete() {
	"$out/snapread" "$1" | awk '
	$1 == "snap" { if ($3 != ++num[$2]) bad = 1; want[$2 " " $3] = $4 }
	$1 == "ent" { got[$2 " " $3]++ }
	END {
		for (s in want) if (want[s] != got[s] + 0) bad = 1
		exit bad
	}'
}

server() {
	seq 150 | sed 's/^/request /' >"$out/requests"
	"$out/server" 10 <"$out/requests" >"$out/plain.out"
	plain=$?
	MDTRACE_INTERVAL=0.2 MALLOC_OPTIONS=D8 timeout 120 mdtrace/mdtrace \
	    -f "$out/server.kt" "$out/server" 10 <"$out/requests" \
	    >"$out/traced.out" 2>"$out/server.err"
	check "server/status" test $? -eq $plain
	check "server/answers" cmp -s "$out/plain.out" "$out/traced.out"
	check "server/quiet" test ! -s "$out/server.err"
	n=$("$out/snapread" "$out/server.kt" | grep -c '^snap ')
	check "server/snapshots" test "$n" -ge 6
	check "server/complete" complete "$out/server.kt"
	leak=$(stack_of "$out/server.kt" leak)
	cache=$(stack_of "$out/server.kt" remember)
	pool=$(stack_of "$out/server.kt" refill)
	check "server/stacks" test -n "$leak" -a -n "$cache" -a -n "$pool"
	# The leak: definite, more in every interval.
	series "$out/server.kt" "$leak" 0 >"$out/leak"
	check "server/leak-grows" awk 'NR > 1 && $1 <= last { bad = 1 }
	    { last = $1 } END { exit bad || NR < 6 }' "$out/leak"
	# The cache: reachable; its last three snapshots (after the 20
	# requests that fill it, 0.2 s in) are all 20 entries of 560 bytes.
	series "$out/server.kt" "$cache" 3 >"$out/cache"
	check "server/cache-flat" sh -c "tail -n 3 $out/cache |
	    awk '\$1 != 20 * 560 { bad = 1 } END { exit bad || NR != 3 }'"
	# The pool: 16 blocks of 333 bytes reachable in every snapshot.
	series "$out/server.kt" "$pool" 3 >"$out/pool"
	check "server/pool-flat" awk '$1 != 16 * 333 { bad = 1 }
	    END { exit bad }' "$out/pool"
	for k in 1 2; do
		check "server/pool-never-lost-$k" test \
		    "$(series "$out/server.kt" "$pool" $k | sort -u)" = 0
	done
	# The leak's new bytes: one or more requests' worth an interval.
	check "server/leak-new" sh -c "$out/snapread $out/server.kt |
	    awk -v id=$leak '\$1 == \"ent\" && \$4 == id && \$3 > 1 &&
	    (\$8 < 777 || \$8 % 777 != 0) { bad = 1 } END { exit bad }'"
}

ask() {
	mkfifo "$out/fifo"
	MALLOC_OPTIONS=D8 mdtrace/mdtrace -f "$out/ask.kt" "$out/server" \
	    <"$out/fifo" >"$out/ask.out" 2>"$out/ask.err" &
	pid=$!
	exec 3>"$out/fifo"
	echo one >&3
	sleep 0.5
	mdtrace/mdtrace -c $pid >"$out/ask.c1" 2>&1
	check "ask/status" test $? -eq 0
	check "ask/answer" grep -q "^process $pid: snapshot 1\$" "$out/ask.c1"
	echo two >&3
	mdtrace/mdtrace -c $pid >"$out/ask.c2" 2>&1
	check "ask/second" grep -q "snapshot 2\$" "$out/ask.c2"
	check "ask/written" test "$("$out/snapread" "$out/ask.kt" |
	    grep -c '^snap ')" -eq 2
	exec 3>&-
	wait $pid
	check "ask/exit" test $? -eq 0
	check "ask/answers" test "$(cat "$out/ask.out")" = "ok 1
ok 2"
	# No such socket once it exited; and a process never traced.
	mdtrace/mdtrace -c $pid >"$out/ask.gone" 2>&1
	check "ask/gone" test $? -ne 0
	mdtrace/mdtrace -c $$ >"$out/ask.untraced" 2>&1
	check "ask/untraced-status" test $? -eq 1
	check "ask/untraced-says" grep -q "is not running under mdtrace" \
	    "$out/ask.untraced"
}

sig() {
	mkfifo "$out/sfifo"
	MDTRACE_SIGNAL=USR2 MALLOC_OPTIONS=D8 mdtrace/mdtrace \
	    -f "$out/sig.kt" "$out/server" <"$out/sfifo" >/dev/null &
	pid=$!
	exec 3>"$out/sfifo"
	echo one >&3
	sleep 0.5
	kill -USR2 $pid
	sleep 0.5
	exec 3>&-
	wait $pid
	check "signal/exit" test $? -eq 0
	check "signal/snapshot" test "$("$out/snapread" "$out/sig.kt" |
	    grep -c '^snap ')" -eq 1
}

lsan() {
	check "lsan/untraced" test "$("$out/running" lsan)" = "check -1"
	MALLOC_OPTIONS=D8 mdtrace/mdtrace -f "$out/lsan.kt" "$out/running" \
	    lsan >"$out/lsan.out"
	check "lsan/returns" test "$(cat "$out/lsan.out")" = "check 1"
	check "lsan/lost" sh -c "$out/snapread $out/lsan.kt |
	    awk '\$1 == \"snap\" { d = \$9 } END { exit d != 4444 }'"
}

stress() {
	MDTRACE_INTERVAL=0.05 MALLOC_OPTIONS=D8 \
	    mdtrace/mdtrace -f "$out/stress.kt" "$out/running" stress 3000 \
	    >"$out/stress.out" 2>"$out/stress.err" &
	pid=$!
	# The watchdog: a hang fails the exit check below.
	(sleep 120 && kill -KILL $pid) >/dev/null 2>&1 &
	dog=$!
	sleep 1
	# Requests from outside too, one while another may be running.
	mdtrace/mdtrace -c $pid >/dev/null 2>&1 &
	mdtrace/mdtrace -c $pid >"$out/stress.ask" 2>&1
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	check "stress/exit" test $st -eq 0
	check "stress/no-eintr" test "$(cat "$out/stress.out")" = "eintr 0"
	check "stress/quiet" test ! -s "$out/stress.err"
	check "stress/asked" grep -q snapshot "$out/stress.ask"
	check "stress/complete" complete "$out/stress.kt"
	check "stress/snapshots" test "$("$out/snapread" "$out/stress.kt" |
	    grep -c '^snap ')" -ge 5
}

killed() {
	requests 100 | MDTRACE_INTERVAL=0.1 MALLOC_OPTIONS=D8 \
	    mdtrace/mdtrace -f "$out/kill.kt" "$out/server" >/dev/null &
	sleep 1.2
	pkill -KILL -f "$out/server" 2>/dev/null ||
	    kill -KILL "$(pgrep -f "$out/server" | head -n 1)"
	wait
	"$out/snapread" "$out/kill.kt" >"$out/kill.read"
	check "killed/reads" test $? -eq 0
	check "killed/snapshots" test "$(grep -c '^snap ' "$out/kill.read")" \
	    -ge 3
}

{
	server
	ask
	sig
	lsan
	stress
	killed
} >>"$res" 2>&1
results_plan
