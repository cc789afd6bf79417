/*
 * scan.c: the leak check at exit.  Every block still live is given the
 * kind valgrind memcheck would give it: definitely lost, indirectly
 * lost, possibly lost or still reachable.
 *
 * 1. The C++ and C runtimes free their own buffers first, as valgrind
 *    has them do (__gnu_cxx::__freeres, then __libc_freeres), unless
 *    MDTRACE_FREERES=0.
 * 2. The other threads are stopped (stop.c) with the tables locked, and
 *    the live table is copied, sorted by address, and indexed by page.
 * 3. Roots: every readable and writable private mapping of the process
 *    (data and bss of every object, anonymous mappings, TLS blocks,
 *    thread stacks from their stack pointers up), and the registers of
 *    the stopped threads; not the memory of malloc itself (glibc's main
 *    heap, its thread heaps and mmapped chunks, whose free chunks hold
 *    stale pointers), not the tracer's own segments and tables.  In
 *    glibc's own data only pointers to the start of a block count: its
 *    arenas point at the headers of free chunks, which lie inside the
 *    blocks before them.  Blocks the dynamic loader allocated (dynamic
 *    TLS, DTVs, link maps) are roots too, as LeakSanitizer has them.
 *    Pages of private mappings never written are not read (scan_root).
 * 4. Mark, with valgrind's rules: a pointer to a block's start from a
 *    root or a reachable block makes it reachable, any other pointer
 *    into it (interior, or from a possibly lost block) possibly lost,
 *    unless one of valgrind's heuristics accepts the interior pointer;
 *    both kinds of block are scanned in turn.  Then each block still
 *    unreached, in address order, leads a clique: what it reaches that
 *    is still unreached (an earlier leader included) is indirectly lost;
 *    the leader, and so one block of every lost cycle, is definitely
 *    lost.
 * 5. The result is summed per stack and kind, for the report.
 *
 * Words are read at pointer alignment, block contents only within their
 * requested size.  A read that faults (a thread that could not be
 * stopped unmapped something) skips the region or block it was in.
 * Memory comes from mmap(2); nothing here calls malloc, since a stopped
 * thread may hold the allocator's locks.
 *
 * What it does not do: write anything (record.c).
 */
#define _GNU_SOURCE	/* dl_iterate_phdr, RTLD_DEFAULT */

#include <dlfcn.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"
#include "mdt.h"

#define MAX_OBJRANGES	16	/* segments kept of one object */
#define MAX_CODE	8192	/* executable segments kept, of all objects */
#define MAX_TLS		64	/* static TLS blocks kept */
#define NO_BLOCK	UINT32_MAX
#define REGION_SHIFT	21	/* 2 MiB regions of the block index */
#define BUCKET_SHIFT	10	/* 1 KiB buckets in a region, at least */
#define BIG_BLOCK	(64 * 1024)	/* bigger blocks are not indexed */
#define POOL_PER_BLOCK	32	/* index bytes a block may cost, at most */
#define HEAP_MAX	(64UL * 1024 * 1024)	/* glibc's thread heaps */
#define EXIT_SLACK	64	/* below the exit frame: saved registers */
#define EXIT_SEARCH	(64 * 1024)	/* above it: where exit() was called */
#define PM_BATCH	512	/* pagemap entries read at once */
#define PM_PRESENT	((uint64_t)1 << 63)
#define PM_SWAPPED	((uint64_t)1 << 62)

static uintptr_t	skip_lo, skip_hi;	/* mdt_leakcheck_exclude */
static int		snap_blocks(void);
static uintptr_t	hexnum(const char **);
static uintptr_t	heap_start(uintptr_t);

/* Block states while marking; see the file's comment. */
enum { UNREACHED, POSSIBLE, REACHABLE, INDIRECT };

struct range {
	uintptr_t	lo, hi;
	int		starts_only;	/* glibc's data: starts count only */
	int		priv;		/* of a private mapping: see scan_root */
};

/* A block's extent: [lo, hi), hi > lo even for a block of size 0. */
struct ext {
	uintptr_t	lo, hi;
};

/* An indexed region: its number (+1; 0 is empty), its buckets' offset. */
struct region_slot {
	uintptr_t	region;
	size_t		off;
};

struct objranges {
	struct range	r[MAX_OBJRANGES];
	size_t		n;
};

/* A mapping of a file, for the vtable test of the heuristics. */
struct fmap {
	uintptr_t	lo, hi;
	int		exec;
};

/*
 * An object's static TLS block: at off from a thread's thread pointer
 * in every thread, size bytes; obj is an address inside the object.
 */
struct tlsmod {
	intptr_t	off;
	size_t		size;
	uintptr_t	obj;
};

/* One mapping from mmap, for the exclusions and the final munmap. */
struct own {
	void		*p;
	size_t		 len;
};

static struct {
	struct mdt_block *b;		/* live blocks, sorted by address */
	struct ext	*x;		/* their extents, for searching */
	uint8_t		*state;
	size_t		 n;
	uintptr_t	 lo, span;	/* every block lies in [lo, lo + span) */
	struct region_slot *reg;	/* hash of the indexed regions */
	size_t		 rmask;
	int		 rbits;
	uint32_t	*pool;		/* per region: first block per bucket */
	int		 bshift;	/* bucket size, log 2 */
	uint32_t	*big;		/* indices of the big blocks, sorted */
	size_t		 nbig;
	uint32_t	*work;		/* the blocks to scan: see drain() */
	volatile size_t	 nwork, whead;
	/* The holder paths, at exit only (else NULL): */
	uint32_t	*parent;	/* the block that held each, or NO_BLOCK */
	uintptr_t	*from;		/* where the pointer was; 0: a loader block */
	uint8_t		*depth;		/* blocks between it and its root */
	uintptr_t	*fn;		/* a stack root's frame's code, by block */
	uint32_t	 cur;		/* the block being scanned, or NO_BLOCK */
	struct tlsmod	 tls[MAX_TLS];	/* static TLS, from the thread pointer */
	size_t		 ntls;
	struct ext	*wseg;		/* the objects' writable segments */
	size_t		 nwseg;
	uintptr_t	 self_lo, self_hi;	/* the exiting thread's stack */
	uintptr_t	 self_self;	/* its thread pointer */
	uintptr_t	 self_regs[64];	/* its registers at exit's call */
	int		 has_self_regs;
	int		 self_tid;
	struct range	*ex;		/* memory that is never a root */
	size_t		 nex, capex;
	struct range	*roots;
	size_t		 nroots;
	struct fmap	*files;		/* sorted, from /proc/self/maps */
	size_t		 nfiles;
	struct ext	*code;		/* the objects' executable segments */
	size_t		 ncode, capcode;
	uintptr_t	 exitfn;	/* exit(), or 0 */
	uintptr_t	 exe_end;	/* end of the program's segments */
	uintptr_t	 brk;		/* the program break: the heap's end */
	volatile size_t	 ri;		/* the root being scanned */
	volatile size_t	 ci;		/* the clique leader being tried */
	uint32_t	 leader;
	struct objranges self, ldso, libc;
	int		 glibc;
	struct mdt_thread *thr;
	size_t		 nthr;
	struct own	 own[24];
	size_t		 nown;
	int		 pagemap;	/* /proc/self/pagemap, or -1 */
	uintptr_t	 page;
	uint64_t	 pm[PM_BATCH];
	sigjmp_buf	 env;
	struct sigaction old_segv, old_bus;
} S;

