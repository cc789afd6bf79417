#!/bin/sh
#
# features_cxx.sh: -C on a C++ program (tests/e2e/progs/features.cpp)
# built with g++ and with clang++ and traced by mdtrace.  The names
# expected come from nm and c++filt; the lines from marker comments.
# Without -C the linkage names are shown as recorded; with it, -k and
# suppressions match the demangled names too.

out=tests/out/features_cxx
name=features/cxx
. tests/e2e/check.sh.inc

# The checks of each compiler: without -C, then with it.
plain="nm filt mangled"
withC="demangled demangled-line template no-mangled keep keep-size supp
    supp-count folded new no-operator-new json"
big="finishes big-as-recorded many-demangled"
# Two compilers, and the names with many back-references.
plan $((2 * $(echo $plain $withC | wc -w) + $(echo $big | wc -w)))
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
command -v c++filt >/dev/null 2>&1 || skipall "missing c++filt"
rm -rf "$out"
mkdir -p "$out" || exit 1
top=$(pwd)
src=tests/e2e/progs/features.cpp
l_make=$(grep -n 'LEAK_MAKE' "$src" | cut -d: -f1)
l_tmpl=$(grep -n 'LEAK_TEMPLATE' "$src" | cut -d: -f1)
l_new=$(grep -n 'LEAK_NEW' "$src" | cut -d: -f1)

# each PREFIX VERDICT NAMES...: one line per name, "VERDICT" being
# "# skip REASON" or "(why)" after "ok" or "not ok".
each() {
	p=$1 v=$2
	shift 2
	for c; do
		case $v in
		"# skip"*) echo "ok $name/$p$c $v" ;;
		*) echo "not ok $name/$p$c $v" ;;
		esac
	done
}

# Does mdump have a demangler?  The build links one when the C++ runtime
# offers it (tools/probe.sh).
demangles=no
case $(sh tools/probe.sh cflags "${CC:-cc}") in
*HAVE_CXA_DEMANGLE*) demangles=yes ;;
esac

for cxx in g++ clang++; do
	n=$cxx
	if ! command -v $cxx >/dev/null 2>&1; then
		each "$n-" "# skip missing $cxx" $plain $withC
		continue
	fi
	prog=$top/$out/$n.prog
	# Without the leak check every block is a leak, as counted below.
	if ! $cxx -g -O0 -o "$prog" "$src" 2>"$out/$n.cc" ||
	    ! MDTRACE_LEAKCHECK=0 MALLOC_OPTIONS=DTTTT mdtrace/mdtrace \
	    -f "$out/$n.ktrace" "$prog" >"$out/$n.stdout" 2>&1; then
		each "$n-" "(cannot build or trace with $cxx)" $plain $withC
		continue
	fi
	# The mangled and demangled names, from nm and c++filt.
	m_make=$(nm "$prog" | awk '$3 ~ /Widget4make/ { print $3 }')
	m_tmpl=$(nm "$prog" | awk '$3 ~ /alloc_one/ { print $3 }')
	d_make=$(c++filt "$m_make")
	d_tmpl=$(c++filt "$m_tmpl")
	check "$n-nm" test -n "$m_make" -a -n "$m_tmpl"
	check "$n-filt" test "$d_make" = "shapes::Widget::make(int)"

	./mdump -f "$out/$n.ktrace" >"$out/$n.raw" 2>&1
	check "$n-mangled" grep -q "^ $m_make at .*features.cpp:$l_make\$" \
	    "$out/$n.raw"
	if [ $demangles = no ]; then
		each "$n-" "# skip no __cxa_demangle here" $withC
		continue
	fi
	./mdump -C -f "$out/$n.ktrace" >"$out/$n.C" 2>&1
	check "$n-demangled" grep -qF " $d_make at " "$out/$n.C"
	check "$n-demangled-line" grep -q "features.cpp:$l_make\$" "$out/$n.C"
	check "$n-template" grep -qF " $d_tmpl at " "$out/$n.C"
	check "$n-no-mangled" sh -c "! grep -q ' _Z[A-Za-z0-9_]* at ' $out/$n.C"
	# -k and suppressions see the demangled names.
	./mdump -C -k 'shapes::Widget::make' -f "$out/$n.ktrace" \
	    >"$out/$n.k" 2>&1
	check "$n-keep" test "$(grep -c '^Leak ' "$out/$n.k")" -eq 1
	check "$n-keep-size" grep -q '^Leak sum=100 count=1 avg=100$' "$out/$n.k"
	printf 'leak:alloc_one<long>\n' >"$out/$n.supp"
	./mdump -C -S "$out/$n.supp" -f "$out/$n.ktrace" >"$out/$n.S" 2>&1
	check "$n-supp" sh -c "! grep -qF ' $d_tmpl at ' $out/$n.S"
	check "$n-supp-count" grep -q '^Summary .* suppressed=1$' "$out/$n.S"
	./mdump -C -o folded -f "$out/$n.ktrace" >"$out/$n.folded" 2>&1
	check "$n-folded" grep -qF ";main;$d_make 100" "$out/$n.folded"
	./mdump -C -o json -f "$out/$n.ktrace" >"$out/$n.json" 2>&1
	# The tracer's operator new: frame 0 is the line that says new.
	grep -A 1 -x 'Leak sum=4 count=1 avg=4' "$out/$n.C" >"$out/$n.new"
	check "$n-new" grep -q "^ main at .*features.cpp:$l_new\$" "$out/$n.new"
	check "$n-no-operator-new" sh -c "! grep -qF '$(c++filt _Znwm)' $out/$n.C"
	check "$n-json" grep -qF "{\"function\": \"$d_make\", " "$out/$n.json"
