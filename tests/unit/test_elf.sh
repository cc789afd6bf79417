#!/bin/sh
#
# test_elf.sh: tests of the ELF reader (src/elf.c), the separate debug
# file search (src/debugfile.c) and the symbolizer facade (src/sym.c).
#
# Binaries are compiled here (gcc and clang, PIE and -no-pie, a shared
# library, foreign OpenBSD targets with lld) and the driver elfcheck.c is
# compared with independent tools: nm for symbols, readelf for headers
# and notes, objcopy for compressed and separate debug sections, gzip for
# CRC32.  Damaged copies must fail cleanly (built with ASan+UBSan when
# the compiler has them, else run under valgrind when it is there).
#
# Prints the plan, then "ok elf/NAME", "not ok elf/NAME" or
# "ok elf/NAME # skip REASON" per check: a check that cannot run says
# so under its own name, so the count never depends on the machine.

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_elf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

CC=${CC:-cc}
WARN="-Wall -Wextra -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L"
MINE="elf.c debugfile.c sym.c debuginfod.c"

ok() { echo "ok elf/$1"; }
nok() { echo "not ok elf/$1${2:+ # $2}"; }
skip() { echo "ok elf/$1 # skip $2"; }
have() { command -v "$1" >/dev/null 2>&1; }
# skips REASON NAME...: and noks REASON NAME...: several at once.
skips() { r=$1; shift; for n; do skip "$n" "$r"; done; }
noks() { r=$1; shift; for n; do nok "$n" "$r"; done; }

SYM=${LLVM_SYMBOLIZER:-llvm-symbolizer}
# build, warnings 2, programs 2 x 10, foreign 5 x 3, facade 3, crc32,
# extended numbering, compressed 3, separate debug files 8, chains 18,
# damaged 2, sanitizers.
echo 1..75

# Hex to decimal and back through the shell's own arithmetic.
dec() { echo $((0x$1)); }

if have llvm-nm; then NM=llvm-nm; else NM=nm; fi

# --- Build the driver. -------------------------------------------------

echo 'int main(void){return 0;}' > "$tmp/s.c"
san=
vg=
if $CC -fsanitize=address,undefined "$tmp/s.c" -o "$tmp/s" 2>/dev/null &&
    "$tmp/s" 2>/dev/null; then
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
elif have valgrind; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full"
	vg="$vg --errors-for-leak-kinds=definite"
fi
printf '#include <zlib.h>\nint main(void){return !zlibVersion();}\n' \
    > "$tmp/z.c"
zdef= zlib=
if $CC "$tmp/z.c" -o "$tmp/z" -lz 2>/dev/null; then
	zdef=-DHAVE_ZLIB
	zlib=-lz
fi

srcs=
for f in $MINE buf.c xmalloc.c u64map.c; do srcs="$srcs $top/src/$f"; done
if $CC $WARN $san $zdef -g -I"$top/src" -o "$tmp/elfcheck" \
    "$top/tests/unit/elfcheck.c" $srcs "$top"/src/dwarf*.c $zlib \
    2>"$tmp/build.err"; then
	ok build
else
	nok build
	sed 's/^/# /' "$tmp/build.err"
	exit 1
fi
EC="$vg $tmp/elfcheck"
# Every report of the sanitizers, in any check, lands in these files.
ASAN_OPTIONS="log_path=$tmp/san:detect_leaks=1"
UBSAN_OPTIONS="log_path=$tmp/san:print_stacktrace=1"
export ASAN_OPTIONS UBSAN_OPTIONS

# Each of our files builds without a warning on both compilers.
for cc in gcc clang; do
	if ! have $cc; then
		skip "warnings-$cc" "missing $cc"
		continue
	fi
	bad=0
	for f in $MINE; do
		for z in "" -DHAVE_ZLIB; do
			$cc $WARN -Werror $z -c "$top/src/$f" \
			    -o "$tmp/w.o" 2>/dev/null || bad=1
		done
	done
	[ $bad = 0 ] && ok "warnings-$cc" || nok "warnings-$cc"
