#!/bin/sh
#
# realprogs.sh: real Debian programs (git, seq, tar with sh and gzip,
# curl, xz with two threads, sort, gzip, grep, sed, python3, perl,
# iconv, make with sh and cat, bash with seq, mawk, sqlite3, jq, m4,
# nm, gdb with iconv, openssl, zstd, find, diff, xargs with sh, seq,
# echo and wc, bc with sh, node, memcached and redis with sh and
# python3) run three ways: untraced, under mdtrace (MALLOC_OPTIONS=DTTTT)
# and under valgrind memcheck following every child.
#
# For each program:
#   - its standard output, its standard error and its exit status are
#     the same untraced and under mdtrace (so mdtrace writes nothing of
#     its own to standard error), and what it made (an archive, a
#     repository) too;
#   - both tools saw the same processes, each matched by the program it
#     ran last (a process that executes another keeps its pid and
#     reports as the last one) and by its order among the processes of
#     that program;
#   - per process, the bytes definitely lost and indirectly lost are
#     valgrind's, and the bytes possibly lost plus still reachable are
#     within 2% of valgrind's.
# The table of every program and process, valgrind against mdtrace, is
# written to tests/out/realprogs/table.
#
# Environment.  Programs copy their environment into the heap (sh's
# variables, perl's %ENV and its values, python's os.environ, git's),
# so a variable more or less moves what they keep: perl takes another
# arena of 4080 bytes for its values, dash keeps 32 bytes a variable.
# Debian's /usr/bin/valgrind is a sh script that exports
# LD_LIBRARY_PATH=/usr/lib/debug, GLIBCPP_FORCE_NEW=1,
# GLIBCXX_FORCE_NEW=1 and (sh itself) PWD before it runs valgrind.bin,
# which adds LD_PRELOAD, and to a program a traced process executes
# VALGRIND_LIB too (so dash under tar kept one 32-byte block more under
# valgrind than under mdtrace): six variables, once every run gets
# VALGRIND_LIB=/usr/libexec/valgrind from the start (its value, which
# valgrind reads to find its tools).  mdtrace adds three (LD_PRELOAD,
# MALLOC_OPTIONS, MDTRACE_FILE), so its runs (and the untraced ones)
# get LD_LIBRARY_PATH and PWD as valgrind's do: as many variables, of
# about the same length, in every process.  (With all four of the wrapper's,
# perl under mdtrace kept 4,369 bytes more than under valgrind: one
# arena more.)  All runs get the same HOME, locale, time zone and git
# dates, and PERL_HASH_SEED=0: perl's hashes, %ENV's among them, grow
# by a seed drawn at each run otherwise.
#
# The traces are read by tests/e2e/progs/realread.c, not by mdump;
# only the count of memcached's snapshots comes from mdump -T.
# Prints a TAP plan as its last line.

out=tests/out/realprogs
name=realprogs
rm -rf "$out"
mkdir -p "$out"
res=$out/results
: >"$res"
. tests/e2e/check.sh.inc

top=$PWD
plan() {
	results_plan
}
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name # skip mdtrace is built on Linux only" >"$res"
	plan
fi
for tool in valgrind git tar gzip xz curl python3 perl make sqlite3 jq m4 \
    nm gdb openssl zstd bc node memcached redis-server; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "not ok $name/$tool ($tool is missing: tools/deps.sh" \
		    "installs it)" >>"$res"
	fi
done
if [ -s "$res" ]; then
	plan
fi
for prog in realread sigstksz; do
	if ! ${CC:-cc} -O2 -o "$out/$prog" tests/e2e/progs/$prog.c \
	    2>"$out/cc"; then
		echo "not ok $name (cannot compile: $(head -n 1 "$out/cc"))" \
		    >"$res"
		plan
	fi
done
# The alternate signal stack's size, here and under valgrind (see
# md_procs).
sn=$("$out/sigstksz")
sv=$(valgrind -q "$out/sigstksz")

