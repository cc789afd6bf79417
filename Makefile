# mdump: GNU make and BSD make alike (no pattern rules, no conditionals).
CC ?=		cc
CFLAGS ?=	-O2 -g
WARNFLAGS =	-Wall -Wextra
PREFIX ?=	/usr/local
BINDIR =	$(PREFIX)/bin
MANDIR =	$(PREFIX)/share/man
DATADIR =	$(PREFIX)/share/mdump

# The version, kept in src/version.h only ("make version" prints it).
VERSION != sed -n '/define MDUMP_VERSION/s/^[^"]*"\([^"]*\)".*/\1/p' src/version.h

PROBE_CFLAGS != sh tools/probe.sh cflags $(CC)
PROBE_LIBS != sh tools/probe.sh libs $(CC)

MDUMP_CFLAGS =	$(CPPFLAGS) $(CFLAGS) $(WARNFLAGS) -std=c99 \
		-D_POSIX_C_SOURCE=200809L $(PROBE_CFLAGS) -Isrc
MDUMP_LIBS =	$(PROBE_LIBS)

OBJS =		src/main.o src/buf.o src/ktrace.o src/leak.o src/mdump_err.o \
		src/mrec.o src/mrec_bid.o src/mrec_exp.o src/mrec_mdt.o \
		src/mrec_text.o src/mrec_snap.o src/snap.o src/out.o src/report.o \
		src/strpool.o src/u64map.o src/xmalloc.o \
		src/sym.o src/elf.o src/debugfile.o src/debuginfod.o \
		src/dwarf.o src/dwarf_unit.o src/dwarf_line.o src/dwarf_ranges.o \
		src/dwarf_func.o src/dwarf_var.o \
		src/names.o src/demangle.o src/suppress.o src/compare.o \
		src/select.o src/report_html.o src/report_page.o src/longopt.o

all: mdump tests/tracegen

mdump: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(MDUMP_LIBS)

# The page of -o html, made from its readable sources in src/html/; the
# result is in the repository too, so building needs no awk or sed.
src/report_page.c: src/html/report.html src/html/report.css \
	    src/html/report.js tools/htmlpage.sh
	sh tools/htmlpage.sh src/html >$@.tmp && mv $@.tmp $@

page: src/report_page.c

.SUFFIXES: .c .o
.c.o:
	$(CC) $(MDUMP_CFLAGS) -c $< -o $@

$(OBJS): src/buf.h src/ktrace.h src/leak.h src/mdump.h src/mrec.h \
	src/mrec_int.h src/hash.h src/strpool.h src/out.h src/report.h \
	src/bsearch.h src/sym.h src/u64map.h src/xmalloc.h src/elf.h \
	src/debugfile.h src/debuginfod.h src/dwarf.h src/dwarf_impl.h \
	src/names.h src/demangle.h src/suppress.h src/compare.h src/select.h \
	src/report_html.h src/longopt.h src/version.h src/snap.h

tests/tracegen: tests/tracegen.c
	$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ tests/tracegen.c

test: all
	sh tests/run.sh

# The README's test command: install what the tests use, then test.
# The runner is called here, not through "test", so that its count is
# the last line printed (a sub-make would add its own lines after it).
check:
	sh tools/deps.sh
	$(MAKE) all
	sh tests/run.sh

# The README's main job: the original mdump's example program under
# mdtrace, then mdump's report of it (Linux; see the mdtrace section).
demo: all
	@[ "`uname`" = Linux ] || { echo "demo: mdtrace runs on Linux only"; \
	    exit 1; }
	$(CC) -g -O0 -o examples/a.out examples/x.c
	MALLOC_OPTIONS=DTTTT mdtrace/mdtrace -f examples/ktrace.out \
	    examples/a.out
	./mdump -a -f examples/ktrace.out -e examples/a.out

# What is built is installed as it is: nothing in it depends on PREFIX
# but mdtrace's last resort for finding its library (see below), so
# "make install" after a plain "make" works for any PREFIX and DESTDIR.
install: mdump
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	install -m 755 mdump $(DESTDIR)$(BINDIR)/mdump
	install -m 644 mdump.1 $(DESTDIR)$(MANDIR)/man1/mdump.1
	install -m 644 mdump.5 $(DESTDIR)$(MANDIR)/man5/mdump.5
	install -m 644 suppress/libc.supp $(DESTDIR)$(DATADIR)/libc.supp

# What install put there, and mdump's own folder; the shared folders
# (bin, share/man/man1, ...) stay.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mdump $(DESTDIR)$(MANDIR)/man1/mdump.1 \
	    $(DESTDIR)$(MANDIR)/man5/mdump.5 $(DESTDIR)$(DATADIR)/libc.supp
	if [ -d $(DESTDIR)$(DATADIR) ]; then rmdir $(DESTDIR)$(DATADIR); fi

version:
	@echo $(VERSION)

