#!/bin/sh
#
# html.sh: -o html in a real browser.  A program with known leaks
# (tests/e2e/progs/html.c: sizes and functions from its source, one
# function named "<script>alert(1)</script>", built as a program named
# p<x>&" from a file in a folder whose names hold quotes and markup) runs
# under mdtrace; mdump writes pages of its traces, plain and with -b,
# -p, -S, -n, -k, -P and -C, of two processes and of none, and of a
# made-up trace whose names hold every kind of byte.  Headless Chromium
# loads each page, runs its script and prints the DOM, which must show
# every leak's function and the total bytes, hostile names as text, and
# with leak kinds the totals of each kind.
# Chromium's own console log must be silent (a script error or a fetch
# the page's policy blocked is logged there) and its network log must
# hold no request made by the page (the browser's own requests have no
# page as initiator); a control page that does fetch shows that both
# logs would tell.  html_ui.js then uses one page with mouse and keys.
# Expected values come from the program's source, c++filt and the
# trace descriptions, never from mdump.  Screenshots go to
# tests/out/html/.
#
# Also checks that src/report_page.c is what tools/htmlpage.sh makes of
# src/html/, and runs the page's writer under valgrind.

out=tests/out/html
name=html
n=0
. tests/e2e/check.sh.inc
c() {
	check "$@"
	n=$((n + 1))
}
fail() {
	echo "not ok $name/$1 ($2)"
	n=$((n + 1))
}

rm -rf "$out"
mkdir -p "$out"
c page-source sh -c 'sh tools/htmlpage.sh src/html | cmp -s - src/report_page.c'
browser=
for b in chromium chromium-browser; do
	command -v $b >/dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
	echo "ok $name/browser # skip missing chromium"
	echo "1..$((n + 1))"
	exit 0
fi
top=$(pwd)

# trace NAME PROGRAM [ARG]: the program's trace in $out/NAME.ktrace,
# every block a leak without kind (no leak check), as counted below.
trace() {
	t=$1
	shift
	MDTRACE_LEAKCHECK=0 MALLOC_OPTIONS=DTTTT mdtrace/mdtrace \
	    -f "$out/$t.ktrace" "$@" >"$out/$t.stdout" 2>"$out/$t.stderr"
}
# page NAME TRACE [OPTION...]: mdump's page of a trace, $out/NAME.html.
page() {
	p=$1 t=$2
	shift 2
	./mdump -o html -f "$out/$t.ktrace" -e "$prog" "$@" >"$out/$p.html" \
	    2>"$out/$p.err"
}
# load NAME [FRAGMENT]: the DOM after the page's scripts ran, in
# NAME.dom; NAME.text is it without the scripts' own text; NAME.log
# the console and NAME.netlog the network log.
load() {
	prof=$(mktemp -d "${TMPDIR:-/tmp}/mdump-html.XXXXXX")
	$browser --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$prof" --enable-logging=stderr --v=0 \
	    --log-net-log="$top/$out/$1.netlog" --window-size=1280,900 \
	    --dump-dom "file://$top/$out/$1.html$2" >"$out/$1.dom" \
	    2>"$out/$1.log"
	rm -rf "$prof"
	awk '/<script/ { s = 1 } !s { print } /<\/script>/ { s = 0 }' \
	    "$out/$1.dom" >"$out/$1.text"
}
# shot NAME: a picture of the page for people to look at.
shot() {
	prof=$(mktemp -d "${TMPDIR:-/tmp}/mdump-html.XXXXXX")
	$browser --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$prof" --hide-scrollbars \
	    --window-size=1280,${2:-900} --screenshot="$top/$out/$1.png" \
	    "file://$top/$out/$1.html" >/dev/null 2>&1
	rm -rf "$prof"
}
# Requests a page made: those with the page as initiator.
page_requests() {
	grep -o '"initiator":"[^"]*"' "$out/$1.netlog" |
	    grep -v '"not an origin"'
}
no_requests() {
	[ -z "$(page_requests "$1")" ]
}
has_requests() {
	[ -n "$(page_requests "$1")" ]
}
# lacks FILE TEXT...: none of the texts is in the file.
lacks() {
	f=$1
	shift
	for s in "$@"; do
		grep -qF "$s" "$f" && return 1
	done
	return 0
}
# has FILE TEXT...: every text is in the file.
has() {
	f=$1
	shift
	for s in "$@"; do
		grep -qF "$s" "$f" || return 1
	done
	return 0
}
# clean NAME: the page's script ran to its end, wrote no error, logged
# nothing to the console and fetched nothing.
clean() {
	c "$1-ran" grep -q '<body data-ready="[0-9]*">' "$out/$1.dom"
	c "$1-no-error" grep -q '<pre id="errors"></pre>' "$out/$1.dom"
	c "$1-console-silent" lacks "$out/$1.log" ':CONSOLE'
	c "$1-no-request" no_requests "$1"
}
# shows NAME CLASS TEXT: a table cell of that class begins with the text.
shows() {
	grep -qF "<td class=\"$2\">$3<" "$out/$1.text"
}