w=$top/$out/w
# The environment of every run (env -i: nothing of the caller's).
common="PATH=/usr/local/bin:/usr/bin:/bin HOME=$w/home LC_ALL=C TZ=UTC
    GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE=@1700000000+0000
    GIT_COMMITTER_DATE=@1700000000+0000 GIT_PAGER=cat PAGER=cat PERL_HASH_SEED=0
    VALGRIND_LIB=/usr/libexec/valgrind"
# Of what Debian's valgrind script adds, as many as mdtrace does not
# (see above).
wrapper="LD_LIBRARY_PATH=/usr/lib/debug PWD=$w/work"

# p LABEL COMMAND...: run COMMAND in the work folder $w/work the way
# $mode says; its output, status and trace go to $out/LABEL.
p() {
	label=$1
	shift
	echo "$label" >>"$out/labels.$mode"
	d=$top/$out/$label
	mkdir -p "$d"
	case $mode in
	plain)
		(cd "$w/work" && exec env -i $common $wrapper \
		    timeout 120 "$@") >"$d/plain.out" 2>"$d/plain.err" \
		    </dev/null
		;;
	md)
		(cd "$w/work" && exec env -i $common $wrapper \
		    MALLOC_OPTIONS=DTTTT timeout 120 "$top/mdtrace/mdtrace" \
		    -f "$d/ktrace.out" "$@") >"$d/md.out" 2>"$d/md.err" \
		    </dev/null
		;;
	vg)
		mkdir -p "$d/vg"
		(cd "$w/work" && exec env -i $common timeout 600 valgrind \
		    --trace-children=yes --leak-check=full \
		    --show-leak-kinds=all --xml=yes \
		    --soname-synonyms=somalloc='*jemalloc*' \
		    --xml-file="$d/vg/vg.%p.xml" "$@") >"$d/vg.out" \
		    2>"$d/vg.err" </dev/null
		;;
	esac
	echo $? >"$d/$mode.status"
}

# u COMMAND...: a step of setting up or of looking at the result, run
# untraced in $w/work in every mode; its output goes with the
# program's before it, to be compared.
u() {
	(cd "$w/work" && exec env -i $common "$@") \
	    >>"$top/$out/$label/$mode.out" 2>&1 </dev/null
}

# The programs, in order, in a fresh work folder.
programs() {
	rm -rf "$w"
	mkdir -p "$w/home" "$w/work/src/sub"
	seq 1 20000 >"$w/work/src/numbers"
	printf 'hello\nworld\n' >"$w/work/src/sub/words"
	cp /etc/services "$w/work/src/services"
	printf '{"a":[1,2,{"b":"x"}],"c":"yy"}' >"$w/work/src/j.json"
	printf 'define(`X'"'"', `hello'"'"')X world\n' >"$w/work/src/m.m4"
	# The clients of the servers below: connect() waits for the server.
	cat >"$w/work/connect.py" <<'EOF'
import socket, sys, time
def connect(port):
    for i in range(1200):
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.1)
    sys.exit("no server on port %d" % port)
EOF
	cat >"$w/work/mcdrive.py" <<'EOF'
import sys, time
from connect import connect
s = connect(int(sys.argv[1]))
def ask(b, end):
    s.sendall(b)
    d = b""
    while not d.endswith(end):
        d += s.recv(65536)
    return d
for i in range(2000):
    v = b"x" * (i % 500 + 1)
    ask(b"set k%d 0 0 %d\r\n%s\r\n" % (i, len(v), v), b"\r\n")
print(sum(ask(b"get k%d\r\n" % i, b"END\r\n").count(b"VALUE")
    for i in range(0, 2000, 7)))
time.sleep(1)
s.sendall(b"shutdown\r\n")
EOF
	cat >"$w/work/rddrive.py" <<'EOF'
import sys, time
from connect import connect
s = connect(int(sys.argv[1]))
def ask(*words):
    b = b"*%d\r\n" % len(words)
    for w in words:
        b += b"$%d\r\n%s\r\n" % (len(w), w)
    s.sendall(b)
    d = s.recv(65536)
    # a bulk reply, "$N" and N bytes, may come in pieces
    n = int(d[1:d.index(b"\r\n")]) if d[:1] == b"$" else -1
    need = n + 2 if n >= 0 else 0
    while len(d) < d.index(b"\r\n") + 2 + need:
        d += s.recv(65536)
    return d
