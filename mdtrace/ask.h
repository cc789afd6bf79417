/* ask.h: the launcher's "-c PID" (ask.c). */
#ifndef ASK_H
#define ASK_H

/* Ask process arg (a pid) for a check and wait for it; exits on error. */
int	mdt_ask_check(const char *);

#endif /* ASK_H */
