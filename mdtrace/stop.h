/*
 * stop.h: between the two ways of stopping the other threads for the
 * leak check: with a signal (stop.c, which also chooses) and with
 * ptrace (stop_ptrace.c).
 */
#ifndef STOP_H
#define STOP_H

#include <stddef.h>

#include "mdt.h"

/* A slot's state (struct mdt_thread). */
enum {
	MDT_STOP_SENT,		/* signalled, not yet answered */
	MDT_STOP_ARRIVING,	/* its handler is saving its registers */
	MDT_STOP_ARRIVED,	/* stopped in the handler */
	MDT_STOP_LEFT,		/* gone, or not the program's */
	MDT_STOP_FAILED,	/* did not stop: scanned as it is */
	MDT_STOP_TRACED		/* stopped by the ptrace helper */
};

/* stop.c */
void	 mdt_stop_path(char *, int, int, const char *);
long	 mdt_stop_dirent(const char *, int *);
int	 mdt_stop_foreign(int);

/* stop_ptrace.c */
long	 mdt_ptrace_stop(struct mdt_thread *, size_t);
void	 mdt_ptrace_resume(void);

#endif /* STOP_H */
