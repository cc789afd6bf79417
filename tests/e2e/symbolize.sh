#!/bin/sh
#
# symbolize.sh: mdump's frames against llvm-symbolizer, end to end.
#
# Compiles the program in tests/e2e/symsrc with gcc and clang, -O0 and
# -O2, DWARF 2, 4 and 5, PIE and not, as a shared library, with
# compressed debug sections, with a separate debug file, with split
# DWARF (.dwo), compressed by dwz, and for foreign OpenBSD targets
# (32-bit and big-endian, lld, -nostdlib).  For each
# build it samples addresses inside every function, writes a trace in the
# in-tree text format with one single-frame leak per address, runs
# "mdump -r", and compares every frame's whole inline chain (function,
# file, line) with "llvm-symbolizer --inlining" on the same addresses.
# Innermost locations must agree on 99.5% of frames, whole chains on 99%.
#
# Known differences, and why they may remain:
# - GCC's clones (walk.constprop.0, f.isra.0, f.part.0, f.cold): for the
#   outermost function llvm-symbolizer prints the ELF symbol's name,
#   while GNU addr2line and eu-addr2line print the DWARF name ("walk"),
#   as mdump does.  The clone suffix is taken off llvm-symbolizer's names
#   before comparing.
# A build's rate below 100% prints its first disagreements on stderr.
#
# Prints the plan, then one result per build (a compiler or tool that
# is missing skips each build it would have made).

out=tests/out/symbolize
src=tests/e2e/symsrc
rm -rf "$out"
mkdir -p "$out" || exit 1
SYM=${LLVM_SYMBOLIZER:-llvm-symbolizer}

# 2 compilers x (12 builds + shared), zlib, debuglink, split 4 + missing,
# dwz 9, foreign 5.
echo 1..47
if ! command -v "$SYM" >/dev/null 2>&1; then
	i=0
	while [ $i -lt 47 ]; do
		i=$((i + 1))
		echo "ok symbolize/$i # skip missing llvm-symbolizer ($SYM)"
	done
	exit 0
fi

# Frames of each build, step between sampled bytes.
STEP=${SYM_STEP:-3}