/*
 * Memory for the check, noted so that it is excluded and unmapped.
 * Arrays that will be filled whole are populated at once (one system
 * call instead of a fault a page); large ones ask for huge pages, as
 * lookups hit them at random.
 */
static void *
scan_map(size_t n, int populate)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *p;

	n = (n + pg - 1) & ~(pg - 1);
	if (n == 0 || S.nown == sizeof(S.own) / sizeof(S.own[0]))
		return NULL;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    (populate ? MAP_POPULATE : 0), -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (n >= (2 << 20))
		madvise(p, n, MADV_HUGEPAGE);
#endif
	S.own[S.nown].p = p;
	S.own[S.nown].len = n;
	S.nown++;
	return p;
}

static void *
scan_alloc(size_t n)
{
	return scan_map(n, 0);
}

static void *
scan_full(size_t n)
{
	return scan_map(n, 1);
}

static void
scan_free(void)
{
	size_t i;

	for (i = 0; i < S.nown; i++)
		munmap(S.own[i].p, S.own[i].len);
	S.nown = 0;
}

static void
call_sym(const char *name)
{
	void (*fn)(void);
	void *f;

	if ((f = dlsym(RTLD_DEFAULT, name)) == NULL)
		return;
	memcpy(&fn, &f, sizeof(fn));	/* ISO C: no such cast */
	fn();
}

/* As valgrind does, unless MDTRACE_FREERES=0. */
static void
freeres(void)
{
	const char *e = getenv("MDTRACE_FREERES");

	if (e != NULL && strcmp(e, "0") == 0)
		return;
	call_sym("_ZN9__gnu_cxx9__freeresEv");
	call_sym("__libc_freeres");
}

static int
obj_has(const struct dl_phdr_info *info, uintptr_t a)
{
	const ElfW(Phdr) *ph;
	uintptr_t lo;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && a >= lo && a < lo + ph->p_memsz)
			return 1;
	}
	return 0;
}

/* The start of the object's first PT_LOAD segment, from its base. */
static uintptr_t
obj_first(const struct dl_phdr_info *info)
{
	int i;

	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD)
			return info->dlpi_phdr[i].p_vaddr;
	return 0;
}

/* The end of the object's highest PT_LOAD segment. */
static uintptr_t
obj_end(const struct dl_phdr_info *info)
{
	const ElfW(Phdr) *ph;
	uintptr_t end = 0;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD &&
		    info->dlpi_addr + ph->p_vaddr + ph->p_memsz > end)
			end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	return end;
}

/*
 * Note the object's executable and writable segments, and where its
 * static TLS block lies from a thread's thread pointer: the same in
 * every thread.
 */
static void
obj_segments(const struct dl_phdr_info *info)
{
	const ElfW(Phdr) *ph;
	struct ext *e;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_TLS && info->dlpi_tls_data != NULL &&
		    S.ntls < MAX_TLS) {
			S.tls[S.ntls].off = (intptr_t)((uintptr_t)
			    info->dlpi_tls_data - mdt_arch_tp());
			S.tls[S.ntls].size = ph->p_memsz;
			S.tls[S.ntls].obj = info->dlpi_addr + obj_first(info);
			S.ntls++;
		}
		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_flags & PF_X) && S.ncode < S.capcode)
			e = &S.code[S.ncode++];
		else if ((ph->p_flags & PF_W) && S.nwseg < S.capcode)
			e = &S.wseg[S.nwseg++];
		else
			continue;
		e->lo = info->dlpi_addr + ph->p_vaddr;
		e->hi = e->lo + ph->p_memsz;
	}
}

/* Keep the object's PT_LOAD segments that have all of the flags. */
static void
obj_keep(const struct dl_phdr_info *info, unsigned flags,
    struct objranges *o)
{
	const ElfW(Phdr) *ph;
	int i;

	for (i = 0; i < info->dlpi_phnum && o->n < MAX_OBJRANGES; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & flags) != flags)
			continue;
		o->r[o->n].lo = info->dlpi_addr + ph->p_vaddr;
		o->r[o->n].hi = o->r[o->n].lo + ph->p_memsz;
		o->r[o->n].starts_only = 1;
		o->n++;
	}
}

struct probe {
	uintptr_t	self, ldso, libc;
};

static int
obj_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct probe *p = arg;

	(void)size;
	if (S.exe_end == 0)	/* the program comes first */
		S.exe_end = obj_end(info);
	obj_segments(info);
	if (obj_has(info, p->self))
		obj_keep(info, 0, &S.self);
	if (p->ldso != 0 && obj_has(info, p->ldso))
		obj_keep(info, PF_X, &S.ldso);
	if (p->libc != 0 && obj_has(info, p->libc))
		obj_keep(info, PF_W, &S.libc);
	return 0;
}

/* The tracer, the dynamic loader and glibc, found while threads run. */
static void
find_objects(void)
{
	struct probe p;

	p.self = (uintptr_t)&S;
	p.ldso = (uintptr_t)dlsym(RTLD_DEFAULT, "_r_debug");
	p.libc = (uintptr_t)dlsym(RTLD_DEFAULT, "gnu_get_libc_version");
	S.glibc = p.libc != 0;
	S.code = scan_alloc(MAX_CODE * sizeof(*S.code));
	S.wseg = scan_alloc(MAX_CODE * sizeof(*S.wseg));
	if (S.code != NULL && S.wseg != NULL)
		S.capcode = MAX_CODE;
	dl_iterate_phdr(obj_cb, &p);
}

static int
in_ranges(const struct objranges *o, uintptr_t a)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (a >= o->r[i].lo && a < o->r[i].hi)
			return 1;
	return 0;
}

#define RADIX_BITS	11
#define RADIX		(1 << RADIX_BITS)

/*
 * LSD radix sort by address through tmp, RADIX_BITS a pass, on the
 * address minus the lowest and without the alignment bits all blocks
 * share: a heap of a few GiB sorts in three passes.
 */