for i in range(2000):
    ask(b"SET", b"k%d" % i, b"x" * (i % 300 + 1))
print(sum(len(ask(b"GET", b"k%d" % i)) for i in range(0, 2000, 7)))
print(ask(b"DBSIZE").decode().strip())
time.sleep(1)
ask(b"SHUTDOWN", b"NOSAVE")
EOF
	mkdir -p "$w/work/mk"
	printf 'all: out\nout: ../src/sub/words\n\tcat ../src/sub/words >out\n' \
	    >"$w/work/mk/Makefile"
	# the same archives every time
	find "$w/work/src" -exec touch -d @1700000000 {} +
	label=setup

	p git-init git init -q repo
	u git -C repo config user.name 'Real Programs'
	u git -C repo config user.email real@example.invalid
	# With their times kept (-p), the files are older than the index
	# that add writes.  Copied anew, a file of the same second as the
	# index (as in a fast run, not under valgrind) is "racily clean":
	# status then reads it again to compare, and kept 33 blocks (2,088
	# bytes) more under mdtrace than under valgrind.
	u cp -pR src/. repo/
	p git-add git -C repo add .
	p git-commit git -C repo commit -m 'the first commit'
	p git-log git -C repo log --stat
	u sh -c 'echo more >>repo/sub/words'
	p git-status git -C repo status

	p seq seq 1 3 1000
	p tar-czf tar czf src.tgz src
	u sh -c 'gzip -dc src.tgz | tar tvf -'
	p curl-version curl --version
	p curl-file curl -sS "file://$w/work/src/sub/words"
	p xz-T2 xz -T2 -1 --block-size=65536 -c src/numbers
	p sort sort -r src/services
	p gzip gzip -c src/services
	p grep grep -c tcp src/services
	p sed sed -n 's/^\([a-z]*\).*tcp$/\1/p' src/services
	p python3 /usr/bin/python3 -c \
	    'import json, re; print(json.dumps(re.findall("o", "two words")))'
	p sh-pipe sh -c 'echo x | sort; sort src/services | gzip -n | wc -c'
	p perl perl -e 'my %h = map { $_ => length } qw(a bb ccc);
	    print join(",", map { "$_=$h{$_}" } sort keys %h), "\n"'
	p iconv iconv -f latin1 -t utf-8 src/sub/words
	p make make -s -C mk
	p bash bash -c 'x=$(seq 5); a=(1 2 3); echo ${#a[@]} $x'
	p mawk mawk -F/ '{ n[$2]++ } END { for (k in n) c++; print c }' \
	    src/services
	p sqlite3 sqlite3 :memory: 'create table t(a, b);
	    insert into t values (1, "x"), (2, "y"), (3, "x");
	    select b, count(*) from t group by b;'
	p jq jq -S '.a[2].b, (.c | length)' src/j.json
	p m4 m4 src/m.m4
	p nm nm -D /bin/ls
	# gdb (with iconv): blocks taken again hold words of their
	# earlier life at offset 80, which kept 32 lost blocks reachable
	p gdb-version gdb --version
	p openssl openssl enc -aes-256-cbc -pbkdf2 -k pw -S 0011223344556677 \
	    -iv 00112233445566778899aabbccddeeff -in src/services -out enc
	p zstd zstd -q -c src/services
	p find find src -name '*s*'
	p diff diff src/services src/numbers
	p xargs sh -c 'seq 1 50 | xargs -n 7 echo | wc -l'
	p bc sh -c 'echo "scale=50; 4*a(1)" | bc -l'
	# A program of many threads (V8's workers) and 75,000 symbols.
	p node node -e 'let a = []; for (let i = 0; i < 1000; i++)
	    a.push({ i }); console.log(a.length)'
	# A server with four worker threads, checked every 0.2 s while it
	# runs (mdtrace only; the variable is in every run), stopped by
	# the client.  It takes as many connections as the descriptor
	# limit allows: under valgrind, which keeps some for itself, it
	# can set no more.
	p memcached env MDTRACE_INTERVAL=0.2 sh -c '
	    port=$((20000 + $$ % 10000)) n=$(ulimit -Hn) u=$(id -un)
	    memcached -u "$u" -A -l 127.0.0.1 -p $port -t 4 -c "$n" &
	    python3 mcdrive.py $port
	    wait'
	# Linked with libjemalloc, which the tracer's malloc family comes
	# before (and valgrind's, told so): its blocks are the C library's.
	p redis env MDTRACE_INTERVAL=0.2 sh -c '
	    port=$((20000 + $$ % 10000))
	    redis-server --port $port --bind 127.0.0.1 --save "" \
	        --appendonly no --daemonize no --logfile "" >/dev/null &
	    python3 rddrive.py $port
	    wait'
}

