#!/bin/sh
#
# test_dwarf.sh: the DWARF reader against llvm-symbolizer as the oracle.
#
# Compiles small programs on the spot (two source files, one in a
# subdirectory, a header with an always_inline function, nested inlines,
# recursion) with gcc and clang at -O0 and -O2 for DWARF 2, 4 and 5, and
# for foreign OpenBSD targets (32/64-bit, both byte orders) with clang
# and lld.  Every 7th byte of every function of the program is looked up
# by tests/unit/dwarfcheck and by "llvm-symbolizer --inlining
# --no-demangle"; function, file and line of the innermost entry and of
# the whole chain must agree on >= 99.5% and >= 99% of the addresses.
# Columns, which only llvm-symbolizer prints, are ignored.
#
# Prints the plan, then "ok dwarf/NAME", "not ok dwarf/NAME (detail)"
# or "ok dwarf/NAME # skip REASON" per case: a missing tool skips each
# case it would have run.  Set KEEP=1 to keep the work directory (it is
# printed) for inspection.
#
# Known disagreements: none remain on the compilers tested (gcc 12,
# clang 14, llvm-symbolizer 14).  Addresses outside our own functions
# (crt code without DWARF) are not sampled: llvm-symbolizer names those
# from the symbol table, which is the ELF layer's fallback, not DWARF's.
# GNU addr2line -f -i, compared by hand, agrees on every gcc case; on
# clang -O2 DWARF 5 it prints line 0 as "?" and leaves out some inlined
# frames that llvm-symbolizer (the reference) and this reader show.

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_dwarf.XXXXXX") || exit 1
if [ -n "$KEEP" ]; then
	echo "# work directory: $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
fi

SYM=${LLVM_SYMBOLIZER:-llvm-symbolizer}
NM=${LLVM_NM:-llvm-nm}
HOSTCC=${CC:-cc}
CFLAGS_CHECK="-Wall -Wextra -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L"

have() {
	command -v "$1" >/dev/null 2>&1
}

# The cases, one a line: name, compiler, flags ("foreign" builds for an
# OpenBSD target with lld).
cases() {
	# Native builds: gcc and clang, -O0 and -O2, DWARF 2, 3, 4 and 5.
	for cc in gcc clang; do
		for opt in O0 O2; do
			for dw in 2 3 4 5; do
				echo "$cc-$opt-dwarf$dw $cc -$opt -gdwarf-$dw"
			done
		done
		echo "$cc-O3-nopie $cc -O3 -g -no-pie"
		echo "$cc-O2-shared $cc -O2 -g -shared -fPIC"
		echo "$cc-O2-gcsections $cc -O2 -g -ffunction-sections" \
		    "-Wl,--gc-sections"
	done
	# LTO: concrete instances name abstract ones in other units.
	echo "gcc-O2-lto gcc -O2 -g -flto"
	echo "clang-O2-lto clang -O2 -g -flto -fuse-ld=lld"
	# 64-bit DWARF (only gcc emits it on request).
	echo "gcc-O2-dwarf4-64 gcc -O2 -gdwarf-4 -gdwarf64"
	echo "gcc-O2-dwarf5-64 gcc -O2 -gdwarf-5 -gdwarf64"
	# C++: linkage names through specification and abstract_origin.
	for cxx in g++ clang++; do
		for dw in 4 5; do
			echo "$cxx-O2-dwarf$dw $cxx -O2 -gdwarf-$dw"
		done
	done
	# Foreign OpenBSD targets: 32- and 64-bit, big- and little-endian,
	# with the DWARF 2 that OpenBSD's clang emits by default and 5.
	for t in sparc64 powerpc i386 armv7 aarch64 mips64; do
		for dw in 2 5; do
			echo "$t-O2-dwarf$dw foreign --target=$t-unknown-openbsd" \
			    "-O2 -gdwarf-$dw"
		done
	done
}
cases >"$tmp/cases"
# The build, the cases, valgrind.
echo "1..$(($(wc -l <"$tmp/cases") + 2))"

for t in "llvm-symbolizer $SYM" "llvm-nm $NM"; do
	set -- $t
	have "$2" && continue
	why="missing $1 ($2)"
	echo "ok dwarf/build # skip $why"
	while read -r name rest; do
		echo "ok dwarf/$name # skip $why"
	done <"$tmp/cases"
	echo "ok dwarf/valgrind # skip $why"
	exit 0