static void
sort_blocks(struct mdt_block *b, struct mdt_block *tmp, size_t n,
    size_t *count)
{
	struct mdt_block *src = b, *dst = tmp, *t;
	uintptr_t min = UINTPTR_MAX, max = 0, any = 0, key;
	size_t i, sum, c;
	int shift, align = 0;

	for (i = 0; i < n; i++) {
		if (b[i].addr < min)
			min = b[i].addr;
		if (b[i].addr > max)
			max = b[i].addr;
		any |= b[i].addr;
	}
	while (align < 4 && (any & ((uintptr_t)1 << align)) == 0)
		align++;
	for (shift = align; shift < 64 && ((max - min) >> shift) != 0;
	    shift += RADIX_BITS) {
		memset(count, 0, RADIX * sizeof(*count));
		for (i = 0; i < n; i++)
			count[((src[i].addr - min) >> shift) & (RADIX - 1)]++;
		for (i = 0, sum = 0; i < RADIX; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			key = ((src[i].addr - min) >> shift) & (RADIX - 1);
			dst[count[key]++] = src[i];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != b)
		memcpy(b, src, n * sizeof(*b));
}

static size_t
region_hash(uintptr_t r)
{
	return (size_t)(((uint64_t)r * 0x9e3779b97f4a7c15ULL) >>
	    (64 - S.rbits));
}

static struct region_slot *
region_find(uintptr_t r)
{
	size_t h;

	for (h = region_hash(r); S.reg[h].region != 0; h = (h + 1) & S.rmask)
		if (S.reg[h].region == r + 1)
			return &S.reg[h];
	return NULL;
}

static int
is_big(size_t i)
{
	return S.x[i].hi - S.x[i].lo > BIG_BLOCK;
}

/* The regions the small blocks touch, in ascending order: how many. */
static size_t
count_regions(void)
{
	uintptr_t r, last = 0;
	size_t i, n = 0;

	for (i = 0; i < S.n; i++) {
		if (is_big(i))
			continue;
		for (r = S.x[i].lo >> REGION_SHIFT;
		    r <= (S.x[i].hi - 1) >> REGION_SHIFT; r++)
			if (n == 0 || r != last) {
				n++;
				last = r;
			}
	}
	return n;
}

/*
 * Fill a region's buckets: bucket k holds the first block ending after
 * the bucket's start, so the blocks that may hold an address of bucket
 * k are those from b[k] to b[k + 1], both included.  *j sweeps the
 * blocks once over all regions, which come in ascending order.
 */
static void
fill_region(uintptr_t r, uint32_t *b, size_t *j)
{
	size_t k, nb = (size_t)1 << (REGION_SHIFT - S.bshift);
	uintptr_t start;

	for (k = 0; k <= nb; k++) {
		start = (r << REGION_SHIFT) + ((uintptr_t)k << S.bshift);
		while (*j < S.n && S.x[*j].hi <= start)
			(*j)++;
		b[k] = (uint32_t)*j;
	}
}

/*
 * The index: small blocks through 2 MiB regions cut into buckets (one
 * probe in a hash of regions small enough to stay cached, then two
 * adjacent words), big blocks by binary search over a sorted list of
 * their own.  Buckets grow when regions are many and blocks few, so
 * that the index costs at most about POOL_PER_BLOCK bytes a block.
 */
static int
build_index(void)
{
	uintptr_t r, last = 0;
	size_t i, j = 0, nreg, nb, cap;
	struct region_slot *rs;

	for (i = 0; i < S.n; i++)
		S.nbig += is_big(i);
	nreg = count_regions();
	for (S.bshift = BUCKET_SHIFT; S.bshift < REGION_SHIFT &&
	    nreg * (((size_t)1 << (REGION_SHIFT - S.bshift)) + 1) * 4 >
	    (S.n + 1024) * POOL_PER_BLOCK; S.bshift++)
		;
	nb = ((size_t)1 << (REGION_SHIFT - S.bshift)) + 1;
	for (S.rbits = 4, cap = 16; cap < 2 * nreg + 16; cap *= 2)
		S.rbits++;
	S.rmask = cap - 1;
	S.reg = scan_full(cap * sizeof(*S.reg));
	S.pool = scan_full((nreg + 1) * nb * sizeof(*S.pool));
	S.big = scan_alloc((S.nbig + 1) * sizeof(*S.big));
	if (S.reg == NULL || S.pool == NULL || S.big == NULL)
		return -1;
	S.nbig = 0;
	nreg = 0;
	for (i = 0; i < S.n; i++) {
		if (is_big(i)) {
			S.big[S.nbig++] = (uint32_t)i;
			continue;
		}
		for (r = S.x[i].lo >> REGION_SHIFT;
		    r <= (S.x[i].hi - 1) >> REGION_SHIFT; r++) {
			if (nreg > 0 && r == last)
				continue;
			last = r;
			for (rs = &S.reg[region_hash(r)]; rs->region != 0;
			    rs = &S.reg[(size_t)(rs - S.reg + 1) & S.rmask])
				;
			rs->region = r + 1;
			rs->off = nreg * nb;
			fill_region(r, S.pool + rs->off, &j);
			nreg++;
		}
	}
	if (S.n > 0) {
		S.lo = S.x[0].lo;
		for (i = 0; i < S.n; i++)
			if (S.x[i].hi - S.lo > S.span)
				S.span = S.x[i].hi - S.lo;
	}
	return 0;
}

/* The block holding address w, or -1. */
static inline long
find(uintptr_t w)
{
	const struct region_slot *rs;
	const uint32_t *b;
	size_t j, end, lo, hi, mid;

	if ((rs = region_find(w >> REGION_SHIFT)) != NULL) {
		b = S.pool + rs->off + ((w & (((uintptr_t)1 << REGION_SHIFT) -
		    1)) >> S.bshift);
		end = b[1] < S.n ? b[1] : S.n - 1;
		for (j = b[0]; j <= end && S.x[j].lo <= w; j++)
			if (w < S.x[j].hi)
				return (long)j;
	}
	lo = 0;
	hi = S.nbig;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (S.x[S.big[mid]].lo <= w)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && w < S.x[S.big[lo - 1]].hi)
		return (long)S.big[lo - 1];
	return -1;
}

/* Queue block j, reached through the word at (NULL: a loader block). */
static void
push(uint32_t j, const uintptr_t *at)
{
	/* Its first lines, while the rest of the block in hand is read. */
	__builtin_prefetch((const void *)S.x[j].lo);
	__builtin_prefetch((const void *)(S.x[j].lo + 64));
	S.work[S.nwork] = j;
	S.nwork = S.nwork + 1;
	if (S.parent != NULL) {
		S.from[j] = (uintptr_t)at;
		S.parent[j] = S.cur;
		S.depth[j] = S.cur == NO_BLOCK ? 0 : S.depth[S.cur] +
		    (S.depth[S.cur] < UINT8_MAX);
	}
}

