#!/bin/sh
#
# holder_decl.sh: where the variable that holds a block is defined,
# "held by global gvar at vars.c:11", for a global, a global declared
# before its definition, a file-static, a thread-local, a function-
# static of an inline function, a struct held at its second word and a
# global of a second unit; with gcc and clang, at -O0 and -O2, DWARF 4
# and 5.  The holder records name each variable's word by the offset
# readelf gives its symbol; the places mdump prints are compared with
# two oracles: llvm-dwarfdump's reading of the DWARF (oracle/
# dwarfdecl.py: DW_AT_decl_file and DW_AT_decl_line of the DIE with a
# location), and gdb's "info line" of each file-scope variable.
# Prints a TAP plan first.

name=holder-decl
out=tests/out/holder_decl
. tests/e2e/check.sh.inc
configs="gcc:O0:4 gcc:O0:5 gcc:O2:4 gcc:O2:5 clang:O0:4 clang:O0:5 clang:O2:4 clang:O2:5"
plan 21
for t in readelf llvm-dwarfdump gdb python3; do
	command -v $t >/dev/null 2>&1 || skipall "missing $t"
done
rm -rf "$out"
mkdir -p "$out"
top=$(pwd)
cp tests/e2e/progs/vars.c tests/e2e/progs/vars2.c "$out/"
# The variables, as DWARF names them; fvar is the inline function's.
vars="hvar gvar svar tvar gpair fvar ovar"

# sym PROG NAME: the value of the symbol of NAME (or, for fvar, the
# one the compiler made of it: fvar.0, slot.fvar), in hex.
sym() {
	readelf -sW "$1" | awk -v n="$2" '
	($8 == n || (n == "fvar" && $8 ~ /fvar/)) && $3 + 0 > 0 {
		print $2; exit
	}'
}

# trace PROG: a trace of one reachable leak per variable, of 16 bytes
# times its place in $vars, held by that variable's word: gpair's
# second word, the others' first.
trace() {
	prog=$1
	{
		printf 'layout lp64le\nstart\nproc 4711 prog\nobject 1 %s\n' \
		    "$top/$prog"
		i=0
		for v in $vars; do
			i=$((i + 1))
			off=$((0x$(sym "$prog" "$v")))
			[ "$v" = gpair ] && off=$((off + 8))
			sz=$(printf '%016x' $((16 * i)) |
			    sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/')
			printf 'utrace mdtkinds'
			printf ' %s' 0000000000000000 0000000000000000 \
			    0000000000000000 0000000000000000 \
			    0000000000000000 0000000000000000 "$sz" \
			    0100000000000000
			echo
			if [ "$v" = tvar ]; then
				printf 'utext mdtholder "reachable\\nroot tls 4711 0x%x %s\\n"\n' \
				    "$off" "$top/$prog"
			else
				printf 'utext mdtholder "reachable\\nroot data 0x%x %s\\n"\n' \
				    "$off" "$top/$prog"
			fi
			printf 'leak %d 1 0x%x@1\n' $((16 * i)) $((0x100 + i))
		done
	} >"$prog.desc"
	tests/tracegen -o "$prog.trace" "$prog.desc"
}

# got PROG: "SIZE FILE LINE" for each leak of mdump's JSON report.
got() {
	./mdump -a -o json -f "$1.trace" 2>"$1.err" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for p in d["processes"]:
    for l in p["leaks"]:
        h = l.get("held_by", [{}])[0]
        print(l["bytes"], h.get("file", "?"), h.get("line", 0))'
}

# decl_all PROG: mdump's place of each variable is llvm-dwarfdump's.
decl_all() {
	llvm-dwarfdump --debug-info "$1" |
	    python3 tests/e2e/oracle/dwarfdecl.py $vars >"$1.oracle"
	got "$1" >"$1.got" || return 1
	i=0
	for v in $vars; do
		i=$((i + 1))
		want=$(awk -v v="$v" '$1 == v { print $2, $3 }' "$1.oracle")
		have=$(awk -v s=$((16 * i)) '$1 == s { print $2, $3 }' \
		    "$1.got")
		case $want in
		"? 0"|"") echo "# $1: no oracle for $v" >&2; return 1 ;;
		esac
		if [ "$want" != "$have" ]; then
			echo "# $1: $v: llvm-dwarfdump $want, mdump $have" >&2
			return 1
		fi
	done
}

