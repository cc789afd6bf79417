/*
 * snapgen.c: write a trace of a long-running program's snapshots
 * (doc/FORMATS.md, "Snapshots") for bench/snapshots.sh: NSNAP snapshots
 * one second apart of a program with NSTACK stacks, of which CHANGE
 * change at each check (a random walk around their size) and GROW grow
 * steadily.  The numbers come from a fixed generator: the same trace
 * every time.
 *
 * Usage: snapgen NSNAP NSTACK CHANGE GROW > trace
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAMES		8
#define ENTLEN		40
#define PERREC		((2048 - 4) / ENTLEN)

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
le(uint8_t *d, uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (uint8_t)(v >> (8 * i));
}

static void
record(const char *label, const uint8_t *d, size_t n, uint64_t ns)
{
	uint8_t h[64 + 20];

	memset(h, 0, sizeof(h));
	le(h, 9, 4);
	le(h + 4, 4242, 4);
	le(h + 8, 4242 + 100000, 4);
	le(h + 16, ns / 1000000000, 8);
	le(h + 24, ns % 1000000000, 8);
	memcpy(h + 32, "server", 6);
	le(h + 56, 20 + n, 8);
	memcpy(h + 64, label, strlen(label));
	fwrite(h, 1, sizeof(h), stdout);
	fwrite(d, 1, n, stdout);
}

int
main(int argc, char *argv[])
{
	static uint8_t d[4096];
	uint64_t *bytes, *blocks, t0 = 1700000000ULL * 1000000000ULL, ns;
	uint64_t live, lblocks;
	uint32_t nsnap, nstack, change, grow, s, i, k, n, *pick;
	uint8_t *e, start[64];

	if (argc != 5)
		return fprintf(stderr, "usage: snapgen NSNAP NSTACK CHANGE "
		    "GROW\n"), 2;
	nsnap = (uint32_t)strtoul(argv[1], NULL, 10);
	nstack = (uint32_t)strtoul(argv[2], NULL, 10);
	change = (uint32_t)strtoul(argv[3], NULL, 10);
	grow = (uint32_t)strtoul(argv[4], NULL, 10);
	if (nstack == 0 || change + grow > nstack)
		return fprintf(stderr, "snapgen: bad numbers\n"), 2;
	bytes = calloc(nstack, sizeof(*bytes));
	blocks = calloc(nstack, sizeof(*blocks));
	pick = calloc(change + grow, sizeof(*pick));
	memset(start, 0, sizeof(start));
	memcpy(start, "KTR", 4);
	memset(start + 4, 0xff, 8);
	fwrite(start, 1, sizeof(start), stdout);
	for (k = 0; k < 3; k++) {
		le(d, 0x400000 + 0x100000 * k, 8);
		n = (uint32_t)sprintf((char *)d + 8, "/usr/lib/libserver%u.so",
		    k) + 9;
		record("mallocobjectrecord", d, n, t0);
	}
	/* Every stack up front, each with some live blocks. */
	for (s = 0; s < nstack; s++) {
		le(d, s, 4);
		le(d + 4, FRAMES, 4);
		for (k = 0; k < FRAMES; k++) {
			le(d + 8 + 16 * k, 0x1000 + 16 * (rnd() % 4096), 8);
			le(d + 16 + 16 * k, 0x400000 + 0x100000 * (k % 3), 8);
		}
		record("mdtstack", d, 8 + 16 * FRAMES, t0);
		blocks[s] = 1 + rnd() % 64;
		bytes[s] = blocks[s] * (16 + rnd() % 512);
	}
	for (i = 1; i <= nsnap; i++) {
		ns = t0 + (uint64_t)i * 1000000000ULL;
		/* The first snapshot has every stack; then the changes. */
		n = i == 1 ? nstack : change + grow;
		for (k = 0; k < n && i > 1; k++) {
			s = k < grow ? k : grow + (uint32_t)(rnd() %
			    (nstack - grow));
			pick[k] = s;
			if (k < grow) {
				bytes[s] += 64 * (k + 1);
				blocks[s] += 1;
			} else if (rnd() % 2 && blocks[s] > 1) {
				blocks[s]--;
				bytes[s] -= bytes[s] / (blocks[s] + 1);
			} else {
				bytes[s] += bytes[s] / blocks[s];
				blocks[s]++;
			}
		}
		for (s = 0, live = lblocks = 0; s < nstack; s++) {
			live += bytes[s];
			lblocks += blocks[s];
		}
		memset(d, 0, 112);
		le(d, i, 4);
		le(d + 4, n, 4);
		le(d + 8, (uint64_t)i * 1000000000ULL, 8);
		le(d + 16, ns, 8);
		le(d + 24, live, 8);
		le(d + 32, lblocks, 8);
		le(d + 88, live, 8);		/* all reachable */
		le(d + 96, lblocks, 8);
		le(d + 104, 3000000, 8);
		record("mdtsnap", d, 112, ns);
		for (k = 0; k < n; k += PERREC) {
			uint32_t j, m = n - k < PERREC ? n - k : PERREC;

			le(d, i, 4);
			for (j = 0; j < m; j++) {
				s = i == 1 ? k + j : pick[k + j];
				e = d + 4 + ENTLEN * j;
				le(e, s, 4);
				le(e + 4, s < grow ? 0 : 3, 4);
				le(e + 8, bytes[s], 8);
				le(e + 16, blocks[s], 8);
				le(e + 24, i == 1 ? bytes[s] : 0, 8);
				le(e + 32, i == 1 ? blocks[s] : 1, 8);
			}
			record("mdtsnapent", d, 4 + ENTLEN * m, ns);
		}
	}
	free(bytes);
	free(blocks);
	free(pick);
	return fflush(stdout) == 0 ? 0 : 1;
}
