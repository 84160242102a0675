/*
 * symbols.h - a program's function symbols, for crash reports: the kernel
 * keeps the whole ELF file of every image (image.h); this reads its .symtab
 * and names the function holding an address, as "main+0x1c".  The kernel
 * itself parses no symbols: `vmos run` installs symbols_describe_pc as
 * kernel_config.describe_pc.
 */
#ifndef VMOS_TOOLS_SYMBOLS_H
#define VMOS_TOOLS_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>
#include "kernel.h"

/* Looks addr up in the .symtab of the ELF64 little-endian file data[0..size):
 * the function (or other code/data symbol) whose [value, value + size)
 * holds addr, or else the nearest symbol with size 0 at or below addr
 * within the same section.  Writes "NAME+0xOFF" (or "NAME" at offset 0)
 * into buf.  Returns 0, or -1 when the file has no symbol table or no
 * symbol covers addr (buf is then ""). Never reads outside data. */
int symbols_lookup(const uint8_t *data, size_t size, uint64_t addr, char *buf, size_t n);

/* kernel_config.describe_pc: " (NAME+0xOFF)" for pc in p's program, or "". */
void symbols_describe_pc(struct kernel *k, struct proc *p, uint64_t pc, char *buf, size_t n);

#endif