# The committed tree as mdump-VERSION.tar.gz, the release's source (for
# a Debian source package: ../mdump_VERSION.orig.tar.gz).
dist:
	git archive --prefix=mdump-$(VERSION)/ -o mdump-$(VERSION).tar.gz HEAD

clean:
	rm -f mdump $(OBJS) tests/tracegen
	rm -rf tests/out examples/seed.ktrace

.PHONY: all test check demo install uninstall version dist clean page

# ---- mdtrace: the Linux malloc tracer ------------------------------------
# Linux only: on OpenBSD the system's malloc writes the records itself, so
# "all" builds the tracer only where uname says Linux.  The launcher and
# the library live in mdtrace/ (the folder holds the sources, so the
# binary cannot be ./mdtrace); the launcher finds the library beside it,
# installed in ../lib/mdtrace from its own folder, else in MDT_LIBDIR.
MDT_CFLAGS =	$(CPPFLAGS) $(CFLAGS) $(WARNFLAGS) -std=c11 -pedantic \
		-D_POSIX_C_SOURCE=200809L
MDT_SOFLAGS =	-fPIC -fno-omit-frame-pointer -fvisibility=hidden -pthread
# Unwind tables: a C++ new_handler may throw through operator new.
MDT_SOFLAGS +=	-fasynchronous-unwind-tables
# Bound at load: the ptrace helper (stop_ptrace.c) must never enter the
# dynamic linker's lazy binding, which uses the thread it shares.
MDT_SOFLAGS +=	-Wl,-z,now
# The processor's own files: mdtrace/arch_ARCH.c and unwind_ARCH.c, or
# the _none.c pair where the tracer does not know it (mdtrace/arch.h).
MDT_ARCH != sh tools/probe.sh arch $(CC)
MDT_COMMONSRCS = mdtrace/preload.c mdtrace/stacks.c mdtrace/live.c \
		mdtrace/unwind.c mdtrace/record.c mdtrace/cfi.c \
		mdtrace/cxxnew.c mdtrace/unload.c mdtrace/buildid.c \
		mdtrace/scan.c mdtrace/stop.c mdtrace/stop_ptrace.c \
		mdtrace/say.c mdtrace/objects.c mdtrace/untraced.c \
		mdtrace/exec.c mdtrace/snapshot.c mdtrace/control.c \
		mdtrace/tables.c mdtrace/tasks.c mdtrace/options.c \
		mdtrace/unwind_general.c
MDT_ARCHSRCS =	mdtrace/arch_x86_64.c mdtrace/unwind_x86_64.c \
		mdtrace/arch_aarch64.c mdtrace/unwind_aarch64.c \
		mdtrace/arch_none.c mdtrace/unwind_none.c
MDT_LIBSRCS =	$(MDT_COMMONSRCS) mdtrace/arch_$(MDT_ARCH).c \
		mdtrace/unwind_$(MDT_ARCH).c
MDT_LIBDIR =	$(PREFIX)/lib/mdtrace

all: mdtrace-if-linux
install: install-mdtrace
uninstall: uninstall-mdtrace
clean: clean-mdtrace

mdtrace-if-linux:
	@if [ "`uname`" = Linux ]; then \
	    $(MAKE) mdtrace/mdtrace mdtrace/libmdtrace.so; fi

mdtrace: mdtrace/mdtrace mdtrace/libmdtrace.so
libmdtrace.so: mdtrace/libmdtrace.so

mdtrace/mdtrace: mdtrace/mdtrace.c mdtrace/untraced.c mdtrace/untraced.h \
	    mdtrace/ask.c mdtrace/ask.h mdtrace/options.c mdtrace/say.c \
	    mdtrace/mdt.h src/longopt.c src/longopt.h src/version.h
	$(CC) $(MDT_CFLAGS) $(LDFLAGS) -DMDT_LIBDIR=\"$(MDT_LIBDIR)\" -o $@ \
	    mdtrace/mdtrace.c mdtrace/untraced.c mdtrace/ask.c \
	    mdtrace/options.c mdtrace/say.c src/longopt.c

mdtrace/libmdtrace.so: $(MDT_COMMONSRCS) $(MDT_ARCHSRCS) mdtrace/mdt.h \
	    mdtrace/cfi.h mdtrace/unwind.h mdtrace/stop_ptrace.h mdtrace/tasks.h \
	    mdtrace/arch.h mdtrace/untraced.h src/version.h
	$(CC) $(MDT_CFLAGS) $(MDT_SOFLAGS) $(LDFLAGS) -shared -o $@ \
	    $(MDT_LIBSRCS) -ldl

# The tracer built by another compiler into a directory of its own, for
# the tests under qemu-user (tests/e2e/arm64.sh):
#	make cross-mdtrace XCC=aarch64-linux-gnu-gcc XOUT=tests/out/arm64/lib
cross-mdtrace:
	mkdir -p $(XOUT)
	a=`sh tools/probe.sh arch $(XCC)` && \
	    $(XCC) $(MDT_CFLAGS) $(MDT_SOFLAGS) -shared \
	    -o $(XOUT)/libmdtrace.so $(MDT_COMMONSRCS) \
	    mdtrace/arch_$$a.c mdtrace/unwind_$$a.c -ldl

