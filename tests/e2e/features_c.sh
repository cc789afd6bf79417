#!/bin/sh
#
# features_c.sh: suppressions (-S) by function name and by source file,
# the shipped suppress/libc.supp, focus (-k, -n), the summary line, -x,
# and comparison with a baseline (-b) built in another directory (-P),
# on a small C program (tests/e2e/progs/features.c) traced by mdtrace.
# Expected functions and lines come from the source (marker comments,
# grep -n) and from nm, not from mdump's output.

out=tests/out/features_c
name=features/c
. tests/e2e/check.sh.inc
plan 29
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
rm -rf "$out"
mkdir -p "$out/v1" "$out/v2" || exit 1
top=$(pwd)
src=tests/e2e/progs/features.c

# Build each version in a directory of its own, as two checkouts would,
# and trace it there, by its absolute path: the trace names objects by
# the path the program was run by, and the baseline's must lead to the
# old build when mdump reads it from elsewhere.  MDTRACE_LEAKCHECK=0:
# every block is a leak without kind, stdio's buffer too, as counted
# below (the kinds have tests of their own, kinds.sh).
build() {
	cp "$src" "$out/$1/features.c"
	(cd "$out/$1" && ${CC:-cc} -g -O0 $2 -o prog features.c) \
	    2>"$out/$1/cc" &&
	    (cd "$out/$1" && MDTRACE_LEAKCHECK=0 MALLOC_OPTIONS=DTTTT \
	    "$top/mdtrace/mdtrace" \
	    -f ktrace.out "$top/$out/$1/prog" >stdout 2>stderr)
}
if ! build v1 "" || ! build v2 -DCHANGED; then
	failall "cannot build or trace $src"
fi
l_a=$(grep -n 'LEAK_A' "$src" | cut -d: -f1)
l_b=$(grep -n 'LEAK_B' "$src" | cut -d: -f1)
l_new=$(grep -n 'LEAK_NEW' "$src" | cut -d: -f1)
for f in leak_a leak_b leak_new; do
	check "nm-$f" sh -c "nm $out/v2/prog | grep -q ' T $f\$'"
done
v1=$out/v1
v2=$out/v2

# md DIR ARGS...: mdump on DIR's trace, run in DIR.
md() {
	d=$1
	shift
	(cd "$d" && "$top/mdump" -e prog "$@")
}

# Without options: the three leaks of v1 and stdio's buffer.
md "$v1" >"$out/plain" 2>"$out/plain.err"
check plain-a grep -q "^ leak_a at .*/v1/features.c:$l_a\$" "$out/plain"
check plain-b grep -q "^ leak_b at .*/v1/features.c:$l_b\$" "$out/plain"
check plain-summary grep -q '^Summary leaks=3 bytes=[0-9]* allocations=3 suppressed=0$' \
    "$out/plain"

# Suppression by function name; -v counts what each line matched.
printf '%s\n' '# test' 'leak:leak_a' 'leak:^nothing_matches$' >"$out/fn.supp"
md "$v1" -v -S "$top/$out/fn.supp" >"$out/fn" 2>"$out/fn.err"
check supp-fn-gone sh -c "! grep -q '^ leak_a at' $out/fn"
check supp-fn-b grep -q "^ leak_b at .*features.c:$l_b\$" "$out/fn"
check supp-fn-count grep -q 'fn.supp:2: leak:leak_a matched 1 leaks, 100 bytes$' \
    "$out/fn.err"
check supp-fn-stale grep -q 'fn.supp:3: leak:^nothing_matches\$ matched 0 leaks' \
    "$out/fn.err"
check supp-fn-summary grep -q '^Summary leaks=2 .* suppressed=1$' "$out/fn"

# By source file, with the shipped file for the C library: nothing left,
# so -x exits 0; without the libc file stdio's buffer makes it 2.
printf 'leak:/features.c$\n' >"$out/file.supp"
md "$v1" -x -S "$top/$out/file.supp" -S "$top/suppress/libc.supp" \
    >"$out/file" 2>"$out/file.err"
check supp-file-x0 test $? -eq 0
check supp-file-summary grep -qx \
    'Summary leaks=0 bytes=0 allocations=0 suppressed=3' "$out/file"
md "$v1" -x -S "$top/$out/file.supp" >"$out/file2" 2>"$out/file2.err"
check supp-file-x2 test $? -eq 2
check supp-file-stdio grep -q 'suppressed=2$' "$out/file2"

# -k: only the leak with leak_b in its stack; -n 1: the largest.
md "$v2" -k leak_b >"$out/keep" 2>&1
check keep-b grep -q "^ leak_b at .*features.c:$l_b\$" "$out/keep"
check keep-only sh -c "! grep -q '^ leak_a at\|^ leak_new at' $out/keep"
# Two leaks: leak_b is called from two lines of main.
check keep-summary grep -q '^Summary leaks=2 bytes=400 allocations=2 suppressed=0 hidden=3$' \
    "$out/keep"
md "$v2" -n 1 -S "$top/suppress/libc.supp" >"$out/top" 2>&1
check top-new grep -q '^Leak sum=300 count=1 avg=300$' "$out/top"
check top-one test "$(grep -c '^Leak ' "$out/top")" -eq 1

# -b: v2 against v1.  Built in two directories, the file names differ
# and every stack is new, unless -P strips both directories.
md "$v2" -b "$top/$v1/ktrace.out" -P "$top/$v1" -P "$top/$v2" \
    -S "$top/suppress/libc.supp" -x >"$out/cmp" 2>"$out/cmp.err"
check cmp-x test $? -eq 2
check cmp-new grep -q "^ leak_new at features.c:$l_new\$" "$out/cmp"
check cmp-new-line grep -q '^Leak sum=300 count=1 avg=300 new$' "$out/cmp"
# Lines do not count: the baseline's leak_b (main calling it from one
# line) is used up by the first of v2's two, the second is the growth.
check cmp-grown grep -q '^Leak sum=200 count=1 avg=200 grown sum=+200 count=+1$' \
    "$out/cmp"
check cmp-grown-one test "$(grep -c '^ leak_b at' "$out/cmp")" -eq 1
check cmp-same-hidden sh -c "! grep -q '^ leak_a at' $out/cmp"
check cmp-summary grep -qx \
    'Summary leaks=2 bytes=500 allocations=2 suppressed=1 hidden=2' "$out/cmp"
md "$v2" -b "$top/$v1/ktrace.out" -S "$top/suppress/libc.supp" \
    >"$out/cmp-noP" 2>&1
check cmp-noP-all-new test "$(grep -c ' new$' "$out/cmp-noP")" -eq 4
md "$v1" -b "$top/$v2/ktrace.out" -P "$top/$v1" -P "$top/$v2" -x \
    >"$out/cmp-rev" 2>&1
check cmp-rev-fixed test $? -eq 0
exit 0