for mode in plain md vg; do
	: >"$out/labels.$mode"
	programs
done

# vg_procs DIR: "PID PROGRAM D I P R" per valgrind process, PROGRAM the
# real path of the program it ran last, or "fork" for a child that
# executed nothing (its arguments are its parent's), and each kind's
# bytes.
vg_procs() {
	for f in "$1"/vg.*.xml; do
		[ -f "$f" ] || continue
		exe=$(sed -n '/<argv>/,/<\/argv>/s/.*<exe>\(.*\)<\/exe>.*/\1/p' \
		    "$f" | tail -n 1)
		case $exe in
		*/*) ;;
		*) exe=$(PATH=/usr/local/bin:/usr/bin:/bin command -v "$exe") ;;
		esac
		exe=$(readlink -f "$exe")
		awk -v exe="$exe" '
		/<pid>/ && pid == "" { pid = $0; gsub(/[^0-9]/, "", pid) }
		/<ppid>/ && ppid == "" { ppid = $0; gsub(/[^0-9]/, "", ppid) }
		/<argv>/ { inargv = 1; args = "" }
		inargv { a = $0; gsub(/^ *|<[^>]*>/, "", a); args = args "\t" a }
		/<\/argv>/ { inargv = 0 }
		/<error>/ { kind = "" }
		/<kind>Leak_/ { kind = $0; gsub(/.*<kind>Leak_|<\/kind>.*/, "",
		    kind) }
		# "N bytes in ..." or "N (D direct, I indirect) bytes in
		# ...": the indirect ones have records of their own.
		/<text>/ && kind != "" { b = $0
			sub(/.*<text>/, "", b)
			n = split(b, w, " ")
			b = w[2] ~ /^\(/ ? substr(w[2], 2) : w[1]
			gsub(",", "", b)
			t[kind] += b
			kind = "" }
		END { printf "%s %s %d %d %d %d\t%s\t%s\n", pid, exe,
		    t["DefinitelyLost"], t["IndirectlyLost"],
		    t["PossiblyLost"], t["StillReachable"], ppid, args }' "$f"
	done | awk -F '\t' '{ line[NR] = $1; ppid[NR] = $2; $1 = $2 = ""
		args[NR] = $0; split(line[NR], w, " "); of[w[1]] = NR }
	END { for (i = 1; i <= NR; i++) {
		p = of[ppid[i]]
		if (p != "" && args[p] == args[i])
			sub(/ [^ ]*/, " fork", line[i])
		print line[i] } }' | sort -n
}

# md_procs TRACE: the same of mdtrace's trace; "-" for the kinds of a
# process without a report or not traced.  A kept leak whose blocks
# are all of the size sysconf(_SC_SIGSTKSZ) gives here ($sn) counts as
# of the size it gives under valgrind ($sv): glibc derives it from the
# processor's register state, and valgrind shows programs a processor
# of its own.  gdb sizes the alternate signal stack of its main thread
# and of each worker thread by it: on an Intel Xeon with AMX, 47808
# bytes natively and 8192 under valgrind, 118,821 bytes more kept by
# gdb --version with two workers (5% of what it keeps).
md_procs() {
	"$out/realread" "$1" | awk -v sn="$sn" -v sv="$sv" '
	$2 == "start" { exe[$1] = NF > 3 ? "" : $3; seen[$1] = 1 }
	$2 == "untraced" { untr[$1] = 1; seen[$1] = 1 }
	$2 == "report" { rep[$1] = 1; seen[$1] = 1 }
	$2 == "leak" { for (i = 0; i < 4; i++) {
		b = $(5 + 2 * i); n = $(6 + 2 * i)
		if (i >= 2 && sn != sv && n > 0 && b == n * sn)
			b = n * sv
		t[$1, i] += b } }
	END { for (p in seen) {
		# a forked child that executed nothing (its start
		# record names its parent)
		if (exe[p] == "")
			exe[p] = "fork"
		if (rep[p] && !untr[p])
			printf "%s %s %d %d %d %d\n", p, exe[p], t[p, 0],
			    t[p, 1], t[p, 2], t[p, 3]
		else
			printf "%s %s - - - -\n", p, exe[p] } }' | sort -n
}