done

# --- Programs to read. -------------------------------------------------

cat > "$tmp/a.c" <<'SRC'
#include <stdio.h>
int helper(int);
static int __attribute__((noinline)) sq(int x) { return x * x; }
static inline int add3(int x) { return x + 3; }
int rec(int n) { return n <= 0 ? 0 : n + rec(n - 1); }
int
main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", helper(sq(argc)) + add3(rec(argc)));
	return 0;
}
SRC
cat > "$tmp/b.c" <<'SRC'
#include <stdlib.h>
void *keep;
static void __attribute__((noinline)) leak(size_t n) { keep = malloc(n); }
int helper(int x) { leak((size_t)x); return x + 1; }
SRC
cat > "$tmp/lib.c" <<'SRC'
static int __attribute__((noinline)) twice(int x) { return 2 * x; }
int lib_a(int x) { return twice(x) + 1; }
int lib_b(int x) { return lib_a(x) * 3; }
__attribute__((weak)) int lib_w(int x) { return x - 1; }
SRC
cat > "$tmp/free.c" <<'SRC'
static int __attribute__((noinline)) inner(int x) { return x * 7; }
int outer(int x) { return inner(x) + inner(x + 1); }
void _start(void) { for (;;) outer(3); }
SRC

# --- Symbols against nm. -----------------------------------------------

# nmfuncs BIN: "start size name" in hex for defined symbols with a size
# in a code section.
nmfuncs() {
	$NM -S --defined-only "$1" 2>/dev/null |
	    awk 'NF == 4 && $3 ~ /^[TtWwi]$/ && $2 !~ /^0+$/ \
		{ print $1, $2, $4 }'
}

# symcheck NAME BIN: the first, middle and last byte of every function
# nm lists must name a symbol nm lists at that start, whose size covers
# the address (several names may share a start: any will do).
symcheck() {
	nmfuncs "$2" > "$tmp/nm.txt"
	if [ ! -s "$tmp/nm.txt" ]; then
		nok "$1" "nm lists no functions"
		return
	fi
	addrs=
	while read a s n; do
		a=$(dec $a) s=$(dec $s)
		addrs="$addrs $(printf '%x %x %x' $a $((a + s / 2)) \
		    $((a + s - 1)))"
	done < "$tmp/nm.txt"
	$EC sym "$2" $addrs > "$tmp/sym.txt" 2>"$tmp/sym.err"
	bad=0
	while read addr name start; do
		hit=$(while read a s n; do
			[ "$n" = "$name" ] && [ $(dec $a) = $(dec $start) ] &&
			    [ $(dec $addr) -ge $(dec $a) ] &&
			    [ $(dec $addr) -lt $(($(dec $a) + $(dec $s))) ] &&
			    echo y
		done < "$tmp/nm.txt")
		if [ -z "$hit" ]; then
			echo "# $1: $addr gave $name $start"
			bad=1
		fi
	done < "$tmp/sym.txt"
	# Nothing covers address 0 in these binaries.
	[ "$($EC sym "$2" 0 2>/dev/null)" = "0 ??" ] || bad=1
	[ $bad = 0 ] && [ -s "$tmp/sym.txt" ] && ok "$1" || nok "$1"
}

# buildid BIN: the build-id as readelf prints it.
buildid() {
	readelf -nW "$1" 2>/dev/null |
	    sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p' | head -n 1
}