/* The mapping of a file that holds address a, or NULL. */
static const struct fmap *
file_at(uintptr_t a)
{
	size_t lo = 0, hi = S.nfiles, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (S.files[mid].hi <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < S.nfiles && S.files[lo].lo <= a ? &S.files[lo] : NULL;
}

#define VTABLE_WORDS	20

/*
 * valgrind's test of a vtable: in a mapped file, and its first words,
 * up to VTABLE_WORDS, hold two pointers into executable mappings of
 * files before anything else but null pointers.
 */
static int
is_vtable(uintptr_t p)
{
	const struct fmap *f, *g;
	uintptr_t a, max, fn;
	int n = 0;

	if ((p & (sizeof(p) - 1)) != 0 || p < 4096 ||
	    (f = file_at(p)) == NULL)
		return 0;
	max = p + VTABLE_WORDS * sizeof(p);
	if (max > f->hi - sizeof(p))
		max = f->hi - sizeof(p);
	for (a = p; a <= max; a += sizeof(p)) {
		if ((fn = *(const uintptr_t *)a) == 0)
			continue;
		if ((g = file_at(fn)) == NULL || !g->exec)
			return 0;
		if (++n == 2)
			return 1;
	}
	return 0;
}

/*
 * valgrind's heuristics (all on by default) for an interior pointer w
 * into block j that still makes it reachable: the characters of an
 * old-ABI std::string (length, capacity, refcount before them), the
 * data after a 64-bit length of the rest, the elements of a new[]
 * array after its count, a base class after the first in an object of
 * multiple inheritance (both hold vtable pointers).  Reads stay within
 * the block.
 */
static int
heuristic(uintptr_t w, size_t j)
{
	const uintptr_t *b = (const uintptr_t *)S.x[j].lo;
	const size_t size = S.b[j].size, W = sizeof(uintptr_t);
	uint64_t len;

	if (w == S.x[j].lo + 3 * W && size >= 3 * W &&
	    3 * W + b[1] + 1 == size && b[0] <= b[1])
		return 1;
	if (w == S.x[j].lo + 8 && size >= 8) {
		memcpy(&len, b, sizeof(len));
		if (len > 0 && size - 8 == len)
			return 1;
	}
	if (w == S.x[j].lo + W && size >= W && b[0] > 0 &&
	    (size - W) % b[0] == 0)
		return 1;
	return (w & (W - 1)) == 0 && w + W <= S.x[j].lo + size &&
	    is_vtable(*(const uintptr_t *)w) && is_vtable(b[0]);
}

/*
 * valgrind's rule for a pointer found in a root (definite) or in a
 * block being scanned: upgrade to reachable only through a start
 * pointer (or one a heuristic accepts) from something reachable, else
 * to possibly lost.
 */
static void
mark(long j, uintptr_t w, int definite, const uintptr_t *at)
{
	if (S.state[j] == REACHABLE)
		return;
	if (definite && (w == S.x[j].lo || heuristic(w, (size_t)j))) {
		S.state[j] = REACHABLE;
		push((uint32_t)j, at);
	} else if (S.state[j] == UNREACHED) {
		S.state[j] = POSSIBLE;
		push((uint32_t)j, at);
	}
}

static __attribute__((noinline)) void
scan_words(uintptr_t lo, uintptr_t hi, int definite, int starts_only)
{
	const uintptr_t *p, *e;
	const uintptr_t heap = S.lo, span = S.span;
	uintptr_t w;
	long j;

	lo = (lo + sizeof(w) - 1) & ~(uintptr_t)(sizeof(w) - 1);
	if (hi < lo + sizeof(w))
		return;
	p = (const uintptr_t *)lo;
	e = p + (hi - lo) / sizeof(w);
	for (; p < e; p++) {
		w = *p;
		if (w - heap >= span || (j = find(w)) < 0)
			continue;
		if (starts_only && w != S.x[j].lo)
			continue;
		mark(j, w, definite, p);
	}
}

/* Scan a lost block for the clique of S.leader. */
static __attribute__((noinline)) void
scan_clique(uintptr_t lo, uintptr_t hi)
{
	const uintptr_t *p, *e;
	const uintptr_t heap = S.lo, span = S.span;
	uintptr_t w;
	long j;

	lo = (lo + sizeof(w) - 1) & ~(uintptr_t)(sizeof(w) - 1);
	if (hi < lo + sizeof(w))
		return;
	p = (const uintptr_t *)lo;
	e = p + (hi - lo) / sizeof(w);
	for (; p < e; p++) {
		w = *p;
		if (w - heap >= span || (j = find(w)) < 0)
			continue;
		if (S.state[j] == UNREACHED && (uint32_t)j != S.leader) {
			S.state[j] = INDIRECT;
			push((uint32_t)j, p);
		}
	}
}

static void
on_fault(int sig)
{
	(void)sig;
	siglongjmp(S.env, 1);
}

static void
guard_faults(int on)
{
	struct sigaction sa;

	if (on) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fault;
		sa.sa_flags = SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, &S.old_segv);
		sigaction(SIGBUS, &sa, &S.old_bus);
	} else {
		sigaction(SIGSEGV, &S.old_segv, NULL);
		sigaction(SIGBUS, &S.old_bus, NULL);
	}
}

/*
 * Scan what the work list holds; a block that faults is skipped.  The
 * list is a stack: a chain of blocks is followed to its end, along the
 * heap as it was allocated.  A queue, which finds each block by a
 * shortest path, jumps between all chains at every step: on a heap of
 * 2M blocks in chains of 100 the marking took 1.37 s instead of 0.29.
 * So a queue serves only the holder paths (at exit) and only near the
 * roots: blocks less than HOLDER_BFS from a root are reached by a
 * shortest path, those farther by the first path found.
 */
#define HOLDER_BFS	8

static void
drain(int clique)
{
	uint32_t i;

	sigsetjmp(S.env, 0);
	while (S.whead < S.nwork) {
		i = S.work[S.whead];
		if (S.parent != NULL && !clique && S.depth[i] < HOLDER_BFS)
			S.whead = S.whead + 1;
		else {
			i = S.work[S.nwork - 1];
			S.nwork = S.nwork - 1;
		}
		S.cur = i;
		if (clique)
			scan_clique(S.x[i].lo, S.x[i].lo + S.b[i].size);
		else
			scan_words(S.x[i].lo, S.x[i].lo + S.b[i].size,
			    S.state[i] == REACHABLE, 0);
	}
	S.whead = S.nwork = 0;
}

/*
 * The pagemap entries of the n pages from the page at a into e: how
 * many were read, 0 when none could be.
 */
static size_t
pagemap_read(uintptr_t a, uint64_t *e, size_t n)
{
	ssize_t got = pread(S.pagemap, e, n * sizeof(*e),
	    (off_t)(a / S.page) * (off_t)sizeof(*e));

	return got > 0 ? (size_t)got / sizeof(*e) : 0;
}

/* The pagemap entry of the page at a, 0 when it cannot be read. */
static uint64_t
pagemap_entry(uintptr_t a)
{
	uint64_t e;

	return pagemap_read(a, &e, 1) == 1 ? e : 0;
}

/*
 * Open /proc/self/pagemap for scan_root, if it tells the truth about
 * this process's pages: a page just mapped is neither present nor
 * swapped, and present once written.  An emulator (qemu-user) may show
 * the host's pagemap at other addresses; a kernel without it, none.
 */
static void
pagemap_open(void)
{
	volatile unsigned char *p;
	uint64_t before, after;

	S.page = (uintptr_t)sysconf(_SC_PAGESIZE);
	S.pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (S.pagemap < 0)
		return;
	p = mmap(NULL, S.page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		before = after = 0;
	} else {
		before = pagemap_entry((uintptr_t)p);
		*p = 1;
		after = pagemap_entry((uintptr_t)p);
		munmap((void *)(uintptr_t)p, S.page);
	}
	if ((before & (PM_PRESENT | PM_SWAPPED)) != 0 ||
	    (after & PM_PRESENT) == 0) {
		close(S.pagemap);
		S.pagemap = -1;
	}
}

/*
 * Scan a root.  A page of a private mapping that is neither in memory
 * nor in swap was never written since it was mapped (or was discarded,
 * and reads as zeros or as its file): it holds no pointer the program
 * stored, and reading it would only fault in a page of zeros.  Such
 * pages are passed over: a runtime's heap reservations and the unused
 * depths of thread stacks are most of a large program's roots.
 */
static void
scan_root(const struct range *r)
{
	uintptr_t lo = r->lo, a, end, run, pg;
	size_t k, n;

	if (!r->priv || S.pagemap < 0) {
		scan_words(r->lo, r->hi, 1, r->starts_only);
		return;
	}
	while (lo < r->hi) {
		a = lo & ~(S.page - 1);
		n = (size_t)((r->hi - a + S.page - 1) / S.page);
		if (n > PM_BATCH)
			n = PM_BATCH;
		if ((n = pagemap_read(a, S.pm, n)) == 0) {
			scan_words(lo, r->hi, 1, r->starts_only);
			return;
		}
		end = a + n * S.page < r->hi ? a + n * S.page : r->hi;
		run = 0;
		for (k = 0; k < n; k++) {
			pg = a + k * S.page > lo ? a + k * S.page : lo;
			if ((S.pm[k] & (PM_PRESENT | PM_SWAPPED)) != 0) {
				if (run == 0)
					run = pg;
			} else if (run != 0) {
				scan_words(run, pg, 1, r->starts_only);
				run = 0;
			}
		}
		if (run != 0)
			scan_words(run, end, 1, r->starts_only);
		lo = end;
	}
}

