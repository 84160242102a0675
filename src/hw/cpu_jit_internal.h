/*
 * cpu_jit_internal.h - what the JIT's dispatcher and code cache (cpu_jit.c)
 * share with its translator (cpu_jit_emit.c).  Not for use outside src/hw.
 *
 * Pinned host registers in generated code: rbx = struct cpu (x[] at
 * offset 0), rbp = the guest pc of the running block's first instruction,
 * r12 = the MMU's fast cache, r13 = budget left, r14 = data hits in the
 * fast cache, r15 = struct jit_ctx.
 */
#ifndef VMOS_HW_CPU_JIT_INTERNAL_H
#define VMOS_HW_CPU_JIT_INTERNAL_H

#include "cpu_internal.h"

#define JB_MAX_BYTES 248
#define JB_MAX_INSNS (JB_MAX_BYTES / 2)
#define JB_TABLE     (1u << 16)          /* power of two */
#define JB_INSN_CODE 320                 /* worst-case host bytes per guest instruction */
#define JB_FIXED_CODE 256                /* prologue, block end, bounce */
#define JIT_STUB_BYTES 4096              /* enter/exit trampolines */
#define CODE_NONE 0x8000000000000000ULL

/* What a block's code hands back to the dispatcher (in eax). */
enum jit_exit {
	JX_NEXT = 0,     /* go on at pc (ctx->patch: a link to fill) */
	JX_SLOW = 1,     /* an out-of-line data access: forget the fetch page */
	JX_STORE = 2,    /* ... that wrote into a code frame (or an AMO): new epoch */
	JX_TRAP = 3,     /* cause / tval in ctx; pc = the trapping instruction */
};

/* The dispatcher's half of the machine state; r15 points here. */
struct jit_ctx {
	uint64_t left;       /* r13 */
	uint64_t dhits;      /* r14 */
	uint64_t pc;         /* rbp */
	uint64_t cause, tval;
	uint64_t val;        /* cpu_load_slow's value */
	uint8_t *patch;      /* the rel32 of a link to fill, or NULL */
	struct mmu *m;
	struct mmu_fast *fast;
	uint64_t ibase;      /* instret = ibase - left (for rdinstret/rdcycle) */
	uint32_t epoch;      /* the current epoch */
	bool code;           /* cpu_store_slow_code's "it was a code frame" */
	uint64_t code_va;    /* the fetch page (CODE_NONE: none), for jit_lookup */
	const uint8_t *code_host;
	/* Inline F/D arithmetic (cpu_jit_emit.c, "FP"): the host's MXCSR,
	 * saved by the enter trampoline and restored by every fold; the
	 * guest's (RNE, exceptions masked, flags clear); a scratch word for
	 * stmxcsr; fflags for each value of MXCSR's six flag bits. */
	uint32_t host_mx, guest_mx, mx_tmp;
	uint8_t mx_flags[64];
};

/* Fills ctx's constant MXCSR fields (guest_mx, mx_flags). */
void jit_ctx_fp_init(struct jit_ctx *ctx);

/* A block in the arena: header, the guest bytes (padded to 8), the code. */
struct jblock {
	const uint8_t *host; /* host address of its first guest byte */
	uint32_t epoch;      /* jit_epoch when its bytes were last compared */
	uint16_t n;          /* instructions */
	uint16_t len;        /* guest bytes */
	uint8_t *entry;      /* host code */
	uint8_t bytes[];
};

typedef uint32_t jit_enter_fn(struct jit_ctx *ctx, struct cpu *c, const uint8_t *code);

/* One decoded instruction of the block being translated. */
struct jinsn {
	struct cpu_slot s;
	unsigned off;        /* byte offset in the block */
	unsigned len;
	uint32_t bits;
};

/* The trampolines (at the code cache's start, JIT_STUB_BYTES): *enter_fn
 * jumps into a block; jit_exit returns to the dispatcher with the exit
 * code in eax; jit_lookup goes on at rbp through table (a jalr). */
extern uint8_t *jit_exit, *jit_lookup;
void jit_emit_stubs(uint8_t *at, struct jblock **table, jit_enter_fn **enter_fn);

/* Emits the code of block b (n instructions ins[], len guest bytes, at
 * offset page_off of its page) at code; returns its entry and sets *end
 * past the last byte written (at most JB_FIXED_CODE + n * JB_INSN_CODE). */
uint8_t *jit_emit_block(const struct jinsn *ins, unsigned n, unsigned len, unsigned page_off,
			struct jblock *b, uint8_t *code, uint8_t **end);

#endif