# decl_gdb PROG: the lines of the file-scope variables are gdb's.  Of
# hvar gdb gives its definition, at its address, and its declaration:
# the one at the variable's address, else (a TLS variable) the first.
decl_gdb() {
	i=0
	for v in $vars; do
		i=$((i + 1))
		[ "$v" = fvar ] && continue
		want=$(gdb -nx -batch -ex "info line $v" "$1" 2>/dev/null |
		    awk -v v="$v" '
		    match($0, /^Line [0-9]+ of "[^"]*"/) {
			s = substr($0, 6, RLENGTH - 6)
			sub(/ of "/, ":", s)
			split(s, p, ":")
			s = p[2] ":" p[1]
			if (index($0, "<" v ">") > 0) { print s; done = 1; exit }
			if (any == "") any = s
		    }
		    END { if (!done && any != "") print any }')
		have=$(awk -v s=$((16 * i)) '$1 == s {
			n = split($2, p, "/"); print p[n] ":" $3 }' "$1.got")
		if [ -z "$want" ] || [ "$want" != "$have" ]; then
			echo "# $1: $v: gdb $want, mdump $have" >&2
			return 1
		fi
	done
}

for c in $configs; do
	cc=${c%%:*}
	rest=${c#*:}
	opt=${rest%%:*}
	dw=${rest#*:}
	prog=$out/$cc-$opt-dwarf$dw
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "ok $name/llvm-$cc-$opt-dwarf$dw # skip no $cc"
		echo "ok $name/gdb-$cc-$opt-dwarf$dw # skip no $cc"
		continue
	fi
	(cd "$out" && $cc -g -$opt -gdwarf-$dw -fPIE -pie \
	    -o "$cc-$opt-dwarf$dw" vars.c vars2.c) 2>"$prog.cc" &&
	    trace "$prog"
	check "llvm-$cc-$opt-dwarf$dw" decl_all "$prog"
	check "gdb-$cc-$opt-dwarf$dw" decl_gdb "$prog"
done

# The text: the variable, then where it is defined, as frames' files
# are named (the compilation directory joined).
prog=$out/gcc-O0-dwarf4
./mdump -a -f "$prog.trace" >"$prog.txt" 2>/dev/null
check text-global grep -qx "  held by global gvar at $top/$out/vars.c:$(grep -n '^int \*volatile gvar;' "$out/vars.c" | cut -d: -f1)" "$prog.txt"
check text-tls grep -qx "  held by the main thread's thread-local tvar at $top/$out/vars.c:$(grep -n '^__thread int \*volatile tvar;' "$out/vars.c" | cut -d: -f1)" "$prog.txt"

# The page: opening a leak's row in a browser shows what holds it, as
# the text report's line, with -b (where a leak has more fields) too.
# The place is the source's line of gvar's definition.
page_held() {
	./mdump -a -o html -f "$prog.trace" "$@" >"$out/page.html" \
	    2>/dev/null || return 1
	node tests/e2e/html_holder.js "$browser" "$out/page.html" \
	    >"$out/page.rows" 2>&1
	grep -q "^Leak sum=32 .*|  held by global gvar at $top/$out/vars.c:$gline\$" \
	    "$out/page.rows" && grep -qx 'errors	' "$out/page.rows"
}
gline=$(grep -n '^int \*volatile gvar;' "$out/vars.c" | cut -d: -f1)
browser=
for b in chromium chromium-browser; do
	command -v $b >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ] || ! command -v node >/dev/null 2>&1; then
	echo "ok $name/page # skip missing chromium or node"
	echo "ok $name/page-b # skip missing chromium or node"
else
	check page page_held
	# A baseline of the first leak only: the others are new.
	head -n 4 "$prog.desc" >"$out/base.desc"
	tests/tracegen -o "$out/base.trace" "$out/base.desc"
	check page-b page_held -b "$out/base.trace"
fi

# Damaged DWARF: each of 64 copies has one byte of .debug_info set to
# 0xff (at offsets spread over the section); mdump still ends well and
# names each variable by its symbol, with or without a place.
damaged() {
	set -- $(readelf -SW "$prog" | sed 's/^ *\[ *[0-9]*\] //' |
	    awk '$1 == ".debug_info" { print $4, $5 }')
	[ $# = 2 ] || return 1
	off=$1
	size=$2
	k=0
	while [ $k -lt 64 ]; do
		at=$((0x$off + 0x$size * k / 64 + k % 7))
		cp "$prog" "$out/damaged"
		printf '\377' | dd of="$out/damaged" bs=1 seek=$at \
		    conv=notrunc 2>/dev/null
		sed "s|$top/$prog|$top/$out/damaged|" "$prog.desc" \
		    >"$out/damaged.desc"
		tests/tracegen -o "$out/damaged.trace" "$out/damaged.desc" ||
		    return 1
		./mdump -a -f "$out/damaged.trace" >"$out/damaged.out" \
		    2>/dev/null || { echo "# byte $at: failed" >&2; return 1; }
		n=$(grep -c '^  held by .*var\|^  held by .*gpair' \
		    "$out/damaged.out")
		[ "$n" = 7 ] || { echo "# byte $at: $n held" >&2; return 1; }
		k=$((k + 1))
	done
}
prog=$out/gcc-O2-dwarf5
check damaged damaged