# infocheck NAME BIN: type, class, byte order, link base and build-id
# against readelf.
infocheck() {
	$EC info "$2" > "$tmp/info.txt" 2>&1
	exp=$(readelf -hW "$2" 2>/dev/null | awk '
		/Class:/ { c = $2 == "ELF64" ? 64 : 32 }
		/Data:/ { e = $0 ~ /big/ ? "big" : "little" }
		/Type:/ { t = $2 == "EXEC" ? 2 : $2 == "DYN" ? 3 : 0 }
		END { print "type " t; print "class " c; print "endian " e }')
	low=$(readelf -lW "$2" 2>/dev/null |
	    awk '$1 == "LOAD" { print $3 }' | sort | head -n 1)
	base=0
	[ -n "$low" ] && base=$(( $low / 4096 * 4096 ))
	exp="$exp
base 0x$(printf %x $base)"
	id=$(buildid "$2")
	[ -n "$id" ] && exp="$exp
buildid $id"
	got=$(grep -v '^debuglink' "$tmp/info.txt")
	if [ "$got" = "$exp" ]; then
		ok "$1"
	else
		nok "$1"
		echo "$got" | sed 's/^/# got /'
		echo "$exp" | sed 's/^/# exp /'
	fi
}

# lookcheck NAME BIN: through the facade, each function's middle byte,
# given as a return address (offset + 1) relative to the load base,
# names that function as the outermost location.
lookcheck() {
	nmfuncs "$2" > "$tmp/nm.txt"
	base=$($EC info "$2" | awk '$1 == "base" { print $2 }')
	offs=
	while read a s n; do
		a=$(dec $a) s=$(dec $s)
		offs="$offs $(printf %x $((a - base + s / 2 + 1)))"
	done < "$tmp/nm.txt"
	$EC lookup "$2" $offs > "$tmp/look.txt" 2>"$tmp/look.err"
	bad=0
	grep -q cache-miss "$tmp/look.txt" && bad=1
	grep -v '^  (inlined by)' "$tmp/look.txt" |
	    awk '{ print $2 }' > "$tmp/look.fn"
	# The outermost location is the last line of each frame's chain.
	awk '!/^  \(inlined by\)/ { if (l != "") print l } { l = $0 }
	    END { if (l != "") print l }' "$tmp/look.txt" |
	    sed 's/^  (inlined by) //' | awk '{ print $2 }' > "$tmp/look.fn"
	i=0
	while read a s n; do
		i=$((i + 1))
		got=$(sed -n "${i}p" "$tmp/look.fn")
		want=$(awk -v a=$a '$1 == a { print $3 }' "$tmp/nm.txt")
		echo "$want" | grep -qx "$got" || {
			echo "# $1: $n gave $got"
			bad=1
		}
	done < "$tmp/nm.txt"
	[ $bad = 0 ] && ok "$1" || nok "$1"
}

for cc in gcc clang; do
	if ! have $cc; then
		for k in pie no-pie shared; do
			skips "missing $cc" sym-$cc-$k info-$cc-$k \
			    lookup-$cc-$k
		done
		skip "dynsym-$cc" "missing $cc"
		continue
	fi
	for pie in pie no-pie; do
		bin="$tmp/prog-$cc-$pie"
		if ! $cc -g -O1 -f$pie -$pie -o "$bin" "$tmp/a.c" "$tmp/b.c" \
		    2>/dev/null; then
			noks "does not compile" sym-$cc-$pie info-$cc-$pie \
			    lookup-$cc-$pie
			continue
		fi
		symcheck "sym-$cc-$pie" "$bin"
		infocheck "info-$cc-$pie" "$bin"
		lookcheck "lookup-$cc-$pie" "$bin"
	done
	lib="$tmp/lib-$cc.so"
	if $cc -g -O1 -fPIC -shared -o "$lib" "$tmp/lib.c" 2>/dev/null; then
		symcheck "sym-$cc-shared" "$lib"
		infocheck "info-$cc-shared" "$lib"
		lookcheck "lookup-$cc-shared" "$lib"
		# Stripped of .symtab, the names come from .dynsym.
		strip -o "$lib.stripped" "$lib" 2>/dev/null &&
		    [ "$($EC sym "$lib.stripped" \
		    $(nmfuncs "$lib" | awk '$3 == "lib_b" { print $1 }') |
		    awk '{ print $2 }')" = lib_b ] &&
		    ok "dynsym-$cc" || nok "dynsym-$cc"
	else
		noks "does not compile" sym-$cc-shared info-$cc-shared \
		    lookup-$cc-shared dynsym-$cc
	fi
done

# Foreign OpenBSD targets: 32-bit and big-endian ELF, linked by lld.
for t in i386 sparc64 powerpc armv7 aarch64; do
	bin="$tmp/free-$t"
	for c in clang ld.lld; do
		have $c && continue
		skips "missing $c" sym-$t info-$t lookup-$t
		continue 2
	done
	if ! clang --target=$t-unknown-openbsd -ffreestanding -nostdlib \
	    -static -fuse-ld=lld -g -O1 -o "$bin" "$tmp/free.c" \
	    2>/dev/null; then
		noks "does not compile" sym-$t info-$t lookup-$t
		continue
	fi
	symcheck "sym-$t" "$bin"
	infocheck "info-$t" "$bin"
	lookcheck "lookup-$t" "$bin"
done

# --- The facade's object handling. -------------------------------------

bin="$tmp/prog-gcc-no-pie"
[ -f "$bin" ] || bin="$tmp/prog-clang-no-pie"
if [ -f "$bin" ]; then
	# A missing object and a non-ELF one: "??", one warning each.
	$EC lookup "$tmp/nonexistent" 10 20 > "$tmp/o1" 2>"$tmp/e1"
	$EC lookup "$tmp/a.c" 10 > "$tmp/o2" 2>"$tmp/e2"
	if [ "$(cat "$tmp/o1")" = "10 ?? at ??:0
20 ?? at ??:0" ] && [ "$(cat "$tmp/e1")" = \
	    "$tmp/nonexistent: not found" ] &&
	    [ "$(cat "$tmp/o2")" = "10 ?? at ??:0" ] &&
	    [ "$(wc -l < "$tmp/e2")" -eq 1 ] &&
	    grep -q 'not an ELF file' "$tmp/e2"; then
		ok negative-cache
	else
		nok negative-cache
	fi
	# Frames of "" and "." use -e; the default is a.out.
	nmfuncs "$bin" | awk '$3 == "main" { print $1 }' > "$tmp/m"
	base=$($EC info "$bin" | awk '$1 == "base" { print $2 }')
	off=$(printf %x $(( $(dec $(cat "$tmp/m")) - base + 2 )))
	a=$($EC lookup -e "$bin" "" $off 2>/dev/null | tail -n 1)
	b=$($EC lookup -e "$bin" . $off 2>/dev/null | tail -n 1)
	c=$(cd "$tmp" && cp "$bin" a.out && $EC lookup "" $off 2>/dev/null |
	    tail -n 1)
	case "$a|$b|$c" in
	"$off main "*"|$off main "*"|$off main "*) ok exe-fallback ;;
	*) nok exe-fallback "$a|$b|$c" ;;
	esac
	# -r looks up the recorded address; without it, the byte before.
	off=$(printf %x $(( $(dec $(cat "$tmp/m")) - base )))
	a=$($EC lookup "$bin" $off 2>/dev/null | tail -n 1)
	b=$($EC lookup -r "$bin" $off 2>/dev/null | tail -n 1)
	case "$a|$b" in
	"$off main "*) nok raw-offset "$a|$b" ;;
	*"|$off main "*) ok raw-offset ;;
	*) nok raw-offset "$a|$b" ;;
	esac
