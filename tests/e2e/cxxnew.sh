#!/bin/sh
#
# cxxnew.sh: the tracer's operator new and delete (mdtrace/cxxnew.c).
# The oracle for behaviour is the C++ runtime itself: the program
# tests/e2e/progs/cxxnew.cpp prints what every variant does, on success
# and on failure (std::bad_alloc, nothrow NULL, new_handler calls), and
# must print the same under the tracer as without it.  Its leaks must
# start at the lines that say new (marker comments), with the sizes the
# source asks for.  And every operator new and delete the C++ runtime
# exports is interposed (nm), and the README's C++ example shows what
# mdtrace and mdump print for examples/entry.cpp (its frames in the
# program and in the C++ headers; the author checked them against
# valgrind).

out=tests/out/cxxnew
name=cxxnew
. tests/e2e/check.sh.inc
plan 12
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
for t in g++ clang++ c++ nm; do
	command -v $t >/dev/null 2>&1 || skipall "missing $t"
done
rm -rf "$out"
mkdir -p "$out"
top=$(pwd)
src=tests/e2e/progs/cxxnew.cpp

# The leak whose size is $2 starts at the line marked $3 in $1.
leak_at() {
	l=$(grep -n "$3" "$src" | cut -d: -f1)
	grep -A 1 -x "Leak sum=$2 count=1 avg=$2" "$1" |
	    grep -q "^ main at .*cxxnew.cpp:$l\$"
}

for cxx in g++ clang++; do
	n=$cxx
	prog=$out/$n.prog
	if ! $cxx -std=c++17 -fsized-deallocation -g -O1 -o "$prog" "$src" \
	    2>"$out/$n.cc"; then
		for t in same plain array aligned no-nothrow; do
			echo "not ok $name/$n-$t (does not build:" \
			    "$(head -n 1 "$out/$n.cc"))"
		done
		continue
	fi
	"$prog" >"$out/$n.plain.stdout" 2>&1
	# Every block a leak without kind: the program keeps some.
	MDTRACE_LEAKCHECK=0 MALLOC_OPTIONS=D8 mdtrace/mdtrace \
	    -f "$out/$n.ktrace" "$prog" >"$out/$n.traced.stdout" 2>&1
	check "$n-same" cmp -s "$out/$n.plain.stdout" "$out/$n.traced.stdout"
	./mdump -f "$out/$n.ktrace" >"$out/$n.report" 2>&1
	check "$n-plain" leak_at "$out/$n.report" 4 LEAK_PLAIN
	check "$n-array" leak_at "$out/$n.report" 40 LEAK_ARRAY
	check "$n-aligned" leak_at "$out/$n.report" 128 LEAK_ALIGNED
	# Freed with delete: no leak of the nothrow new's 4 bytes twice.
	check "$n-no-nothrow" test "$(grep -c -x 'Leak sum=4 count=1 avg=4' \
	    "$out/$n.report")" = 1
done

# The runtime's exported operators, as a sorted list of names.
ops() {
	nm -D --defined-only "$1" | awk '{ sub(/@.*/, "", $3); print $3 }' |
	    grep -E '^_Z(n[wa]|d[la])' | sort -u
}
std=$(g++ -print-file-name=libstdc++.so)
ops "$std" >"$out/runtime.ops"
ops mdtrace/libmdtrace.so >"$out/mdtrace.ops"
check variants sh -c "test -s $out/runtime.ops &&
    cmp -s $out/runtime.ops $out/mdtrace.ops"

# The README's example, run as it says; the lines of the program and of
# the headers must be the README's.
frames() {
	grep -E '^(Leak |.* at (examples/entry\.cpp|bits/))' "$1"
}
if c++ -g -o "$out/prog" examples/entry.cpp 2>"$out/entry.cc" &&
    (cd "$out" && MALLOC_OPTIONS=D8 "$top/mdtrace/mdtrace" ./prog &&
    "$top/mdump" -C -P "$top/" -P /usr/include/c++/12/ >entry.report \
    2>&1); then
	sed -n '/^\$ c++ -g -o prog examples\/entry.cpp/,/^Summary/p' README.md \
	    >"$out/entry.readme"
	frames "$out/entry.readme" >"$out/entry.want"
	frames "$out/entry.report" >"$out/entry.got"
	check readme sh -c "test -s $out/entry.want &&
	    cmp -s $out/entry.want $out/entry.got"
else
	echo "not ok $name/readme (cannot build or trace examples/entry.cpp)"
fi
