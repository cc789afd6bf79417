#!/bin/sh
#
# version.sh: the version is kept in src/version.h, and everything that
# names it agrees: "make version" (GNU make and bmake) and the tarball
# of "make dist", the newest entry
# of debian/changelog (the version before its Debian revision) and of
# NEWS, mdump -V and --version, mdtrace -V and --version.  The options
# as users of GNU tools expect them: -h and --help print the usage on
# standard output and exit 0; a wrong option prints it on standard
# error and exits 1; "--help" as an option's argument or after the
# traced program's name is not taken as the option.  A trace mdtrace
# writes carries its version, which mdump -o json gives per process
# beside its own.

name=version
out=tests/out/version
. tests/e2e/check.sh.inc
. tests/e2e/demo.sh.inc
plan 19
mkdir -p "$out" || exit 1
v=$(sed -n '/define MDUMP_VERSION/s/^[^"]*"\([^"]*\)".*/\1/p' src/version.h)
check header sh -c "printf '%s\n' '$v' | grep -qx '[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*'"

check make sh -c "[ \"\$(make -s version)\" = '$v' ]"
if command -v bmake >/dev/null 2>&1; then
	check bmake sh -c "[ \"\$(bmake -s version)\" = '$v' ]"
else
	echo "ok $name/bmake # skip missing bmake"
fi
check dist sh -c "make -n dist | grep -q ' -o mdump-$v\.tar\.gz HEAD\$'"
# "mdump (1.0.0-1) unstable; urgency=medium": the upstream part.
check debian-changelog sh -c "sed -n '1s/^mdump (\(.*\)-[^-]*) .*/\1/p' \
    debian/changelog | grep -qxF '$v'"
# The first line of NEWS that starts with a version number.
check news sh -c "grep -m 1 '^[0-9]' NEWS | grep -q '^$v '"

# usage PROG: standard output starts with "usage: PROG".
for prog in mdump mdtrace; do
	bin=./mdump
	[ $prog = mdtrace ] && bin=mdtrace/mdtrace
	if [ ! -x "$bin" ]; then
		for t in V version h help bad; do
			echo "ok $name/$prog-$t # skip $bin is not built here"
		done
		continue
	fi
	check $prog-V sh -c "[ \"\$($bin -V)\" = '$prog $v' ]"
	check $prog-version sh -c "[ \"\$($bin --version)\" = '$prog $v' ]"
	for h in -h --help; do
		$bin $h >"$out/$prog$h.out" 2>"$out/$prog$h.err"
		check $prog$h sh -c "[ $? -eq 0 ] && [ ! -s '$out/$prog$h.err' ] &&
		    grep -q '^usage: $prog ' '$out/$prog$h.out'"
	done
	$bin -Z >"$out/$prog-bad.out" 2>"$out/$prog-bad.err"
	check $prog-bad sh -c "[ $? -eq 1 ] && [ ! -s '$out/$prog-bad.out' ] &&
	    grep -q '^usage: $prog ' '$out/$prog-bad.err'"
done

# -k's pattern "--help": no usage, the missing trace is the error.
./mdump -k --help -f "$out/none" >"$out/k.out" 2>"$out/k.err"
check mdump-k-help sh -c "[ $? -eq 1 ] && [ ! -s '$out/k.out' ] &&
    grep -q 'none: No such file' '$out/k.err'"

if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	echo "ok $name/mdtrace-arg-help # skip mdtrace is built on Linux only"
	echo "ok $name/json-versions # skip mdtrace is built on Linux only"
	exit 0
fi
# After the program's name, --help is the program's.
check mdtrace-arg-help sh -c "[ \"\$(mdtrace/mdtrace -f /dev/null \
    sh -c 'echo \"\$1\"' sh --help)\" = --help ]"

# The demo's trace: mdump's version first, then its process's tracer.
json_versions() {
	awk -v v="\"$v\"," '
	    NR == 2 && $0 == "  \"mdump_version\": " v { top = 1 }
	    $0 == "      \"tracer_version\": " v { n++ }
	    END { exit !(top && n == 1) }' "$1"
}
prog=$(pwd)/$out/a.out
demo_build "$prog"
MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/x.ktrace" "$prog" >/dev/null
./mdump -a -o json -f "$out/x.ktrace" >"$out/x.json" 2>"$out/x.err"
check json-versions json_versions "$out/x.json"
exit 0
