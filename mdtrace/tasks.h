/*
 * tasks.h: the threads of the process, for stopping them (tasks.c),
 * and the states of a thread's slot (struct mdt_thread) while the
 * leak check stops it.
 */
#ifndef TASKS_H
#define TASKS_H

/* A slot's state. */
enum {
	MDT_STOP_SENT,		/* signalled, not yet answered */
	MDT_STOP_ARRIVING,	/* its handler is saving its registers */
	MDT_STOP_ARRIVED,	/* stopped in the handler */
	MDT_STOP_LEFT,		/* gone, or not the program's */
	MDT_STOP_FAILED,	/* did not stop: scanned as it is */
	MDT_STOP_TRACED		/* stopped by the ptrace helper */
};

/*
 * Into path (64 bytes): "/proc/self/task/TID/NAME", or with tid -1
 * "/proc/PID/NAME".  A getdents64 entry: its thread id (-1 if none)
 * into *tid, its length.  Whether no check stops tid.
 */
void	 mdt_stop_path(char *, int, int, const char *);
long	 mdt_stop_dirent(const char *, int *);
int	 mdt_stop_foreign(int);

#endif /* TASKS_H */
