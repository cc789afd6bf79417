#!/bin/sh
#
# follow.sh: mdump -l follows a growing trace.  The trace arrives in
# three pieces, the first cut inside the end banner's record: the first
# process's report must appear only once the banner is whole, and the
# second process's (never ended) report when mdump is interrupted.

out=tests/out/follow
mkdir -p "$out" || exit 1
echo 1..4
cat >"$out/first.desc" <<'DESC'
layout lp64le
start
proc 100 first
text ******** Start dump first *******\n
text Leak report:\n
text                  f     sum      #    avg\n
text      0xc2a1d4c1f3b   40960     10   4096 addr2line -e /nonexistent/first 0x1f3b\n
text \n
text ******** End dump first *******\n
DESC
{
	cat "$out/first.desc"
	cat <<'DESC'
proc 200 second
text ******** Start dump second *******\n
text Leak report:\n
text      0xc2a1d4c1f3b      64      1     64 addr2line -e /nonexistent/second 0x10\n
DESC
} >"$out/full.desc"
if ! tests/tracegen -o "$out/first" "$out/first.desc" ||
    ! tests/tracegen -o "$out/full" "$out/full.desc"; then
	echo "not ok follow/early (tracegen failed)"
	exit 1
fi
first=$(wc -c <"$out/first" | tr -d ' ')
head -c $((first - 10)) "$out/full" >"$out/trace"

./mdump -l -f "$out/trace" >"$out/stdout" 2>"$out/stderr" &
pid=$!

# Up to 5 s for standard output to hold a line matching $1.
wait_for() {
	i=0
	while [ $i -lt 50 ]; do
		grep -q "$1" "$out/stdout" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

sleep 0.6
if [ -s "$out/stdout" ]; then
	echo "not ok follow/early (printed before the end banner was whole)"
else
	echo "ok follow/early"
fi
tail -c +$((first - 9)) "$out/first" >>"$out/trace"
if wait_for '^Leak sum=40960 count=10 avg=4096$'; then
	echo "ok follow/complete"
else
	echo "not ok follow/complete (no report after the end banner)"
fi
if grep -q '^Process 100 (first)$' "$out/stdout"; then
	echo "ok follow/header"
else
	echo "not ok follow/header (no process line)"
fi
tail -c +$((first + 1)) "$out/full" >>"$out/trace"
sleep 0.6
kill -INT $pid 2>/dev/null
wait $pid
st=$?
if grep -q '^Leak sum=64 count=1 avg=64$' "$out/stdout" && [ $st -eq 0 ] &&
    [ ! -s "$out/stderr" ]; then
	echo "ok follow/interrupt"
else
	echo "not ok follow/interrupt (status $st, $(head -c 200 "$out/stderr"))"
fi
