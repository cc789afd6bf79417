#!/bin/sh
#
# html.sh: how fast an -o html page of 10,000 leaks of 4 frames is in
# Chromium.  Builds the program bench/html_gen.sh writes (10,000
# distinct stacks), traces it with mdtrace, writes the page, and times
# it in headless Chromium through the DevTools protocol
# (bench/html_cdp.js, with Node) or, without Node, reads the page's own
# start-up time from the DOM Chromium prints.  Target: drawn in under
# 2 s, zooming without a pause anyone notices.
#
# usage: sh bench/html.sh   (from the top of the tree after make; Linux)
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=bench/out/html
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser) || {
	echo "html.sh: no chromium" >&2
	exit 1
}
sh bench/html_gen.sh >"$out/big.c" &&
    ${CC:-cc} -g -O0 -o "$out/big" "$out/big.c" || exit 1
MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/big.ktrace" "$out/big" ||
    exit 1
./mdump -o html -f "$out/big.ktrace" -e "$out/big" >"$out/big.html" ||
    exit 1
echo "page: $(wc -c <"$out/big.html" | tr -d ' ') bytes," \
    "$(./mdump -f "$out/big.ktrace" -e "$out/big" | tail -n 1)"
if command -v node >/dev/null 2>&1; then
	for i in 1 2 3; do
		echo "run $i (ms):"
		node bench/html_cdp.js "$browser" "$out/big.html" |
		    sed 's/^/  /'
	done
else
	prof=$(mktemp -d)
	"$browser" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$prof" --dump-dom "file://$top/$out/big.html" \
	    2>/dev/null | grep -o 'data-ready="[0-9]*"\|drawn in [0-9]* ms'
	rm -rf "$prof"
fi
