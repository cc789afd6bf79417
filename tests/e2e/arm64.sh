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
	MALLOC_OPTIONS= MDTRACE_QUIET=1 mdtrace/mdtrace -f "$t" true || return
	if [ -z "$qemu" ]; then
		LD_PRELOAD=$lib MDTRACE_FILE=$PWD/$t timeout 120 "$@"
		return
	fi
	# shellcheck disable=SC2086
	timeout 120 $qemu -E LD_PRELOAD="$lib" -E MDTRACE_FILE="$PWD/$t" \
	    -E MALLOC_OPTIONS="$MALLOC_OPTIONS" "$@"
}

# same_stacks ORACLE JSON MIN: each allocation the program noted has the
# stack libgcc found (see the header), and it noted at least MIN; prints
# what differs.
same_stacks() {
	python3 - "$@" <<'PY'
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
    # arm_calls.cpp's lines name the library whose frames come first.
    via = "-"
    if w[1].startswith("via="):
        via = w.pop(1)[4:]
    size, fn, frames = int(w[0]), w[1], w[2:]
    n += 1
    got = leaks.get(size, [])
    if len(got) != 1:
        print("%d: %d leaks of this size in the trace" % (size, len(got)))
        bad = 1
        continue
    got = got[0]
    # Above the allocating function, the library function that called
    # malloc: at least one frame, all in that library.
    k = 0
    while (via != "-" and k < len(got) and
           os.path.basename(split(got[k])[0] or "").startswith(via + ".so")):
        k += 1
    if via != "-" and k == 0:
        print("%d: stack %s does not start in %s" % (size, " ".join(got),
              via))
        bad = 1
        continue
    got = got[k:]
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
if n < int(sys.argv[3]):
    print("only %d allocations noted" % n)
    bad = 1
sys.exit(bad)
PY
}

# same_syms JSON OBJECT...: every frame of the report inside one of the
# OBJECTs is symbolized as llvm-symbolizer does it, inline chain and
# all: function, file and line of each location, innermost first as
# mdump prints them.  mdump looks a return address up one byte before
# it (the call), and so is llvm-symbolizer asked.  Prints what differs.
same_syms() {
	python3 - "$@" <<'PY'
import json, os, struct, subprocess, sys

objs = {os.path.realpath(o) for o in sys.argv[2:]}

# The address of an offset: the link base added for ET_EXEC.
def base(path):
    with open(path, "rb") as f:
        h = f.read(64)
        if struct.unpack_from("<H", h, 16)[0] != 2:
            return 0
        phoff, = struct.unpack_from("<Q", h, 32)
        phentsize, phnum = struct.unpack_from("<HH", h, 54)
        lo = None
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ty, _, off, vaddr = struct.unpack("<IIQQ", f.read(24))
            if ty == 1 and (lo is None or vaddr - off < lo):
                lo = vaddr - off
        return lo or 0

want = {}
for p in json.load(open(sys.argv[1]))["processes"]:
    for l in p["leaks"]:
        for f in l["frames"]:
            o = os.path.realpath(f.get("object") or ".")
            if o not in objs:
                continue
            a = f["offset"] - 1 if f["offset"] > 0 else 0
            locs = [(x["function"], x["file"] and os.path.normpath(x["file"]),
                     x["line"]) for x in f["locations"]]
            want.setdefault(o, {})[a] = (f["offset"], locs)
bad = 0
n = 0
for o, frames in sorted(want.items()):
    addrs = sorted(frames)
    b = base(o)
    def ask(*opt):
        return json.loads(subprocess.run(
            ["llvm-symbolizer", "--obj=" + o, "--output-style=JSON",
             "--inlining"] + list(opt) + ["%#x" % (a + b) for a in addrs],
            check=True, capture_output=True, text=True).stdout)
    res = ask()
    short = ask("--functions=short")
    for a, r, sr in zip(addrs, res, short):
        off, locs = frames[a]
        exp = [(s["FunctionName"], s["FileName"] and
                os.path.normpath(s["FileName"]) or None, s["Line"] or None)
               for s in r["Symbol"]]
        # A function DWARF names without a linkage name (a static C++
        # one): llvm-symbolizer takes the ELF symbol's name, parameter
        # list and all, mdump DW_AT_name.  Either will do.
        for k, (x, s) in enumerate(zip(locs, sr["Symbol"])):
            if (k < len(exp) and x[0] == s["FunctionName"] and
                    exp[k][0].startswith(x[0] + "(")):
                exp[k] = (x[0],) + exp[k][1:]
        n += 1
        if locs != exp:
            print("%s+%#x: mdump %s, llvm-symbolizer %s" % (o, off, locs,
                  exp))
            bad = 1
if n < 5:
    print("only %d frames compared" % n)
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
	./mdump -C -N -a -o json -f "$d/ktrace.out" >"$d/json" 2>"$d/mdump.err"
	check "$label/stacks" same_stacks "$d/oracle" "$d/json" 9
	check "$label/symbols" same_syms "$d/json" "$d/arm_stacks" \
	    "$d/libarmst.so"
	# No stack ended early: the trace has no mdtracestacks record.
	check "$label/uncut" sh -c "! grep -aq mdtracestacks $d/ktrace.out"
done >>"$res"

# Allocations through libraries (tests/e2e/progs/arm_calls.cpp): C++'s
# operator new and std::string, strdup, getline, a qsort comparison
# function, a library loaded by dlopen(); the same stacks, and the
# program's frames symbolized as llvm-symbolizer does.
for v in O2-omitfp:"-O2 -fomit-frame-pointer" \
    O2-pac:"-O2 -mbranch-protection=standard"; do
	label=calls-${v%%:*}
	flags=${v#*:}
	d=$out/$label
	mkdir -p "$d"
	xcxx=$(echo "$xcc" | sed 's/gcc$/g++/; s/^cc$/c++/')
	# shellcheck disable=SC2086
	if ! $xcc -g $flags -fPIC -shared -o "$d/libarmdl.so" \
	    $progs/arm_calls_dl.c 2>"$d/cc" ||
	    ! $xcxx -g $flags -o "$d/arm_calls" $progs/arm_calls.cpp -ldl \
	    2>>"$d/cc"; then
		echo "not ok $name/$label (cannot compile: $(head -n 1 "$d/cc"))"
		continue
	fi
	MDTRACE_FREERES=0 MALLOC_OPTIONS=D64 arun "$d/ktrace.out" \
	    "$d/arm_calls" "$PWD/$d/libarmdl.so" >"$d/oracle" 2>"$d/stderr"
	check "$label/exit" test $? -eq 0
	check "$label/quiet" test ! -s "$d/stderr"
	./mdump -C -N -a -o json -f "$d/ktrace.out" >"$d/json" 2>"$d/mdump.err"
	check "$label/stacks" same_stacks "$d/oracle" "$d/json" 7
	check "$label/symbols" same_syms "$d/json" "$d/arm_calls" \
	    "$d/libarmdl.so"
	check "$label/uncut" sh -c "! grep -aq mdtracestacks $d/ktrace.out"
done >>"$res"

# Signed return addresses: the build signs them (paciasp) and qemu's
# processor authenticates, so the stacks above had to be stripped.
check O2-pac/signed sh -c "aarch64-linux-gnu-objdump -d \
    $out/O2-pac/arm_stacks 2>/dev/null | grep -q paciasp" >>"$res"
plan
