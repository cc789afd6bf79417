#!/bin/sh
#
# deps.sh [--list]: install the Debian packages the build and the tests
# use, when they are missing.  With --list, print the commands it looks
# for, one a line, and install nothing (tests/run.sh reads them).  Does nothing where everything is there; where it
# cannot install (not root, no apt-get), it says what is missing and
# the tests that need it report themselves as skipped or failed.
#
# Each line: a command (or header file) to look for, and the Debian
# package that brings it.
need='
cc gcc
gcc gcc
make make
clang clang
ld.lld lld
llvm-symbolizer llvm
llvm-nm llvm
addr2line binutils
objcopy binutils
readelf binutils
eu-addr2line elfutils
/usr/include/zlib.h zlib1g-dev
mandoc mandoc
g++ g++
clang++ clang
c++filt binutils
musl-gcc musl-tools
valgrind valgrind
python3 python3
gdb gdb
pkill procps
pgrep procps
qemu-x86_64 qemu-user
qemu-aarch64 qemu-user
aarch64-linux-gnu-gcc crossbuild-essential-arm64
aarch64-linux-gnu-g++ crossbuild-essential-arm64
dwz dwz
debuginfod debuginfod
curl curl
git git
xz xz-utils
perl perl
tar tar
sqlite3 sqlite3
jq jq
m4 m4
memcached memcached
redis-server redis-server
gzip gzip
openssl openssl
zstd zstd
bc bc
chromium chromium
node nodejs
bmake bmake
dpkg-buildpackage dpkg-dev
/usr/share/build-essential/list build-essential
dh debhelper
lintian lintian
fakeroot fakeroot
'

if [ "$1" = --list ]; then
	echo "$need" | awk 'NF == 2 && $1 !~ /^\// { print $1 }'
	exit 0
fi

missing=
for_each() {
	echo "$need" | while read -r what pkg; do
		[ -n "$what" ] || continue
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue ;;
		esac
		echo "$pkg"
	done
}
missing=$(for_each | sort -u | tr '\n' ' ')
[ -n "${missing% }" ] || exit 0
echo "deps.sh: missing packages: $missing" >&2
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: cannot install them here (need root and apt-get)" >&2
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
    echo "deps.sh: apt-get install $missing failed" >&2
exit 0
