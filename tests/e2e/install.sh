#!/bin/sh
#
# install.sh: "make install" after a plain "make" (as "make check" has
# built the tree), with GNU make and with BSD make (bmake), into a
# PREFIX and into a DESTDIR under a PREFIX that does not exist: exactly
# the files it should put there, the installed mdtrace preloads the
# installed library (found beside its own folder, not in the build tree
# or where the launcher was built for), the demo (examples/x.c under
# MALLOC_OPTIONS=DTTTT, mdump -a) gives the leaks at x.c:13 and x.c:14
# with the installed programs, and "make uninstall" leaves no file and
# neither of mdump's own folders behind.  Then the launcher's last
# resort: a launcher alone in its folder uses the library of its
# compiled-in MDT_LIBDIR, and says which path it tried when that is
# missing too.

name=install
out=tests/out/install
. tests/e2e/check.sh.inc
. tests/e2e/demo.sh.inc
# Each make: 13 results; the last resort: 5.
plan 31
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
rm -rf "$out"
mkdir -p "$out" || exit 1
# Physical paths: the launcher finds its library through /proc/self/exe.
out=$(cd "$out" && pwd -P)
prog=$out/a.out
demo_build "$prog" || failall "cannot compile $demo_src"
version=$(sed -n '/define MDUMP_VERSION/s/^[^"]*"\([^"]*\)".*/\1/p' \
    src/version.h)

# What "make install" puts under a PREFIX, on Linux.
installed='bin/mdtrace
bin/mdump
lib/mdtrace/libmdtrace.so
share/man/man1/mdtrace.1
share/man/man1/mdump.1
share/man/man5/mdump.5
share/mdump/libc.supp'

# files ROOT: the files and links under ROOT, relative, sorted.
files() {
	(cd "$1" && find . -type f -o -type l) | sed 's,^\./,,' | sort
}

# check_files NAME ROOT: ROOT holds exactly the installed files.
check_files() {
	if [ "$(files "$2")" = "$installed" ]; then
		echo "ok $name/$1"
	else
		echo "not ok $name/$1 (installed: $(files "$2" | tr '\n' ' '))"
	fi
}

# check_gone NAME ROOT: no file left under ROOT, nor mdump's folders.
check_gone() {
	if [ -z "$(files "$2")" ] && [ ! -e "$2/lib/mdtrace" ] &&
	    [ ! -e "$2/share/mdump" ]; then
		echo "ok $name/$1"
	else
		echo "not ok $name/$1 (left: $(files "$2" | tr '\n' ' '))"
	fi
}

# installed_tree MAKE NAME ROOT: the checks of an installed tree.
installed_tree() {
	check_files "$2-files" "$3"
	demo_preload "$2-preload" "$3/bin/mdtrace" \
	    "$3/lib/mdtrace/libmdtrace.so"
	demo_run "$2" "$3/bin" "$prog" "$out/$2"
}

for mk in make bmake; do
	if ! command -v $mk >/dev/null 2>&1; then
		i=0
		while [ $i -lt 13 ]; do
			i=$((i + 1))
			echo "ok $name/$mk-$i # skip missing $mk"
		done
		continue
	fi
	pfx=$out/$mk/prefix
	dest=$out/$mk/dest
	# Not under /usr/local: the launcher must not find it there.
	inst=/nonexistent/mdump-$mk
	if ! $mk install PREFIX="$pfx" >"$out/$mk.install" 2>&1; then
		echo "not ok $name/$mk-install (see $out/$mk.install)"
	fi
	installed_tree $mk $mk-prefix "$pfx"
	check $mk-version sh -c "[ \"\$('$pfx/bin/mdump' -V)\" = 'mdump \
$version' ] && [ \"\$('$pfx/bin/mdtrace' -V)\" = 'mdtrace $version' ]"
	if ! $mk install DESTDIR="$dest" PREFIX="$inst" \
	    >"$out/$mk.destdir" 2>&1; then
		echo "not ok $name/$mk-destdir (see $out/$mk.destdir)"
	fi
	installed_tree $mk $mk-dest "$dest$inst"
	$mk uninstall PREFIX="$pfx" >"$out/$mk.uninstall" 2>&1
	check_gone $mk-prefix-uninstall "$pfx"
	$mk uninstall DESTDIR="$dest" PREFIX="$inst" \
	    >"$out/$mk.uninstall-dest" 2>&1
	check_gone $mk-dest-uninstall "$dest$inst"
done

# The last resort: a launcher built for a library folder of the test's
# own, alone in its folder (no library beside it, no ../lib/mdtrace).
mkdir -p "$out/last/bin" "$out/last/libdir"
cp mdtrace/libmdtrace.so "$out/last/libdir/"
if ! ${CC:-cc} -DMDT_LIBDIR="\"$out/last/libdir\"" -o "$out/last/bin/mdtrace" \
    mdtrace/mdtrace.c mdtrace/untraced.c mdtrace/ask.c mdtrace/options.c \
    mdtrace/say.c src/longopt.c 2>"$out/last/cc"; then
	echo "not ok $name/last-build ($(head -n 1 "$out/last/cc"))"
fi
cp mdump "$out/last/bin/"
demo_preload last-preload "$out/last/bin/mdtrace" \
    "$out/last/libdir/libmdtrace.so"
demo_run last "$out/last/bin" "$prog" "$out/last/demo"
rm "$out/last/libdir/libmdtrace.so"
"$out/last/bin/mdtrace" -f /dev/null true >/dev/null 2>"$out/last/nolib"
check last-nolib sh -c "[ $? -eq 1 ] && grep -qF \
    '$out/last/libdir/libmdtrace.so: No such file' '$out/last/nolib'"
exit 0
