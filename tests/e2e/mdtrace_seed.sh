#!/bin/sh
#
# mdtrace_seed.sh: the original mdump's example program (examples/x.c)
# under mdtrace, read by mdump: experimental records (DTTTT) in text and
# JSON, -r giving the original mdump's raw line of main, the in-tree
# text format (D4), the deeper-stack extension (D16), and D without T
# (no frames).
# Expected lines come from the source, not from mdump's output.

out=tests/out/mdtrace_seed
name=mdtrace/seed
. tests/e2e/check.sh.inc
# Three modes of nine checks, the default view two, -r, JSON five,
# stdio kept one, D alone three.
plan 39
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
mkdir -p "$out" || exit 1
. tests/e2e/demo.sh.inc
prog=$out/a.out
if ! demo_build "$prog"; then
	failall "cannot compile $demo_src"
fi
# Lines of the source: the two leaking calls in f() and the call of f().
l_malloc=$demo_l13
l_realloc=$demo_l14
l_call=$demo_lcall
l_loop=$((l_call - 1))	# the raw return address lands here

run() {
	MALLOC_OPTIONS=$1 mdtrace/mdtrace -f "$out/$2.ktrace" "$prog" \
	    >"$out/$2.stdout" 2>"$out/$2.stderr" &&
	    ./mdump -f "$out/$2.ktrace" -e "$prog" $3 >"$out/$2.report" \
	    2>"$out/$2.err"
}

# -a: the reachable block (p, a global) is shown with the lost ones.
for mode in DTTTT D4 D16; do
	if ! run "$mode" "$mode" "-a"; then
		echo "not ok $name/$mode (run failed: $(head -n 1 \
		    "$out/$mode.err"))"
		continue
	fi
	r=$out/$mode.report
	check "$mode-stdout" grep -qx done "$out/$mode.stdout"
	check "$mode-leak13" leak_at "$r" 40960 10 0 f "x.c:$l_malloc"
	check "$mode-leak13-main" leak_at "$r" 40960 10 1 main "x.c:$l_call"
	check "$mode-leak14" leak_at "$r" 8192 1 0 f "x.c:$l_realloc"
	check "$mode-leak14-main" leak_at "$r" 8192 1 1 main "x.c:$l_call"
	# s[0] of each call of f() is dropped; p still points to its block.
	check "$mode-kind13" grep -qx \
	    'Leak sum=40960 count=10 avg=4096 kind=definite' "$r"
	check "$mode-kind14" grep -qx \
	    'Leak sum=8192 count=1 avg=8192 kind=reachable' "$r"
	# The 100-byte block was reallocated: no leak of it may remain.
	check "$mode-no100" sh -c "! grep -q 'sum=100 ' $r"
	# glibc's stdout buffer, allocated inside libc, is freed by
	# __libc_freeres before the report.
	check "$mode-nostdio" sh -c "! grep -q _IO_file_doallocate $r"
done

# Without -a the reachable block is left out, but the summary counts it.
./mdump -f "$out/DTTTT.ktrace" -e "$prog" >"$out/lost.report" 2>&1
check lost-only sh -c "! grep -q 'sum=8192 ' $out/lost.report"
check lost-summary grep -q \
    ' definite=40960/10 indirect=0/0 possible=0/0 reachable=8192/1$' \
    "$out/lost.report"

if run DTTTT raw -r; then
	check raw leak_at "$out/raw.report" 40960 10 1 main "x.c:$l_loop"
else
	echo "not ok $name/raw (run failed)"
fi

if ./mdump -o json -f "$out/DTTTT.ktrace" -e "$prog" >"$out/json" \
    2>"$out/json.err"; then
	check json-f grep -q "{\"function\": \"f\", \"file\": \"[^\"]*/x.c\", \
\"line\": $l_malloc}" "$out/json"
	check json-bytes grep -q '"bytes": 40960,' "$out/json"
	check json-count grep -q '"count": 10,' "$out/json"
	check json-kind grep -q '"kind": "definite",' "$out/json"
	if command -v python3 >/dev/null 2>&1; then
		check json-valid python3 -m json.tool "$out/json" /dev/null
	else
		echo "ok $name/json-valid # skip missing python3"
	fi
else
	echo "not ok $name/json (mdump failed)"
fi

# Without __libc_freeres, glibc's stdout buffer stays (reachable).
if MDTRACE_FREERES=0 run DTTTT keepstdio "-a"; then
	check keepstdio grep -q '_IO_file_doallocate' "$out/keepstdio.report"
else
	echo "not ok $name/keepstdio (run failed)"
fi

# D alone: the experimental format records no callers, so the leaks
# have no frames and fall together by kind: 10 blocks of f() lost, 1 of f() and stdout's
# buffer reachable.
if MDTRACE_FREERES=0 run D noframes "-a"; then
	check noframes-lost grep -qx \
	    'Leak sum=40960 count=10 avg=4096 kind=definite' \
	    "$out/noframes.report"
	check noframes-reachable grep -q \
	    '^Leak sum=[0-9]* count=2 avg=[0-9]* kind=reachable$' \
	    "$out/noframes.report"
	check noframes-none sh -c "! grep -v '^  held by ' \
	    $out/noframes.report | grep -q ' at '"
else
	echo "not ok $name/noframes (run failed)"
fi
exit 0
