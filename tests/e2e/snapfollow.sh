#!/bin/sh
#
# snapfollow.sh: mdump -l prints each snapshot of a running program as
# soon as its last entry is in the trace.  The trace arrives in two
# pieces, the first ending one entries record into snapshot 2 (which
# announced two): snapshot 1 must be printed, snapshot 2 only once its
# second record is there.  Sizes: start 64; object 84+8+20 = 112; stack
# 84+8+16 = 108; snap 84+112 = 196; an entries record of one entry
# 84+4+40 = 128.  Snapshot 2's first entries record ends at
# 64+112+108+196+128+196+128 = 932.  The last summary counts the
# process once, as its last snapshot printed says.

out=tests/out/snapfollow
mkdir -p "$out" || exit 1
echo 1..4
cat >"$out/t.desc" <<'DESC'
layout lp64le
start
proc 7 server
object 0x1000 /nonexistent/server
stack 1 0x10@0x1000
snap 1 1 10000000000 1700000000000000000
snapent 1 1:0:100:1
snap 2 2 20000000000 1700000010000000000
snapent 2 1:0:200:2
snapent 2 1:0:300:3
DESC
tests/tracegen -o "$out/t.bin" "$out/t.desc" || exit 1
head -c 932 "$out/t.bin" >"$out/grow.bin"
./mdump -l -f "$out/grow.bin" >"$out/got" 2>"$out/err" &
pid=$!
sleep 1
if grep -q '^Snapshot 1 at 2023-11-14 22:13:20 UTC' "$out/got" &&
    grep -q '^Leak sum=100 count=1' "$out/got" &&
    ! grep -q '^Snapshot 2' "$out/got"; then
	echo "ok snapfollow/first"
else
	echo "not ok snapfollow/first (see $out/got)"
fi
tail -c +933 "$out/t.bin" >>"$out/grow.bin"
sleep 1
# Snapshot 2's last entry wins: stack 1 at 300 bytes in 3 blocks.
if grep -q '^Snapshot 2 at 2023-11-14 22:13:30 UTC (10.0 s after' \
    "$out/got" && grep -q '^Leak sum=300 count=3 avg=100' "$out/got"; then
	echo "ok snapfollow/second"
else
	echo "not ok snapfollow/second (see $out/got)"
fi
kill -TERM "$pid"
wait "$pid"
rc=$?
n=$(grep -c '^Snapshot ' "$out/got")
if [ "$rc" -eq 0 ] && [ "$n" -eq 2 ] && [ ! -s "$out/err" ]; then
	echo "ok snapfollow/once"
else
	echo "not ok snapfollow/once (status $rc, $n snapshots printed)"
fi
# Snapshot 2 replaces snapshot 1 in the total: 300 bytes in 3 blocks.
want="Summary leaks=1 bytes=300 allocations=3 suppressed=0 definite=300/3"
want="$want indirect=0/0 possible=0/0 reachable=0/0"
if [ "$(tail -n 1 "$out/got")" = "$want" ]; then
	echo "ok snapfollow/total"
else
	echo "not ok snapfollow/total (last line: $(tail -n 1 "$out/got"))"
fi