else
	noks "no program was built" negative-cache exe-fallback raw-offset
fi

# --- CRC32 against gzip's trailer. -------------------------------------

crc_gzip() {
	gzip -c < "$1" | tail -c 8 | od -An -tx1 |
	    awk '{ print $4 $3 $2 $1; exit }'
}
if have gzip && [ -f "$bin" ]; then
	for f in "$bin" "$tmp/a.c" "$tmp/s.c"; do
		[ "$($EC crc "$f")" = "$(crc_gzip "$f")" ] || {
			nok crc32 "$f"
			continue 2
		}
	done
	: > "$tmp/empty"
	[ "$($EC crc "$tmp/empty")" = 00000000 ] && ok crc32 || nok crc32
else
	skip crc32 "missing gzip or a program"
fi

# --- Extended section numbering (more than 65279 sections). -----------

awk 'BEGIN { for (i = 0; i < 65300; i++)
    printf ".section .t%d,\"ax\"\n.byte %d\n", i, i % 256 }' > "$tmp/many.s"
if $CC -c -o "$tmp/many.o" "$tmp/many.s" 2>/dev/null &&
    readelf -hW "$tmp/many.o" | grep -q 'string table index: *65535'; then
	printf '\023' > "$tmp/byte"
	got=$($EC sect "$tmp/many.o" .t65299)
	[ "$got" = ".t65299 1 $(crc_gzip "$tmp/byte")" ] &&
	    ok extended-numbering || nok extended-numbering "$got"