done

if ! $HOSTCC $CFLAGS_CHECK -O2 -o "$tmp/dwarfcheck" \
    "$top/src/buf.c" "$top/src/xmalloc.c" "$top/src/dwarf.c" \
    "$top/src/dwarf_unit.c" "$top/src/dwarf_line.c" \
    "$top/src/dwarf_ranges.c" "$top/src/dwarf_func.c" "$top/src/dwarf_var.c" \
    "$top/src/u64map.c" \
    "$top/tests/unit/dwarfcheck.c" 2>"$tmp/build.err"; then
	echo "not ok dwarf/build ($(head -1 "$tmp/build.err"))"
	exit 1
fi
echo "ok dwarf/build"

# The test program.  Nothing from libc, so the foreign freestanding
# builds use the same code; t_start.c gives them an entry point.
mkdir -p "$tmp/src/sub"
cat >"$tmp/src/t.h" <<'EOF'
extern volatile int t_sink;
int	t_other(int);

/* Inlined from a header: the call file differs from the function's. */
static inline __attribute__((always_inline)) int
t_helper(int x)
{
	if (x & 1)
		t_sink ^= x;
	return x + 1;
}
EOF
cat >"$tmp/src/t_main.c" <<'EOF'
#include "t.h"

volatile int t_sink;

static int
t_fib(int n)
{
	if (n < 2)
		return n;
	return t_fib(n - 1) + t_fib(n - 2);
}

static inline __attribute__((always_inline)) int
t_sq(int x)
{
	t_sink += x;
	return x * x;
}

static inline __attribute__((always_inline)) int
t_sumsq(int a, int b)
{
	return t_sq(a) +
	    t_sq(b) +
	    t_helper(a);
}

__attribute__((noinline)) int
t_work(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		s += t_sumsq(i, t_sink);
		if (s > 1000)
			s -= t_helper(s);
	}
	return s;
}

int
main(void)
{
	t_sink = t_fib(t_sink + 10);
	return t_work(t_sink) + t_other(3) > 0 ? 0 : 1;
}
EOF
cat >"$tmp/src/sub/t_other.c" <<'EOF'
#include "../t.h"

struct t_node {
	int		 v;
	struct t_node	*next;
};

static __attribute__((noinline)) int
t_list(struct t_node *p)
{
	if (p == 0)
		return 0;
	return p->v + t_list(p->next);
}

static int
t_fill(struct t_node *v, int n, int k)
{
	int i;

	for (i = 0; i < n; i++) {
		v[i].v = t_helper(i) * k;
		v[i].next = i + 1 < n ? &v[i + 1] : 0;
	}
	return n;
}

int
t_other(int k)
{
	struct t_node v[8];

	t_fill(v, 8, k + t_sink);
	return t_list(v) + t_helper(k);
}
EOF
cat >"$tmp/src/t_cxx.cc" <<'EOF'
// Linkage names: methods, namespaces, templates, inlined members.
namespace tns {
struct T_box {
	int	v;
	__attribute__((always_inline)) inline int t_get() const
	{
		return v * 2;
	}
	int	t_sum(int n) const;
};

int
T_box::t_sum(int n) const
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += t_get() + i;
	return s;
}

template <class X> __attribute__((noinline)) X
t_twice(X x)
{
	return x + x;
}
}

int
main()
{
	tns::T_box b{3};

	return b.t_sum(4) + tns::t_twice(5) + tns::t_twice<long>(6) > 0 ? 0 : 1;
}
EOF
cat >"$tmp/src/t_start.c" <<'EOF'
int	main(void);

void
_start(void)
{
	main();
	for (;;)
		;
}
void
__start(void)
{
	_start();
}
EOF

# Every 7th byte of each of our functions (names start with t_, or main;
# C++ ones are mangled).
addresses() {
	$NM -S --defined-only "$1" 2>/dev/null | awk '
	function hex(s,   i, c, v) {
		v = 0
		s = tolower(s)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1))
			if (c == 0)
				return -1
			v = v * 16 + c - 1
		}
		return v
	}
	NF == 4 && ($3 == "t" || $3 == "T" || $3 == "W") &&
	    ($4 ~ /^t_/ || $4 == "main" || $4 ~ /^_Z.*t_/) {
		lo = hex($1)
		n = hex($2)
		for (a = lo; a < lo + n; a += 7)
			printf("0x%x\n", a)
	}'
}

