#!/bin/sh
#
# htmlpage.sh: write, on standard output, the C source of the page that
# -o html prints (src/report_page.c) from its readable sources in DIR
# (src/html): report.html with the lines "@STYLE@" and "@SCRIPT@"
# replaced by report.css and report.js; the line "@DATA@" splits it into
# html_page_head and html_page_tail, around the report's JSON.
#
# Each line becomes one string of an array, not one long literal:
# strict C99 compilers need not take string literals of more than 4095
# bytes.  '\' and '"' are escaped, and '?' too, so that no trigraph
# forms.  The sources must be ASCII (the page escapes the rest in its
# script), so no byte depends on the locale.  Plain sh, sed and awk, as
# on OpenBSD.
#
# Usage: sh tools/htmlpage.sh DIR >src/report_page.c
dir=${1:-src/html}
for f in report.html report.css report.js; do
	if [ ! -f "$dir/$f" ]; then
		echo "htmlpage.sh: $dir/$f: no such file" >&2
		exit 1
	fi
	if LC_ALL=C grep -n '[^	 -~]' "$dir/$f" >/dev/null; then
		echo "htmlpage.sh: $dir/$f: bytes other than printable" \
		    "ASCII and tab" >&2
		exit 1
	fi
done

# The page with its style and script in place.
page() {
	awk -v css="$dir/report.css" -v js="$dir/report.js" '
	    function cat(f,  l) {
		while ((getline l < f) > 0)
			print l
		close(f)
	    }
	    $0 == "@STYLE@" { cat(css); next }
	    $0 == "@SCRIPT@" { cat(js); next }
	    { print }' "$dir/report.html"
}

# Lines as C strings.
strings() {
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
	    -e 's/^/	"/' -e 's/$/\\n",/'
}

echo '/* Made by tools/htmlpage.sh from src/html/: edit those, then run'
echo '   "make page". */'
echo '#include <stddef.h>'
echo
echo '#include "report_html.h"'
echo
echo 'const char *const html_page_head[] = {'
page | awk '$0 == "@DATA@" { exit } { print }' | strings
echo '	NULL'
echo '};'
echo
echo 'const char *const html_page_tail[] = {'
page | awk 'on { print } $0 == "@DATA@" { on = 1 }' | strings
echo '	NULL'
echo '};'
