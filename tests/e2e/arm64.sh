#!/bin/sh
#
# arm64.sh: mdtrace on aarch64, run here under qemu-user (natively on
# an aarch64 machine).  The tracer is built with aarch64-linux-gnu-gcc
# into tests/out/arm64/lib (make cross-mdtrace), the native one stays.
#
# Stacks: tests/e2e/progs/arm_stacks.c, built -O0, -O2, -O2 with and
# without frame pointers and -O2 with -mbranch-protection=standard
# (return addresses signed by pointer authentication: qemu's "max"
# processor has it), calls glibc's backtrace() (libgcc's unwinder) after
# each allocation: a chain of calls, a frame of run-time size, a
# callback from a shared library, realloc, signal handlers entered by
# raise, on the alternate signal stack and by interrupting a loop, and a
# thread.  Every allocation's recorded stack must be libgcc's, frame by
# frame as object and offset (read by the native mdump -o json), with
# frame 0 inside the allocating function before its call of note(),
# and no stack ended early.
#
# Leak kinds under aarch64 are checked by kinds.sh.
# Prints a TAP plan as its last line.

out=tests/out/arm64
name=arm64
mkdir -p "$out"
res=$out/results
: >"$res"
. tests/e2e/check.sh.inc

plan() {
	cat "$res"
	echo "1..$(grep -c '^\(not \)*ok ' "$res")"
	exit 0
}
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name # skip mdtrace is built on Linux only" >"$res"
	plan
fi
# On aarch64 itself the programs run natively, else under qemu-aarch64.
xcc=aarch64-linux-gnu-gcc
qemu="qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu"
if [ "$(uname -m)" = aarch64 ]; then
	xcc=${CC:-cc}
	qemu=
fi
for tool in $xcc ${qemu%% *} python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "ok $name # skip missing $tool (tools/deps.sh installs it)" \
		    >"$res"
		plan
	fi
done
if ! make -s cross-mdtrace XCC="$xcc" XOUT="$out/lib" >"$out/build" 2>&1; then
	echo "not ok $name/build ($(grep -m 1 -i error "$out/build"))" >"$res"
	plan
fi
check build/quiet test ! -s "$out/build" >>"$res"
lib=$PWD/$out/lib/libmdtrace.so

# arun TRACE PROGRAM ARGS...: run it traced; the native launcher makes
# the trace file (a run of true with no report) and the guest gets the
# tracer through qemu's -E.  A watchdog fails a run that hangs.
arun() {
	t=$1
	shift
	MALLOC_OPTIONS= mdtrace/mdtrace -f "$t" true || return
	if [ -z "$qemu" ]; then
		LD_PRELOAD=$lib MDTRACE_FILE=$PWD/$t timeout 120 "$@"
		return
	fi
	# shellcheck disable=SC2086
	timeout 120 $qemu -E LD_PRELOAD="$lib" -E MDTRACE_FILE="$PWD/$t" \
	    -E MALLOC_OPTIONS="$MALLOC_OPTIONS" "$@"
}

# same_stacks ORACLE JSON: each allocation the program noted has the
# stack libgcc found (see the header); prints what differs.
same_stacks() {
	python3 - "$1" "$2" <<'PY'
import json, os, sys

# The tracer names the main program by its real path, the oracle as it
# was run: objects compare by their real paths.
def frame(f):
    o = f.get("object", "")
    if o in ("", "."):
        return "?%#x" % f["offset"]
    return "%s+%#x" % (os.path.realpath(o), f["offset"])

def split(s):
    if s.startswith("?"):
        return None, int(s[1:], 16)
    o, off = s.rsplit("+", 1)
    return os.path.realpath(o), int(off, 16)

leaks = {}
for p in json.load(open(sys.argv[2]))["processes"]:
    for l in p["leaks"]:
        if l["count"] == 1:
            leaks.setdefault(l["bytes"], []).append(
                [frame(f) for f in l["frames"]])
bad = 0
n = 0
for line in open(sys.argv[1]):
    w = line.split()
    size, fn, frames = int(w[0]), w[1], w[2:]
    n += 1
    got = leaks.get(size, [])
    if len(got) != 1:
        print("%d: %d leaks of this size in the trace" % (size, len(got)))
        bad = 1
        continue
    got = got[0]
    fo, fa = split(fn)
    no, na = split(frames[0])
    go, ga = split(got[0])
    if not (go == fo == no and fa < ga < na):
        print("%d: frame 0 %s is not in %s before %s" % (size, got[0], fn,
              frames[0]))
        bad = 1
    frames = ["%s+%#x" % split(x) if not x.startswith("?") else x
              for x in frames]
    if got[1:] != frames[1:]:
        print("%d: stack %s, libgcc's %s" % (size, " ".join(got[1:]),
              " ".join(frames[1:])))
        bad = 1
if n < 9:
    print("only %d allocations noted" % n)
    bad = 1
sys.exit(bad)
PY
}

progs=tests/e2e/progs
for v in O0:-O0 O2:-O2 O2-omitfp:"-O2 -fomit-frame-pointer" \
    O2-fp:"-O2 -fno-omit-frame-pointer" \
    O2-pac:"-O2 -mbranch-protection=standard"; do
	label=${v%%:*}
	flags=${v#*:}
	d=$out/$label
	mkdir -p "$d"
	# shellcheck disable=SC2086
	if ! $xcc -g $flags -fPIC -shared -o "$d/libarmst.so" \
	    $progs/arm_stacks_lib.c 2>"$d/cc" ||
	    ! $xcc -g $flags -pthread -o "$d/arm_stacks" $progs/arm_stacks.c \
	    -L"$d" -larmst -Wl,-rpath,"$PWD/$d" 2>>"$d/cc"; then
		echo "not ok $name/$label (cannot compile: $(head -n 1 "$d/cc"))"
		continue
	fi
	MDTRACE_FREERES=0 MALLOC_OPTIONS=D64 arun "$d/ktrace.out" \
	    "$d/arm_stacks" >"$d/oracle" 2>"$d/stderr"
	check "$label/exit" test $? -eq 0
	check "$label/quiet" test ! -s "$d/stderr"
	./mdump -N -a -o json -f "$d/ktrace.out" >"$d/json" 2>"$d/mdump.err"
	check "$label/stacks" same_stacks "$d/oracle" "$d/json"
	# No stack ended early: the trace has no mdtracestacks record.
	check "$label/uncut" sh -c "! grep -aq mdtracestacks $d/ktrace.out"
done >>"$res"

# Signed return addresses: the build signs them (paciasp) and qemu's
# processor authenticates, so the stacks above had to be stripped.
check O2-pac/signed sh -c "aarch64-linux-gnu-objdump -d \
    $out/O2-pac/arm_stacks 2>/dev/null | grep -q paciasp" >>"$res"
plan
