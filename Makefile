# mdump: GNU make and BSD make alike (no pattern rules, no conditionals).
CC ?=		cc
CFLAGS ?=	-O2 -g
WARNFLAGS =	-Wall -Wextra
PREFIX ?=	/usr/local
BINDIR =	$(PREFIX)/bin
MANDIR =	$(PREFIX)/share/man

PROBE_CFLAGS != sh tools/probe.sh cflags $(CC)
PROBE_LIBS != sh tools/probe.sh libs $(CC)

MDUMP_CFLAGS =	$(CFLAGS) $(WARNFLAGS) -std=c99 -D_POSIX_C_SOURCE=200809L \
		$(PROBE_CFLAGS) -Isrc
MDUMP_LIBS =	$(PROBE_LIBS)

OBJS =		src/main.o src/buf.o src/ktrace.o src/leak.o src/mdump_err.o \
		src/mrec.o src/mrec_exp.o src/mrec_text.o src/report.o \
		src/u64map.o src/xmalloc.o \
		src/sym.o src/elf.o src/debugfile.o \
		src/dwarf.o src/dwarf_unit.o src/dwarf_line.o src/dwarf_ranges.o \
		src/dwarf_func.o

all: mdump tests/tracegen

mdump: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(MDUMP_LIBS)

.SUFFIXES: .c .o
.c.o:
	$(CC) $(MDUMP_CFLAGS) -c $< -o $@

$(OBJS): src/buf.h src/ktrace.h src/leak.h src/mdump.h src/mrec.h \
	src/report.h src/sym.h src/u64map.h src/xmalloc.h src/elf.h \
	src/debugfile.h src/dwarf.h src/dwarf_impl.h

tests/tracegen: tests/tracegen.c
	$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ tests/tracegen.c

test: all
	sh tests/run.sh

# The README's test command: install what the tests use, then test.
check:
	sh tools/deps.sh
	$(MAKE) test

# The README's main job on the built-in example.
demo: all
	tests/tracegen -o examples/seed.ktrace examples/seed.desc
	./mdump -f examples/seed.ktrace

install: mdump
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	cp mdump $(DESTDIR)$(BINDIR)/mdump
	cp mdump.1 $(DESTDIR)$(MANDIR)/man1/mdump.1

clean:
	rm -f mdump $(OBJS) tests/tracegen
	rm -rf tests/out examples/seed.ktrace

.PHONY: all test check demo install clean
