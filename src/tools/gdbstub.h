/*
 * gdbstub.h - `vmos run --gdb PORT`: the GDB remote serial protocol for the
 * first program's process, so that gdb-multiarch debugs a vmos program with
 * its symbols (docs/debugging.md says what each command does here).
 *
 *   vmos run --gdb 1234 prog &
 *   gdb-multiarch -ex 'set architecture riscv:rv64' -ex 'target remote :1234' prog
 *
 * The stub listens on 127.0.0.1:PORT before the machine boots (a port in use
 * is an error before anything runs), waits for gdb before the process's
 * first instruction, and from then on is asked before every run of the
 * process (kernel_config.debug_hook): it stops the process at breakpoints
 * (pc compares: nothing is written into the text), after a single step, or
 * on Ctrl-C, and serves gdb's packets while the whole machine stands still.
 */
#ifndef VMOS_TOOLS_GDBSTUB_H
#define VMOS_TOOLS_GDBSTUB_H

#include <stdint.h>
#include "kernel.h"

/* Parses a --gdb port (1..65535).  Returns 0, or -1 after a message on
 * stderr naming cmd. */
int gdbstub_parse_port(const char *cmd, const char *s, uint16_t *port);

/* Listens on 127.0.0.1:port.  Returns 0, or -1 after a message on stderr
 * (the port is in use, no permission). */
int gdbstub_listen(const char *cmd, uint16_t port);

/* Waits for gdb to connect (a message on stderr says where) and makes the
 * process pid the debugged one, stopped before its next instruction.
 * Returns 0, or -1 after a message if accepting failed. */
int gdbstub_accept(uint32_t pid);

/* kernel_config.debug_hook. */
uint64_t gdbstub_hook(struct kernel *k, struct proc *p, uint64_t budget);

/* To be called when process p exits (kernel_config.on_exit): if it is the
 * debugged one, tells gdb its exit status (W or X packet) and closes the
 * connection. */
void gdbstub_on_exit(struct kernel *k, struct proc *p);

/* Closes the listening socket and any connection (at the end of a run). */
void gdbstub_close(void);

#endif
