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
#    snapshot; for a process that is not traced it fails and says so;
#    a wrong process id is a wrong option (status 1).
# 3. MDTRACE_SIGNAL=USR2: the signal asks for a check.
# 4. __lsan_do_recoverable_leak_check from the program: a snapshot with
#    the lost block, and 1 returned; without the tracer, nothing.
# 5. Stress: checks every 50 ms while 8 threads allocate and free, one
#    blocks in read(2), two sleep in nanosleep and poll, and the program
#    forks every 20 ms: no hang (a watchdog), no EINTR, every snapshot
#    complete.
# 6. The program killed with SIGKILL between checks: every complete
#    snapshot reads back.
# 8. The age of blocks (MDTRACE_OLDER=1, checks every 0.2 s):
#    progs/ages.c makes 8 blocks, 1.6 s later 4 more, and is killed
#    0.8 s after.  In every snapshot the old figures of each stack are
#    the blocks that checks at least 1 s before it first saw; at the
#    end the first 8 are old and the 4 are not; the 4 are added in the
#    one snapshot whose check came after the program made them; mdump's
#    text and JSON say the same; -O keeps only the old; without
#    MDTRACE_OLDER there are no old figures and -O says so.
# 7. A real long-running program no one here wrote: python3's
#    http.server, checked every second for 30 s while fed requests:
#    every request is answered, a snapshot a second, and the memory
#    lost (definite, indirect) does not grow after warm-up.
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
    2>>"$out/cc" || ! ${CC:-cc} -g -O1 -o "$out/ages" \
    tests/e2e/progs/ages.c 2>>"$out/cc"; then
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
	$1 == "ent" || $1 == "old" { got[$2 " " $3]++ }
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
	# A wrong argument is a wrong option: status 1, as mdtrace.1 says.
	mdtrace/mdtrace -c 12x >"$out/ask.bad" 2>&1
	check "ask/bad-status" test $? -eq 1
	check "ask/bad-says" grep -q "12x is no process id" "$out/ask.bad"
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

# old_as_made TRACE T: in each snapshot, every stack's old figures are
# those its blocks had new in the snapshots at least T ns before (the
# program frees nothing); every snapshot after the first old figures
# says T.
old_as_made() {
	"$out/snapread" "$1" | awk -v T="$2" '
	function done() {
		if (n == 0)
			return
		for (k in nb) { newb[n, k] = nb[k]; newn[n, k] = nn[k] }
		for (k in keys) {
			wb = wn = 0
			for (j = 1; j <= n; j++)
				if (mono[n] - mono[j] >= T) {
					wb += newb[j, k]; wn += newn[j, k]
				}
			if (wb != ob[k] + 0 || wn != on[k] + 0) {
				printf "snapshot %d stack %s: old %d/%d, " \
				    "expected %d/%d\n", n, k, ob[k], on[k],
				    wb, wn
				bad = 1
			}
		}
	}
	$1 == "snap" { done(); n = $3; mono[n] = $5 }
	$1 == "ent" { k = $4 " " $5; keys[k] = 1; nb[k] = $8; nn[k] = $9 }
	$1 == "old" { k = $4 " " $5; ob[k] = $6; on[k] = $7; olds++ }
	$1 == "older" && $4 != T { bad = 1 }
	END { done(); exit bad || olds == 0 }'
}

# leak_ages FILE FUNCTION: "ADDED OLDER" of the leak whose first frame
# is in FUNCTION, from mdump's text (ADDED and OLDER as BYTES/BLOCKS).
leak_ages() {
	awk -v f="$2" '
	/^Leak / { a = o = "-"
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^added=/) a = substr($i, 7)
			if ($i ~ /^older=/) o = substr($i, 7)
		}
		first = 1; next }
	first && $1 == f { print a, o }
	{ first = 0 }' "$1"
}

