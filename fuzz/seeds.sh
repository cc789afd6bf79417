#!/bin/sh
#
# seeds.sh: make the seed corpora of the fuzzers in fuzz/out/seeds/, from
# the test fixtures: the traces of tests/cases and tests/gen through
# tests/tracegen, and small binaries compiled here (gcc and clang, DWARF
# 2 to 5, -O0 and -O2, PIE, no-PIE, shared, compressed debug sections, a
# stripped object with a debuglink, foreign OpenBSD targets with lld),
# whose DWARF sections fuzz/out/mkseed packs for fuzz_dwarf.  Nothing here is
# committed: the small hand-made seeds are in fuzz/regress/.
#
# Run from the top of the tree after "make all fuzz" (mdtrace, where
# built, makes real traces for fuzz_mdt).  Compilers that
# are missing just give fewer seeds.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=fuzz/out/seeds
rm -rf "$out"
mkdir -p "$out/trace" "$out/elf" "$out/dwarf" "$out/mdt" fuzz/out/src

# Traces: the trace part of every golden test, and the generator's
# descriptions.
for t in tests/cases/*.test; do
	n=$(basename "$t" .test)
	awk '/^--- trace$/ { f = 1; next } /^--- / { f = 0 } f' "$t" \
	    >fuzz/out/src/$n.desc
	tests/tracegen -o "$out/trace/$n" fuzz/out/src/$n.desc 2>/dev/null ||
	    rm -f "$out/trace/$n"
done
for t in tests/gen/*.desc; do
	n=gen-$(basename "$t" .desc)
	tests/tracegen -o "$out/trace/$n" "$t" 2>/dev/null ||
	    rm -f "$out/trace/$n"
done

# A program with static and inlined functions across two units.
src=fuzz/out/src
cat >$src/a.c <<'C'
static inline int sq(int x) { return x * x; }
static int __attribute__((noinline)) twice(int x) { return sq(x) + sq(x); }
int other(int);
int
main(int argc, char **argv)
{
	(void)argv;
	return twice(argc) + other(argc);
}
C
cat >$src/b.c <<'C'
static inline int add(int a, int b) { return a + b; }
int
other(int x)
{
	int i, s = 0;

	for (i = 0; i < x; i++)
		s = add(s, i);
	return s;
}
C
cat >$src/free.c <<'C'
static inline int sq(int x) { return x * x; }
int __attribute__((noinline)) f(int x) { return sq(x) + 1; }
void _start(void) { for (;;) (void)f(3); }
C

build() {
	name=$1
	shift
	"$@" -o "$out/elf/$name" >/dev/null 2>&1 || rm -f "$out/elf/$name"
}
have() { command -v "$1" >/dev/null 2>&1; }

for cc in gcc clang; do
	have $cc || continue
	build $cc-O0-dw2 $cc -O0 -gdwarf-2 $src/a.c $src/b.c
	build $cc-O2-dw4 $cc -O2 -gdwarf-4 $src/a.c $src/b.c
	build $cc-O2-dw5 $cc -O2 -gdwarf-5 $src/a.c $src/b.c
	build $cc-O1-nopie $cc -O1 -g -fno-pie -no-pie $src/a.c $src/b.c
	build $cc-shared $cc -O2 -g -fPIC -shared $src/b.c
	build $cc-gz $cc -O2 -g -gz $src/a.c $src/b.c
done
if have gcc && have objcopy; then
	if build gcc-stripped gcc -O2 -g -Wl,--build-id $src/a.c $src/b.c; then
		objcopy --only-keep-debug "$out/elf/gcc-stripped" \
		    "$out/elf/gcc-stripped.debug" 2>/dev/null
		objcopy --strip-debug --add-gnu-debuglink=$out/elf/gcc-stripped.debug \
		    "$out/elf/gcc-stripped" 2>/dev/null
	fi
fi
if have clang && have ld.lld; then
	for t in i386 mips64 powerpc armv7 aarch64 sparc64; do
		build foreign-$t clang --target=$t-unknown-openbsd \
		    -ffreestanding -nostdlib -static -fuse-ld=lld \
		    -fno-stack-protector -g -O1 $src/free.c
	done
fi

# DWARF containers of every binary that has DWARF.
for b in "$out"/elf/*; do
	[ -f "$b" ] || continue
	fuzz/out/mkseed "$b" "$out/dwarf/$(basename "$b")" 2>/dev/null ||
	    rm -f "$out/dwarf/$(basename "$b")"
done
# fuzz_mdt: mdtrace's records, from real traces (when mdtrace is built
# here) of a program that leaks from ten stacks, or forks two children
# and is killed, and from the generated traces, through mdtseed.
if [ -x mdtrace/mdtrace ] && [ -x fuzz/out/mdtseed ] &&
    cc -g -O0 -o $src/faults tests/e2e/progs/faults.c 2>/dev/null; then
	for mo in D DT DTTTT D2 D8; do
		MALLOC_OPTIONS=$mo mdtrace/mdtrace -f $src/mdt-$mo.ktrace \
		    $src/faults >/dev/null 2>&1
		MALLOC_OPTIONS=$mo MDTRACE_LEAKCHECK=0 mdtrace/mdtrace \
		    -f $src/mdt-nokinds-$mo.ktrace $src/faults >/dev/null 2>&1
		MALLOC_OPTIONS=$mo mdtrace/mdtrace -f $src/mdt-kill-$mo.ktrace \
		    $src/faults kill >/dev/null 2>&1
	done
fi
i=0
for t in $src/mdt-*.ktrace "$out"/trace/*; do
	[ -f "$t" ] || continue
	i=$((i + 1))
	fuzz/out/mdtseed $((i * 37 % 256)) "$t" "$out/mdt/$(basename "$t")" \
	    2>/dev/null || rm -f "$out/mdt/$(basename "$t")"
done

echo "seeds: $(ls "$out/trace" | wc -l) traces, $(ls "$out/mdt" | wc -l)" \
    "of mdtrace's records," \
    "$(ls "$out/elf" | wc -l) objects, $(ls "$out/dwarf" | wc -l) DWARF"
