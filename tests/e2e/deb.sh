#!/bin/sh
#
# deb.sh: the Debian package.  "dpkg-buildpackage -us -uc -b" on a copy
# of the tree (the tree itself gets no build products), then: the
# package's version is src/version.h's with a Debian revision; it holds
# mdump, mdtrace, libmdtrace.so, the three manual pages and the
# suppressions where a Debian system has them; unpacked with "dpkg -x"
# into a folder of the test's own, its mdtrace preloads the unpacked
# library (found beside its own folder, as nothing is under /usr; the
# path it was built to fall back on is /usr/lib/mdtrace) and
# the demo (examples/x.c under MALLOC_OPTIONS=DTTTT, mdump -a) gives the
# leaks at x.c:13 and x.c:14; and lintian says nothing of errors or
# warnings (its other tags are shown as comments).

name=deb
out=tests/out/deb
. tests/e2e/check.sh.inc
. tests/e2e/demo.sh.inc
plan 11
for tool in dpkg-buildpackage dh lintian; do
	command -v $tool >/dev/null 2>&1 || skipall "missing $tool"
done
[ "$(uname)" = Linux ] || skipall "mdtrace is built on Linux only"
rm -rf "$out"
mkdir -p "$out/build/src" || exit 1
out=$(cd "$out" && pwd -P)
version=$(sed -n '/define MDUMP_VERSION/s/^[^"]*"\([^"]*\)".*/\1/p' \
    src/version.h)

# The copy, as tests/asan.sh makes it, without what the tree built.
for f in * .ci; do
	[ "$f" = tests ] || cp -R "$f" "$out/build/src/"
done
mkdir "$out/build/src/tests"
for f in tests/*; do
	[ "$f" = tests/out ] || cp -R "$f" "$out/build/src/tests/"
done
rm -rf "$out/build/src/fuzz/out" "$out/build/src/bench/out"
if (cd "$out/build/src" && make clean >/dev/null 2>&1 &&
    dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	echo "ok $name/build"
else
	failed=$(grep -m 1 -iE 'error|failed' "$out/build.log")
	echo "not ok $name/build ($failed; see $out/build.log)"
fi
check tree-clean sh -c '[ ! -e debian/files ] && [ ! -e debian/mdump ] &&
    [ ! -e debian/.debhelper ] && [ ! -e debian/debhelper-build-stamp ]'

deb=$(ls "$out"/build/mdump_"$version"-*.deb 2>/dev/null | head -n 1)
check deb-version sh -c "dpkg-deb -f '$deb' Version |
    grep -qx '$version-[0-9][0-9.]*'"
# Besides the packaging's own files (documentation, lintian overrides).
printf '%s\n' ./usr/bin/mdtrace ./usr/bin/mdump \
    ./usr/lib/mdtrace/libmdtrace.so ./usr/share/man/man1/mdtrace.1.gz \
    ./usr/share/man/man1/mdump.1.gz ./usr/share/man/man5/mdump.5.gz \
    ./usr/share/mdump/libc.supp >"$out/contents.want"
dpkg-deb -c "$deb" 2>/dev/null | awk '!/^d/ { print $6 }' | sort |
    grep -Ev '^\./usr/share/(doc|lintian)/' >"$out/contents"
check contents cmp -s "$out/contents.want" "$out/contents"

root=$out/root
mkdir -p "$root"
dpkg -x "$deb" "$root" 2>"$out/dpkg-x.err"
demo_preload preload "$root/usr/bin/mdtrace" \
    "$root/usr/lib/mdtrace/libmdtrace.so"
check fallback grep -q /usr/lib/mdtrace "$root/usr/bin/mdtrace"
prog=$out/a.out
demo_build "$prog" || echo "# cannot compile $demo_src"
demo_run demo "$root/usr/bin" "$prog" "$out/demo"
check version sh -c "[ \"\$('$root/usr/bin/mdump' -V)\" = 'mdump \
$version' ] && [ \"\$('$root/usr/bin/mdtrace' -V)\" = 'mdtrace $version' ]"

lintian -I "$deb" >"$out/lintian" 2>&1
grep -v '^[EW]: ' "$out/lintian" | sed 's/^/# lintian: /'
if grep -q '^[EW]: ' "$out/lintian"; then
	echo "not ok $name/lintian ($(grep -m 1 '^[EW]: ' "$out/lintian"))"
elif [ -n "$deb" ]; then
	echo "ok $name/lintian"
else
	echo "not ok $name/lintian (no package to check)"
fi
exit 0
