/*
 * cpu_internal.h - what the interpreter loop (cpu.c) shares with its
 * out-of-line memory paths (cpu_mem.c) and the RVC expander (cpu_rvc.c).
 * Not for use outside src/hw.
 */
#ifndef VMOS_HW_CPU_INTERNAL_H
#define VMOS_HW_CPU_INTERNAL_H

#include "cpu.h"

/* cpu_rvc.c: expansion of every 16-bit halfword, 0 = illegal */
extern uint32_t cpu_rvc_table[1u << 16];
void cpu_rvc_init(void);

/* The slow paths below return 0 or an exception cause, with *tval set to the
 * faulting address.  They translate every page an access touches before
 * touching memory, so a faulting access has no effect.  Misaligned accesses
 * are emulated byte by byte (as Linux does for user mode); an access that
 * straddles two pages costs two TLB lookups, and a fault on the second page
 * reports that page's first byte as tval. */
int cpu_load_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t *val, uint64_t *tval);
int cpu_store_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t val, uint64_t *tval);

/* Fetches the instruction at pc (the fetch cache missed): sets *page_va and
 * *page_host to pc's page for the cache, and *insn to the 16 or 32 bits at
 * pc (a 32-bit instruction may straddle into the next page; if that page
 * faults, tval is its first byte). */
int cpu_fetch_slow(struct mmu *m, uint64_t pc, uint32_t *insn, uint64_t *page_va,
		   const uint8_t **page_host, uint64_t *tval);

/* Executes the A-extension instruction insn (opcode AMO): returns 0, or a
 * cause (illegal: tval = insn; misaligned or fault: tval = address). */
int cpu_exec_amo(struct cpu *c, uint32_t insn, uint64_t *tval);

#endif
