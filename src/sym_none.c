/*
 * sym_none.c: a symbolizer that knows nothing, used until the ELF/DWARF
 * symbolizer (sym.c) is built in.  Every frame is "??" and the report
 * prints the object and offset.
 */
#include <stdlib.h>

#include "sym.h"
#include "xmalloc.h"

struct symbolizer {
	struct sym_loc		loc;
	struct sym_frame	frame;
};

struct symbolizer *
sym_open(const struct sym_opts *o)
{
	struct symbolizer *s;

	(void)o;
	s = xcalloc(1, sizeof(*s));
	s->frame.locs = &s->loc;
	s->frame.nlocs = 1;
	return s;
}

const struct sym_frame *
sym_lookup(struct symbolizer *s, const char *object, uint64_t offset)
{
	(void)object;
	(void)offset;
	return &s->frame;
}

void
sym_close(struct symbolizer *s)
{
	free(s);
}
