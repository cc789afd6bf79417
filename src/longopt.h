/*
 * longopt.h: the two long options users of GNU tools expect, for
 * programs that read their options with getopt(3), which knows no long
 * options: "--help" is taken as -h and "--version" as -V.
 */
#ifndef MDUMP_LONGOPT_H
#define MDUMP_LONGOPT_H

/*
 * Rewrite argv in place: each "--help" or "--version" that stands where
 * getopt(3) with this option string would read an option becomes "-h"
 * or "-V".  Scanning stops at "--" and at the first operand; the
 * argument of an option that takes one is never rewritten.
 */
void	longopt_map(int, char *[], const char *);

#endif /* MDUMP_LONGOPT_H */