# Compare the chains of one binary; name is the case's name.
compare() {
	name=$1
	bin=$2
	addresses "$bin" >"$tmp/addr"
	if [ ! -s "$tmp/addr" ]; then
		echo "not ok dwarf/$name (no functions found by $NM)"
		return
	fi
	"$tmp/dwarfcheck" "$bin" <"$tmp/addr" >"$tmp/ours" 2>"$tmp/err"
	$SYM --inlining --no-demangle -e "$bin" <"$tmp/addr" |
	    sed -E 's/:([0-9]+):[0-9]+$/:\1/' >"$tmp/theirs"
	awk -v name="$name" -v logf="$tmp/$name.diff" '
	BEGIN { RS = ""; FS = "\n" }
	FILENAME == ARGV[1] { ours[FNR] = $0; next }
	{
		n++
		split(ours[FNR], o, "\n")
		split($0, t, "\n")
		if (o[1] == t[1] && o[2] == t[2])
			inner++
		else
			print "innermost #" FNR ":\n" ours[FNR] "\n--- vs\n" \
			    $0 "\n" >logf
		if (ours[FNR] == $0)
			whole++
		else if (o[1] == t[1] && o[2] == t[2])
			print "chain #" FNR ":\n" ours[FNR] "\n--- vs\n" \
			    $0 "\n" >logf
	}
	END {
		if (n == 0) {
			printf("not ok dwarf/%s (no output)\n", name)
			exit
		}
		ri = 100 * inner / n
		rw = 100 * whole / n
		if (ri >= 99.5 && rw >= 99)
			printf("ok dwarf/%s (%d addresses: innermost %.1f%%, " \
			    "chains %.1f%%)\n", name, n, ri, rw)
		else
			printf("not ok dwarf/%s (%d addresses: innermost " \
			    "%.1f%%, chains %.1f%%; see %s)\n", name, n, ri,
			    rw, logf)
	}' "$tmp/ours" "$tmp/theirs"
}

# try NAME CC FLAGS...: build one case in the source directory and
# compare it; a missing compiler makes a skip, a build that fails a
# failure.
try() {
	name=$1
	cc=$2
	shift 2
	src="t_main.c sub/t_other.c"
	case $name in
	*++*) src=t_cxx.cc ;;
	esac
	if [ "$cc" = foreign ]; then
		cc=clang
		set -- -ffreestanding -nostdlib -static -fuse-ld=lld \
		    -fno-stack-protector "$@"
		src="t_start.c $src"
		if ! have ld.lld; then
			echo "ok dwarf/$name # skip missing ld.lld"
			return
		fi
	fi
	if ! have $cc; then
		echo "ok dwarf/$name # skip missing $cc"
		return
	fi
	if ! (cd "$tmp/src" && $cc "$@" -o "$tmp/$name" $src) 2>"$tmp/cc.err"
	then
		echo "not ok dwarf/$name (cannot build:" \
		    "$(grep -v warning "$tmp/cc.err" | head -1))"
		return
	fi
	compare "$name" "$tmp/$name"
}

while read -r name cc flags; do
	# shellcheck disable=SC2086
	try "$name" "$cc" $flags
done <"$tmp/cases"

# The reader must not leak or touch memory it does not own.
if ! have valgrind; then
	echo "ok dwarf/valgrind # skip missing valgrind"
elif [ ! -f "$tmp/gcc-O2-dwarf5" ]; then
	echo "not ok dwarf/valgrind (no gcc-O2-dwarf5 build to run it on)"
else
	addresses "$tmp/gcc-O2-dwarf5" >"$tmp/addr"
	if valgrind -q --leak-check=full --errors-for-leak-kinds=all \
	    --error-exitcode=9 "$tmp/dwarfcheck" "$tmp/gcc-O2-dwarf5" \
	    <"$tmp/addr" >/dev/null 2>"$tmp/vg.err"; then
		echo "ok dwarf/valgrind"
	else
		echo "not ok dwarf/valgrind ($(head -1 "$tmp/vg.err"))"
	fi
fi
exit 0