# number FILE: "PROGRAM#K ..." for each line of FILE, K the line's
# order among those of the same program.
number() {
	awk '{ b = $2; sub(/.*\//, "", b); k[b]++
	    $1 = b "#" k[b]; $2 = ""; print }' "$1" | tr -s ' '
}

# Differences of kind that the sums below do not see, and why:
#   xz-T2 (and memcached, whose DTVs are those of its nine threads):
#   valgrind has the DTVs of xz's two threads (calloc in
#   allocate_dtv, from pthread_create) possibly lost, reached only
#   through the pointer to their second entry in the thread's control
#   block; mdtrace holds blocks the dynamic linker allocated as roots
#   (mdtrace(1), LEAK KINDS, as LeakSanitizer does) and has them
#   reachable.  Each is 16 bytes longer under mdtrace (288 against
#   272): libmdtrace.so has a TLS segment, one module more in the
#   vector.
#
# kept VP VR MP MR: mdtrace's possible plus reachable bytes are within
# 2% of valgrind's (0 only for 0); numbers all.
kept() {
	awk -v vp="$1" -v vr="$2" -v mp="$3" -v mr="$4" 'BEGIN {
	    if ((vp vr mp mr) !~ /^[0-9]+$/) exit 1
	    a = vp + vr; d = a - mp - mr; if (d < 0) d = -d
	    exit !(d * 50 <= a) }'
}

printf '%-13s %-12s %s\n' program process \
    'valgrind: definite indirect possible reachable | mdtrace: the same' \
    >"$out/table"
{
	check labels cmp -s "$out/labels.plain" "$out/labels.md"
	for label in $(cat "$out/labels.plain"); do
		d=$out/$label
		check "$label/status" cmp -s "$d/plain.status" "$d/md.status"
		check "$label/stdout" cmp -s "$d/plain.out" "$d/md.out"
		check "$label/stderr" cmp -s "$d/plain.err" "$d/md.err"
		vg_procs "$d/vg" >"$d/vg.procs"
		md_procs "$d/ktrace.out" >"$d/md.procs"
		number "$d/vg.procs" | sort >"$d/vg.num"
		number "$d/md.procs" | sort >"$d/md.num"
		check "$label/processes" test "$(awk '{ print $1 }' \
		    "$d/vg.num")" = "$(awk '{ print $1 }' "$d/md.num")"
		check "$label/reported" test -s "$d/md.num"
		join -a 1 -a 2 -e x -o 0,1.2,1.3,1.4,1.5,2.2,2.3,2.4,2.5 \
		    "$d/vg.num" "$d/md.num" >"$d/joined"
		while read -r proc vd vi vp vr md mi mp mr; do
			printf '%-13s %-12s %s %s %s %s | %s %s %s %s\n' \
			    "$label" "$proc" "$vd" "$vi" "$vp" "$vr" \
			    "$md" "$mi" "$mp" "$mr" >>"$out/table"
			check "$label/$proc/definite" test "$vd" = "$md"
			check "$label/$proc/indirect" test "$vi" = "$mi"
			check "$label/$proc/kept" kept "$vp" "$vr" "$mp" "$mr"
		done <"$d/joined"
	done
	# The checks while memcached ran: at least two snapshots of it.
	snaps=$(./mdump -T -o json -f "$out/memcached/ktrace.out" |
	    jq '[.processes[] | select(.command == "memcached") |
	    .snapshots | length] | max')
	check memcached/snapshots test "${snaps:-0}" -ge 2
} >>"$res"
plan