# Names with every kind of byte, from a made-up trace: markup, quotes,
# the line separators U+2028 and U+2029 and a byte that is not UTF-8
# in an object path (its frames name it, the function unknown), and
# markup in the command.
printf '%s\n' 'layout lp64le' start 'proc 7 x</b>' \
    "object 1 /tmp/</script><script>alert(2)</script>$(printf \
    '\342\200\250\342\200\251\377')&amp;.so" 'leak 64 1 0x10@1 0x20@1' \
    >"$out/bytes.desc"
if tests/tracegen -o "$out/bytes.ktrace" "$out/bytes.desc" &&
    ./mdump -o html -f "$out/bytes.ktrace" -e /nonexistent \
    >"$out/bytes.html" 2>"$out/bytes.err"; then
	load bytes
	clean bytes
	c bytes-escaped lacks "$out/bytes.html" '</script><script>alert(2)' \
	    "$(printf '\342\200\250')" "$(printf '\342\200\251')" \
	    "$(printf '\377')"
	c bytes-json has "$out/bytes.html" \
	    '\u003c/script\u003e\u003cscript\u003ealert(2)\u003c/script\u003e' \
	    'script\u003e\u2028\u2029\u00ff\u0026amp;.so"'
	# No function: the object's file name (after the last '/', in the
	# last "</script>") and the offset; 0xff shown as U+00FF.
	c bytes-text shows bytes fn "script&gt;$(printf \
	    '\342\200\250\342\200\251\303\277')&amp;amp;.so+0x10"
	c bytes-command grep -qF '<dd class="cmd">x&lt;/b&gt;</dd>' \
	    "$out/bytes.text"
	# The two frames of the object, which cannot be read, are two
	# entries of the page's frames, each unknown but for its offset.
	c bytes-frames has "$out/bytes.html" ',"10",[-1,-1,0]]' \
	    ',"20",[-1,-1,0]]'
else
	fail bytes "tracegen or mdump failed: $(head -n 1 "$out/bytes.err")"
fi

# Kinds (mdtrace's leak check, as mdtkinds records): the summary shows
# the bytes and allocations of each, reachable ones too, as added up by
# hand from the records: definite 64 + 16 in 2, indirect 32 in 1,
# possible none, reachable 128 in 2.
printf '%s\n' 'layout lp64le' start 'proc 7 a.out' \
    'object 1 /nonexistent/a.out' \
    'utrace mdtkinds 4000000000000000 0100000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 8000000000000000 0200000000000000' \
    'leak 192 3 0x10@1' \
    'utrace mdtkinds 0000000000000000 0000000000000000 2000000000000000 0100000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000' \
    'leak 32 1 0x20@1' \
    'utrace mdtkinds 1000000000000000 0100000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000' \
    'leak 16 1 0x10@1' >"$out/kinds.desc"
