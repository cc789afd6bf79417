#!/bin/sh
#
# mdtrace_table.sh: the live-block table with over one and a half million blocks
# held at once, so that its index is made anew several times while
# blocks come and go (past the size where its memory takes huge pages),
# once as usual and once under a limit of address space (1 GiB), which
# the table must live within.
# The leaks expected are counted by the test program's source: blocks
# i with i % 1000 == 0 of the first site stay (32 bytes each), all the
# second site's do (100 bytes each), all definitely lost: the
# tracer's own copies of block addresses are no roots.

out=tests/out/mdtrace_table
name=mdtrace/table
. tests/e2e/check.sh.inc
plan 6
if [ "$(uname)" != Linux ] || [ ! -x mdtrace/mdtrace ]; then
	skipall "mdtrace is built on Linux only"
fi
mkdir -p "$out" || exit 1
prog=$out/many
cat >"$out/many.c" <<'EOC'
#include <stdlib.h>

#define N 2400000L

static void **v;

static __attribute__((noinline)) void *
first(long i)
{
	return malloc(32 + (size_t)(i & 0));
}

int
main(void)
{
	void *keep[1000];
	long i;

	if ((v = malloc(N * sizeof(*v))) == NULL)
		return 1;
	for (i = 0; i < N; i++) {
		v[i] = first(i);
		/* Blocks come and go while the table grows. */
		if (i % 3 == 1 && i % 1000 != 0) {
			free(v[i]);
			v[i] = NULL;
		}
	}
	for (i = 0; i < 1000; i++)
		keep[i] = malloc(100);
	for (i = 0; i < N; i += 2)
		if (i % 1000 != 0)
			free(v[i]);
	for (i = N - 1; i > 0; i -= 2)
		if (i % 1000 != 0)
			free(v[i]);
	free(v);
	return keep[999] == NULL;
}
EOC
if ! ${CC:-cc} -g -O1 -o "$prog" "$out/many.c" 2>"$out/cc"; then
	failall "cannot compile many.c"
fi

# run NAME [ULIMIT-V-KIB]: trace and report.
run() {
	(
		[ -n "$2" ] && ulimit -v "$2"
		MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f "$out/$1.ktrace" \
		    "$prog" >"$out/$1.stdout" 2>"$out/$1.stderr"
	) && ./mdump -f "$out/$1.ktrace" -e "$prog" >"$out/$1.report" \
	    2>"$out/$1.err"
}

# 1 GiB of address space: room for the program and its tables.
for mode in plain:"" limited:1048576; do
	m=${mode%%:*}
	lim=${mode#*:}
	if ! run "$m" "$lim"; then
		echo "not ok $name/$m (run failed: $(head -n 1 \
		    "$out/$m.stderr" "$out/$m.err" | tr '\n' ' '))"
		echo "not ok $name/$m/first (run failed)"
		echo "not ok $name/$m/second (run failed)"
		continue
	fi
	echo "ok $name/$m"
	r=$out/$m.report
	check "$m/first" grep -q "^Leak sum=76800 count=2400 avg=32 kind=definite" "$r"
	check "$m/second" grep -q "^Leak sum=100000 count=1000 avg=100 kind=definite" "$r"
done