else
	skip extended-numbering "the assembler cannot make 65300 sections"
fi

# --- Compressed debug sections. ----------------------------------------

# sectcheck NAME PLAIN PACKED: every debug section reads the same from
# both files (or, built without zlib, reports so).
sectcheck() {
	bad=0
	for s in .debug_info .debug_abbrev .debug_line .debug_str; do
		want=$($EC sect "$2" $s)
		got=$($EC sect "$3" $s)
		[ -z "$zdef" ] && want="$s nozlib"
		[ "$want" = "$got" ] || {
			echo "# $1: $got, want $want"
			bad=1
		}
	done
	$EC sect "$2" .debug_info | grep -q absent && bad=1
	[ $bad = 0 ] && ok "$1" || nok "$1"
}
if have objcopy && [ -f "$bin" ]; then
	objcopy --compress-debug-sections=zlib "$bin" "$tmp/gabi" &&
	    readelf -SW "$tmp/gabi" | grep -q ' \.debug_info .* [A-Z]*C' &&
	    sectcheck compressed-gabi "$bin" "$tmp/gabi" ||
	    nok compressed-gabi
	if objcopy --compress-debug-sections=zlib-gnu "$bin" "$tmp/gnu" \
	    2>/dev/null && readelf -SW "$tmp/gnu" | grep -q '\.zdebug_info'
	then
		sectcheck compressed-zdebug "$bin" "$tmp/gnu"
	else
		skip compressed-zdebug "objcopy cannot write .zdebug"
	fi
	# A hostile uncompressed size in the Chdr is refused.
	off=$(readelf -SW "$tmp/gabi" | sed 's/^ *\[ *[0-9]*\] //' |
	    awk '$1 == ".debug_info" { print $4 }')
	cp "$tmp/gabi" "$tmp/gabi-huge"
	printf '\377\377\377\377\377\377\377\177' |
	    dd of="$tmp/gabi-huge" bs=1 seek=$(( 0x$off + 8 )) conv=notrunc \
	    2>/dev/null
	got=$($EC sect "$tmp/gabi-huge" .debug_info)
	case "$got" in
	*" bad"|*" nozlib") ok compressed-huge ;;
	*) nok compressed-huge "$got" ;;
	esac
else
	skips "missing objcopy or a program" compressed-gabi \
	    compressed-zdebug compressed-huge
fi

# --- Separate debug files. ---------------------------------------------

