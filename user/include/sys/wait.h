/* sys/wait.h - waiting for child processes; status decoding as Linux encodes
 * it (exit code in bits 8-15, terminating signal in bits 0-6). */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>
#include <lx/sched.h>    /* the values, shared with the kernel */

#define WNOHANG   LX_WNOHANG
#define WUNTRACED LX_WUNTRACED

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WCOREDUMP(s)   ((s) & 0x80)

struct rusage;

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

#endif
