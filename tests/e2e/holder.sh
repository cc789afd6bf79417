#!/bin/sh
#
# holder.sh: what holds a reachable block, from mdtrace's holder records
# as mdump names it, against independent oracles: the symbol that
# readelf -s gives at the offset the record names (a global, a static, a
# TLS variable), and the source line marked in tests/e2e/progs/holder.c
# for the allocation site of the block that holds another.
# Prints a TAP plan first.

name=holder
out=tests/out/holder
. tests/e2e/check.sh.inc
plan 12
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
rm -rf "$out"
mkdir -p "$out"
src=tests/e2e/progs/holder.c
prog=$out/holder
${CC:-cc} -g -O0 -o "$prog" "$src" || failall "cannot compile $src"
(cd "$out" && MALLOC_OPTIONS=D4 ../../../mdtrace/mdtrace ./holder) ||
    failall "mdtrace failed"
# The trace names the program as it was run, ./holder, from there.
(cd "$out" && ../../../mdump -a >report 2>err) ||
    failall "mdump failed: $(head -n 1 "$out/err")"

# The line of a marker in the source.
line() {
	grep -n "/\* @$1 \*/" "$src" | cut -d: -f1
}

# The source as mdump names it, and " at holder.c:N" with the line of
# the file-scope declaration of variable $1 in the source.
abs=$(cd "$(dirname "$src")" && pwd)/holder.c
at() {
	echo " at $abs:$(grep -n "^[a-z_[:space:]]*[*]*$1;" "$src" | cut -d: -f1)"
}

# held LINE: the holder line of the leak whose first frame is at LINE.
held() {
	awk -v at="holder.c:$1" '
	/^Leak / { first = 1; want = 0; next }
	first { first = 0; if (index($0, at) > 0 && $0 ~ /^ main at / ||
	    $0 ~ /^ make_list at / && index($0, at) > 0) want = 1; next }
	want && /^  held by / { print; exit }' "$out/report"
}

# sym TYPE OFFSET: readelf's symbol of TYPE (OBJECT or TLS) whose
# [value, value + size) holds OFFSET, as "BIND NAME".
sym() {
	readelf -sW "$prog" | awk -v t="$1" -v off="$2" '
	function hex(s,   i, c, v) {
		v = 0
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			v = v * 16 + c
		}
		return v
	}
	$4 == t && $3 + 0 > 0 {
		v = hex($2)
		o = hex(substr(off, 3))
		if (v <= o && o < v + $3) { print $5, $8; exit }
	}'
}

# The offsets of the roots the trace gives, in the order written.
grep -a '^root data \|^root tls ' "$out/ktrace.out" >"$out/roots"

# expect_var LINE KIND TYPE WORD: the leak at LINE is held by a variable
# the trace names by offset; readelf names the same variable.
expect_var() {
	h=$(held "$1")
	v=$(echo "$h" | sed -n 's/.* \([A-Za-z_][A-Za-z_0-9]*\) at [^ ]*:[0-9]*$/\1/p')
	found=0
	while read -r r kind a b c; do
		[ "$kind" = "$2" ] || continue
		off=$b
		[ "$kind" = tls ] && off=$b
		[ "$kind" = data ] && off=$a
		s=$(sym "$3" "$off")
		[ "${s#* }" = "$v" ] && found=1 && bind=${s% *}
	done <"$out/roots"
	[ "$found" = 1 ] || { echo "# $h: no $2 root at $v's offset" >&2; return 1; }
	case $4 in
	global) [ "$bind" = GLOBAL ] && [ "$h" = "  held by global $v$(at "$v")" ] ;;
	static) [ "$bind" = LOCAL ] && [ "$h" = "  held by static $v$(at "$v")" ] ;;
	tls) [ "$h" = "  held by the main thread's thread-local $v$(at "$v")" ] ;;
	esac
}

check gp-named expect_var "$(line gp)" data OBJECT global
check gp-is-gp test "$(held "$(line gp)")" = "  held by global gp$(at gp)"
check sp-named expect_var "$(line sp)" data OBJECT static
check sp-is-sp test "$(held "$(line sp)")" = "  held by static sp$(at sp)"
check tp-named expect_var "$(line tp)" tls TLS tls
check tp-is-tp test "$(held "$(line tp)")" = \
    "  held by the main thread's thread-local tp$(at tp)"
check first-named expect_var "$(line first)" data OBJECT global
# The second node: held by the first, allocated at the marked line.
second=$(held "$(line second)")
check second-by-block test "$second" = "  held by a block allocated at make_list at $abs:$(line first) (at offset 16), held by global head$(at head)"
# The block's offset is where the pointer lies: offsetof(struct node, next).
check second-offset grep -q 'block 0x10$' "$out/ktrace.out"
# JSON: the same path, root first.
(cd "$out" && ../../../mdump -a -o json >json 2>/dev/null)
check json-valid python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/json"
# json_path FILE LINE: one leak held along a path of two hops, root first.
json_path() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
paths = [l["held_by"] for p in d["processes"] for l in p["leaks"] if "held_by" in l]
two = [h for h in paths if len(h) == 2 and h[0].get("variable") == "head"]
ok = len(two) == 1 and two[0][0]["kind"] == "data" and two[0][0]["variable"] == "head" and two[0][0]["binding"] == "global" and two[0][0]["file"] == sys.argv[3] and two[0][0]["line"] == int(sys.argv[4]) and two[0][1]["kind"] == "block" and two[0][1]["offset"] == 16 and two[0][1]["function"] == "make_list" and two[0][1]["line"] == int(sys.argv[2])
sys.exit(0 if ok else 1)' "$1" "$2" "$abs" "$(at head | sed 's/.*://')"
}
check json-path json_path "$out/json" "$(line first)"
# Two paths from the block at hub to the block x: the shorter is named.
shortest=$(held "$(line x)")
check x-shortest test "$shortest" = "  held by a block allocated at main at $abs:$(line d) (at offset 0), held by a block allocated at main at $abs:$(line hub) (at offset 0), held by global hub$(at hub)"
