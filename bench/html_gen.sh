#!/bin/sh
#
# html_gen.sh: print a C program that leaks once from each of 10,000
# distinct stacks of 4 frames (a_i -> b_j -> c_k -> d_l, each calling
# the ten functions of the next level from ten call sites), sizes 16 to
# 4015 bytes by path, for bench/html.sh.
cat <<'HEAD'
#include <stdlib.h>

static void *keep[10000];
static int nkeep;
HEAD
for l in 0 1 2 3 4 5 6 7 8 9; do
	echo "__attribute__((noinline)) void d$l(int p) {"
	echo "	keep[nkeep++] = malloc(16 + (p * 7919 + $l) % 4000); }"
done
for lv in c b a; do
	case $lv in c) next=d ;; b) next=c ;; a) next=b ;; esac
	for k in 0 1 2 3 4 5 6 7 8 9; do
		echo "__attribute__((noinline)) void $lv$k(int p) {"
		for l in 0 1 2 3 4 5 6 7 8 9; do
			echo "	$next$l(p * 10 + $k);"
		done
		echo "}"
	done
done
echo "int main(void) {"
for i in 0 1 2 3 4 5 6 7 8 9; do
	echo "	a$i(0);"
done
echo "	return 0; }"
