/*
 * mdtseed.c: turn lp64le traces (mdtrace's, or tracegen's) into inputs
 * of fuzz_mdt (fuzz/fuzz_mdt.c says their shape): the utrace records
 * of the labels it knows, each process's pid folded to one of its
 * eight.  Records of other labels and types are left out.
 *
 *	mdtseed OPTBYTE TRACE OUT
 *
 * OPTBYTE is the input's first byte (0 to 255).  Exits 1 when TRACE is
 * not an lp64le trace or has none of those records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdt_labels.h"

#define LABELLEN	20

static uint64_t
le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

int
main(int argc, char **argv)
{
	unsigned char h[64], *d;
	int32_t pids[8];
	size_t npids = 0, i, k, len, kept = 0;
	FILE *in, *out;
	int32_t pid;

	if (argc != 4 || (in = fopen(argv[2], "rb")) == NULL) {
		fprintf(stderr, "usage: mdtseed OPTBYTE TRACE OUT\n");
		return 1;
	}
	if (fread(h, 1, 64, in) != 64 || memcmp(h, "KTR", 4) != 0)
		return 1;
	if ((out = fopen(argv[3], "wb")) == NULL)
		return 1;
	fputc(atoi(argv[1]) & 0xff, out);
	while (fread(h, 1, 64, in) == 64) {
		len = (size_t)le(h + 56, 8);
		if (len > 65535 || (d = malloc(len + 1)) == NULL)
			return 1;
		if (fread(d, 1, len, in) != len)
			return 1;
		d[len] = '\0';
		pid = (int32_t)le(h + 4, 4);
		for (k = 0; k < NLABELS && le(h, 4) == 9 && len >= LABELLEN; k++)
			if (strncmp((char *)d, labels[k], LABELLEN) == 0)
				break;
		if (k < NLABELS && le(h, 4) == 9 && len >= LABELLEN) {
			for (i = 0; i < npids && pids[i] != pid; i++)
				;
			if (i == npids && npids < 8)
				pids[npids++] = pid;
			i %= 8;
			fputc((int)(k << 3 | i), out);
			fputc((int)((len - LABELLEN) & 0xff), out);
			fputc((int)((len - LABELLEN) >> 8), out);
			fwrite(d + LABELLEN, 1, len - LABELLEN, out);
			kept++;
		}
		free(d);
	}
	fclose(in);
	return fclose(out) != 0 || kept == 0;
}
