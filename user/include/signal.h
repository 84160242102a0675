/* signal.h - Linux signal numbers, kill() and raise().  vmos delivers the
 * default action only (terminate), so no handlers are declared here. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>
#include <lx/signal.h>       /* the values, shared with the kernel */

#define SIGHUP   LX_SIGHUP
#define SIGINT   LX_SIGINT
#define SIGQUIT  LX_SIGQUIT
#define SIGILL   LX_SIGILL
#define SIGTRAP  LX_SIGTRAP
#define SIGABRT  LX_SIGABRT
#define SIGBUS   LX_SIGBUS
#define SIGFPE   LX_SIGFPE
#define SIGKILL  LX_SIGKILL
#define SIGUSR1  LX_SIGUSR1
#define SIGSEGV  LX_SIGSEGV
#define SIGUSR2  LX_SIGUSR2
#define SIGPIPE  LX_SIGPIPE
#define SIGALRM  LX_SIGALRM
#define SIGTERM  LX_SIGTERM
#define SIGCHLD  LX_SIGCHLD

int kill(pid_t pid, int sig);
int raise(int sig);

#endif
