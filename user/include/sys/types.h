/* sys/types.h - the POSIX integer types, sized for the Linux riscv64 ABI (LP64). */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long          ssize_t;
typedef long          off_t;
typedef int           pid_t;
typedef unsigned int  uid_t;
typedef unsigned int  gid_t;
typedef unsigned int  mode_t;
typedef long          time_t;
typedef long          clock_t;
typedef int           clockid_t;
typedef long          suseconds_t;

#endif
