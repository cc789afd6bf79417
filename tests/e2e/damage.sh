#!/bin/sh
#
# damage.sh: mdump on damaged traces never crashes, never hangs, never
# reports garbage, and keeps what can be read.
#
# From a few valid traces (both record formats, several header layouts,
# other ktrace records between the leaks) it makes
#   - every single-bit flip in the headers of a few records: the first
#     after the start record (what layout detection sees first), one in
#     the middle and the last;
#   - every truncation of a small trace, at every byte offset;
# and runs mdump on each.  Checked for every run:
#   - exit status 0 or 1: never a signal, never a hang (timeout, where
#     the system has timeout(1));
#   - no garbage: every reported leak is one of the original's, by its
#     key "sum count offset-of-first-frame" (every leak of the originals
#     has its own first offset, so no damage can merge two of them);
#   - truncation: every leak whose records all lie before the cut is
#     reported (the prefix traces tell where each leak's records end).
# Prints the plan, then "ok damage/NAME" or "not ok damage/NAME (why)"
# per trace and kind of damage.  Does not check the messages (the golden dmg-* cases
# do), nor damage inside payloads (the fuzzer does).

out=tests/out/damage
rm -rf "$out"
mkdir -p "$out" || exit 1
CC=${CC:-cc}

# A helper writing every single-bit flip of bytes [OFF, OFF+LEN) of a
# file, one file each: a shell loop of dd and printf would take minutes.
cat >"$out/flip.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char *argv[])
{
	static unsigned char b[1 << 20];
	char name[4096];
	size_t n, off, len, i;
	FILE *f;
	int bit;

	if (argc != 5 || (f = fopen(argv[1], "rb")) == NULL)
		return 2;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	off = strtoul(argv[2], NULL, 0);
	len = strtoul(argv[3], NULL, 0);
	for (i = off; i < off + len && i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			snprintf(name, sizeof(name), "%s/%zu.%d", argv[4], i,
			    bit);
			b[i] ^= 1 << bit;
			if ((f = fopen(name, "wb")) == NULL ||
			    fwrite(b, 1, n, f) != n || fclose(f) != 0)
				return 2;
			b[i] ^= 1 << bit;
		}
	return 0;
}
EOF
if ! $CC -o "$out/flip" "$out/flip.c" 2>"$out/flip.err"; then
	echo "not ok damage/helper (does not compile)"
	exit 1
fi

if command -v timeout >/dev/null 2>&1; then
	tmo="timeout 10"
else
	tmo=
fi

# The keys of a report, in its order: "SUM COUNT OFFSET" per leak,
# OFFSET the first frame's "+0x..." or "-" for an anonymous leak.  The
# same program checks a damaged run's report against the original's
# keys (file orig) of which the first want must be there.
KEYS='
function flush() { if (k != "") got(k " -"); k = "" }
/^Leak sum=/ {
	flush()
	split($2, s, "="); split($3, c, "=")
	k = s[2] " " c[2]
	next
}
k != "" && /^ / {
	fr = $0; sub(/.*\+/, "", fr); sub(/\)$/, "", fr)
	got(k " " fr); k = ""
}
END { flush(); done() }
'
keys() {
	awk 'function got(x) { print x } function done() { }'"$KEYS" "$1"
}

# Run mdump on one damaged file.  Sets bad to the first failure found,
# or leaves it empty.
check_run() {
	f=$1 orig=$2 want=$3
	$tmo ./mdump -f "$f" >"$out/got" 2>"$out/err" </dev/null
	st=$?
	if [ "$st" -gt 1 ]; then
		bad="exit status $st on $f"
		return
	fi
	bad=$(awk -v orig="$orig" -v want="$want" -v f="$f" '
		BEGIN {
			while ((getline l < orig) > 0) {
				o[l] = 1
				if (++n <= want)
					w[l] = 1
			}
		}
		function got(x) {
			seen[x] = 1
			if (!(x in o) && bad == "")
				bad = "leak \"" x "\" not in the original"
		}
		function done() {
			for (x in w)
				if (!(x in seen) && bad == "")
					bad = "leak \"" x "\" before the cut lost"
			if (bad != "")
				print bad ", from " f
		}'"$KEYS" "$out/got")
}

# The traces: NAME, then a header (layout, start, objects) and the
# leaks, one description line each (a line starting with "+" continues
# the previous leak: in-tree continuation lines).
mk_exp() {
	layout=$1
	cat <<EOF
layout $layout
start
proc 5 a.out
object 0x10 /nonexistent/a.out
record 1 0102030405060708
object 0x20 /nonexistent/libc.so
EOF
	echo "--- leaks"
	i=1
	while [ $i -le $NLEAKS ]; do
		echo "leak $((i * 16)) $i 0x${i}000@0x10 0x${i}100@0x20"
		[ $((i % 3)) -eq 0 ] && echo "+record 2 0000000000000000"
		i=$((i + 1))
	done
}

mk_text() {
	layout=$1
	cat <<EOF
layout $layout
start
proc 7 prog
text "******** Start dump prog *******\n"
text "Leak report:\n"
text "                 f     sum      #    avg\n"
EOF
	echo "--- leaks"
	i=1
	while [ $i -le $NLEAKS ]; do
		printf 'text "%18s %7d %6d %6d addr2line -e /nonexistent/prog 0x%d000\\n"\n' \
		    "0x${i}000" $((i * 32)) $i 32 $i
		printf '+text "%19s %7s %6s %6s addr2line -e /nonexistent/lib.so 0x%d10\\n"\n' \
		    "0x${i}10" - - - $i
		[ $((i % 4)) -eq 0 ] && echo "+record 3 2f746d70"
		i=$((i + 1))
	done
	printf '%s\n' '+text "\n"'
}

# Split a made description into header and leaks; write the trace of
# the header plus the first K leaks for every K, and remember each
# prefix's size: where the K-th leak's records end.
prefixes() {
	name=$1
	d=$out/$name
	mkdir -p "$d"
	sed '/^--- leaks$/,$d' "$d/desc" >"$d/head"
	sed '1,/^--- leaks$/d' "$d/desc" >"$d/leaks"
	cp "$d/head" "$d/cur"
	k=0
	: >"$d/ends"
	tests/tracegen -o "$d/p0" "$d/cur" || return 1
	while IFS= read -r line; do
		case "$line" in
		+*)	printf '%s\n' "${line#+}" >>"$d/cur"
			continue ;;
		esac
		if [ $k -gt 0 ]; then
			tests/tracegen -o "$d/p$k" "$d/cur" || return 1
			echo "$k $(wc -c <"$d/p$k" | tr -d ' ')" >>"$d/ends"
		fi
		printf '%s\n' "$line" >>"$d/cur"
		k=$((k + 1))
	done <"$d/leaks"
	tests/tracegen -o "$d/p$k" "$d/cur" || return 1
	echo "$k $(wc -c <"$d/p$k" | tr -d ' ')" >>"$d/ends"
	cp "$d/p$k" "$d/trace"
	./mdump -f "$d/trace" >"$d/orig.out" 2>"$d/orig.err" || return 1
	keys "$d/orig.out" >"$d/orig.keys"
	[ "$(wc -l <"$d/orig.keys")" -eq "$k" ] || return 1
}