# json_ages FILE FUNCTION: the same from mdump's JSON.
json_ages() {
	awk -v f="$2" '
	/^        {$/ { a = o = "-"; seen = 0 }
	/"added": / { gsub(/[^0-9 ]/, ""); split($0, v, " "); a = v[1] "/" v[2] }
	/"older": / { gsub(/[^0-9 ]/, ""); split($0, v, " "); o = v[1] "/" v[2] }
	/"function": / && !seen { seen = 1
		if (index($0, "\"function\": \"" f "\"")) print a, o }' "$1"
}

ages() {
	MDTRACE_INTERVAL=0.2 MDTRACE_OLDER=1 MALLOC_OPTIONS=D8 timeout 60 \
	    mdtrace/mdtrace -f "$out/ages.kt" "$out/ages" >"$out/ages.out" \
	    2>"$out/ages.err"
	check "ages/complete" complete "$out/ages.kt"
	check "ages/old-as-made" old_as_made "$out/ages.kt" 1000000000
	./mdump -a -f "$out/ages.kt" >"$out/ages.txt" 2>"$out/ages.merr"
	check "ages/old-at-end" test "$(leak_ages "$out/ages.txt" old_blocks)" \
	    = "0/0 8000/8"
	check "ages/young-at-end" test \
	    "$(leak_ages "$out/ages.txt" young_blocks)" = "0/0 0/0"
	check "ages/says-T" grep -q '^Older than 1 s: ' "$out/ages.txt"
	# The snapshot that added the young blocks: its check came after
	# the program began them, the one before it stopped the program
	# before it ended them.
	"$out/snapread" "$out/ages.kt" | awk '$1 == "snap" { print $3, $5, $NF }' \
	    >"$out/ages.snaps"
	set -- $(awk '$1 == "young" { print $2, $3 }' "$out/ages.out")
	y0=$1 y1=$2
	: >"$out/ages.added"
	okjson=1
	for n in $(awk '{ print $1 }' "$out/ages.snaps"); do
		./mdump -a -t "$n" -f "$out/ages.kt" >"$out/ages.t$n" \
		    2>>"$out/ages.merr"
		./mdump -a -t "$n" -o json -f "$out/ages.kt" \
		    >"$out/ages.j$n" 2>>"$out/ages.merr"
		for f in old_blocks young_blocks; do
			[ "$(leak_ages "$out/ages.t$n" $f)" = \
			    "$(json_ages "$out/ages.j$n" $f)" ] || okjson=0
		done
		[ -n "$(json_ages "$out/ages.j$n" old_blocks)" ] || okjson=0
		a=$(leak_ages "$out/ages.t$n" young_blocks | awk '{ print $1 }')
		[ -n "$a" ] && [ "$a" != 0/0 ] && echo "$n $a" >>"$out/ages.added"
	done
	check "ages/json-agrees" test $okjson = 1 -a -s "$out/ages.j1"
	check "ages/added-once" test "$(wc -l <"$out/ages.added")" -eq 1 -a \
	    "$(awk '{ print $2 }' "$out/ages.added")" = 8000/4
	n=$(awk '{ print $1 }' "$out/ages.added")
	check "ages/added-when-made" awk -v n="$n" -v y0="$y0" -v y1="$y1" '
	    $1 == n - 1 { before = $2 - $3 } $1 == n { at = $2 }
	    END { exit !(at >= y0 && before <= y1 && y0 > 0) }' \
	    "$out/ages.snaps"
	./mdump -O -a -f "$out/ages.kt" >"$out/ages.O" 2>>"$out/ages.merr"
	check "ages/O-only-old" sh -c "grep -q '^Only blocks older than 1 s' \
	    $out/ages.O && grep -q '^ old_blocks at' $out/ages.O &&
	    ! grep -q young_blocks $out/ages.O &&
	    grep -q '^Leak sum=8000 count=8 avg=1000 kind=reachable\$' \
	    $out/ages.O"
	check "ages/O-first-none" sh -c "./mdump -O -a -t 1 -f $out/ages.kt \
	    >$out/ages.O1 && ! grep -q '^Leak' $out/ages.O1"
	check "ages/mdump-quiet" test ! -s "$out/ages.merr"
	MDTRACE_INTERVAL=0.2 MALLOC_OPTIONS=D8 timeout 60 mdtrace/mdtrace \
	    -f "$out/young.kt" "$out/ages" >/dev/null 2>&1
	check "ages/off-no-records" sh -c "$out/snapread $out/young.kt |
	    grep -q '^snap' && ! $out/snapread $out/young.kt | grep -q older"
	check "ages/off-O-fails" sh -c "! ./mdump -O -f $out/young.kt \
	    >/dev/null 2>$out/young.err && grep -q 'no figures of old blocks' $out/young.err"
	check "ages/off-no-older" sh -c "./mdump -a -f $out/young.kt |
	    grep '^Leak' | grep -v older= | grep -q added="
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

pyserver() {
	py=/usr/bin/python3
	[ -x "$py" ] || py=$(command -v python3)
	if [ -z "$py" ] || ! command -v curl >/dev/null 2>&1; then
		echo "not ok $name/http (python3 and curl: tools/deps.sh)"
		return
	fi
	mkdir -p "$out/www"
	echo hello >"$out/www/index.html"
	port=$((20000 + $$ % 20000))
	(cd "$out/www" && MDTRACE_INTERVAL=1 MALLOC_OPTIONS=D8 \
	    ../../../../mdtrace/mdtrace -f ../http.kt "$py" -m http.server \
	    $port --bind 127.0.0.1 >/dev/null 2>../http.err) &
	pid=$!
	ok=0
	bad=0
	i=0
	# Up to 5 s for the server to listen, then 30 s of requests.
	while [ $i -lt 50 ] && ! curl -s -o /dev/null \
	    "http://127.0.0.1:$port/index.html"; do
		sleep 0.1
		i=$((i + 1))
	done
	end=$(($(date +%s) + 30))
	while [ "$(date +%s)" -lt $end ]; do
		c=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
		    "http://127.0.0.1:$port/index.html")
		if [ "$c" = 200 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
	done
	# SIGTERM: an asynchronous command of sh ignores SIGINT.
	pkill -TERM -f "http.server $port" 2>/dev/null
	wait $pid
	check "http/answered" test $bad -eq 0 -a $ok -gt 100
	check "http/quiet" sh -c "! grep -v ' \"GET ' $out/http.err | grep -q ."
	check "http/snapshots" test "$("$out/snapread" "$out/http.kt" |
	    awk '$1 == "snap" && $3 > n { n = $3 } END { print n + 0 }')" \
	    -ge 25
	# Lost bytes of each snapshot of the last image (the pid's last
	# run of snapshot numbers), after the first five: all equal.
	check "http/no-growth" sh -c "$out/snapread $out/http.kt | awk '
	    \$1 == \"snap\" { if (\$3 == 1) n = 0; lost[++n] = \$9 + \$11 }
	    END { for (i = 6; i <= n; i++) if (lost[i] != lost[6]) bad = 1
	    exit bad || n < 25 }'"
}

{
	server
	ask
	sig
	lsan
	stress
	ages
	killed
	pyserver
} >>"$res" 2>&1
results_plan
