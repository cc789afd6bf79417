#!/bin/sh
#
# manlint.sh: the manual pages are clean under "mandoc -Tlint" (warnings
# and worse; the style notes about pages this system lacks, such as
# ktrace(1) on Linux, do not count), and the example of mdump.5, a shell
# script writing a trace, works as printed: mdump reads the leak it
# describes.

name=manlint
out=tests/out/manlint
. tests/e2e/check.sh.inc
plan 4
command -v mandoc >/dev/null 2>&1 || skipall "missing mandoc"
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
exit 0