if have objcopy && [ -f "$bin" ]; then
	d="$tmp/dbg"
	mkdir -p "$d/.debug" "$d/root"
	objcopy --only-keep-debug "$bin" "$d/prog.debug"
	objcopy --strip-all --remove-section=.note.gnu.build-id \
	    --add-gnu-debuglink="$d/prog.debug" "$bin" "$d/prog"
	crc=$($EC info "$d/prog" | awk '$1 == "debuglink" { print $3 }')
	[ "$crc" = "$(crc_gzip "$d/prog.debug")" ] &&
	    [ -n "$crc" ] && ok debuglink-crc || nok debuglink-crc "$crc"
	export MDUMP_DEBUG_ROOT="$d/root"
	[ "$($EC debug "$d/prog")" = "$d/prog.debug" ] &&
	    ok debuglink-next || nok debuglink-next
	# Name and function from the debug file's symbols after strip-all.
	nmfuncs "$bin" | awk '$3 == "sq" { print $1 }' > "$tmp/m"
	base=$($EC info "$bin" | awk '$1 == "base" { print $2 }')
	off=$(printf %x $(( $(dec $(cat "$tmp/m")) - base + 2 )))
	case "$($EC lookup "$d/prog" $off 2>/dev/null | tail -n 1)" in
	"$off sq "*) ok debuglink-symbols ;;
	*) nok debuglink-symbols ;;
	esac
	mv "$d/prog.debug" "$d/.debug/prog.debug"
	[ "$($EC debug "$d/prog")" = "$d/.debug/prog.debug" ] &&
	    ok debuglink-subdir || nok debuglink-subdir
	mkdir -p "$d/root$d"
	mv "$d/.debug/prog.debug" "$d/root$d/prog.debug"
	(cd "$d" && [ "$($EC debug ./prog)" = "$d/root$d/prog.debug" ]) &&
	    ok debuglink-root || nok debuglink-root
	# A file of the right name but another CRC is not taken.
	cp "$bin" "$d/prog.debug"
	rm -f "$d/root$d/prog.debug"
	[ "$($EC debug "$d/prog")" = none ] &&
	    ok debuglink-wrong-crc || nok debuglink-wrong-crc
	# By build-id under the root.
	id=$(buildid "$bin")
	if [ -n "$id" ]; then
		hd=$(echo "$id" | cut -c1-2)
		tl=$(echo "$id" | cut -c3-)
		mkdir -p "$d/root/.build-id/$hd"
		objcopy --only-keep-debug "$bin" \
		    "$d/root/.build-id/$hd/$tl.debug"
		objcopy --strip-debug "$bin" "$d/prog-id"
		[ "$($EC debug "$d/prog-id")" = \
		    "$d/root/.build-id/$hd/$tl.debug" ] &&
		    ok build-id || nok build-id
		# One with another build-id at that path is refused.
		cp "$tmp/prog-clang-pie" "$d/root/.build-id/$hd/$tl.debug" \
		    2>/dev/null &&
		    [ "$($EC debug "$d/prog-id")" = none ] &&
		    ok build-id-mismatch || nok build-id-mismatch
	else
		skips "the linker wrote no build-id" build-id \
		    build-id-mismatch
	fi
	unset MDUMP_DEBUG_ROOT
else
	skips "missing objcopy or a program" debuglink-crc \
	    debuglink-next debuglink-symbols debuglink-subdir \
	    debuglink-root debuglink-wrong-crc build-id build-id-mismatch
fi

# --- Whole chains through the facade, against llvm-symbolizer. ---------

# chains FILE: one line per frame, "f at file:line|caller at file:line",
# from elfcheck lookup output (stdin) or llvm-symbolizer's (with -l).
chains() {
	awk -v llvm="$1" '
	function flush() { if (c != "") print c; c = "" }
	llvm == "" && /^  \(inlined by\) / {
		sub(/^  \(inlined by\) [0-9a-f]+ /, ""); c = c "|" $0; next }
	llvm == "" { flush(); sub(/^[0-9a-f]+ /, ""); c = $0; next }
	/^$/ { flush(); f = ""; next }
	f == "" { f = $0; next }
	{ sub(/:[0-9]+$/, ""); c = c (c == "" ? "" : "|") f " at " $0; f = "" }
	END { flush() }'
}