done

# Names with many back-references, as a crafted object may hold: one
# whose demangling doubles 30 times (hundreds of megabytes) is shown as
# recorded, and quickly; one with 15 that expands modestly is demangled
# all the same, as c++filt does.  Each names a function of a small
# library made from assembly.
n=backrefs
if [ $demangles = no ]; then
	each "$n-" "# skip no __cxa_demangle here" $big
elif ! command -v gcc >/dev/null 2>&1; then
	each "$n-" "# skip missing gcc" $big
else
	big=$(cat fuzz/regress/demangle/pair-doubling-30)
	many=_Z1fSt4pairIiiES0_S0_S0_S0_S0_S0_S0_S0_S0_S0_S0_S0_S0_S0_
	{
		printf '\t.text\n'
		for f in "$big" "$many"; do
			printf '\t.globl %s\n\t.type %s, @function\n%s:\n' \
			    "$f" "$f" "$f"
			printf '\t.fill 16, 1, 0x90\n\t.size %s, 16\n' "$f"
		done
	} >"$out/$n.s"
	if gcc -shared -nostdlib -o "$out/$n.so" "$out/$n.s" \
	    2>"$out/$n.cc"; then
		addr() { nm "$out/$n.so" | awk -v f="$1" '$3 == f { print $1 }'; }
		printf 'layout lp64le\nstart\nproc 1 t\nobject 1 %s\n' \
		    "$top/$out/$n.so" >"$out/$n.desc"
		printf 'leak 10 1 0x%x@1\nleak 20 1 0x%x@1\n' \
		    $((0x$(addr "$big") + 4)) $((0x$(addr "$many") + 4)) \
		    >>"$out/$n.desc"
		tests/tracegen -o "$out/$n.ktrace" "$out/$n.desc"
		timeout 30 ./mdump -C -r -f "$out/$n.ktrace" >"$out/$n.C" 2>&1
		check "$n-finishes" test $? = 0
		check "$n-big-as-recorded" grep -qF " $big at ??:0" "$out/$n.C"
		check "$n-many-demangled" grep -qF \
		    " $(c++filt "$many") at ??:0" "$out/$n.C"
	else
		each "$n-" "(does not build: $(head -n 1 "$out/$n.cc"))" $big
	fi
fi
exit 0