if tests/tracegen -o "$out/kinds.ktrace" "$out/kinds.desc" &&
    ./mdump -o html -f "$out/kinds.ktrace" -e /nonexistent \
    >"$out/kinds.html" 2>"$out/kinds.err"; then
	load kinds
	clean kinds
	c kinds-summary has "$out/kinds.text" \
	    '<dt>Definite</dt><dd class="kind-definite">80 (80 B) in 2 allocations</dd>' \
	    '<dt>Indirect</dt><dd class="kind-indirect">32 (32 B) in 1 allocation</dd>' \
	    '<dt>Possible</dt><dd class="kind-possible">0 (0 B) in 0 allocations</dd>' \
	    '<dt>Reachable</dt><dd class="kind-reachable">128 (128 B) in 2 allocations</dd>'
	# Without -a the reachable leak is not drawn, but still counted.
	c kinds-table has "$out/kinds.text" '<td>definite</td>' \
	    '<td>indirect</td>'
	c kinds-not-drawn lacks "$out/kinds.text" '<td>reachable</td>'
	c no-kinds lacks "$out/bytes.text" '<dt>Definite</dt>'
else
	fail kinds "tracegen or mdump failed: $(head -n 1 "$out/kinds.err")"
fi

if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name/traced # skip mdtrace is built on Linux only"
	echo "1..$((n + 1))"
	exit 0
fi
dir=$top/$out/'d"q<i>'
src=$dir/'h"<b>.c'
prog=$dir/'p<x>&"'
mkdir -p "$dir"
cp tests/e2e/progs/html.c "$src"
# clang: gcc's output would need the assembler to take a quoted symbol.
if ! clang -g -O0 -o "$prog" "$src" 2>"$out/cc"; then
	fail build "clang cannot build progs/html.c: $(head -n 1 "$out/cc")"
	echo "1..$n"
	exit 0
fi
if ! ${CC:-cc} -g -O0 -o "$out/noleak" tests/e2e/progs/noleak.c \
    2>>"$out/cc"; then
	fail build "cannot build progs/noleak.c"
	echo "1..$n"
	exit 0
fi


if ! trace t0 "$prog" || ! trace more "$prog" more ||
    ! trace fork "$prog" fork || ! trace none "$out/noleak"; then
	fail trace "mdtrace failed: $(head -n 1 "$out/t0.stderr")"
	echo "1..$n"
	exit 0
fi

# The whole report: every function, the total, the names as text.
script='&lt;script&gt;alert(1)&lt;/script&gt;'
if page main t0; then
	load main
	clean main
	for f in leak_small leak_big helper; do
		c "main-fn-$f" shows main fn "$f"
	done
	c main-fn-hostile shows main fn "$script"
	c main-total grep -qF '<dd>6017 (5.9 KiB)</dd>' "$out/main.text"
	c main-command grep -qF '<dd class="cmd">p&lt;x&gt;&amp;"</dd>' \
	    "$out/main.text"
	c main-path grep -qF "/d\"q&lt;i&gt;/h\"&lt;b&gt;.c:30</td>" \
	    "$out/main.text"
	c main-no-markup lacks "$out/main.html" '<script>alert'
	c main-no-markup-dom lacks "$out/main.dom" '<script>alert'
	c main-policy grep -qF "content=\"default-src 'none'; style-src \
'unsafe-inline'; script-src 'unsafe-inline'\"" "$out/main.html"
	# The search says what share of the bytes the matches hold.
	load main '#q=leak_big'
	c main-search grep -qF '1 leak matches: 5000 bytes, 83% of 6017' \
	    "$out/main.text"
	shot main
else
	fail main "mdump failed: $(head -n 1 "$out/main.err")"
fi

# The same page used with mouse and keys (html_ui.js); lines of the
# source as the page must show them.
line() {
	grep -n "/\* $1 \*/" "$src" | cut -d: -f1
}
# ui NAME PATTERN: html_ui.js's line NAME matches the pattern (grep -x).
ui() {
	grep "^$1	" "$out/ui" | cut -f 2- | grep -qx "$2"
}
if ! command -v node >/dev/null 2>&1; then
	echo "ok $name/ui # skip missing node"
	n=$((n + 1))
