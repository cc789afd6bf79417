/*
 * version.h: the version of mdump and mdtrace, the one place it is
 * kept.  The Makefile reads it from here ("make version"), the Debian
 * changelog and NEWS name it, and tests/e2e/version.sh checks that they
 * all agree.  mdtrace writes it into every trace it makes (the
 * "mdtversion" record, doc/FORMATS.md).
 */
#ifndef MDUMP_VERSION_H
#define MDUMP_VERSION_H

#define MDUMP_VERSION	"1.0.0"

#endif /* MDUMP_VERSION_H */