# chaincheck NAME OBJ [ORACLE]: every byte of each function of OBJ,
# looked up by the facade (as return addresses relative to the base) and
# by llvm-symbolizer on ORACLE (default OBJ), must give the same chains:
# the innermost location on 99.5% of frames, the whole chain on 99%.
chaincheck() {
	oracle=${3:-$2}
	nmfuncs "$oracle" > "$tmp/nm.txt"
	base=$($EC info "$oracle" | awk '$1 == "base" { print $2 }')
	offs= addrs=
	while read a s n; do
		a=$(dec $a) s=$(dec $s) i=0
		while [ $i -lt $s ]; do
			offs="$offs $(printf %x $((a + i - base + 1)))"
			addrs="$addrs $(printf 0x%x $((a + i)))"
			i=$((i + 1))
		done
	done < "$tmp/nm.txt"
	$EC lookup "$2" $offs 2>/dev/null | chains > "$tmp/ours"
	$SYM --inlining --functions=linkage -e "$oracle" $addrs \
	    2>/dev/null | chains l > "$tmp/theirs"
	paste -d '\n' "$tmp/ours" "$tmp/theirs" | awk -v name="$1" '
	NR % 2 { o = $0; next }
	{ n++; if (o == $0) all++
	  split(o, x, "|"); split($0, y, "|"); if (x[1] == y[1]) inner++
	  else if (bad++ < 3) printf "# %s: %s / %s\n", name, o, $0 }
	END { if (n == 0) exit 1
	  printf "# %s: %d frames, innermost %d, chains %d\n", name, n,
	      inner, all
	  exit !(inner * 1000 >= n * 995 && all * 100 >= n * 99) }' &&
	    ok "$1" || nok "$1"
}

# chainname NAME OBJ [ORACLE]: chaincheck, or a skip or a failure when
# it cannot run.
chainname() {
	if ! have "$SYM"; then
		skip "$1" "missing llvm-symbolizer ($SYM)"
	elif [ ! -f "$2" ] || [ ! -f "${3:-$2}" ]; then
		nok "$1" "not built"
	else
		chaincheck "$@"
	fi
}

for cc in gcc clang; do
	for v in 4 5; do
		for pie in pie no-pie; do
			bin="$tmp/o2-$cc-$v-$pie"
			have $cc && $cc -gdwarf-$v -O2 -f$pie -$pie \
			    -o "$bin" "$tmp/a.c" "$tmp/b.c" 2>/dev/null
			chainname "chains-$cc-dwarf$v-$pie" "$bin"
		done
	done
	chainname "chains-$cc-shared" "$tmp/lib-$cc.so"
done
for t in i386 sparc64 powerpc armv7 aarch64; do
	chainname "chains-$t" "$tmp/free-$t"
done
# The compressed and stripped copies were made of this one.
orig="$tmp/prog-gcc-no-pie"
[ -f "$orig" ] || orig="$tmp/prog-clang-no-pie"
chainname chains-compressed "$tmp/gabi" "$orig"
if [ -f "$tmp/gnu" ]; then
	chainname chains-zdebug "$tmp/gnu" "$orig"
else
	skip chains-zdebug "objcopy cannot write .zdebug"
fi
[ -f "$tmp/dbg/prog" ] && [ -f "$orig" ] &&
    objcopy --only-keep-debug "$orig" "$tmp/dbg/prog.debug"
chainname chains-debuglink "$tmp/dbg/prog" "$orig"

# --- Damaged files. ----------------------------------------------------

# clean NAME FILE: every command ends with status 0 or 1 and no
# sanitizer or valgrind report.
clean() {
	bad=0
	for cmd in "info" "sym" "sect" "debug" "lookup"; do
		case $cmd in
		sym) args="1000 401000 1139" ;;
		sect) args=".debug_info" ;;
		lookup) args="1000 1139" ;;
		*) args= ;;
		esac
		$EC $cmd "$2" $args > /dev/null 2>"$tmp/dmg.err"
		rc=$?
		if [ $rc -gt 1 ] || grep -q -e Sanitizer -e 'runtime error' \
		    "$tmp/dmg.err"; then
			echo "# $1: $cmd exits $rc"
			sed 's/^/# /' "$tmp/dmg.err" | head -n 5
			bad=1
		fi
	done
	return $bad
}

# patch FILE OFFSET OCTALBYTES: overwrite bytes in place.
patch() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

