/*
 * suppress.h: patterns over the names in a leak's stack, for
 * suppressions (-S, LeakSanitizer's "leak:PATTERN" files) and focus
 * (-k).  A pattern matches a function name, a source file path or an
 * object path in any frame, inlined frames included.
 */
#ifndef MDUMP_SUPPRESS_H
#define MDUMP_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

struct leak;
struct md_err;
struct names;
struct symbolizer;

struct supp_pat {
	char		*text;		/* as written, without "leak:" */
	char		*glob;		/* the text as a '*' glob */
	char		*file;		/* where it was read; NULL: -k */
	unsigned long	 line;
	uint64_t	 leaks;		/* leaks it matched first */
	uint64_t	 bytes;
};

struct supp_list {
	struct supp_pat	*pats;
	size_t		 npats;
};

void	supp_init(struct supp_list *);
/* Add one pattern; text and file are copied, file may be NULL. */
void	supp_add(struct supp_list *, const char *, const char *,
	    unsigned long);
/*
 * Read the patterns of a suppression file.  Returns 0, or -1 with the
 * error (its message names the line) when the file cannot be read or a
 * line is not "leak:PATTERN", a comment or blank.
 */
int	supp_load(struct supp_list *, const char *, struct md_err *);
/*
 * The first pattern matching a name in the leak's stack, or NULL.  The
 * names are looked up through the symbolizer and shown through the
 * names; both the recorded and the shown form of each name count.
 */
struct supp_pat	*supp_leak(const struct supp_list *, struct symbolizer *,
		    struct names *, const struct leak *);
void	supp_free(struct supp_list *);

#endif /* MDUMP_SUPPRESS_H */
