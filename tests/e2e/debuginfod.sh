#!/bin/sh
#
# debuginfod.sh: mdump fetches debug information from a debuginfod
# server.  Starts Debian's debuginfod on 127.0.0.1 and a free port,
# serving the debug files of programs built with -g and then stripped
# (objcopy --only-keep-debug, strip -g), traces them with mdtrace and
# checks, with a private client cache and an empty debug root each time:
#   - frames name the file and line addr2line gives on the unstripped
#     build, and -v names the address the debug file came from;
#   - each build-id is asked once (the server's log);
#   - DEBUGINFOD_PROGRESS shows downloads on standard error;
#   - DEBUGINFOD_URLS unset or empty, or -N: no request (the log);
#   - the executable removed from disk is fetched by the build-id
#     mdtrace records;
#   - the dwz common file (.gnu_debugaltlink) is fetched;
#   - a served file with another build-id: a warning, and the frames
#     fall back;
#   - the server stopped (SIGSTOP) midway: one request waits for the
#     timeout, no second one is made, the report is printed, status 0.
# debuginfod listens on every interface (0.188 has no option to pick
# one); it serves only this test's files, for the seconds the test runs.
# The server is stopped on every way out.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/e2e/check.sh.inc
name=debuginfod
out=$top/tests/out/debuginfod
rm -rf "$out"
mkdir -p "$out/srv" "$out/noroot"
results=0
t() {
	check "$@"
	results=$((results + 1))
}
skip_all() {
	for c in fetch line url once progress unset empty noflag exe dwz wrong \
	    wrongstatus stop stoponce stopreport stopstatus; do
		echo "ok $name/$c # skip $1"
	done
	echo "1..16"
	exit 0
}

[ "$(uname)" = Linux ] || skip_all "mdtrace runs on Linux only"
for tool in debuginfod curl dwz objcopy; do
	command -v $tool >/dev/null 2>&1 ||
	    { echo "not ok $name/tools ($tool not installed)"; echo "1..1";
	    exit 0; }
done

