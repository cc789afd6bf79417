/*
 * names.h: how names are shown: function names demangled (-C), file
 * and object paths with a prefix stripped (-P).  The report, the
 * pattern matcher and the baseline comparison all see names through it.
 */
#ifndef MDUMP_NAMES_H
#define MDUMP_NAMES_H

struct names;

/* Names shown as recorded until told otherwise. */
struct names	*names_open(void);
/* -C: demangle C++ names (where this build can, demangle.h). */
void		 names_demangle(struct names *, int);
/* Add a -P prefix (copied).  The longest matching prefix is stripped. */
void		 names_strip(struct names *, const char *);
/*
 * The function name as shown.  The argument must stay valid, unchanged,
 * until names_close() (the symbolizer's strings do): results are cached
 * by its address.  The result is owned by the names; NULL stays NULL.
 */
const char	*names_function(struct names *, const char *);
/* The path as shown: a pointer into the argument; NULL stays NULL. */
const char	*names_path(const struct names *, const char *);
void		 names_close(struct names *);

#endif /* MDUMP_NAMES_H */
