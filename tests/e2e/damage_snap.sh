#!/bin/sh
#
# damage_snap.sh: mdump on damaged traces of snapshots (leak checks made
# while the program runs) never crashes, never hangs, never changes a
# snapshot's figures, and keeps every snapshot that can be read.
#
# tests/e2e/progs/snapdmg.c runs under mdtrace with MDTRACE_OLDER, so
# that its trace holds mdtsnap, mdtstack, mdtolder and mdtsnapent
# records (four checks), then its report at exit: about 6 KB.
# tests/e2e/damage_snap.py reads the trace itself (doc/FORMATS.md, not
# mdump) for each snapshot's figures and the offset at which its last
# entry is in, checks mdump -T on the whole trace against that, then
# runs mdump on
#   - the trace cut short at each offset: -T at every byte of every
#     record's header and label, the last byte of every record, and
#     every 8th byte elsewhere (about 3,700 runs); -T -o json and the
#     default report at the start, middle of the header and end of
#     every record (the default report, which reads the symbols, costs
#     ten runs of -T);
#   - every single-bit flip of the header and label of the first
#     mdtsnap record, of snapshot 2's mdtolder record and of snapshot
#     3's first mdtsnapent record (2,016 runs of -T);
# checking that each exits 0 or 1 in under 10 s, that every snapshot
# listed has exactly the figures the oracle read for its number, that
# a cut lists exactly the snapshots complete before it, and a flip
# every snapshot complete before the flipped record.  See there for the
# details.  About 5,900 runs of mdump: 20 s of processor time, under a
# minute on a busy two-core machine.  DAMAGE_FULL=1 cuts at every
# offset for all three (about 20,500 runs, nine minutes).

out=tests/out/damage_snap
name=damage_snap
rm -rf "$out"
mkdir -p "$out" || exit 1
. tests/e2e/check.sh.inc

plan 8
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
if [ ! -x /usr/bin/python3 ]; then
	skipall "missing python3"
fi
if ! ${CC:-cc} -g -O1 -o "$out/snapdmg" tests/e2e/progs/snapdmg.c \
    2>"$out/cc"; then
	failall "cannot compile: $(head -n 1 "$out/cc")"
fi
if ! MALLOC_OPTIONS=D8 MDTRACE_CONTROL=0 MDTRACE_OLDER=0.05 \
    mdtrace/mdtrace -f "$out/trace" "$out/snapdmg" \
    >"$out/run.out" 2>"$out/run.err" || [ -s "$out/run.err" ]; then
	failall "the traced run failed: $(head -n 1 "$out/run.err")"
fi
nice /usr/bin/python3 tests/e2e/damage_snap.py ./mdump "$out/trace" "$out"
exit 0
