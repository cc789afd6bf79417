/*
 * options.c: MALLOC_OPTIONS as OpenBSD's malloc reads it, for the
 * tracer at start-up (preload.c) and for a program it is about to
 * execute (exec.c).
 */
#include <string.h>

#include "mdt.h"

/*
 * Letters OpenBSD's malloc knows that mean nothing here (canaries, free
 * checks, guard pages, junking, realloc, security, unmapping, verbose
 * dump, xmalloc, the cache's size): accepted without a word, so that
 * one MALLOC_OPTIONS serves both systems.
 */
#define IGNORED_OPTS	"CcFfGgJjRrSsUuVvXx<>"

/* OpenBSD's malloc warns of a letter it does not know; so does this. */
static void
unknown_option(char c)
{
	static const char hex[] = "0123456789abcdef";
	static const char head[] = "mdtrace: unknown char ";
	unsigned char u = (unsigned char)c;
	char m[64], *p = m + sizeof(head) - 1;

	memcpy(m, head, sizeof(head) - 1);
	if (u > ' ' && u < 0x7f) {
		*p++ = '\'';
		*p++ = c;
		*p++ = '\'';
	} else {
		*p++ = '\\';
		*p++ = 'x';
		*p++ = hex[u >> 4];
		*p++ = hex[u & 15];
	}
	memcpy(p, " in MALLOC_OPTIONS\n", sizeof(" in MALLOC_OPTIONS\n"));
	mdt_say(m);
}

#define STR(x)	#x
#define XSTR(x)	STR(x)

/*
 * A number of frames above MDT_MAXFRAMES, its n digits at d, counts as
 * MDT_MAXFRAMES; this says so, the number as written (without leading
 * zeros, its first 20 digits and "..." when it is longer).
 */
static void
too_many_frames(const char *d, size_t n)
{
	static const char head[] = "mdtrace: ";
	static const char tail[] = " frames in MALLOC_OPTIONS: at most "
	    XSTR(MDT_MAXFRAMES) "\n";
	char m[sizeof(head) + 20 + 3 + sizeof(tail)], *p = m;

	for (; n > 1 && *d == '0'; d++)
		n--;
	memcpy(p, head, sizeof(head) - 1);
	p += sizeof(head) - 1;
	memcpy(p, d, n > 20 ? 20 : n);
	p += n > 20 ? 20 : n;
	if (n > 20) {
		memcpy(p, "...", 3);
		p += 3;
	}
	memcpy(p, tail, sizeof(tail));
	mdt_say(m);
}

/*
 * MALLOC_OPTIONS as OpenBSD reads it, one letter at a time: 'D' turns
 * the report on, 'd' off; each 'T' adds a frame of the experimental
 * format (at most MDT_EXPFRAMES); a number selects the in-tree text
 * format with that many frames.  OpenBSD knows 1 to 4; larger numbers
 * up to MDT_MAXFRAMES ("D16") are this tracer's extension, and a number
 * above it counts as MDT_MAXFRAMES, with a warning.  The other letters
 * of OpenBSD's malloc are ignored; any other byte is warned of.
 */
void
mdt_options_parse(const char *s, struct mdt_opts *o, int warn)
{
	const char *d;
	int t = 0, num;

	memset(o, 0, sizeof(*o));
	for (; s != NULL && *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			/* The bound keeps num small whatever the input. */
			for (d = s, num = 0; *s >= '0' && *s <= '9'; s++)
				if (num <= MDT_MAXFRAMES)
					num = num * 10 + (*s - '0');
			if (warn && num > MDT_MAXFRAMES)
				too_many_frames(d, (size_t)(s - d));
			s--;
			if (num == 0)
				continue;
			o->enabled = 1;
			o->text = 1;
			o->depth = num > MDT_MAXFRAMES ? MDT_MAXFRAMES : num;
		} else if (*s == 'D')
			o->enabled = 1;
		else if (*s == 'd')
			o->enabled = 0;
		else if (*s == 'T') {
			if (t < MDT_EXPFRAMES)
				t++;
		} else if (warn && strchr(IGNORED_OPTS, *s) == NULL)
			unknown_option(*s);
	}
	if (!o->text)
		o->depth = t;
}

/* Whether these MALLOC_OPTIONS ask for a report (exec.c). */
int
mdt_options_enable(const char *s)
{
	struct mdt_opts o;

	mdt_options_parse(s, &o, 0);
	return o.enabled;
}
