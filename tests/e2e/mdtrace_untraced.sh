#!/bin/sh
#
# mdtrace_untraced.sh: no silent zeros.  A process the tracer could not
# see is shown by mdump as "Not traced" with the reason, never as a
# summary of no leaks, and -x fails on it: a static program and a
# set-user-ID one (the launcher notes them and runs them), a program
# run without LD_PRELOAD (env -u) or with its environment cleared, one
# executed by the raw system call or killed before its report (its
# start record without a report tells), one with an allocator of its
# own.  A failed exec leaves the process traced; a program that leaks
# nothing is still a summary of no leaks.

out=tests/out/mdtrace_untraced
name=mdtrace_untraced
progs=tests/e2e/progs
. tests/e2e/check.sh.inc
plan 28
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
rm -rf "$out"
mkdir -p "$out" || exit 1

build() {
	p=$1
	shift
	${CC:-cc} -g -O0 "$@" -o "$out/$p" "$progs/$p.c" 2>"$out/$p.cc" ||
	    echo "not ok $name/$p (does not compile: $(head -n 1 "$out/$p.cc"))"
}
build pathprog
build dropenv
build ownmalloc
build noleak
cp "$out/pathprog" "$out/suid"
${CC:-cc} -static -O0 -o "$out/static" "$progs/noleak.c" 2>"$out/static.cc" ||
    echo "not ok $name/static (does not link: $(head -n 1 "$out/static.cc"))"

# run NAME PROGRAM...: trace it into $out/NAME.kt; its stderr in NAME.err,
# mdump's report in NAME.txt, mdump -x's status in $xs and stderr in NAME.x.
run() {
	n=$1
	shift
	MALLOC_OPTIONS=D4 mdtrace/mdtrace -f "$out/$n.kt" "$@" \
	    >"$out/$n.out" 2>"$out/$n.err"
	rs=$?
	./mdump -f "$out/$n.kt" >"$out/$n.txt" 2>&1
	./mdump -x -f "$out/$n.kt" >/dev/null 2>"$out/$n.x"
	xs=$?
}

# untraced NAME REASON: the report says the process was not traced, and
# why, with no summary of no leaks, and -x fails saying so.
untraced() {
	check "$1-shown" grep -q "^Not traced: .*(pid [0-9]*): $2" "$out/$1.txt"
	check "$1-no-zero" sh -c "! grep -q '^Summary leaks=0 ' $out/$1.txt"
	check "$1-x" sh -c "test $xs -eq 2 &&
	    grep -q 'not traced: its leaks are unknown' $out/$1.x"
}

run static "$out/static"
check static-runs test "$rs" -eq 0
check static-said grep -q "static: not traced: statically linked" \
    "$out/static.err"
untraced static "statically linked"

# Set-user-ID for another user: the loader ignores LD_PRELOAD.  Root
# makes one; anyone else takes the system's own (run for --help only).
if [ "$(id -u)" = 0 ] && chown nobody "$out/suid" && chmod 4755 "$out/suid"
then
	suid=$out/suid
else
	suid=$(find /usr/bin /bin -maxdepth 1 -perm -4000 -user root \
	    2>/dev/null | head -n 1)
fi
run suid "$suid" --help
untraced suid "set-user-ID"

run envu env -u LD_PRELOAD "$out/pathprog"
untraced envu "LD_PRELOAD in its environment does not load the tracer"
check envu-program grep -q "^Not traced: .*/pathprog (pid" "$out/envu.txt"

run clearenv "$out/dropenv" "$out/pathprog"
untraced clearenv "LD_PRELOAD in its environment does not load the tracer"

run raw "$out/dropenv" -raw "$out/pathprog"
untraced raw "it ended without writing its report"

run killed sh -c 'kill -KILL $$'
untraced killed "it ended without writing its report"

run own "$out/ownmalloc"
untraced own "its malloc is not the tracer's"

# JSON: the process's reason, and the count of them.
./mdump -o json -f "$out/envu.kt" >"$out/envu.json" 2>&1
check envu-json sh -c "grep -q '\"untraced\": \"LD_PRELOAD in its' $out/envu.json &&
    grep -q '^  \"untraced\": 1\$' $out/envu.json"

# Traced and untraced processes in one trace: the summary counts both.
# (bash, which ends with exit(3); dash ends with _exit, so that its own
# image writes no report and is one more process not traced.)
run mixed bash -c "$out/pathprog; env -u LD_PRELOAD $out/pathprog; true"
check mixed-summary sh -c "grep -q '^Summary leaks=1 bytes=77 .* untraced=1\$' \
    $out/mixed.txt && grep -q '^Not traced: .*pathprog' $out/mixed.txt"

# A failed exec: the process goes on, traced, and reports.
run failed "$out/dropenv" /nonexistent/program
check failed-traced sh -c "grep -q '^Summary leaks=0 ' $out/failed.txt &&
    ! grep -q '^Not traced' $out/failed.txt && test $xs -eq 0"

# Nothing leaked, everything traced: a summary of no leaks, -x passes.
run noleak "$out/noleak"
check noleak-zero sh -c "grep -q '^Summary leaks=0 ' $out/noleak.txt &&
    ! grep -q '^Not traced' $out/noleak.txt && test $xs -eq 0"
