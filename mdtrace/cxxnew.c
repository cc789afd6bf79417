/*
 * cxxnew.c: C++'s global operator new, new[], delete and delete[] in
 * libmdtrace.so, every variant of the Itanium C++ ABI: plain, nothrow,
 * sized delete, aligned (std::align_val_t) and aligned nothrow.  A
 * preloaded definition comes before the C++ runtime's in symbol lookup,
 * so the program's calls land here.
 *
 * Why: the runtime's operator new calls malloc, so a block would be
 * attributed to operator new itself and every new of a program would
 * merge into one leak.  Here the block is allocated and noted with the
 * caller of operator new as frame 0, the line that says new, as
 * valgrind and LeakSanitizer show it.
 *
 * Behaviour is the runtime's: the memory comes from the C library's
 * allocator, as the runtime's operator new takes it; delete frees it.
 * When the allocator has no memory, the throwing variants call the
 * installed std::new_handler and try again, as the runtime does; with
 * no handler left they call the runtime's own operator (found with
 * dlsym(RTLD_NEXT)), which tries once more and throws std::bad_alloc.
 * The nothrow variants hand a failure to the runtime's operator at
 * once, which runs the handler loop and returns NULL instead of
 * throwing.  A block that such a retry obtains is attributed to the
 * runtime's operator new.  So the tracer needs no C++ runtime of its
 * own and can be preloaded into C programs; the new_handler is found
 * with dlsym (std::get_new_handler, which libstdc++ and libc++ both
 * define).  A handler that throws unwinds through the frames here:
 * they have unwind tables (the Makefile asks for them).
 *
 * A program that defines its own global operator new in the executable
 * keeps it: the executable comes before preloaded libraries.
 */
#define _GNU_SOURCE	/* RTLD_NEXT, RTLD_DEFAULT */

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mdt.h"

#define EXPORT	__attribute__((visibility("default")))
#define RA()	((uintptr_t)__builtin_return_address(0))
#define FP()	(__builtin_frame_address(0))

/* The mangled name of size_t: unsigned long on LP64, else unsigned int. */
#if defined(__LP64__)
#define SZ	"m"
#else
#define SZ	"j"
#endif
#define NT	"RKSt9nothrow_t"	/* const std::nothrow_t & */
#define AL	"St11align_val_t"	/* std::align_val_t */

typedef void	(*handler_fn)(void);
typedef handler_fn (*get_handler_fn)(void);

typedef void	*(*new_fn)(size_t);
typedef void	*(*new_nt_fn)(size_t, const void *);
typedef void	*(*new_al_fn)(size_t, size_t);
typedef void	*(*new_al_nt_fn)(size_t, size_t, const void *);

/* An allocation request, as the operator received it. */
struct newreq {
	const char	*name;		/* the operator's mangled name */
	size_t		 size;
	size_t		 align;		/* 0: not an aligned variant */
	const void	*nothrow;	/* NULL: a throwing variant */
};

/* A function of the C++ runtime by name, or NULL. */
static void *
cxx_sym(void *handle, const char *name)
{
	void *s, *f = NULL;

	if ((s = dlsym(handle, name)) != NULL)
		memcpy(&f, &s, sizeof(f));	/* stays a data pointer here */
	return f;
}

/* The installed std::new_handler, or NULL. */
static handler_fn
new_handler(void)
{
	static get_handler_fn get;
	void *f;

	if (get == NULL) {
		if ((f = cxx_sym(RTLD_DEFAULT, "_ZSt15get_new_handlerv")) ==
		    NULL)
			return NULL;
		/* ISO C has no cast between object and function pointers. */
		memcpy(&get, &f, sizeof(f));
	}
	return get();
}

/*
 * The runtime's own operator with the same arguments: it returns a
 * block, returns NULL (nothrow) or throws std::bad_alloc.  Without a
 * runtime behind this library (impossible for a program that calls
 * operator new) the program cannot go on.
 */
static void *
runtime_new(const struct newreq *r)
{
	new_fn f0;
	new_nt_fn f1;
	new_al_fn f2;
	new_al_nt_fn f3;
	void *f;

	if ((f = cxx_sym(RTLD_NEXT, r->name)) == NULL)
		abort();
	if (r->align == 0 && r->nothrow == NULL) {
		memcpy(&f0, &f, sizeof(f));
		return f0(r->size);
	}
	if (r->align == 0) {
		memcpy(&f1, &f, sizeof(f));
		return f1(r->size, r->nothrow);
	}
	if (r->nothrow == NULL) {
		memcpy(&f2, &f, sizeof(f));
		return f2(r->size, r->align);
	}
	memcpy(&f3, &f, sizeof(f));
	return f3(r->size, r->align, r->nothrow);
}