static void
mark_roots(void)
{
	size_t i;

	S.cur = NO_BLOCK;
	if (sigsetjmp(S.env, 0) != 0)
		S.ri = S.ri + 1;	/* the region faulted: skip its rest */
	for (; S.ri < S.nroots; S.ri = S.ri + 1)
		scan_root(&S.roots[S.ri]);
	for (i = 0; i < S.nthr; i++)
		scan_words((uintptr_t)S.thr[i].regs,
		    (uintptr_t)(S.thr[i].regs + 64), 1, 0);
	if (S.has_self_regs)
		scan_words((uintptr_t)S.self_regs,
		    (uintptr_t)(S.self_regs + 64), 1, 0);
	/* What the dynamic loader allocated is a root. */
	for (i = 0; i < S.n; i++)
		if (S.b[i].stk->nframes > 0 &&
		    in_ranges(&S.ldso, S.b[i].stk->frames[0]))
			mark((long)i, S.x[i].lo, 1, NULL);
	drain(0);
}

/* Only drain reads the program's memory here; it guards itself. */
static void
mark_cliques(void)
{
	for (; S.ci < S.n; S.ci = S.ci + 1) {
		if (S.state[S.ci] != UNREACHED)
			continue;
		S.leader = (uint32_t)S.ci;
		push(S.leader, NULL);
		drain(1);
	}
}

static void
exclude(uintptr_t lo, uintptr_t hi, int starts_only)
{
	if (S.nex >= S.capex || hi <= lo)
		return;
	S.ex[S.nex].lo = lo;
	S.ex[S.nex].hi = hi;
	S.ex[S.nex].starts_only = starts_only;
	S.nex++;
}

/* The first block at or above a (S.n if none). */
static size_t
first_at(uintptr_t a)
{
	size_t lo = 0, hi = S.n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (S.x[mid].lo < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * glibc's heap around each block, from the chunk header before it: an
 * mmapped chunk is its own mapping, a chunk of a thread arena lies in a
 * heap aligned to HEAP_MAX.  The main arena's heap is "[heap]".
 */
static void
exclude_glibc_heap(const char *maps)
{
	uintptr_t sz, prev, heap, last = 0, lo, hi, blo = 0, bhi = 0;
	size_t i, skip_from, skip_to;
	const char *s;

	/*
	 * The program break's heap, [start, brk), holds main-arena chunks
	 * only, never a mapped one: its blocks' headers need no reading.
	 */
	for (s = maps; *s != '\0'; s = strchr(s, '\n') ? strchr(s, '\n') + 1 :
	    s + strlen(s)) {
		lo = hexnum(&s);
		s++;
		hi = hexnum(&s);
		if (lo < S.brk && S.brk <= hi) {
			blo = heap_start(lo);
			bhi = S.brk;
			break;
		}
	}
	skip_from = first_at(blo);
	skip_to = first_at(bhi);
	for (i = 0; i < S.n; i++) {
		if (i == skip_from && skip_to > skip_from) {
			i = skip_to - 1;
			continue;
		}
		sz = ((const uintptr_t *)S.x[i].lo)[-1];
		if (sz & 2) {
			prev = ((const uintptr_t *)S.x[i].lo)[-2];
			exclude(S.x[i].lo - 2 * sizeof(uintptr_t) - prev,
			    S.x[i].lo - 2 * sizeof(uintptr_t) + (sz & ~7UL), 0);
		} else if (sz & 4) {
			heap = (S.x[i].lo - 2 * sizeof(uintptr_t)) &
			    ~(HEAP_MAX - 1);
			if (heap != last)
				exclude(heap, heap + HEAP_MAX, 0);
			last = heap;
		}
	}
}

static void
sort_ranges(struct range *r, size_t n)
{
	struct range t;
	size_t i, j, gap;

	/* Shell sort: few ranges, no allocation. */
	for (gap = n / 2; gap > 0; gap /= 2)
		for (i = gap; i < n; i++) {
			t = r[i];
			for (j = i; j >= gap && r[j - gap].lo > t.lo; j -= gap)
				r[j] = r[j - gap];
			r[j] = t;
		}
}

static void
add_root(uintptr_t lo, uintptr_t hi, int starts_only, int priv)
{
	if (hi > lo) {
		S.roots[S.nroots].lo = lo;
		S.roots[S.nroots].hi = hi;
		S.roots[S.nroots].starts_only = starts_only;
		S.roots[S.nroots].priv = priv;
		S.nroots++;
	}
}

/* Sort the exclusions and merge those that overlap or touch. */
static void
merge_exclusions(void)
{
	size_t i, n = 0;

	sort_ranges(S.ex, S.nex);
	for (i = 0; i < S.nex; i++) {
		if (n > 0 && S.ex[i].lo <= S.ex[n - 1].hi) {
			if (S.ex[i].hi > S.ex[n - 1].hi)
				S.ex[n - 1].hi = S.ex[i].hi;
		} else
			S.ex[n++] = S.ex[i];
	}
	S.nex = n;
}

/* A root region minus the exclusions (sorted, disjoint). */
static void
add_region(uintptr_t lo, uintptr_t hi, int priv)
{
	size_t i = 0, j = S.nex, m;

	while (i < j) {		/* the first exclusion ending after lo */
		m = i + (j - i) / 2;
		if (S.ex[m].hi <= lo)
			i = m + 1;
		else
			j = m;
	}
	for (; i < S.nex && S.ex[i].lo < hi && lo < hi; i++) {
		if (S.ex[i].lo > lo)
			add_root(lo, S.ex[i].lo, 0, priv);
		lo = S.ex[i].hi;
	}
	add_root(lo, hi, 0, priv);
}

static uintptr_t
hexnum(const char **sp)
{
	const char *s = *sp;
	uintptr_t v = 0;

	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			v = v * 16 + (uintptr_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			v = v * 16 + (uintptr_t)(*s - 'a' + 10);
		else
			break;
	}
	*sp = s;
	return v;
}

/* /proc/self/maps, whole, in memory from mmap; NULL on failure. */
static char *
read_maps(size_t *len)
{
	size_t cap, n;
	ssize_t r;
	char *b;
	int fd;

	for (cap = 1 << 20; cap <= (1 << 28); cap *= 4) {
		if ((b = scan_alloc(cap)) == NULL)
			return NULL;
		if ((fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)) == -1)
			return NULL;
		n = 0;
		while (n < cap - 1 && (r = read(fd, b + n, cap - 1 - n)) > 0)
			n += (size_t)r;
		close(fd);
		if (n < cap - 1) {
			b[n] = '\0';
			*len = n;
			return b;
		}
	}
	return NULL;
}

/*
 * The lowest stack pointer inside [lo, hi), or lo when there is none;
 * the threads whose stack pointer lies there have their stack end at hi.
 */
static uintptr_t
stack_cut(uintptr_t lo, uintptr_t hi, uintptr_t exit_sp)
{
	uintptr_t cut = hi;
	size_t i;

	if (exit_sp >= lo && exit_sp < hi) {
		cut = exit_sp;
		S.self_lo = exit_sp;
		S.self_hi = hi;
	}
	for (i = 0; i < S.nthr; i++)
		if (S.thr[i].sp >= lo && S.thr[i].sp < hi) {
			S.thr[i].stack_hi = hi;
			if (S.thr[i].sp < cut)
				cut = S.thr[i].sp;
		}
	return cut == hi ? lo : cut;
}

/*
 * Where glibc's main heap starts in an unnamed mapping that ends at the
 * program break.  The kernel names it "[heap]"; an emulator (qemu-user)
 * maps it itself, unnamed, and the program's bss may lie in the same
 * mapping just below it: that part stays a root.
 */
static uintptr_t
heap_start(uintptr_t lo)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (S.exe_end + pg - 1) & ~(uintptr_t)(pg - 1);

	return start > lo && start < S.brk ? start : lo;
}

