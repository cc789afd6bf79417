#!/bin/sh
#
# runner.sh: tests/run.sh cannot pass silently.  Each case gives the
# runner one made-up part and checks its exit status (make check ends
# with it) and its summary: a part that dies midway, gives no plan, a
# plan between its results, more results than planned, exits non-zero,
# or loses its oracle in CI fails the run and is named; well-formed
# parts with the plan first or last pass, and their skips are counted
# with their reasons.

name=runner
out=tests/out/runner
rm -rf "$out"
mkdir -p "$out" || exit 1
. tests/e2e/check.sh.inc
plan 21

# part NAME [CI] <<BODY: write the part, run the runner on it alone;
# its summary in $out/NAME.sum, its last line in $out/NAME.last.
part() {
	cat >"$out/$1.sh"
	RUN_OUT=$out/$1.out CI=${2:-} sh tests/run.sh "$out/$1.sh" \
	    >"$out/$1.sum" 2>&1
	st=$?
	tail -n 1 "$out/$1.sum" >"$out/$1.last"
	return $st
}

part lead <<'EOF'
echo 1..2
echo "ok fake/a"
echo "ok fake/b"
EOF
check lead-passes test $? -eq 0
check lead-count grep -qx '2 passed, 0 failed' "$out/lead.last"

part trail <<'EOF'
echo "# a comment before the results"
echo "ok fake/a"
echo "ok fake/b # skip missing frobnicator"
echo 1..2
echo "# and one after"
EOF
check trail-passes test $? -eq 0
check trail-count grep -qx '1 passed, 0 failed, 1 skipped' "$out/trail.last"
check trail-reason grep -qx 'skipped 1: missing frobnicator' "$out/trail.sum"

part dies <<'EOF'
echo 1..3
echo "ok fake/a"
kill -9 $$
echo "ok fake/b"
EOF
check dies-fails test $? -ne 0
check dies-named grep -q "^not ok $out/dies.sh (exited with status" \
    "$out/dies.sum"
check dies-counted grep -qx '1 passed, 3 failed' "$out/dies.last"

part noplan <<'EOF'
echo "ok fake/a"
EOF
check noplan-fails test $? -ne 0
check noplan-named grep -q "^not ok $out/noplan.sh (no plan" "$out/noplan.sum"

part middle <<'EOF'
echo "ok fake/a"
echo 1..2
echo "ok fake/b"
EOF
check middle-fails test $? -ne 0
check middle-named grep -q "^not ok $out/middle.sh (plan after result 1" \
    "$out/middle.sum"

part extra <<'EOF'
echo 1..1
echo "ok fake/a"
echo "ok fake/b"
EOF
check extra-fails test $? -ne 0

part status <<'EOF'
echo 1..1
echo "ok fake/a"
exit 3
EOF
check status-fails test $? -ne 0
check status-named grep -q "^not ok $out/status.sh (exited with status 3)" \
    "$out/status.sum"

# A result in another form than the protocol's is no result.
part bare <<'EOF'
echo 1..1
echo "skip fake/a (no oracle)"
EOF
check bare-fails test $? -ne 0
check bare-missing grep -q '^not ok .*/missing-1 (planned, never given)' \
    "$out/bare.sum"

# An oracle that tools/deps.sh installs may be skipped at home, not in
# CI; one that it does not install may be skipped in both.
oracle='echo 1..1; echo "ok fake/a # skip missing llvm-symbolizer (x)"'
echo "$oracle" | part oracle-home
check oracle-home-passes test $? -eq 0
echo "$oracle" | part oracle-ci true
check oracle-ci-fails test $? -ne 0
check oracle-ci-named grep -q 'CI: tools/deps.sh installs llvm-symbolizer' \
    "$out/oracle-ci.sum"
echo 'echo 1..1; echo "ok fake/a # skip missing frobnicator"' |
    part other-ci true
check other-ci-passes test $? -eq 0
exit 0
