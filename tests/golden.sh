#!/bin/sh
#
# golden.sh: golden tests of mdump.  Each tests/cases/NAME.test holds
#
#   # what the test checks (comment lines at the top)
#   args: OPTIONS          mdump's options; "-f TRACE" is added unless
#                          OPTIONS name the trace themselves (TRACE is
#                          replaced by the generated trace's path)
#   stdin: yes             optional: the trace goes to standard input
#   status: N              expected exit status
#   --- trace              a tracegen description (tests/tracegen.c)
#   --- stdout             expected standard output, exactly; @VERSION@
#                          stands for mdump's version (src/version.h)
#   --- stderr             expected standard error, exactly (TRACE as above)
#
# The expected outputs are written by hand from the trace description.
# Prints the plan, then "ok case/NAME" or "not ok case/NAME (why)" per
# test.

out=tests/out/cases
mkdir -p "$out" || exit 1
version=$(sed -n '/define MDUMP_VERSION/s/^[^"]*"\([^"]*\)".*/\1/p' \
    src/version.h)
echo "1..$(ls tests/cases/*.test | wc -l | tr -d ' ')"

for t in tests/cases/*.test; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .test)
	d=$out/$name
	mkdir -p "$d"
	awk -v d="$d" '
		/^--- (trace|stdout|stderr)$/ { f = d "/" $2; printf "" > f; next }
		f != "" { print > f; next }
		/^args:/ { sub(/^args: ?/, ""); print > (d "/args"); next }
		/^status:/ { sub(/^status: ?/, ""); print > (d "/status"); next }
		/^stdin:/ { sub(/^stdin: ?/, ""); print > (d "/stdin"); next }
	' "$t"
	[ -f "$d/stdout" ] || : >"$d/stdout"
	[ -f "$d/stderr" ] || : >"$d/stderr"
	if ! tests/tracegen -o "$d/trace.bin" "$d/trace" 2>"$d/gen.err"; then
		echo "not ok case/$name (tracegen: $(head -n 1 "$d/gen.err"))"
		continue
	fi
	args=$(cat "$d/args" 2>/dev/null)
	stdin=$(cat "$d/stdin" 2>/dev/null)
	want=$(cat "$d/status" 2>/dev/null)
	case "$args" in
	*TRACE*|*-f*) ;;
	*) [ "$stdin" = yes ] || args="$args -f TRACE" ;;
	esac
	args=$(printf '%s' "$args" | sed "s,TRACE,$d/trace.bin,g")
	sed "s,TRACE,$d/trace.bin,g" "$d/stderr" >"$d/stderr.want"
	sed "s,@VERSION@,$version,g" "$d/stdout" >"$d/stdout.want"
	if [ "$stdin" = yes ]; then
		./mdump $args <"$d/trace.bin" >"$d/stdout.got" \
		    2>"$d/stderr.got"
	else
		./mdump $args >"$d/stdout.got" 2>"$d/stderr.got" </dev/null
	fi
	got=$?
	if [ "$got" != "${want:-0}" ]; then
		echo "not ok case/$name (exit status $got, expected ${want:-0})"
	elif ! cmp -s "$d/stdout.want" "$d/stdout.got"; then
		echo "not ok case/$name (stdout differs: diff" \
		    "$d/stdout.want $d/stdout.got)"
	elif ! cmp -s "$d/stderr.want" "$d/stderr.got"; then
		echo "not ok case/$name (stderr differs: diff" \
		    "$d/stderr.want $d/stderr.got)"
	else
		echo "ok case/$name"
	fi
done