/* Does a non-glibc allocator own this mapping (holds a block)? */
static int
holds_block(uintptr_t lo, uintptr_t hi)
{
	size_t a = first_at(lo);

	return a < S.n && S.x[a].lo < hi;
}

/* Read the maps and make room for the roots, before the exclusions. */
static char *
prepare_roots(void)
{
	const char *s;
	size_t len, nlines = 0;
	char *maps;

	if ((maps = read_maps(&len)) == NULL)
		return NULL;
	for (s = maps; *s != '\0'; s++)
		nlines += *s == '\n';
	S.roots = scan_alloc((nlines + S.capex + 4 * MAX_OBJRANGES + 8) *
	    sizeof(*S.roots));
	S.files = scan_alloc((nlines + 1) * sizeof(*S.files));
	return S.roots == NULL || S.files == NULL ? NULL : maps;
}

/*
 * Does [lo, hi) overlap an object's executable segment?  An emulator
 * (qemu-user) shows code mappings without their x.
 */
static int
in_code(uintptr_t lo, uintptr_t hi)
{
	size_t i;

	for (i = 0; i < S.ncode; i++)
		if (S.code[i].lo < hi && lo < S.code[i].hi)
			return 1;
	return 0;
}

/*
 * Read the maps: with files set, only the mappings of files (for the
 * heuristics and the search for exit's caller); else the roots.
 */
static void
read_mappings(const char *maps, uintptr_t exit_sp, int files)
{
	const char *s, *path, *end;
	uintptr_t lo, hi;
	char perm[4] = { 0 };
	int i;

	for (s = maps; *s != '\0'; s = *end ? end + 1 : end) {
		end = strchr(s, '\n');
		if (end == NULL)
			end = s + strlen(s);
		lo = hexnum(&s);
		s++;
		hi = hexnum(&s);
		for (i = 0, s++; i < 4 && s < end; i++)
			perm[i] = *s++;
		/* offset, device, inode, then the path if any */
		for (i = 0; i < 3 && s < end; i++) {
			while (s < end && *s == ' ')
				s++;
			while (s < end && *s != ' ')
				s++;
		}
		while (s < end && *s == ' ')
			s++;
		path = s;
		if (files) {
			if (perm[0] == 'r' && path[0] == '/') {
				S.files[S.nfiles].lo = lo;
				S.files[S.nfiles].hi = hi;
				S.files[S.nfiles].exec = perm[2] == 'x' ||
				    in_code(lo, hi);
				S.nfiles++;
			}
			continue;
		}
		if (perm[0] != 'r' || perm[1] != 'w')
			continue;
		if (strncmp(path, "[heap]", 6) == 0 ||
		    (strncmp(path, "/dev/", 5) == 0 &&
		    strncmp(path, "/dev/zero", 9) != 0) ||
		    (perm[3] == 's' && path[0] == '/' &&
		    strncmp(path, "/dev/zero", 9) != 0))
			continue;
		if (!S.glibc && holds_block(lo, hi))
			continue;
		if (S.glibc && path == end && lo < S.brk && S.brk <= hi)
			hi = heap_start(lo);
		add_region(stack_cut(lo, hi, exit_sp), hi, perm[3] == 'p');
	}
}

/*
 * Roots in glibc's data count only through start pointers: split those
 * parts off the roots found so far.
 */
static void
split_libc(void)
{
	size_t i, j, n = S.nroots;
	uintptr_t lo, hi;

	for (j = 0; j < S.libc.n; j++)
		for (i = 0; i < n; i++) {
			lo = S.roots[i].lo > S.libc.r[j].lo ? S.roots[i].lo :
			    S.libc.r[j].lo;
			hi = S.roots[i].hi < S.libc.r[j].hi ? S.roots[i].hi :
			    S.libc.r[j].hi;
			if (lo >= hi)
				continue;
			/* The part before stays; the libc part, then the rest. */
			add_root(hi, S.roots[i].hi, 0, S.roots[i].priv);
			add_root(lo, hi, 1, S.roots[i].priv);
			S.roots[i].hi = lo;
		}
}

/* mdt_live_each: one more block for S.b, which has room for *arg. */
static void
copy_block(const struct mdt_block *b, void *arg)
{
	if (S.n < *(const size_t *)arg)
		S.b[S.n++] = *b;
}

/*
 * Copy the live table and stop the threads; -1 if out of memory.  With
 * paths set, the arrays of the holder paths too.
 */
static int
snapshot(int paths)
{
	uintptr_t *lr;
	size_t n, nlr, i, *count;
	struct mdt_block *tmp;
	uint64_t *key;
	int ordered;

	lr = scan_alloc(2 * MDT_LIVE_REGIONS * sizeof(*lr));
	count = scan_alloc(RADIX * sizeof(*count));
	if (lr == NULL || count == NULL)
		return -1;
	mdt_table_lockall();
	S.nthr = mdt_stop_threads(&S.thr);
	n = mdt_live_count();
	S.b = scan_full((n + 1) * sizeof(*S.b));
	tmp = scan_full((n + 1) * sizeof(*tmp));
	S.capex = n + 1024;
	S.ex = scan_alloc(S.capex * sizeof(*S.ex));
	if (S.b == NULL || tmp == NULL || S.ex == NULL) {
		mdt_table_unlockall();
		return -1;
	}
	/*
	 * In order, through tmp, if it can be; else sorted after.  A size
	 * that faults is that of a block freed behind the tracer's back
	 * and unmapped: the copy is made again without it.
	 */
	key = (uint64_t *)(void *)tmp;
	(void)mdt_live_skip(0);
	guard_faults(1);
	if (sigsetjmp(S.env, 0) != 0 &&
	    mdt_live_skip(mdt_live_sizing()) == -1) {
		guard_faults(0);
		mdt_table_unlockall();
		return -1;
	}
	S.n = 0;
	ordered = mdt_live_each_ordered(copy_block, &n, key, key + n, n) == 0;
	if (!ordered)
		mdt_live_each(copy_block, &n, 1);
	guard_faults(0);
	nlr = mdt_live_regions(lr, MDT_LIVE_REGIONS);
	mdt_table_unlockall();
	for (i = 0; i < nlr; i++)
		exclude(lr[2 * i], lr[2 * i + 1], 0);
	if (S.n > 0 && !ordered)
		sort_blocks(S.b, tmp, S.n, count);
	S.x = (struct ext *)(void *)tmp;	/* tmp is free again */
	for (i = 0; i < S.n; i++) {
		S.x[i].lo = S.b[i].addr;
		S.x[i].hi = S.b[i].addr + (S.b[i].size ? S.b[i].size : 1);
	}
	S.state = scan_full(S.n + 1);
	S.work = scan_alloc((2 * S.n + 2) * sizeof(*S.work));
	if (S.state == NULL || S.work == NULL)
		return -1;
	if (!paths)
		return 0;
	S.from = scan_alloc((S.n + 1) * sizeof(*S.from));
	S.depth = scan_alloc(S.n + 1);
	S.parent = scan_alloc((S.n + 1) * sizeof(*S.parent));
	return S.from == NULL || S.depth == NULL || S.parent == NULL ? -1 : 0;
}