dmg() {
	bad=0
	for src in "$tmp/prog-gcc-pie" "$tmp/free-sparc64" "$tmp/free-i386" \
	    "$tmp/gabi" "$tmp/many.o"; do
		[ -f "$src" ] || continue
		size=$(wc -c < "$src")
		is64=$(od -An -tu1 -j4 -N1 "$src" | tr -d ' ')
		shoff=$(readelf -hW "$src" |
		    awk '/Start of section headers/ { print $5 }')
		n=0
		for cut in 0 1 4 16 40 52 63 64 200 1000 $((size / 2)) \
		    $((size - 1)); do
			n=$((n + 1))
			head -c $cut "$src" > "$tmp/d$n"
		done
		if [ "$is64" = 2 ]; then
			f_shoff=40 f_shent=58 f_shnum=60 f_shstr=62
			f_phoff=32 f_phnum=56
			w='\377\377\377\377\377\377\377\177'
			e=64 o_off=24 o_size=32 o_link=40 o_ent=56
		else
			f_shoff=32 f_shent=46 f_shnum=48 f_shstr=50
			f_phoff=28 f_phnum=44 w='\377\377\377\177'
			e=40 o_off=16 o_size=20 o_link=24 o_ent=36
		fi
		for p in "$f_shoff $w" "$f_shnum \377\377" "$f_shnum \0\0" \
		    "$f_shent \0\0" "$f_shent \1\0" "$f_shstr \377\377" \
		    "$f_shstr \100\0" "$f_phoff $w" "$f_phnum \377\377" \
		    "$f_shoff \0\0\0\0\0\1\0\0" "$((shoff + o_size)) $w" \
		    "$((shoff + o_link)) \377\377\377\377"; do
			n=$((n + 1))
			cp "$src" "$tmp/d$n"
			patch "$tmp/d$n" $p
		done
		# Each field of every section header, one file per field
		# (none when the count is in section 0: too many to patch).
		nsec=$(readelf -hW "$src" |
		    awk '/Number of section headers/ { print $5 }')
		for fld in 0 $o_off $o_size $o_link $o_ent; do
			n=$((n + 1))
			cp "$src" "$tmp/d$n"
			i=0
			while [ $i -lt "$nsec" ]; do
				patch "$tmp/d$n" $((shoff + i * e + fld)) "$w"
				i=$((i + 1))
			done
		done
		k=1
		while [ $k -le $n ]; do
			clean "$1" "$tmp/d$k" || bad=1
			k=$((k + 1))
		done
		rm -f "$tmp"/d[0-9]*
	done
	return $bad
}
dmg damaged && ok damaged || nok damaged

# Random damage in the headers, the same every run (fixed seed).
if [ -f "$tmp/prog-gcc-pie" ]; then
	src="$tmp/prog-gcc-pie"
	shoff=$(readelf -hW "$src" |
	    awk '/Start of section headers/ { print $5 }')
	size=$(wc -c < "$src")
	awk -v s=$shoff -v z=$size 'BEGIN { srand(7); for (i = 0; i < 60; i++)
	    { o = rand() < 0.5 ? int(rand() * 64) : s + int(rand() * (z - s));
	      printf "%d \\%o\\%o\\%o\n", o, rand() * 256, rand() * 256,
	      rand() * 256 } }' > "$tmp/rnd"
	bad=0
	while read o b; do
		cp "$src" "$tmp/r"
		patch "$tmp/r" $o "$b"
		clean random "$tmp/r" || bad=1
	done < "$tmp/rnd"
	[ $bad = 0 ] && ok damaged-random || nok damaged-random
else
	nok damaged-random "no program was built"
fi

# No check above left a sanitizer report (memory errors, leaks, UB).
if [ -n "$san" ]; then
	if ls "$tmp"/san.* >/dev/null 2>&1; then
		nok sanitizers
		head -n 20 "$tmp"/san.* | sed 's/^/# /'
	else
		ok sanitizers
	fi
else
	skip sanitizers "the compiler has no ASan+UBSan runtime (valgrind used)"
fi
exit 0
