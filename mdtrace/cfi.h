/*
 * cfi.h: DWARF call frame information (.eh_frame, .eh_frame_hdr) as the
 * unwinder of libmdtrace.so reads it.  cfi.c knows the byte formats and
 * nothing of any processor; the architecture file (unwind_x86_64.c)
 * knows the registers and nothing of the formats.
 *
 * Every byte cfi.c reads is first checked against the ranges a struct
 * cfi_obj allows, so damaged or lying call frame information can only
 * make a lookup fail, never fault.  Nothing here calls malloc.
 */
#ifndef CFI_H
#define CFI_H

#include <stddef.h>
#include <stdint.h>

/*
 * Register columns a row tracks: x86-64's 0-15 and 16, the return
 * address; aarch64's x0-x30 (x30 the return address) and sp, 31.
 * Rules for higher columns (vector registers) are read and dropped.
 */
#define CFI_NREGS	32

/* Readable segments of an object kept for bounds checks. */
#define CFI_MAXSEG	8

/* One loaded object: where its code is and what may be read. */
struct cfi_obj {
	uintptr_t	 lo, hi;		/* span of its executable code */
	uintptr_t	 hdr;			/* .eh_frame_hdr, or 0 */
	uintptr_t	 seg[CFI_MAXSEG][2];	/* readable [lo, hi) ranges */
	int		 nseg;
};

enum cfi_rule {
	CFI_SAME,	/* the register keeps its value (the default) */
	CFI_UNDEF,	/* lost: for the return address, the outermost frame */
	CFI_OFFSET,	/* saved at CFA + off */
	CFI_VALOFF,	/* its value is CFA + off */
	CFI_REG,	/* held in register reg */
	CFI_EXPR,	/* saved at the address an expression computes */
	CFI_VALEXPR	/* its value is what an expression computes */
};

struct cfi_reg {
	uint8_t		 how;		/* enum cfi_rule */
	uint8_t		 reg;
	uint32_t	 len;		/* of the expression */
	int64_t		 off;
	const uint8_t	*expr;
};

/* One row of the table: how to find the caller's registers at a pc. */
struct cfi_row {
	int		 cfa_expr;	/* CFA from an expression, not reg+off */
	uint8_t		 cfa_reg;
	int64_t		 cfa_off;
	const uint8_t	*expr;		/* the CFA expression */
	uint32_t	 exprlen;
	uint8_t		 ra_reg;	/* the column of the return address */
	int		 signal;	/* 'S': a signal frame */
	int		 ra_signed;	/* aarch64: the return address is
					   signed (negate_ra_state) */
	struct cfi_reg	 reg[CFI_NREGS];
};

/* How cfi_find ended. */
enum cfi_status {
	CFI_FOUND,	/* row filled in */
	CFI_NONE,	/* the object has no .eh_frame_hdr at all */
	CFI_NOFDE,	/* the table says no FDE covers the pc */
	CFI_BAD		/* damaged or unsupported: reading stopped */
};

enum cfi_status	 cfi_find(const struct cfi_obj *, uintptr_t, struct cfi_row *);

/*
 * A DWARF expression's result.  Memory reads go through rd, which says
 * 0 and fills *v only for addresses it allows.  The stack starts with
 * push (if pushinit).  Returns 0, or -1 on anything it cannot evaluate.
 */
typedef int	(*cfi_read_fn)(void *, uintptr_t, uintptr_t *);
typedef int	(*cfi_regval_fn)(void *, unsigned, uintptr_t *);
int		 cfi_eval(const uint8_t *, uint32_t, cfi_regval_fn, cfi_read_fn,
		    void *, int, uintptr_t, uintptr_t *);

#endif /* CFI_H */