bench: mdtrace
	sh bench/mdtrace_bench.sh

install-mdtrace: mdtrace-if-linux
	@if [ "`uname`" = Linux ]; then \
	    set -x && \
	    mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MDT_LIBDIR) \
	        $(DESTDIR)$(MANDIR)/man1 && \
	    install -m 755 mdtrace/mdtrace $(DESTDIR)$(BINDIR)/mdtrace && \
	    install -m 644 mdtrace/libmdtrace.so \
	        $(DESTDIR)$(MDT_LIBDIR)/libmdtrace.so && \
	    install -m 644 mdtrace.1 $(DESTDIR)$(MANDIR)/man1/mdtrace.1; fi

uninstall-mdtrace:
	rm -f $(DESTDIR)$(BINDIR)/mdtrace $(DESTDIR)$(MDT_LIBDIR)/libmdtrace.so \
	    $(DESTDIR)$(MANDIR)/man1/mdtrace.1
	if [ -d $(DESTDIR)$(MDT_LIBDIR) ]; then rmdir $(DESTDIR)$(MDT_LIBDIR); fi

clean-mdtrace:
	rm -f mdtrace/mdtrace mdtrace/libmdtrace.so examples/a.out \
	    examples/ktrace.out

.PHONY: mdtrace-if-linux mdtrace libmdtrace.so bench install-mdtrace \
	uninstall-mdtrace clean-mdtrace cross-mdtrace
# ---- end of the mdtrace section --------------------------------------------

# ---- fuzzing, sanitizers, portability ---------------------------------------
# "make fuzz" builds the libFuzzer harnesses of fuzz/ with clang, and the
# seed-corpus extractor mkseed, into fuzz/out/; tests/e2e/fuzz.sh runs them for
# a bounded time.  "make test-asan" runs the whole suite on a copy of the tree built
# with ASan+UBSan (tests/asan.sh).  "make portcheck" builds mdump with
# musl-gcc and with gcc and clang in strict C99, all with -Werror.
FUZZ_CC =	clang
FUZZ_FLAGS =	-g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -std=c99 -D_POSIX_C_SOURCE=200809L \
		$(WARNFLAGS) $(PROBE_CFLAGS) -Isrc
# Every module but main.c, whatever modules the tree has now.
LIB_SRCS !=	ls src/*.c | grep -v 'src/main\.c'
LIB_HDRS !=	ls src/*.h
FUZZERS =	fuzz/out/fuzz_trace fuzz/out/fuzz_elf fuzz/out/fuzz_dwarf \
		fuzz/out/fuzz_mdt

fuzz: $(FUZZERS) fuzz/out/mkseed fuzz/out/mdtseed

fuzz/out/fuzz_trace: fuzz/fuzz_trace.c fuzz/fuzz_report.h $(LIB_SRCS) \
	    $(LIB_HDRS)
	mkdir -p fuzz/out
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_trace.c $(LIB_SRCS) \
	    $(PROBE_LIBS)

fuzz/out/fuzz_mdt: fuzz/fuzz_mdt.c fuzz/fuzz_report.h fuzz/mdt_labels.h \
	    $(LIB_SRCS) $(LIB_HDRS)
	mkdir -p fuzz/out
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_mdt.c $(LIB_SRCS) \
	    $(PROBE_LIBS)

fuzz/out/mdtseed: fuzz/mdtseed.c fuzz/mdt_labels.h
	mkdir -p fuzz/out
	$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ fuzz/mdtseed.c

fuzz/out/fuzz_elf: fuzz/fuzz_elf.c $(LIB_SRCS) $(LIB_HDRS)
	mkdir -p fuzz/out
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_elf.c $(LIB_SRCS) \
	    $(PROBE_LIBS)

fuzz/out/fuzz_dwarf: fuzz/fuzz_dwarf.c $(LIB_SRCS) $(LIB_HDRS)
	mkdir -p fuzz/out
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_dwarf.c $(LIB_SRCS) \
	    $(PROBE_LIBS)

fuzz/out/mkseed: fuzz/mkseed.c $(LIB_SRCS) $(LIB_HDRS)
	mkdir -p fuzz/out
	$(CC) $(MDUMP_CFLAGS) -o $@ fuzz/mkseed.c $(LIB_SRCS) $(MDUMP_LIBS)

# The suite under ASan+UBSan; any sanitizer report fails it.
test-asan:
	sh tests/asan.sh

# Strict builds: musl (no glibc-only API) and C99 -pedantic, -Werror.
portcheck:
	sh tools/portcheck.sh

clean: clean-fuzz

clean-fuzz:
	rm -rf fuzz/out

.PHONY: fuzz test-asan portcheck clean-fuzz
# ---- end of the fuzzing, sanitizers, portability section --------------------
