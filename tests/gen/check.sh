#!/bin/sh
#
# check.sh TRACEGEN: test the trace generator against hand-checked bytes.
#
# For every NAME.desc next to this script, run TRACEGEN on it and compare
# its output with NAME.hex, a hand-written list of hex byte pairs ('#'
# starts a comment).  For every NAME.bad, a description the generator
# must refuse, check that it exits non-zero with "tracegen: LINE: ..."
# where LINE is given on the file's first line as "# expect: LINE".
#
# Prints the plan, then one line per test, "ok gen/NAME" or
# "not ok gen/NAME (hint)".  It does not build the generator.

if [ $# -ne 1 ]; then
	echo "usage: check.sh TRACEGEN" >&2
	exit 2
fi
tg=$1
dir=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gencheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# One lower-case hex pair a line, from a binary file.
bytes_of_bin() {
	od -An -v -tx1 "$1" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

# The same from a .hex file: comments and blanks dropped.
bytes_of_hex() {
	sed 's/#.*//' "$1" | tr 'A-F' 'a-f' | tr -s ' \t' '\n\n' |
	    sed '/^$/d'
}

# Say where two byte lists first differ, and how long each is.
diff_hint() {
	ne=$(wc -l < "$1" | tr -d ' ')
	ng=$(wc -l < "$2" | tr -d ' ')
	first=$(paste -d, "$1" "$2" | awk -F, '$1 != $2 {
		printf "byte %d: expected %s, got %s", NR - 1,
		    $1 == "" ? "EOF" : $1, $2 == "" ? "EOF" : $2
		exit
	}')
	echo "$first; expected $ne bytes, got $ng"
}

check_desc() {
	name=$(basename "$1" .desc)
	hex=$dir/$name.hex
	if [ ! -f "$hex" ]; then
		echo "not ok gen/$name (no $name.hex)"
		return
	fi
	bytes_of_hex "$hex" > "$tmp/exp"
	if grep -qv '^[0-9a-f][0-9a-f]$' "$tmp/exp"; then
		echo "not ok gen/$name (bad token in $name.hex:" \
		    "$(grep -v '^[0-9a-f][0-9a-f]$' "$tmp/exp" | head -n 1))"
		return
	fi
	rm -f "$tmp/out"
	if ! "$tg" -o "$tmp/out" "$1" 2> "$tmp/err"; then
		echo "not ok gen/$name (tracegen failed:" \
		    "$(head -n 1 "$tmp/err"))"
		return
	fi
	if [ ! -f "$tmp/out" ]; then
		echo "not ok gen/$name (tracegen wrote no output)"
		return
	fi
	bytes_of_bin "$tmp/out" > "$tmp/got"
	if cmp -s "$tmp/exp" "$tmp/got"; then
		echo "ok gen/$name"
	else
		echo "not ok gen/$name ($(diff_hint "$tmp/exp" "$tmp/got"))"
	fi
}

check_bad() {
	name=bad-$(basename "$1" .bad)
	line=$(sed -n '1s/^# expect: *\([0-9][0-9]*\).*/\1/p' "$1")
	rm -f "$tmp/out"
	if "$tg" -o "$tmp/out" "$1" 2> "$tmp/err"; then
		echo "not ok gen/$name (accepted a bad description)"
	elif [ -e "$tmp/out" ]; then
		echo "not ok gen/$name (wrote output despite the error)"
	elif ! grep -q "^tracegen: $line: " "$tmp/err"; then
		echo "not ok gen/$name (expected 'tracegen: $line: ...'," \
		    "got '$(head -n 1 "$tmp/err")')"
	else
		echo "ok gen/$name"
	fi
}

echo "1..$(ls "$dir"/*.desc "$dir"/*.bad | wc -l | tr -d ' ')"
for f in "$dir"/*.desc; do
	check_desc "$f"
done
for f in "$dir"/*.bad; do
	check_bad "$f"
done
exit 0