# Stop the server: TERM (again each second: a stopped and continued
# debuginfod may miss the first), KILL after 5 s.
pid=
stop_server() {
	[ -n "$pid" ] || return 0
	kill -CONT "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		[ $((i % 10)) -eq 0 ] && kill "$pid" 2>/dev/null
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
unset DEBUGINFOD_PROGRESS DEBUGINFOD_VERBOSE DEBUGINFOD_TIMEOUT
trap 'stop_server' EXIT
trap 'stop_server; exit 1' INT TERM

# Programs: p (plain), q (served with another build-id), d1 and d2
# (their debug files share a dwz common file).
for p in p q d1 d2; do
	cat >"$out/$p.c" <<EOF
#include <stdlib.h>
#include <string.h>
struct $p { long a, b; };
__attribute__((noinline)) static void *
leak_$p(int n)
{
	struct $p *x = malloc(sizeof(*x) * n);
	memset(x, 0, sizeof(*x) * n);
	return x;
}
int
main(void)
{
	volatile void *v = leak_$p(3);
	(void)v;
	return 0;
}
EOF
	${CC:-cc} -g -O0 -Wl,--build-id -o "$out/$p" "$out/$p.c" || exit 1
done
dwz -m "$out/common.debug" "$out/d1" "$out/d2" 2>/dev/null
for p in p q d1 d2; do
	cp "$out/$p" "$out/$p.full"
	objcopy --only-keep-debug "$out/$p" "$out/srv/$p.debug"
	strip -g "$out/$p"
done
cp "$out/p" "$out/srv/p"
mv "$out/common.debug" "$out/srv/common.debug"

buildid() {
	readelf -n "$1" 2>/dev/null | sed -n 's/.*Build ID: //p' | head -n 1
}

# Start the server on a free port: a few random ones are tried.
try=0
while [ $try -lt 8 ]; do
	try=$((try + 1))
	port=$(awk -v s="$$$try" 'BEGIN { srand(s); print 20000 + int(rand() * 40000) }')
	(cd "$out" && exec debuginfod -F srv -p "$port" -d "$out/db.sqlite" \
	    -t 0 -g 0 -v) >"$out/server.log" 2>&1 &
	pid=$!
	n=0
	while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null &&
	    ! grep -q 'started http server' "$out/server.log"; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q 'started http server' "$out/server.log" && break
	stop_server
done
[ -n "$pid" ] || { echo "not ok $name/server (does not start)"; echo "1..1"; exit 0; }
url=http://127.0.0.1:$port
# Wait until the folder is indexed: the scan count in /metrics rises
# before a file's entry is committed, so each debug file is asked for
# by curl until it is served (bounded: 30 s in all).  The client's
# requests are told from these by their user agent.
n=0
while [ $n -lt 300 ]; do
	s=$(curl -s "$url/metrics" | sed -n \
	    's/^scanned_files_total{source="file"} //p')
	[ "${s:-0}" -ge 6 ] && break
	sleep 0.1
	n=$((n + 1))
done
for f in p.debug q.debug d1.debug common.debug; do
	id=$(buildid "$out/srv/$f")
	while [ $n -lt 300 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' \
	    "$url/buildid/$id/debuginfo")" != 200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
done

# The wrong file: q's debug file is replaced, after indexing, by p's
# (another build-id), its time kept so the server still serves it.
touch -r "$out/srv/q.debug" "$out/stamp"
cp "$out/srv/p.debug" "$out/srv/q.debug"
touch -r "$out/stamp" "$out/srv/q.debug"

for p in p q d1; do
	(cd "$out" && MALLOC_OPTIONS=DTTTT "$top/mdtrace/mdtrace" \
	    -f "$p.ktrace" "./$p")
done

requests() {	# mdump's requests for build-id $1 ("": any) in the log
	grep -c "UA:elfutils.* GET /buildid/$1" "$out/server.log"
}

# run NAME URLS ARGS...: mdump in $out with DEBUGINFOD_URLS=URLS ("-":
# unset), the variables in $extra, a new cache and no local debug
# files; standard output in NAME.out, error in NAME.err.
extra=
run() {
	n=$1
	urls=$2
	shift 2
	rm -rf "$out/cache.$n"
	(
		cd "$out" || exit 1
		unset DEBUGINFOD_URLS
		if [ "$urls" != - ]; then
			DEBUGINFOD_URLS=$urls
			export DEBUGINFOD_URLS
		fi
		# shellcheck disable=SC2086
		exec env $extra DEBUGINFOD_CACHE_PATH="$out/cache.$n" \
		    MDUMP_DEBUG_ROOT="$out/noroot" "$top/mdump" "$@" \
		    >"$n.out" 2>"$n.err"
	)
}

# file:line of offset $2 - 1 in $1, by addr2line.
oracle() {
	addr2line -e "$1" "$(printf '0x%x' $(($2 - 1)))" | sed 's/ (discriminator.*//'
}

# The leak_p frame: its offset from a run that asks no server.
pid_p=$(buildid "$out/p")
run off - -f p.ktrace
off=$(sed -n 's/^ leak_p at ??:0 (.*\/p+\(0x[0-9a-f]*\))$/\1/p' "$out/off.out")
want=$(oracle "$out/p.full" "$off")

run fetch "$url" -v -f p.ktrace
t fetch grep -q "^ leak_p at .*/p.c:[0-9]" "$out/fetch.out"
t line grep -qx " leak_p at $want" "$out/fetch.out"
t url grep -q "debug file .* from $url/buildid/$pid_p/debuginfo" \
    "$out/fetch.err"
t once test "$(requests "$pid_p")" -eq 1
# DEBUGINFOD_PROGRESS: downloads shown on standard error, only then.
extra=DEBUGINFOD_PROGRESS=1
run progress "$url" -f p.ktrace
extra=
t progress sh -c "grep -q 'downloading debug info $pid_p' \
    '$out/progress.err' && ! grep -q downloading '$out/fetch.err'"

before=$(requests "")
run unset - -f p.ktrace
t unset test "$(requests "")" -eq "$before"
run empty "" -f p.ktrace
run noflag "$url" -N -f p.ktrace
t empty test "$(requests "")" -eq "$before"
t noflag grep -q '^ leak_p at ??:0' "$out/noflag.out"

# The executable gone: fetched by the build-id in the trace.
mv "$out/p" "$out/p.gone"
run exe "$url" -v -f p.ktrace
mv "$out/p.gone" "$out/p"
t exe sh -c "grep -qx ' leak_p at $want' '$out/exe.out' &&
    grep -q 'executable .* from $url/buildid/$pid_p/executable' \
    '$out/exe.err'"

run dwz "$url" -v -f d1.ktrace
t dwz sh -c "grep -q '^ leak_d1 at .*/d1.c:[0-9]' '$out/dwz.out' &&
    grep -q 'dwz common file .* from $url/' '$out/dwz.err'"

# Another build-id served: said without -v, frames fall back.
run wrong "$url" -f q.ktrace
st=$?
t wrong sh -c "grep -q 'another build-id' '$out/wrong.err' &&
    grep -q '^ leak_q at ??:0' '$out/wrong.out'"
t wrongstatus test "$st" -eq 0

# The server stopped midway: d1's debug file is asked (and waits for
# the timeout); d1's common file and everything after are not.
kill -STOP "$pid"
before=$(requests "")
extra="DEBUGINFOD_TIMEOUT=2 DEBUGINFOD_VERBOSE=1"
run stop "$url" -f d1.ktrace
st=$?
t stop test "$(grep -c 'no more requests this run' "$out/stop.err")" -eq 1
# The client library's own log (DEBUGINFOD_VERBOSE): one query, no retry.
t stoponce test "$(grep -c "^url 0 $url/" "$out/stop.err")" -eq 1
t stopreport grep -q '^Summary leaks=1 ' "$out/stop.out"
t stopstatus test "$st" -eq 0
stop_server
echo "1..$results"
