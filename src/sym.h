/*
 * sym.h: the symbolizer facade.  It turns (object path, offset) into an
 * inline chain of source locations.
 *
 * The report code sees only this interface.  Objects are opened once, on
 * first use, and kept; objects that cannot be read are remembered and
 * never retried.  Each distinct (object, offset) is symbolized once.
 */
#ifndef MDUMP_SYM_H
#define MDUMP_SYM_H

#include <stddef.h>
#include <stdint.h>

/* The deepest inline chain kept for one address. */
#define SYM_MAX_INLINE	64

struct sym_loc {
	const char	*function;	/* NULL when unknown */
	const char	*file;		/* NULL when unknown; dir joined */
	unsigned long	 line;		/* 0 when unknown */
};

struct sym_frame {
	const struct sym_loc	*locs;	/* innermost first; never empty */
	size_t			 nlocs;
	size_t			 tag;	/* the caller's; 0 until set */
};

struct sym_opts {
	const char	*exe;		/* object for "" and "." frames */
	int		 raw;		/* -r: look up the address as recorded */
	int		 no_debuginfod;	/* ask no debuginfod server */
	/* Called with each warning, "PATH: what" (objects not found...). */
	void		(*warn)(void *, const char *);
	/*
	 * Called with warnings that matter without -v too (a debuginfod
	 * server sent a wrong file, or stopped answering); NULL: warn.
	 */
	void		(*alert)(void *, const char *);
	void		*warnarg;
};

/* The symbolizer copies what it needs from the options. */
struct symbolizer	*sym_open(const struct sym_opts *);

/*
 * Look up one frame.  The result is owned by the symbolizer and stays
 * valid until sym_close().  It never fails: unknown values are NULL/0.
 * A NULL object (an id the trace never named) is looked up nowhere;
 * "" and "." stand for the executable given in the options.  The object
 * string must not change while the symbolizer lives: a repeated pointer
 * is taken for the same object without comparing the text.
 */
const struct sym_frame	*sym_lookup(struct symbolizer *, const char *,
			    uint64_t);
/*
 * The one answer that every frame with nothing to look in shares: of
 * an object that cannot be read, or of none.  Its tag is not to be set.
 * Every other answer is one (object, offset)'s alone, so a caller can
 * number them by their tags; the object is one whatever string named
 * it ("", "." and the executable's path are the same object).
 */
const struct sym_frame	*sym_unknown(const struct symbolizer *);
/*
 * Set the tag of a frame other than sym_unknown().  One caller uses
 * tags (the HTML report); they are kept until sym_close().
 */
static inline void
sym_settag(const struct sym_frame *f, size_t tag)
{
	((struct sym_frame *)(uintptr_t)f)->tag = tag;
}

/*
 * The variable at offset off of the object: with tls 0 a data offset
 * from the load base, as frames' offsets are; with tls 1 an offset in
 * the object's TLS block.  Its name from the ELF symbol table (the
 * object's, else its separate debug file's), NULL when none covers the
 * offset; *global (when not NULL) says whether it is global or static.
 * Owned by the symbolizer.
 */
const char		*sym_variable(struct symbolizer *, const char *,
			    uint64_t, int, int *);

/*
 * Where the variable sym_variable() finds is defined, from DWARF: its
 * file (directory joined, as frames' files are; NULL when unknown) and
 * line.  Returns 0, or -1 when there is no such variable or DWARF does
 * not say (*file NULL, *line 0).
 */
int			 sym_variable_decl(struct symbolizer *, const char *,
			    uint64_t, int, const char **, unsigned long *);

/* A frame to look up ahead of time, and where its answer goes. */
struct sym_query {
	const char		 *object;
	uint64_t		  offset;
	const struct sym_frame	**frame;	/* NULL: nowhere */
};

/*
 * Look up many frames at once: each answer goes where its query says,
 * and later sym_lookup() calls find it cached.  The array is sorted in
 * place: frames are symbolized in the order of their offsets, so the
 * DWARF tables of a large library are walked forward instead of probed
 * at random.
 */
void			 sym_prefetch(struct symbolizer *, struct sym_query *,
			    size_t);

/*
 * The build-id id[0..len) of the object the trace calls path: with it,
 * an object missing from this machine is fetched from a debuginfod
 * server.  The first one given for a path counts; give it before the
 * path's first lookup.
 */
void			 sym_object_id(struct symbolizer *, const char *,
			    const uint8_t *, size_t);
void			 sym_close(struct symbolizer *);

#endif /* MDUMP_SYM_H */
