#!/bin/sh
#
# oracle.sh: mdtrace's stacks against valgrind's.  Programs built as
# distributions build them (C at -O2, C++ at -O1, without frame
# pointers; tests/e2e/oracle/), once with gcc and once with clang (with
# DWARF 4: valgrind 3.19 does not read the inlined calls in clang's
# DWARF 5), leak through the C library (strdup, strndup, getline,
# asprintf, realpath, a qsort callback), through a chain of calls,
# from a thread, from a dlopened library that calls back (dlclose, then
# another library loaded at the same address), from a signal handler,
# below a recursion deeper than the recorded depth, from a child forked
# by a thread and from a program started by exec; the C++ one through
# new, new[], std::string, std::vector, std::map and std::make_shared.
#
# Each runs under
#   valgrind --leak-check=full --show-leak-kinds=all --xml=yes
# (following forks and exec) and under mdtrace with MALLOC_OPTIONS=D16,
# whose trace mdump turns into JSON.  tests/e2e/oracle/stacks.awk puts
# both in one shape: the first $depth physical frames, allocator frames
# dropped on both sides, each inline location by function, file and
# line (see there for the rules).  For every valgrind loss record whose
# compared frames reach the test's own code, mdump must have leaks
# with the same stack and, all processes together, the same bytes and
# blocks: one result per distinct stack, named by its first own
# location.  Conversely no mdump stack that reaches the test's code may
# be missing from valgrind's (one result per program).  One exception:
# the dynamic loader's thread vector (TLS) has one slot per object with
# thread-local storage, and the tracer is one more such object than
# valgrind's preload, so there only the blocks are compared.
#
# Then each marker comment ("ORACLE:" and a name) in the sources must
# be a frame of some compared stack (so no case silently vanishes), the
# libraries loaded one after the other must have shared an address, and
# with the experimental records too both must be named.
#
# ORACLE_UNWIND sets MDTRACE_UNWIND for the traced runs (default: unset,
# mdtrace's own default unwinder; ORACLE_UNWIND=dwarf runs libgcc's).
#
# Prints a plan line "1..N" last.

base=tests/out/oracle
name=oracle
src=tests/e2e/oracle
depth=6
unwind=${ORACLE_UNWIND-}
nres=0

result() {
	echo "$*"
	nres=$((nres + 1))
}

skip1() {
	echo "ok $name/all # skip $1"
	echo "1..1"
	exit 0
}

if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skip1 "mdtrace is built on Linux only"
fi
command -v valgrind >/dev/null 2>&1 || skip1 "missing valgrind"
rm -rf "$base"

# build CC CXX G: the programs and libraries, G the debug flags.
build() {
	f="-O2 -fomit-frame-pointer $3"
	$1 $f -pthread -o "$out/leaks" "$src/leaks.c" -ldl \
	    2>"$out/build.log" &&
	    $1 $f -fPIC -shared -DPLUG=a -o "$out/libplug_a.so" \
	    "$src/plug.c" 2>>"$out/build.log" &&
	    $1 $f -fPIC -shared -DPLUG=b -o "$out/libplug_b.so" \
	    "$src/plug.c" 2>>"$out/build.log" &&
	    $2 -O1 -fomit-frame-pointer $3 -o "$out/leakspp" \
	    "$src/leaks.cpp" 2>>"$out/build.log"
}

own="leaks leakspp libplug_a.so libplug_b.so"
srcs="leaks.c leaks.cpp plug.c"

# run PROG: valgrind's XML (one file a process) and mdump's JSON.
run() {
	valgrind -q --leak-check=full --show-leak-kinds=all \
	    --num-callers=24 --show-below-main=yes \
	    --run-libc-freeres=no --run-cxx-freeres=no \
	    --trace-children=yes --child-silent-after-fork=no \
	    --keep-debuginfo=yes --xml=yes \
	    --xml-file="$out/$1.vg.%p.xml" "$out/$1" 2>"$out/$1.vg.log"
	# Neither frees the runtimes' buffers (valgrind's options above);
	# every kind of leak is compared (-a).
	MDTRACE_FREERES=0 MDTRACE_UNWIND=$unwind MALLOC_OPTIONS=D16 \
	    mdtrace/mdtrace -f "$out/$1.ktrace" "$out/$1" \
	    2>"$out/$1.mdtrace.log"
	./mdump -a -C -o json -f "$out/$1.ktrace" >"$out/$1.json" \
	    2>"$out/$1.mdump.log"
}

