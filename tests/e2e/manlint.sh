#!/bin/sh
#
# manlint.sh: the manual pages are clean under "mandoc -Tlint" (warnings
# and worse; the style notes about pages this system lacks, such as
# ktrace(1) on Linux, do not count), the example of mdump.5, a shell
# script writing a trace, works as printed: mdump reads the leak it
# describes; and every option the programs take (their getopt strings)
# and every variable they read has its entry in the pages (and each of
# mdump's options a row in the README's table).

name=manlint
out=tests/out/manlint
. tests/e2e/check.sh.inc
plan 7
command -v mandoc >/dev/null 2>&1 || skipall "missing mandoc"

# undocumented SOURCE PAGE VARPATTERN FILES...: the option letters of
# SOURCE's OPTSTRING without an ".It Fl" entry in PAGE, then the
# variables FILES read with getenv, matching VARPATTERN, without an
# ".It Ev" entry; "-" for PAGE lists the letters without a row in the
# README's table of options.
undocumented() {
	src=$1
	page=$2
	pat=$3
	shift 3
	for c in $(sed -n 's/^#define OPTSTRING[^"]*"\([^"]*\)".*/\1/p' \
	    "$src" | tr -d ':+' | sed 's/./& /g'); do
		if [ "$page" = - ]; then
			grep -q "^| \`-$c[ \`]" README.md || echo "-$c"
		else
			grep -q "^\.It Fl $c\( \|\$\)" "$page" || echo "-$c"
		fi
	done
	[ "$page" = - ] && return
	for v in $(grep -ho "getenv(\"$pat\")" "$@" |
	    sed 's/getenv("\(.*\)")/\1/' | sort -u); do
		grep -q "^\.It Ev $v\$" "$page" || echo "$v"
	done
}
mkdir -p "$out" || exit 1
for page in mdump.1 mdtrace.1 mdump.5; do
	if mandoc -Tlint -Wwarning "$page" >"$out/$page.lint" 2>&1; then
		echo "ok $name/$page"
	else
		echo "not ok $name/$page ($(head -n 1 "$out/$page.lint"))"
	fi
done

# The example of mdump.5, as the reader sees it: from the rendered page,
# between its first line and the mdump command.
mandoc -Tascii mdump.5 | col -bx |
    sed -n '/^ *zeros() {/,/^ *mdump$/p' | sed 's/^     //' >"$out/ex5.sh"
top=$(pwd)
if (cd "$out" && rm -f ktrace.out && PATH=$top:$PATH sh ex5.sh \
    >ex5.out 2>&1) &&
    grep -qx 'Leak sum=64 count=2 avg=32' "$out/ex5.out" &&
    grep -qx ' ?? at ??:0 (/bin/sh+0x10)' "$out/ex5.out"; then
	echo "ok $name/mdump.5-example"
else
	echo "not ok $name/mdump.5-example (see $out/ex5.out)"
fi
# options NAME MISSING: the result of one page's check.
options() {
	if [ -z "$2" ]; then
		echo "ok $name/$1-options"
	else
		echo "not ok $name/$1-options (not documented:" $2")"
	fi
}
options mdump.1 "$(undocumented src/main.c mdump.1 \
    '\(MDUMP\|DEBUGINFOD\)_[A-Z_]*' src/*.c)"
options mdtrace.1 "$(undocumented mdtrace/mdtrace.c mdtrace.1 \
    'MDTRACE_[A-Z_]*' mdtrace/*.c)"
options README "$(undocumented src/main.c - -)"
exit 0