# offsets BIN: sampled addresses inside functions, as "vma offset" lines;
# for ET_EXEC the trace offset is relative to the lowest PT_LOAD page.
offsets() {
	base=0
	if readelf -h "$1" 2>/dev/null | grep -q 'Type:.*EXEC'; then
		base=$(readelf -lW "$1" | awk '$1 == "LOAD" {
			print $3; exit }')
	fi
	nm -S --defined-only "$1" 2>/dev/null | awk -v base="$base" \
	    -v step="$STEP" '
	function hex(s,    i, v) {
		s = tolower(s)
		sub(/^0x/, "", s)
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { b = hex(base); b -= b % 4096 }
	NF == 4 && ($3 == "T" || $3 == "t") {
		a = hex($1); n = hex($2)
		for (o = 1; o < n; o += step)
			printf "0x%x 0x%x\n", a + o, a + o - b
	}'
}

# mktrace BIN OBJECTNAME: the trace of one leak per sampled address.
mktrace() {
	awk -v obj="$2" '
	BEGIN { print "layout lp64le"; print "start"; print "proc 1 t" }
	{
		printf "text %18s %7d %6d %6d addr2line -e %s %s\\n\n", \
		    $1, NR, 1, NR, obj, $2
	}' "$out/$1.addr" >"$out/$1.desc"
	tests/tracegen -o "$out/$1.trace" "$out/$1.desc"
}

# Normalize mdump's text report to "function|file|line" per location,
# "#" between frames.
norm_mdump() {
	awk '
	/^Leak / { if (n++) print "#"; next }
	/^ \(?/ {
		s = $0
		sub(/^ +(\(inlined by\) )?/, "", s)
		sub(/ \([^()]*\+0x[0-9a-f]+\)$/, "", s)
		i = index(s, " at ")
		f = substr(s, 1, i - 1); w = substr(s, i + 4)
		j = match(w, /:[0-9]+$/)
		print f "|" substr(w, 1, j - 1) "|" substr(w, j + 1)
	}
	END { if (n) print "#" }'
}

# The same from llvm-symbolizer's pairs of lines, blank between frames.
norm_llvm() {
	awk '
	/^$/ { print "#"; next }
	{ f = $0; getline w
	  sub(/\.(constprop|isra|part|cold|lto_priv)(\.[0-9]+)*$/, "", f)
	  j = match(w, /:[0-9]+:[0-9]+$/)
	  if (j == 0) j = match(w, /:[0-9]+$/)
	  l = substr(w, j + 1); sub(/:.*/, "", l)
	  print f "|" substr(w, 1, j - 1) "|" l }'
}

# compare NAME: rates of agreement; one ok/not ok line.
compare() {
	./mdump -r -f "$out/$1.trace" 2>"$out/$1.err" | norm_mdump \
	    >"$out/$1.mdump"
	awk '{ print $1 }' "$out/$1.addr" |
	    "$SYM" --inlining --obj="$out/$1.bin" | norm_llvm \
	    >"$out/$1.llvm"
	awk -v name="$1" '
	function flush(which) {
		return which
	}
	FNR == 1 { file++ }
	file == 1 { a[na] = a[na] (a[na] == "" ? "" : "\n") $0
		    if ($0 == "#") na++; next }
	file == 2 { b[nb] = b[nb] (b[nb] == "" ? "" : "\n") $0
		    if ($0 == "#") nb++; next }
	END {
		if (na != nb || na == 0) {
			printf "not ok symbolize/%s (%d frames from mdump, " \
			    "%d from llvm-symbolizer)\n", name, na, nb
			exit
		}
		for (i = 0; i < na; i++) {
			split(a[i], x, "\n"); split(b[i], y, "\n")
			if (x[1] == y[1]) inner++
			if (a[i] == b[i]) whole++
			else if (shown++ < 3)
				printf "# %s frame %d:\n#  mdump %s\n#  llvm  %s\n",
				    name, i, a[i], b[i] > "/dev/stderr"
		}
		ri = 100 * inner / na; rw = 100 * whole / na
		if (ri >= 99.5 && rw >= 99)
			printf "ok symbolize/%s (%d frames, %.2f%% innermost, " \
			    "%.2f%% chains)\n", name, na, ri, rw
		else
			printf "not ok symbolize/%s (%d frames, %.2f%% " \
			    "innermost, %.2f%% chains)\n", name, na, ri, rw
	}' "$out/$1.mdump" "$out/$1.llvm"
}

# build NAME CC FLAGS...: compile the program; "skip" if the compiler or
# target is missing here.
build() {
	name=$1
	cc=$2
	shift 2
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "ok symbolize/$name # skip missing $cc"
		return 1
	fi
	if ! $cc "$@" -o "$out/$name.bin" "$src/main.c" "$src/util.c" \
	    2>"$out/$name.cc"; then
		echo "not ok symbolize/$name (does not build:" \
		    "$(head -n 1 "$out/$name.cc"))"
		return 1
	fi
}

# check NAME: sample, trace, compare, with the binary as the object.
check() {
	offsets "$out/$1.bin" >"$out/$1.addr"
	mktrace "$1" "$out/$1.bin"
	compare "$1"
}

for cc in gcc clang; do
	for opt in O0 O2; do
		for dw in 2 4 5; do
			for pie in pie no-pie; do
				n=$cc-$opt-dwarf$dw-$pie
				build "$n" $cc -$opt -gdwarf-$dw -f$pie -$pie \
				    -DFREESTANDING -nostdlib -static &&
				    check "$n"
			done
		done
	done
	n=$cc-O2-shared
	build "$n" $cc -O2 -g -fPIC -shared -DFREESTANDING -nostdlib &&
	    check "$n"
done

# Compressed debug sections (zlib), as the linker writes them.
n=gcc-O2-zlib
build "$n" gcc -O2 -g -Wl,--compress-debug-sections=zlib -DFREESTANDING \
    -nostdlib -static && check "$n"

# A separate debug file found through .gnu_debuglink next to the object.
n=gcc-O2-debuglink
if build "$n" gcc -O2 -g -DFREESTANDING -nostdlib -static; then
	objcopy --only-keep-debug "$out/$n.bin" "$out/$n.debug" &&
	    cp "$out/$n.bin" "$out/$n.full" &&
	    objcopy --strip-debug --add-gnu-debuglink="$out/$n.debug" \
	    "$out/$n.bin"
	offsets "$out/$n.full" >"$out/$n.addr"
	mktrace "$n" "$out/$n.bin"
	# The oracle reads the same debug information from the full file.
	mv "$out/$n.bin" "$out/$n.stripped"
	cp "$out/$n.full" "$out/$n.bin"
	sed "s,$out/$n.bin,$out/$n.stripped," "$out/$n.desc" >"$out/$n.d2"
	tests/tracegen -o "$out/$n.trace" "$out/$n.d2"
	compare "$n"
fi

# Split DWARF: the functions and inline trees in .dwo files beside the
# objects, which the skeleton units in the binary name (DWARF 5, and the
# GNU extension before it); the lines stay in the binary.  Each file is
# compiled on its own, so each .dwo lands beside its object.
for cc in gcc clang; do
	for dw in 4 5; do
		n=$cc-O2-dwarf$dw-split
		if ! command -v $cc >/dev/null 2>&1; then
			echo "ok symbolize/$n # skip missing $cc"
			continue
		fi
		for f in main util; do
			$cc -O2 -gdwarf-$dw -gsplit-dwarf -DFREESTANDING -c \
			    -o "$out/$n-$f.o" "$src/$f.c" 2>>"$out/$n.cc"
		done
		if ! $cc -nostdlib -static -o "$out/$n.bin" "$out/$n-main.o" \
		    "$out/$n-util.o" 2>>"$out/$n.cc" ||
		    [ ! -f "$out/$n-util.dwo" ]; then
			echo "not ok symbolize/$n (does not build:" \
			    "$(head -n 1 "$out/$n.cc"))"
			continue
		fi
		check "$n"
	done
done
# Without one of the .dwo files, its functions come from the symbol
# table, and mdump says so once; each frame's innermost file and line
# still agree.
firstloc() {
	awk -F'|' 'BEGIN { f = 1 } $1 == "#" { f = 1; next }
	    f { print $2 "|" $3; f = 0 }' "$@"
}
n=gcc-O2-dwarf5-split
if [ -f "$out/$n-util.dwo" ]; then
	mv "$out/$n-util.dwo" "$out/$n-util.gone"
	./mdump -v -r -f "$out/$n.trace" 2>"$out/$n.gone.err" | norm_mdump |
	    firstloc >"$out/$n.gone"
	firstloc "$out/$n.llvm" >"$out/$n.gone.want"
	w=$(grep -c "split DWARF file .*-util.dwo not found" "$out/$n.gone.err")
	if [ "$w" != 1 ]; then
		echo "not ok symbolize/$n-missing ($w warnings)"
	elif ! cmp -s "$out/$n.gone" "$out/$n.gone.want"; then
		echo "not ok symbolize/$n-missing (lines differ:" \
		    "diff $out/$n.gone.want $out/$n.gone)"
	else
		echo "ok symbolize/$n-missing"
	fi
else
	echo "not ok symbolize/$n-missing (no $n build)"
fi

# dwz, as Debian makes its debug packages: with -m, what two programs
# share (types, and the abstract DIEs that name inline functions) moves
# to a common file that .gnu_debugaltlink names, reached through the
# forms GNU_strp_alt and GNU_ref_alt; without it, to partial units in
# the object itself; with -m --dwarf-5 the common file is a DWARF 5
# supplementary file (.debug_sup, forms strp_sup and ref_sup4).  dwz
# moves no code, so the oracle reads the build from before dwz.  gcc
# names the common file relative to the objects, clang absolutely.  (dwz 0.15 cannot read clang's DWARF 5.)
# dwzcheck NAME FILE: compare mdump on FILE, dwz'd, with the oracle on
# the original NAME.bin.
dwzcheck() {
	offsets "$out/$1.bin" >"$out/$1.addr"
	mktrace "$1" "$2"
	compare "$1"
}
if ! command -v dwz >/dev/null 2>&1; then
	for n in gcc-O2-dwz-m gcc-O0-dwz-m clang-O2-dwz-m clang-O0-dwz-m \
	    gcc-O2-dwz--dwarf-5 gcc-O0-dwz--dwarf-5 gcc-O2-dwz \
	    gcc-O2-dwz-m-missing gcc-O2-dwz-m-build-id; do
		echo "ok symbolize/$n # skip missing dwz"
	done
else
	# CC DWARF-VERSION DWZ-OPTION: the common file by .gnu_debugaltlink,
	# or with --dwarf-5 by .debug_sup.  Absolute source paths give dwz
	# enough to share that it does not decline the work as too small.
	relsrc=$src
	src=$(pwd)/$src
	for v in "gcc 4 -m" "clang 4 -m" "gcc 5 --dwarf-5"; do
		set -- $v
		cc=$1
		a=$cc-O2-dwz$3
		b=$cc-O0-dwz$3
		c=$cc$3-common.debug
		build "$a" $cc -O2 -gdwarf-$2 -DFREESTANDING -nostdlib \
		    -static && build "$b" $cc -O0 -gdwarf-$2 -DFREESTANDING \
		    -nostdlib -static || continue
		cp "$out/$a.bin" "$out/$a.dwz"
		cp "$out/$b.bin" "$out/$b.dwz"
		m=$c
		[ $cc = gcc ] || m=$(pwd)/$out/$c
		opt=
		[ "$3" = -m ] || opt=$3
		if ! (cd "$out" && dwz $opt -m "$c" -M "$m" "$a.dwz" \
		    "$b.dwz") >"$out/$a.dwzlog" 2>&1 ||
		    ! readelf -S "$out/$a.dwz" |
		    grep -Eq '.gnu_debugaltlink|.debug_sup'
		then
			echo "not ok symbolize/$a (dwz made no common file:" \
			    "$(head -n 1 "$out/$a.dwzlog"))"
			continue
		fi
		dwzcheck "$a" "$out/$a.dwz"
		dwzcheck "$b" "$out/$b.dwz"
	done
	src=$relsrc
	n=gcc-O2-dwz
	if build "$n" gcc -O2 -gdwarf-5 -DFREESTANDING -nostdlib -static; then
		cp "$out/$n.bin" "$out/$n.dwz"
		dwz "$out/$n.dwz" 2>"$out/$n.dwzlog"
		dwzcheck "$n" "$out/$n.dwz"
	fi
	# Without the common file, what it held is unknown (the names of
	# inline functions, the compilation directory), and mdump says so
	# once; the chains keep their shape, and every line and file name
	# still agrees with the oracle.
	n=gcc-O2-dwz-m
	if [ -f "$out/$n.dwz" ] && [ -f "$out/gcc-m-common.debug" ]; then
		mv "$out/gcc-m-common.debug" "$out/gcc-common.gone"
		./mdump -v -r -f "$out/$n.trace" 2>"$out/$n.gone.err" |
		    norm_mdump >"$out/$n.gone.raw"
		tail1='s,^[^|#]*|\([^|]*/\)*,,'
		sed "$tail1" "$out/$n.gone.raw" >"$out/$n.gone"
		sed "$tail1" "$out/$n.llvm" >"$out/$n.gone.want"
		w=$(grep -c 'dwz common file (.* not found' \
		    "$out/$n.gone.err")
		if [ "$w" != 1 ]; then
			echo "not ok symbolize/$n-missing ($w warnings)"
		elif ! cmp -s "$out/$n.gone" "$out/$n.gone.want"; then
			echo "not ok symbolize/$n-missing (lines differ:" \
			    "diff $out/$n.gone.want $out/$n.gone)"
		elif ! grep -q '^??|' "$out/$n.gone.raw"; then
			echo "not ok symbolize/$n-missing (names were found)"
		else
			echo "ok symbolize/$n-missing"
		fi
		# Found by its build-id under the debug root instead.
		id=$(readelf -n "$out/gcc-common.gone" |
		    sed -n 's/.*Build ID: *//p')
		r=$out/root/.build-id/$(echo "$id" | cut -c1-2)
		mkdir -p "$r"
		mv "$out/gcc-common.gone" "$r/$(echo "$id" | cut -c3-).debug"
		MDUMP_DEBUG_ROOT=$(pwd)/$out/root
		export MDUMP_DEBUG_ROOT
		for x in bin addr trace; do
			cp "$out/$n.$x" "$out/$n-build-id.$x"
		done
		compare "$n-build-id"
		unset MDUMP_DEBUG_ROOT
	fi
fi

# Foreign OpenBSD targets: 32-bit, big-endian; OpenBSD's clang defaults
# to DWARF 2, so that is what these get too.
for t in i386 sparc64 powerpc armv7 aarch64; do
	n=openbsd-$t
	if ! command -v ld.lld >/dev/null 2>&1; then
		echo "ok symbolize/$n # skip missing ld.lld"
		continue
	fi
	build "$n" clang --target=$t-unknown-openbsd -O2 -gdwarf-2 \
	    -ffreestanding -fno-stack-protector -nostdlib -static -fuse-ld=lld \
	    -DFREESTANDING &&
	    check "$n"
done