# keys PROG SIDE FILES...: the stacks, summed over processes and over
# records of one key, as "BYTES BLOCKS<TAB>KEY<TAB>LABEL<TAB>TLS".
keys() {
	p=$1
	s=$2
	shift 2
	awk -v own="$own" -v srcs="$srcs" -v depth=$depth \
	    -f "$src/stacks.awk" "$@" |
	    awk -F '\t' '
		{ split($1, n, " "); b[$2] += n[1]; c[$2] += n[2]
		    l[$2] = $3; t[$2] = $4 }
		END { for (k in b)
		    print b[k] " " c[k] "\t" k "\t" l[k] "\t" t[k] }' |
	    sort >"$out/$p.$s"
}

# compare PROG: one result per valgrind stack.
compare() {
	awk -F '\t' -v name="$tag/$1" '
	NR == FNR { md[$2] = $1; next }
	{
		what = name "/" $3 (seen[$3]++ ? "#" seen[$3] : "")
		if (!($2 in md)) {
			print "not ok " what " (" $1 " bytes, blocks: no leak " \
			    "with this stack in mdump; valgrind: " $2 ")"
			next
		}
		split($1, v, " ")
		split(md[$2], m, " ")
		if (v[2] != m[2] || ($4 != "tls" && v[1] != m[1]))
			print "not ok " what " (valgrind " $1 ", mdump " \
			    md[$2] " bytes, blocks: " $2 ")"
		else
			print "ok " what
	}' "$out/$1.md" "$out/$1.vg"
}

# one_set SET CC CXX G: build with one compiler, run, compare.
one_set() {
	out=$base/$1
	tag=$name/$1
	mkdir -p "$out"
	if ! command -v "$2" >/dev/null 2>&1 ||
	    ! command -v "$3" >/dev/null 2>&1; then
		result "ok $tag/all # skip missing $2 or $3"
		return
	fi
	if ! build "$2" "$3" "$4"; then
		result "not ok $tag/build ($(head -n 1 "$out/build.log"))"
		return
	fi
	for p in leaks leakspp; do
		run $p
		keys $p vg "$out"/$p.vg.*.xml
		keys $p md "$out/$p.json"
		if [ ! -s "$out/$p.vg" ]; then
			result "not ok $tag/$p/records (valgrind found none;" \
			    "see $out/$p.vg.log)"
			continue
		fi
		compare $p >"$out/$p.results"
		# And no mdump stack reaching the test's code that valgrind lacks.
		awk -F '\t' -v name="$tag/$p/no-extra" '
		    NR == FNR { vg[$2] = 1; next }
		    $3 != "-" && !($2 in vg) { n++; if (n == 1) first = $2 }
		    END { if (n) print "not ok " name " (" n " stacks, e.g. " first ")"
			else print "ok " name }' "$out/$p.vg" "$out/$p.md" \
		    >>"$out/$p.results"
		while read -r line; do
			result "$line"
		done <"$out/$p.results"
	done

	# Every marker is a frame of a compared valgrind stack, at its line.
	for f in leaks.c plug.c leaks.cpp; do
		case $f in
		*.cpp) p=leakspp ;;
		*) p=leaks ;;
		esac
		grep -n 'ORACLE: [a-z0-9-]*' "$src/$f" |
		    sed 's/^\([0-9]*\):.*ORACLE: \([a-z0-9-]*\).*/\1 \2/' |
		    while read -r line marker; do
			if cut -f 2 "$out/$p.vg" | grep -qF "@$f:$line"; then
				echo "ok $tag/marker/$marker"
			else
				echo "not ok $tag/marker/$marker (no valgrind stack" \
				    "has $f:$line)"
			fi
		    done
	done >"$out/markers"
	while read -r line; do
		result "$line"
	done <"$out/markers"

	# The second library was loaded where the first had been, in the
	# traced run (the program says so).
	if grep -q 'plugs: same address' "$out/leaks.mdtrace.log"; then
		result "ok $tag/same-address"
	else
		result "not ok $tag/same-address (libplug_b.so was not loaded" \
		    "where libplug_a.so had been; see $out/leaks.mdtrace.log)"
	fi

	# The same in the experimental records (MALLOC_OPTIONS=DTTTT), where
	# objects are named by id: each library keeps its own.
	MDTRACE_FREERES=0 MDTRACE_UNWIND=$unwind MALLOC_OPTIONS=DTTTT \
	    mdtrace/mdtrace -f "$out/exp.ktrace" "$out/leaks" 2>/dev/null
	./mdump -a -f "$out/exp.ktrace" >"$out/exp.report" 2>&1
	if grep -q '^ plug_alloc_a at .*plug\.c:' "$out/exp.report" &&
	    grep -q '^ plug_alloc_b at .*plug\.c:' "$out/exp.report"; then
		result "ok $tag/same-address-exp"
	else
		result "not ok $tag/same-address-exp (plug_alloc_a or plug_alloc_b" \
		    "missing in $out/exp.report)"
	fi
}

one_set gcc gcc g++ -g
one_set clang clang clang++ "-g -gdwarf-4"
echo "1..$nres"