elif [ -f "$out/main.html" ]; then
	node tests/e2e/html_ui.js "$browser" "$out/main.html" >"$out/ui" \
	    2>&1
	c ui-ran lacks "$out/ui" 'failed	'
	c ui-hover ui hover "leak_big|$src:$(line BIG)|Bytes: 5000\
 (4.9 KiB, 83%)|Allocations: 1 in 1 leak"
	c ui-click ui click "Zoomed into .* main . leak_big: 5000 bytes, 83%\
 of all\\."
	c ui-click-table ui click-table '1 of 4 leaks are under leak_big\. .* 1'
	c ui-back ui back 'Showing everything: 6017 bytes\.'
	c ui-key-zoom ui key-zoom '.* main . leak_big: 5000 bytes.*'
	c ui-key-tip ui key-tip leak_big
	c ui-key-next ui key-next '.* main . leak_inline: 640 bytes, 11% of all\.'
	c ui-key-home ui key-home 'Showing everything: 6017 bytes\.'
	c ui-sort-down ui sort-down 5000
	c ui-sort-up ui sort-up 77
	c ui-stack ui stack "Leak sum=640 count=1 avg=640| helper at\
 $src:$(line HELPER)|  (inlined by) leak_inline at $src:$(line INLINED)|\
 main at $src:$(line CALL_INLINED)|.*"
	c ui-search ui search '1 leak matches: 300 bytes, 5\.0% of 6017'
	c ui-search-rows ui search-rows 1
	c ui-no-error ui errors ''
fi

# -b: the growth (400 - 300 and the new 900), the new stack marked.
if page base more -b "$out/t0.ktrace"; then
	load base
	clean base
	c base-total grep -qF '<dd>1000 (1000 B)</dd>' "$out/base.text"
	c base-new grep -qF '<span class="badge">new</span> +900 B, +1</td>' \
	    "$out/base.text"
	c base-grown grep -qF '<td class="num"> +100 B, +1</td>' \
	    "$out/base.text"
	c base-only-grown lacks "$out/base.text" '>leak_big<'
	shot base
else
	fail base "mdump failed: $(head -n 1 "$out/base.err")"
fi

# Two processes: a selector; the address chooses the child.  They are
# in the order of their first record: the parent's start record comes
# before the child's report.
child=$(sed -n 's/^child //p' "$out/fork.stdout")
parent=$(sed -n 's/^parent //p' "$out/fork.stdout")
if page fork fork; then
	load fork "#pid=$child"
	clean fork
	c fork-child shows fork fn leak_child
	c fork-options has "$out/fork.text" "<option value=\"0\">$parent " \
	    "<option value=\"1\">$child "
	c fork-all grep -qF 'All 2 processes: 5 leaks, 6350 bytes, 7 allocations' \
	    "$out/fork.text"
else
	fail fork "mdump failed: $(head -n 1 "$out/fork.err")"
fi
# Without "#pid=", the process that leaked the most bytes is shown, not
# the first: here the second, whose leak_child is made 400 bytes in a
# trace of the same frames.
printf '%s\n' 'layout lp64le' start 'proc 7 sh' \
    'object 1 /nonexistent/sh' 'leak 16 1 0x10@1' 'proc 8 prog' \
    'object 1 /nonexistent/prog' 'leak 400 1 0x20@1' >"$out/most.desc"
if tests/tracegen -o "$out/most.ktrace" "$out/most.desc" &&
    ./mdump -o html -f "$out/most.ktrace" -e /nonexistent \
    >"$out/most.html" 2>"$out/most.err"; then
	load most
	c most-shown grep -qF '<dd class="cmd">prog</dd>' "$out/most.text"
else
	fail most "tracegen or mdump failed: $(head -n 1 "$out/most.err")"
fi
# -p: that process alone, no selector.
if page onlyp fork -p "$parent"; then
	load onlyp
	c onlyp-parent shows onlyp fn leak_big
	c onlyp-no-child lacks "$out/onlyp.text" leak_child '<option'
