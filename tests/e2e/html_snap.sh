#!/bin/sh
#
# html_snap.sh: the timeline of -o html in a real browser.  Two traces
# with snapshots: one written by hand (tracegen: five snapshots at 0,
# 0.5, 1, 2 and 4 s, four stacks, no report at exit) and one of
# tests/e2e/progs/server.c checked every 0.2 s as running.sh does.
# html_snap.js clicks through the page in headless Chromium; the page
# must have one point per snapshot, placed by time, lines for the
# stacks that grew, and each snapshot's leaks in the table when its
# point is clicked; the bottom-up view must have the allocating
# functions as its roots.  The hand-written trace's expected figures
# are worked out below from its description; the server's come from
# mdump -t N -o json (the text report's reader), so that the page agrees
# with the report.

out=tests/out/html_snap
name=html_snap
. tests/e2e/check.sh.inc
plan 32

rm -rf "$out"
mkdir -p "$out"
browser=
for b in chromium chromium-browser; do
	command -v $b >/dev/null 2>&1 && browser=$b && break
done
[ -n "$browser" ] || skipall "missing chromium"
command -v node >/dev/null 2>&1 || skipall "missing node"

# get FILE NAME: the text of line NAME of html_snap.js's output.
get() {
	awk -F '\t' -v n="$2" '$1 == n { print $2 }' "$1"
}
# is FILE NAME TEXT: that line is TEXT.
is() {
	[ "$(get "$1" "$2")" = "$3" ]
}

# The hand-written trace.  Stack 1 (0x10 called from 0x100) grows
# 100 B a snapshot; stack 2 (0x20) is reachable, 500 then 400 B; stack 3
# (0x30 from 0x200) is 64 B definite, freed at 3, then 32 B possibly
# lost at 5; stack 4 (0x10 from 0x200) is indirect, 48 B at 2, 96 at 4.
cat >"$out/hand.txt" <<'TRACE'
layout lp64le
start
proc 7 server
object 0x1000 /nonexistent/server
stack 1 0x10@0x1000 0x100@0x1000
stack 2 0x20@0x1000 0x100@0x1000
stack 3 0x30@0x1000 0x200@0x1000
stack 4 0x10@0x1000 0x200@0x1000
snap 1 3 10000000000 1700000000000000000 664 7 164 2 0 0 0 0 500 5 1000000
snapent 1 1:0:100:1:100:1 2:3:500:5:500:5 3:0:64:1:64:1
snap 2 2 10500000000 1700000000500000000 812 9 264 3 48 1 0 0 500 5 1000000
snapent 2 1:0:200:2:100:1 4:1:48:1:48:1
snap 3 3 11000000000 1700000001000000000 748 8 300 3 48 1 0 0 400 4 1000000
snapent 3 1:0:300:3:100:1 2:3:400:4 3:0:0:0
snap 4 2 12000000000 1700000002000000000 896 10 400 4 96 2 0 0 400 4 1000000
snapent 4 1:0:400:4:100:1 4:1:96:2:48:1
snap 5 2 14000000000 1700000004000000000 1028 12 500 5 96 2 32 1 400 4 1000000
snapent 5 1:0:500:5:100:1 3:2:32:1:32:1
TRACE
tests/tracegen <"$out/hand.txt" >"$out/hand.kt"
./mdump -a -o html -f "$out/hand.kt" >"$out/hand.html" 2>"$out/hand.err"
check hand/page test $? -eq 0 -a ! -s "$out/hand.err"
node tests/e2e/html_snap.js "$browser" "$out/hand.html" 2 >"$out/hand.ui" \
    2>&1