static int
valid_align(size_t al)
{
	return al != 0 && (al & (al - 1)) == 0;
}

/* Allocate for the operator whose caller is ra, fp. */
static void *
new_at(const struct newreq *r, uintptr_t ra, void *fp)
{
	handler_fn h;
	void *p;

	/* The runtime rejects an alignment that is no power of two. */
	if (r->align != 0 && !valid_align(r->align))
		return runtime_new(r);
	while ((p = mdt_alloc_at(r->align, r->size, ra, fp)) == NULL) {
		/* The runtime's nothrow loop catches what a handler throws. */
		if (r->nothrow != NULL || (h = new_handler()) == NULL)
			return runtime_new(r);
		h();
	}
	return p;
}

#define NEW(cname, mangled)						\
EXPORT void *cname(size_t) __asm__(mangled);				\
EXPORT void *								\
cname(size_t n)								\
{									\
	struct newreq r = { mangled, n, 0, NULL };			\
									\
	return new_at(&r, RA(), FP());					\
}

#define NEW_NT(cname, mangled)						\
EXPORT void *cname(size_t, const void *) __asm__(mangled);		\
EXPORT void *								\
cname(size_t n, const void *nt)						\
{									\
	struct newreq r = { mangled, n, 0, nt };			\
									\
	return new_at(&r, RA(), FP());					\
}

#define NEW_AL(cname, mangled)						\
EXPORT void *cname(size_t, size_t) __asm__(mangled);			\
EXPORT void *								\
cname(size_t n, size_t al)						\
{									\
	struct newreq r = { mangled, n, al, NULL };			\
									\
	return new_at(&r, RA(), FP());					\
}

#define NEW_AL_NT(cname, mangled)					\
EXPORT void *cname(size_t, size_t, const void *) __asm__(mangled);	\
EXPORT void *								\
cname(size_t n, size_t al, const void *nt)				\
{									\
	struct newreq r = { mangled, n, al, nt };			\
									\
	return new_at(&r, RA(), FP());					\
}

NEW(cxx_new, "_Znw" SZ)
NEW(cxx_new_arr, "_Zna" SZ)
NEW_NT(cxx_new_nt, "_Znw" SZ NT)
NEW_NT(cxx_new_arr_nt, "_Zna" SZ NT)
NEW_AL(cxx_new_al, "_Znw" SZ AL)
NEW_AL(cxx_new_arr_al, "_Zna" SZ AL)
NEW_AL_NT(cxx_new_al_nt, "_Znw" SZ AL NT)
NEW_AL_NT(cxx_new_arr_al_nt, "_Zna" SZ AL NT)

/*
 * Every delete frees with the C library's free; the size, alignment and
 * nothrow arguments only repeat what the allocator knows.
 */
#define DELETE(cname, mangled)						\
EXPORT void cname(void *) __asm__(mangled);				\
EXPORT void								\
cname(void *p)								\
{									\
	mdt_free(p);							\
}

/* Two arguments after the pointer: (size, align) or (align, nothrow). */
#define DELETE2(cname, mangled, t1, t2)					\
EXPORT void cname(void *, t1, t2) __asm__(mangled);			\
EXPORT void								\
cname(void *p, t1 a, t2 b)						\
{									\
	(void)a;							\
	(void)b;							\
	mdt_free(p);							\
}

/* One argument after the pointer: size, align or nothrow. */
#define DELETE1(cname, mangled, t1)					\
EXPORT void cname(void *, t1) __asm__(mangled);				\
EXPORT void								\
cname(void *p, t1 a)							\
{									\
	(void)a;							\
	mdt_free(p);							\
}

DELETE(cxx_del, "_ZdlPv")
DELETE(cxx_del_arr, "_ZdaPv")
DELETE1(cxx_del_sz, "_ZdlPv" SZ, size_t)
DELETE1(cxx_del_arr_sz, "_ZdaPv" SZ, size_t)
DELETE1(cxx_del_nt, "_ZdlPv" NT, const void *)
DELETE1(cxx_del_arr_nt, "_ZdaPv" NT, const void *)
DELETE1(cxx_del_al, "_ZdlPv" AL, size_t)
DELETE1(cxx_del_arr_al, "_ZdaPv" AL, size_t)
DELETE2(cxx_del_sz_al, "_ZdlPv" SZ AL, size_t, size_t)
DELETE2(cxx_del_arr_sz_al, "_ZdaPv" SZ AL, size_t, size_t)
DELETE2(cxx_del_al_nt, "_ZdlPv" AL NT, size_t, const void *)
DELETE2(cxx_del_arr_al_nt, "_ZdaPv" AL NT, size_t, const void *)
