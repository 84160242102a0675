/*
 * cpu.h - the RV64GC (IMAFDC + Zicsr + Zifencei) hart, user mode only.  An interpreter runs user code
 * until something needs the kernel (ecall, ebreak, an exception) or the time
 * slice ends, then returns the trap; the kernel, written in host C, handles
 * it and calls cpu_run again (Nachos style).
 *
 * Every fetch, load and store is translated by the MMU (mmu.h); see
 * docs/hardware.md for the CSRs, timebase and emulation choices.
 */
#ifndef VMOS_HW_CPU_H
#define VMOS_HW_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "mmu.h"

struct trap {
	uint64_t cause;      /* CAUSE_* from riscv.h */
	uint64_t tval;       /* faulting address, instruction bits, or 0 */
	uint64_t pc;         /* c->pc when the trap was taken */
};

struct cpu {
	uint64_t x[32];      /* x[0] reads as 0 */
	uint64_t pc;
	uint64_t instret;    /* instructions retired, ever */
	bool res_valid;      /* LR/SC reservation */
	uint64_t res_addr;
	struct mmu *mmu;
	uint64_t f[32];      /* F/D registers; a binary32 value is NaN-boxed */
	uint32_t fcsr;       /* frm [7:5] | fflags NV DZ OF UF NX [4:0] */
	uint8_t fs;          /* CPU_FS_*: has the FP state changed? (see below) */
	uint64_t time_reads; /* rdtime (csrr time) executed, ever: the vDSO's clock reads */
};

/* The FP state's status, as sstatus.FS tracks it for a kernel's lazy
 * context switch: every instruction that writes an f register or fcsr sets
 * CPU_FS_DIRTY; only the kernel moves it back (after saving the state).
 * There is no "Off": FP instructions are always enabled. */
enum { CPU_FS_INITIAL = 1, CPU_FS_CLEAN = 2, CPU_FS_DIRTY = 3 };

/* Resets registers (f and fcsr included), pc and reservation to zero, fs
 * to CPU_FS_INITIAL, and attaches the MMU. */
void cpu_init(struct cpu *c, struct mmu *m);

/* Runs at most `budget` instructions in U-mode and returns the trap that
 * stopped it.
 *  - ecall (CAUSE_USER_ECALL, tval 0), ebreak (CAUSE_BREAKPOINT, tval = pc),
 *    illegal instruction (tval = the instruction's bits, 16 or 32), page and
 *    access faults (tval = faulting address), misaligned LR/SC/AMO: c->pc is
 *    the trapping instruction's and the instruction had no effect (the kernel
 *    advances past an ecall by 4).
 *  - budget exhausted: CAUSE_S_TIMER_INTERRUPT, c->pc = the next instruction.
 * c->instret grows by the instructions retired. */
struct trap cpu_run(struct cpu *c, uint64_t budget);

/* The execution engines (docs/hardware.md, "Execution engines"): the same
 * machine, the same traps, the same counters (instret, TLB hits, misses,
 * walks, faults).  cpu_run uses the one in cpu_engine. */
enum cpu_engine {
	CPU_ENGINE_INTERP,   /* cpu.c: the interpreter, the reference */
	CPU_ENGINE_FAST,     /* cpu_fast.c: threaded code (default off x86-64 Linux) */
	CPU_ENGINE_JIT,      /* cpu_jit.c: x86-64 code (default on x86-64 Linux) */
};
extern enum cpu_engine cpu_engine;

/* The interpreter alone, whatever cpu_engine says. */
struct trap cpu_run_interp(struct cpu *c, uint64_t budget);

/* The fast engine's code cache: drops every translated block (never needed
 * for correctness: blocks are checked against RAM at each entry), and how
 * many times it was emptied (on demand or because it was full). */
void cpu_fast_flush(void);
uint64_t cpu_fast_flushes(void);

/* The engines alone, whatever cpu_engine says. */
struct trap cpu_run_fast(struct cpu *c, uint64_t budget);
struct trap cpu_run_jit(struct cpu *c, uint64_t budget);

/* The JIT (cpu_jit.c; x86-64 Linux hosts, elsewhere cpu_run_jit runs the
 * fast engine and cpu_jit_available() is false).  Its code cache is one
 * read-write-execute mapping of `bytes` (JIT_MIN_CACHE..JIT_MAX_CACHE,
 * default JIT_DEFAULT_CACHE), emptied whole when full.  Setting the size
 * drops every block; returns 0 or -1 for a size out of range. */
#define JIT_DEFAULT_CACHE (32u << 20)
#define JIT_MIN_CACHE (128u << 10)
#define JIT_MAX_CACHE (1u << 30)
bool cpu_jit_available(void);
int cpu_jit_set_cache_size(size_t bytes);
void cpu_jit_flush(void);
struct cpu_jit_stats {
	uint64_t blocks;         /* blocks translated */
	uint64_t guest_insns;    /* instructions in them */
	uint64_t translate_ns;   /* host time spent translating */
	uint64_t flushes;        /* times the code cache was emptied */
	size_t cache_bytes;      /* the code cache's size */
	size_t used_bytes;       /* bytes in use now */
};
struct cpu_jit_stats cpu_jit_stats(void);

/* rdtime's timebase: a 10 MHz counter from the host's CLOCK_MONOTONIC. */
#define CPU_TIMEBASE_HZ 10000000ULL
uint64_t cpu_time(void);

/* The 32-bit instruction a 16-bit RVC instruction stands for, or 0 if it is
 * illegal or reserved (cpu_rvc.c). */
uint32_t cpu_rvc_expand(uint16_t insn);

#endif