/* The kind of each marking state. */
static const int kind_of_state[] = {
	[UNREACHED] = MDT_DEFINITE, [INDIRECT] = MDT_INDIRECT,
	[POSSIBLE] = MDT_POSSIBLE, [REACHABLE] = MDT_REACHABLE
};

/* Sum the kinds into the stacks: every live stack's figures are set. */
static void
sum_kinds(void)
{
	const int *kind = kind_of_state;
	struct mdt_stack *s;
	size_t i;
	int k, h;

	for (s = mdt_table_first(); s != NULL;
	    s = __atomic_load_n(&s->order, __ATOMIC_ACQUIRE)) {
		s->hold[0] = s->hold[1] = 0;
		s->sum = s->count = 0;
		memset(s->ksum, 0, sizeof(s->ksum));
		memset(s->kcount, 0, sizeof(s->kcount));
	}
	for (i = 0; i < S.n; i++) {
		s = S.b[i].stk;
		k = kind[S.state[i]];
		s->sum += S.b[i].size;
		s->count++;
		s->ksum[k] += S.b[i].size;
		s->kcount[k]++;
		/* Of each kept kind, the block nearest a root. */
		h = k == MDT_POSSIBLE ? 0 : k == MDT_REACHABLE ? 1 : -1;
		if (h >= 0 && (s->hold[h] == 0 ||
		    S.depth[i] < S.depth[s->hold[h] - 1]))
			s->hold[h] = (uint32_t)i + 1;
	}
}

/* Is a points into a file's executable mapping with n bytes after it? */
static int
is_code(uintptr_t a, size_t n)
{
	const struct fmap *f = file_at(a);

	return f != NULL && f->exec && a + n <= f->hi;
}

/* The word at a, if a file maps it (a GOT slot); else 0. */
static uintptr_t
file_word(uintptr_t a)
{
	const struct fmap *f = file_at(a);

	if (f == NULL || a + sizeof(a) > f->hi)
		return 0;
	return *(const uintptr_t *)a;
}

/* Is n bytes at a code that may be read?  (mdt_code_fn) */
static int
code_ok(uintptr_t a, size_t n)
{
	return is_code(a, n);
}

/*
 * Does the code at t lead to exit()?  Either it is exit(), or a PLT
 * entry jumping through a GOT slot that holds it: exit() was called,
 * so the slot is bound.
 */
static int
goes_to_exit(uintptr_t t)
{
	uintptr_t slot;

	if (t == S.exitfn)
		return 1;
	slot = mdt_arch_plt_slot(t, code_ok);
	return slot != 0 && file_word(slot) == S.exitfn;
}

/* Is w the return address of a call of exit() (direct, PLT, GOT)? */
static int
returns_from_exit(uintptr_t w)
{
	uintptr_t to;

	switch (mdt_arch_call_before(w, code_ok, &to)) {
	case 1:
		return goes_to_exit(to);
	case 2:
		return file_word(to) == S.exitfn;
	default:
		return 0;
	}
}

/*
 * Where the exiting thread's stack is a root from: just above the
 * return address of the call of exit(), found among the words above
 * the handler's frame.  The frames of exit(), of its handlers and of
 * the loader's destructors lie below it, and their unset words still
 * hold what earlier calls left there; valgrind, which knows those
 * words are unset, does not take them for pointers either; of those
 * frames only the registers they saved count (exit_registers).  0 where
 * no such call is found (another machine, exit() reached otherwise):
 * the stack is then a root from the handler's frame.
 */
static uintptr_t
exit_caller_sp(uintptr_t sp)
{
	static volatile uintptr_t a;

	if (S.exitfn == 0)
		return 0;
	/* Past the stack's end the read faults, and the search ends. */
	if (sigsetjmp(S.env, 0) != 0)
		return 0;
	for (a = sp; a < sp + EXIT_SEARCH; a += sizeof(a))
		if (returns_from_exit(*(const uintptr_t *)a))
			return a + sizeof(a);
	return 0;
}

/*
 * The exiting thread's registers at the call that ended the program,
 * whose caller's stack pointer is sp: what the frames below it saved.
 */
static void
exit_registers(uintptr_t sp)
{
	ucontext_t uc;
	uintptr_t lo, hi;

	if (sp == 0 || getcontext(&uc) == -1)
		return;
	lo = (uintptr_t)&uc;
	hi = S.self_hi > sp ? S.self_hi : sp + EXIT_SEARCH;
	S.has_self_regs = uwa_caller_regs(&uc, sp, S.self_regs, lo, hi) == 0;
}

/* Is w a return address: does a call instruction end just before it? */
static int
is_return_address(uintptr_t w)
{
	uintptr_t to;

	return mdt_arch_call_before(w, code_ok, &to) != 0;
}

/*
 * The code of the function whose frame holds stack word a: the return
 * address of its latest call lies below its locals, so the first one
 * found going down from a to the stack pointer lo; pc where none is.
 */
static uintptr_t
frame_code(uintptr_t a, uintptr_t lo, uintptr_t pc)
{
	uintptr_t w;

	for (a &= ~(uintptr_t)(sizeof(a) - 1); a >= lo + sizeof(a); ) {
		a -= sizeof(a);
		w = *(const uintptr_t *)a;
		if (is_return_address(w))
			return w;
	}
	return pc;
}

/* The thread pc of slot i was stopped at, or 0. */
static uintptr_t
thread_pc(size_t i)
{
	return mdt_arch_pc >= 0 && S.thr[i].state != 0 ?
	    S.thr[i].regs[mdt_arch_pc] : 0;
}

/* The block the chain of block j starts at: its parent is a root. */
static uint32_t
chain_root(uint32_t j)
{
	size_t steps;

	for (steps = 0; S.parent[j] != NO_BLOCK && steps <= S.n; steps++)
		j = S.parent[j];
	return j;
}

/* Classify the root word at a (0: a loader block) into hop h. */
static void
classify_root(uintptr_t a, uint32_t r, struct mdt_hop *h)
{
	size_t i, m;
	uintptr_t lo, self;
	const uintptr_t *regs;
	int tid;

	memset(h, 0, sizeof(*h));
	h->type = MDT_HOP_MEMORY;
	h->addr = a;
	if (a == 0) {
		h->type = MDT_HOP_LOADER;
		return;
	}
	for (i = 0; i <= S.nthr; i++) {
		regs = i < S.nthr ? S.thr[i].regs : S.self_regs;
		if (a < (uintptr_t)regs || a >= (uintptr_t)(regs + 64))
			continue;
		m = (a - (uintptr_t)regs) / sizeof(uintptr_t);
		h->type = MDT_HOP_REGISTER;
		h->tid = i < S.nthr ? S.thr[i].tid : S.self_tid;
		h->name = m < mdt_arch_nregs ? mdt_arch_regname[m] : "?";
		return;
	}
	for (i = 0; i <= S.nthr; i++) {
		self = i < S.nthr ? S.thr[i].self : S.self_self;
		tid = i < S.nthr ? S.thr[i].tid : S.self_tid;
		for (m = 0; self != 0 && m < S.ntls; m++) {
			lo = self + (uintptr_t)S.tls[m].off;
			if (a >= lo && a < lo + S.tls[m].size) {
				h->type = MDT_HOP_TLS;
				h->tid = tid;
				h->addr = a - lo;
				h->obj = S.tls[m].obj;
				return;
			}
		}
	}
	for (i = 0; i < S.nwseg; i++)
		if (a >= S.wseg[i].lo && a < S.wseg[i].hi) {
			h->type = MDT_HOP_DATA;
			return;
		}
	for (i = 0; i < S.nthr; i++)
		if (a >= S.thr[i].sp && a < S.thr[i].stack_hi) {
			h->type = MDT_HOP_STACK;
			h->tid = S.thr[i].tid;
			h->addr = S.fn[r];
			return;
		}
	if (a >= S.self_lo && a < S.self_hi) {
		h->type = MDT_HOP_STACK;
		h->tid = S.self_tid;
		h->addr = S.fn[r];
	}
}