# Every bit of the headers of some records: WHICH holds "first" (the
# first after the start record: what layout detection sees first),
# "mid" (the middle leak's first record) and "last" (the last leak's).
flips() {
	name=$1 hdr=$2 which=$3
	d=$out/$name
	n=$(wc -l <"$d/ends" | tr -d ' ')
	offs=
	for w in $which; do
		case $w in
		first)	offs="$offs $hdr" ;;
		mid)	offs="$offs $(sed -n "$((n / 2))p" "$d/ends" |
			    cut -d ' ' -f 2)" ;;
		last)	offs="$offs $(sed -n "$((n - 1))p" "$d/ends" |
			    cut -d ' ' -f 2)" ;;
		esac
	done
	bad=
	count=0
	for off in $offs; do
		rm -rf "$d/flips"
		mkdir -p "$d/flips"
		"$out/flip" "$d/trace" "$off" "$hdr" "$d/flips" || {
			bad="flip helper failed"
			break
		}
		for f in "$d"/flips/*; do
			count=$((count + 1))
			check_run "$f" "$d/orig.keys" 0
			[ -n "$bad" ] && break 2
		done
	done
	if [ -n "$bad" ]; then
		echo "not ok damage/$name-flips ($bad)"
	else
		echo "ok damage/$name-flips ($count traces)"
	fi
}

# Truncation at every offset; the leaks whose records end at or before
# the cut must all be there.
cuts() {
	name=$1
	d=$out/$name
	size=$(wc -c <"$d/trace" | tr -d ' ')
	bad=
	c=0
	while [ $c -lt "$size" ]; do
		head -c $c "$d/trace" >"$d/cut"
		# Leaks complete before the cut: the first k of the report.
		k=$(awk -v c=$c '$2 <= c { k = $1 } END { print k + 0 }' \
		    "$d/ends")
		check_run "$d/cut" "$d/orig.keys" "$k"
		[ -n "$bad" ] && break
		c=$((c + 1))
	done
	if [ -n "$bad" ]; then
		echo "not ok damage/$name-cuts ($bad)"
	else
		echo "ok damage/$name-cuts ($size traces)"
	fi
}

# FORMAT:LAYOUT:HEADER-LENGTH:RECORDS-TO-FLIP[:cuts].  The suite's
# default keeps to about a minute; DAMAGE_FULL=1 flips the headers of
# three records in every trace and cuts every trace everywhere.
if [ -n "$DAMAGE_FULL" ]; then
	NLEAKS=8
	specs="exp:lp64le:64:first,mid,last:cuts
	    exp:ilp32be:64:first,mid,last:cuts
	    exp:i386:52:first,mid,last:cuts
	    text:lp64be:64:first,mid,last:cuts
	    text:i386-old:48:first,mid,last:cuts
	    text:ilp32le-old:56:first,mid,last:cuts"
else
	NLEAKS=4
	specs="exp:lp64le:64:first,mid:cuts exp:i386:52:first
	    text:lp64be:64:first,last:cuts text:ilp32le-old:56:mid"
fi
# One result for the flips of each trace, one for its cuts.
echo "1..$(echo $specs | awk '{ print NF + gsub(/:cuts/, "") }')"
for spec in $specs; do
	fmt=$(echo "$spec" | cut -d : -f 1)
	layout=$(echo "$spec" | cut -d : -f 2)
	hdr=$(echo "$spec" | cut -d : -f 3)
	which=$(echo "$spec" | cut -d : -f 4 | tr , ' ')
	cut=$(echo "$spec" | cut -d : -f 5)
	name=$fmt-$layout
	mkdir -p "$out/$name"
	if [ "$fmt" = exp ]; then
		mk_exp "$layout" >"$out/$name/desc"
	else
		mk_text "$layout" >"$out/$name/desc"
	fi
	if ! prefixes "$name"; then
		echo "not ok damage/$name-flips (the valid trace does not read)"
		[ "$cut" = cuts ] &&
		    echo "not ok damage/$name-cuts (the valid trace does not read)"
		continue
	fi
	flips "$name" "$hdr" "$which"
	if [ "$cut" = cuts ]; then
		cuts "$name"
	fi
done
exit 0