else
	fail onlyp "mdump failed: $(head -n 1 "$out/onlyp.err")"
fi

# -S, -n: suppressed and shown counted, the table as the text report.
echo 'leak:leak_small' >"$out/supp"
if page sel t0 -S "$out/supp" -n 2; then
	load sel
	clean sel
	c sel-shown has "$out/sel.text" '>leak_big<' '>helper<'
	c sel-not-shown lacks "$out/sel.text" 'alert(1)' '>leak_small<'
	c sel-suppressed grep -qF '<dt>Suppressed</dt><dd>1</dd>' \
	    "$out/sel.text"
	c sel-count grep -qF '<dt>Shown</dt><dd>2 of 3</dd>' "$out/sel.text"
else
	fail sel "mdump failed: $(head -n 1 "$out/sel.err")"
fi
# -k and -P: one leak kept, the others hidden; the prefix gone.
if page keep t0 -k leak_inline -P "$dir"; then
	load keep
	c keep-kept has "$out/keep.text" '>helper<'
	c keep-not-kept lacks "$out/keep.text" '>leak_big<'
	c keep-hidden grep -qF '<dt>Hidden</dt><dd>3</dd>' "$out/keep.text"
	c keep-prefix grep -qF '<td class="where">h"&lt;b&gt;.c:30</td>' \
	    "$out/keep.text"
else
	fail keep "mdump failed: $(head -n 1 "$out/keep.err")"
fi

# -C: the C++ name as c++filt shows it.
printf '%s\n' '#include <cstdlib>' 'namespace ns {' \
    '__attribute__((noinline)) void *leaky(int n) { return std::malloc(n); }' \
    '}' 'void *keep;' 'int main() { keep = ns::leaky(42); return 0; }' \
    >"$out/cxx.cpp"
mangled=_ZN2ns5leakyEi
if ${CXX:-c++} -g -O0 -o "$out/cxx" "$out/cxx.cpp" 2>>"$out/cc" &&
    trace cxx "$out/cxx" && page cxx cxx -C -e "$out/cxx"; then
	load cxx
	c cxx-demangled shows cxx fn "$(c++filt "$mangled")"
	c cxx-not-mangled lacks "$out/cxx.text" "$mangled"
	# Without -C the name as recorded.
	page cxxraw cxx -e "$out/cxx" && load cxxraw
	c cxx-raw shows cxxraw fn "$mangled"
else
	fail cxx "cannot build, trace or report progs/cxx.cpp"
fi

# No leaks: a page that says so.
if page none none; then
	load none
	clean none
	c none-empty grep -qF 'No leaks to draw.' "$out/none.text"
else
	fail none "mdump failed: $(head -n 1 "$out/none.err")"
fi

# The page's writer frees what it took and reads nothing it should not
# (under ASan, LeakSanitizer and ASan see to that instead).
vg() {
	valgrind -q --leak-check=full --error-exitcode=99 ./mdump -o html \
	    -e "$prog" "$@" >/dev/null 2>>"$out/valgrind"
}
if [ -n "${MDUMP_ASAN:-}" ]; then
	echo "ok $name/valgrind # skip the ASan build checks this"
	n=$((n + 1))
elif ! command -v valgrind >/dev/null 2>&1; then
	echo "ok $name/valgrind # skip missing valgrind"
	n=$((n + 1))
else
	c valgrind-fork vg -f "$out/fork.ktrace"
	c valgrind-base vg -f "$out/more.ktrace" -b "$out/t0.ktrace" -C \
	    -S "$out/supp" -n 1
	c valgrind-bytes vg -f "$out/bytes.ktrace"
fi

# The control: a page that fetches and fails is seen in both logs.
printf '%s\n' '<!DOCTYPE html><img src="http://127.0.0.1:9/x.png">' \
    '<script>undefinedFunction();</script>' >"$out/control.html"
load control
c control-request has_requests control
c control-console grep -q ':CONSOLE.*undefinedFunction' "$out/control.log"

echo "1..$n"
exit 0