/* The frame's code of root block r's word, when it is in a stack. */
static void
note_frame(uint32_t r)
{
	const uintptr_t a = S.from[r];
	size_t i;

	if (a == 0 || S.fn[r] != 0 || sigsetjmp(S.env, 0) != 0)
		return;		/* a read that faults leaves it unknown */
	for (i = 0; i < S.nthr; i++)
		if (a >= S.thr[i].sp && a < S.thr[i].stack_hi)
			S.fn[r] = frame_code(a, S.thr[i].sp, thread_pc(i));
	if (a >= S.self_lo && a < S.self_hi)
		S.fn[r] = frame_code(a, S.self_lo, 0);
}

/*
 * While the threads are still stopped: the frame's code of every told
 * path's root in a stack, which mdt_holder gives after they run again.
 */
static void
note_frames(void)
{
	const struct mdt_stack *s;
	int h;

	if ((S.fn = scan_alloc((S.n + 1) * sizeof(*S.fn))) == NULL)
		return;
	guard_faults(1);
	for (s = mdt_table_first(); s != NULL;
	    s = __atomic_load_n(&s->order, __ATOMIC_ACQUIRE))
		for (h = 0; h < 2; h++)
			if (s->hold[h] != 0)
				note_frame(chain_root(s->hold[h] - 1));
	guard_faults(0);
}

size_t
mdt_holder(const struct mdt_stack *s, int kind, struct mdt_hop *hops,
    size_t max)
{
	uint32_t chain[256], j;
	size_t n = 0, k, skip;
	int h = kind == MDT_POSSIBLE ? 0 : kind == MDT_REACHABLE ? 1 : -1;

	if (h < 0 || s->hold[h] == 0 || S.parent == NULL || S.fn == NULL ||
	    max == 0)
		return 0;
	/* The leak's block, then the blocks that held it, to the root's. */
	for (j = s->hold[h] - 1; n < 256; j = S.parent[j]) {
		chain[n++] = j;
		if (S.parent[j] == NO_BLOCK)
			break;
	}
	if (S.parent[j] != NO_BLOCK)
		return 0;	/* too long to tell */
	classify_root(S.from[j], j, &hops[0]);
	/* The holding blocks, root side first; the nearest if too many. */
	skip = n - 1 > max - 1 ? n - 1 - (max - 1) : 0;
	for (k = n - 1 - skip; k >= 1; k--) {
		j = chain[k];
		hops[n - k - skip].type = MDT_HOP_BLOCK;
		hops[n - k - skip].addr = S.from[chain[k - 1]] - S.x[j].lo;
		hops[n - k - skip].stk = S.b[j].stk;
	}
	return n - skip;
}

static void
check(uintptr_t exit_sp, uintptr_t caller_sp)
{
	const char *maps;
	uintptr_t snap[2 * MDT_SNAP_RANGES];
	size_t i, n;

	/* Every mapping of the check exists before it is excluded. */
	if ((maps = prepare_roots()) == NULL)
		return;
	for (i = 0; i < S.nown; i++)
		exclude((uintptr_t)S.own[i].p,
		    (uintptr_t)S.own[i].p + S.own[i].len, 0);
	for (i = 0; i < S.self.n; i++)
		exclude(S.self.r[i].lo, S.self.r[i].hi, 0);
	/* Stale slots past the threads found are no roots. */
	if (S.thr != NULL)
		exclude((uintptr_t)S.thr,
		    (uintptr_t)(S.thr + MDT_MAXTHREADS), 0);
	if (S.glibc)
		exclude_glibc_heap(maps);
	exclude(skip_lo, skip_hi, 0);
	for (i = 0, n = mdt_snap_memory(snap); i < n; i++)
		exclude(snap[2 * i], snap[2 * i + 1], 0);
	merge_exclusions();
	guard_faults(1);
	read_mappings(maps, 0, 1);
	if (caller_sp == 0)
		caller_sp = exit_caller_sp(exit_sp);
	read_mappings(maps, caller_sp != 0 ? caller_sp : exit_sp, 0);
	exit_registers(caller_sp);
	split_libc();
	S.ri = 0;
	S.ci = 0;
	S.nwork = S.whead = 0;
	pagemap_open();
	mark_roots();
	if (S.pagemap >= 0)
		close(S.pagemap);
	S.pagemap = -1;
	mark_cliques();
	guard_faults(0);
}

/*
 * The leak check, from the exit handler: exit_sp is the stack pointer
 * of the handler's caller; caller_sp that of the program's function
 * that ended it (the caller of _exit), or NULL when it is the caller of
 * exit(), to be found.  The exiting thread's stack is a root from
 * there, and its registers at that call.  Returns 1 when every live
 * stack's sum, count and kinds were set, 0 when the check was not made
 * (MDTRACE_LEAKCHECK=0, no memory); the report then sums the table
 * itself.  With running set, a check while the program runs (control.c):
 * the runtimes keep their buffers, and the blocks go to snapshot.c;
 * 1 when they did.
 */
int
mdt_leakcheck(void *exit_sp, void *caller_sp, int running)
{
	const char *e = getenv("MDTRACE_LEAKCHECK");
	struct timespec t0, t1;
	int ok = 0;

	if (e != NULL && strcmp(e, "0") == 0)
		return 0;
	memset(&S, 0, sizeof(S));
	if (!running)
		freeres();
	find_objects();
	S.exitfn = (uintptr_t)dlsym(RTLD_DEFAULT, "exit");
	S.brk = (uintptr_t)sbrk(0);
	S.self_tid = (int)syscall(SYS_gettid);
	S.self_self = mdt_arch_tp();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (snapshot(!running) == 0 && build_index() == 0) {
		check((uintptr_t)exit_sp - EXIT_SLACK, (uintptr_t)caller_sp);
		ok = 1;
	}
	if (!running) {
		if (ok) {
			sum_kinds();
			note_frames();
		}
		mdt_resume_threads();
		return ok;
	}
	/* The copy is the check's own: the program may go on. */
	mdt_resume_threads();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ok && snap_blocks() == 0)
		mdt_snap_end((uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
		    (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec);
	else
		ok = 0;
	return ok;
}

/* A check while the program runs: its blocks to snapshot.c. */
static int
snap_blocks(void)
{
	size_t i;

	if (mdt_snap_begin(S.n) == -1)
		return -1;
	for (i = 0; i < S.n; i++)
		mdt_snap_block(&S.b[i], kind_of_state[S.state[i]]);
	return 0;
}

/* Memory the check must not read: the checker thread's (control.c). */
void
mdt_leakcheck_exclude(uintptr_t lo, uintptr_t hi)
{
	skip_lo = lo;
	skip_hi = hi;
}

void
mdt_leakcheck_free(void)
{
	scan_free();
}
