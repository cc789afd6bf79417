#!/bin/sh
#
# dwarf_damage.sh: with -v, damaged DWARF is reported once per object,
# naming the section and the offset of the damage in it; the frame is
# still shown (by the symbol table).  The program is built here; the
# damage is written at the offsets readelf gives: the first unit's
# length in .debug_info, then the first line program's length in
# .debug_line, each made larger than its section.

name=dwarf-damage
out=tests/out/dwarf_damage
rm -rf "$out"
mkdir -p "$out" || exit 1
. tests/e2e/check.sh.inc
plan 7
command -v readelf >/dev/null 2>&1 || skipall "missing readelf"
printf 'int\nmain(void)\n{\n\treturn 0;\n}\n' >"$out/p.c"
${CC:-cc} -g -O0 -gdwarf-4 -o "$out/p" "$out/p.c" 2>"$out/cc" ||
    failall "cannot compile: $(head -n 1 "$out/cc")"
main=$(nm "$out/p" | awk '$3 == "main" { print $1 }')
top=$(pwd)

# damage NAME SECTION: the copy NAME with the first length of SECTION
# set to 0xffffffef; a trace of one leak at main+4 in it; mdump -v.
damage() {
	off=$(readelf -SW "$out/p" | sed 's/^ *\[ *[0-9]*\] //' |
	    awk -v s="$2" '$1 == s { print $4 }')
	cp "$out/p" "$out/$1"
	[ -n "$off" ] && printf '\357\377\377\377' | dd of="$out/$1" bs=1 \
	    seek=$((0x$off)) conv=notrunc 2>/dev/null
	printf 'layout lp64le\nstart\nproc 1 p\nobject 0x10 %s\n' \
	    "$top/$out/$1" >"$out/$1.desc"
	printf 'leak 64 1 0x%x@0x10\nleak 32 1 0x%x@0x10\n' \
	    $((0x$main + 4)) $((0x$main + 5)) >>"$out/$1.desc"
	tests/tracegen -o "$out/$1.trace" "$out/$1.desc" &&
	    ./mdump -v -f "$out/$1.trace" >"$out/$1.out" 2>"$out/$1.err"
}

# The same trace on the undamaged program: no such warning.
damage clean .nonexistent
check clean-silent sh -c "! grep -q 'damaged DWARF' $out/clean.err"

damage info .debug_info
check info-said grep -qx "mdump: $top/$out/info: damaged DWARF: .debug_info offset 0x0: unit length past the section's end" "$out/info.err"
check info-once test "$(grep -c 'damaged DWARF' "$out/info.err")" = 1
check info-symbol grep -q '^ main at ??:0 ' "$out/info.out"

damage line .debug_line
check line-said grep -qx "mdump: $top/$out/line: damaged DWARF: .debug_line offset 0x0: unreadable line program header" "$out/line.err"
check line-once test "$(grep -c 'damaged DWARF' "$out/line.err")" = 1
check line-function grep -q '^ main at ??:0 ' "$out/line.out"
exit 0