h=$out/hand.ui
check hand/points is "$h" points 5
# x from the monotonic times: 0, 0.5, 1, 2, 4 s of 4.
check hand/point-x sh -c "awk -F '\t' '\$1 == \"point-x\" {
    split(\$2, x, \" \"); w = x[5] - x[1]
    split(\"0 0.125 0.25 0.5 1\", f, \" \")
    for (i = 1; i <= 5; i++) if ((x[i] - x[1]) / w - f[i] > 0.01 ||
	(x[i] - x[1]) / w - f[i] < -0.01) bad = 1
    found = 1 } END { exit !found || bad }' '$h'"
check hand/lines is "$h" lines \
    "total kind-definite kind-indirect kind-possible kind-reachable stack stack stack"
# -g's order: stack 1 grew 4 times, stack 4 twice, stack 3 (possible)
# once; stack 2 shrank and is no line.
check hand/legend is "$h" legend "Live, all kinds|Definite|Indirect|Possible|Reachable|server+0x10 \
← server+0x100definite, 500 B at the last snapshot|server+0x10 \
← server+0x200indirect, 96 B at the last snapshot|server+0x30 \
← server+0x200possible, 32 B at the last snapshot"
check hand/base-is-last is "$h" base-button "Last snapshot"
check hand/base-marked is "$h" selected 5
s5="server+0x10 definite 500 5|server+0x10 indirect 96 2|server+0x20 reachable 400 4|server+0x30 possible 32 1"
check hand/rows is "$h" rows "$s5"
check hand/snap1 is "$h" "snap 1 rows" \
    "server+0x10 definite 100 1|server+0x20 reachable 500 5|server+0x30 definite 64 1"
check hand/snap2 is "$h" "snap 2 rows" \
    "server+0x10 definite 200 2|server+0x10 indirect 48 1|server+0x20 reachable 500 5|server+0x30 definite 64 1"
check hand/snap3 is "$h" "snap 3 rows" \
    "server+0x10 definite 300 3|server+0x10 indirect 48 1|server+0x20 reachable 400 4"
check hand/snap4 is "$h" "snap 4 rows" \
    "server+0x10 definite 400 4|server+0x10 indirect 96 2|server+0x20 reachable 400 4"
check hand/snap5 is "$h" "snap 5 rows" "$s5"
check hand/marked sh -c "for i in 1 2 3 4 5; do
    [ \"\$(awk -F '\t' -v n=\"snap \$i selected\" '\$1 == n { print \$2 }' \
    '$h')\" = \$i ] || exit 1; done"
check hand/summary is "$h" "snap 2 summary" "2 of 5, 0.5 s after the first"
check hand/back is "$h" "back rows" "$s5"
check hand/roots-down is "$h" roots-down "server+0x100 server+0x200"
check hand/roots-up is "$h" roots-up "server+0x10 server+0x20 server+0x30"
# Snapshot 3, bottom-up: 0x20's 400 B, then 0x10's 348 B; 0x30 freed.
check hand/snap-roots-up is "$h" snap-roots-up "server+0x20 server+0x10"
check hand/snap-roots-down is "$h" snap-roots-down "server+0x100 server+0x200"
check hand/errors is "$h" errors ""

# The server, checked every 0.2 s while it answers 30 requests.
if [ "$(uname -s)" != Linux ]; then
	i=0
	while [ $i -lt 11 ]; do
		i=$((i + 1))
		echo "ok $name/server$i # skip mdtrace is built on Linux only"
	done
	exit 0
fi
cc -g -O1 -o "$out/server" tests/e2e/progs/server.c
seq 30 | sed 's/^/request /' >"$out/requests"
(cd "$out" && MDTRACE_INTERVAL=0.2 MALLOC_OPTIONS=D8 timeout 120 \
    ../../../mdtrace/mdtrace -f server.kt ./server 50 <requests >/dev/null \
    2>server.err)
./mdump -a -o html -f "$out/server.kt" >"$out/server.html" 2>"$out/server.err2"
check server/page test $? -eq 0 -a ! -s "$out/server.err2"
nsnap=$(./mdump -T -f "$out/server.kt" | tail -n +2 | wc -l)
node tests/e2e/html_snap.js "$browser" "$out/server.html" 1 >"$out/server.ui" \
    2>&1
s=$out/server.ui
check server/snapshots test "$nsnap" -ge 5
check server/points is "$s" points "$nsnap"
check server/lines sh -c "awk -F '\t' '\$1 == \"lines\"' '$s' | grep -q ' stack'"
check server/leak-line sh -c "awk -F '\t' '\$1 == \"legend\"' '$s' |
    grep -q '|leak ← maindefinite'"
check server/base is "$s" showing "Showing the report at exit."
# Each snapshot's table as mdump -t N -o json has it: function of the
# innermost frame outside the system libraries, kind, bytes, count.
rows_of() {
	node -e '
	    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
	    const sys = /^\/(usr\/)?(local\/)?lib(32|64|exec)?\//;
	    console.log(d.processes[0].leaks.map((l) => {
		const f = l.frames.find((f) => !sys.test(f.object)) ||
		    l.frames[0];
		return [f.locations[0].function, l.kind, l.bytes, l.count]
		    .join(" "); }).sort().join("|"));'
}
ok=0
bad=
for i in $(seq 1 "$nsnap"); do
	want=$(./mdump -a -t "$i" -o json -f "$out/server.kt" | rows_of)
	if [ -n "$want" ] && is "$s" "snap $i rows" "$want"; then
		ok=$((ok + 1))
	else
		bad="$bad $i"
	fi
done
check server/snap-rows test "$ok" -eq "$nsnap"
[ -z "$bad" ] || echo "# snapshots whose rows differ:$bad"
check server/back is "$s" "back rows" \
    "$(./mdump -a -o json -f "$out/server.kt" | rows_of)"
check server/roots-down is "$s" roots-down "_start"
check server/roots-up sh -c "[ \"\$(awk -F '\t' '\$1 == \"roots-up\" {
    print \$2 }' '$s' | tr ' ' '\n' | sort | tr '\n' ' ')\" = \
    'leak refill remember ' ]"
check server/errors is "$s" errors ""
