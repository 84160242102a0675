/*
 * cpu_jit.c - the "jit" engine: the same RV64GC user-mode machine as the
 * interpreter (cpu.c, the reference), running superblocks translated to
 * x86-64 machine code (x86-64 hosts only; elsewhere `--engine jit` runs the
 * fast engine).  See docs/hardware.md, "Execution engines".
 *
 * Blocks are formed as in the fast engine (cpu_fast.c): from one pc up to
 * and including the first jal, jalr, ecall, ebreak, illegal encoding or
 * AMO, through not-taken conditional branches, never crossing a 4 KiB page,
 * at most JB_MAX_BYTES.  Each becomes a host function body:
 *
 *   entry:  epoch check, budget check (else back to the dispatcher),
 *           left -= n                   (instructions charged per block)
 *   body:   one short native sequence per guest instruction; guest
 *           registers live in struct cpu (rbx points at x[0]);
 *           loads/stores inline the MMU's fast cache (index, one compare
 *           of a tag that folds alignment, add the addend; r12 points at
 *           the cache), calling cpu_load_slow / cpu_store_slow_code out of
 *           line on a miss; rare instructions call the interpreter's
 *           helpers (cpu_exec_fp, cpu_exec_amo, the ALU expressions of
 *           cpu_alu.h compiled as functions)
 *   exits:  a taken branch or jal to the same page jumps straight to the
 *           next block's entry once the dispatcher has patched the jump
 *           (chaining); anything else returns to the dispatcher
 *
 * Pinned host registers: rbx = struct cpu (guest x[] at offset 0), rbp =
 * the pc of the running block's first instruction, r12 = the MMU's fast
 * cache, r13 = budget left, r14 = data accesses served by the fast cache,
 * r15 = struct jit_ctx.  All callee-saved, so C helpers keep them.
 *
 * Exact counts: the same rules as the fast engine.  A block is charged
 * whole at its entry; every early exit (a taken branch, a trap, a slow
 * access) gives back the instructions that did not run, so a trap leaves
 * instret counting exactly the instructions before the faulting one.
 * Fetches: a page change is a real, counted TLB lookup in the dispatcher;
 * every other fetch is a hit (the page is still in the TLB: only an
 * out-of-line data access can evict, and every such access leaves the
 * block and forgets the fetch page).  Links only go to the same page, so
 * chained blocks never change the fetch page.
 *
 * Never stale: blocks are found by the host address of their first byte
 * and carry a copy of their bytes and an epoch, exactly as in the fast
 * engine; the epoch moves at every cpu_run and after any store into a
 * frame holding translated code (such frames get no fast store entry, so
 * those stores take the out-of-line path, which ends the block); a block
 * of an older epoch compares its bytes again before it runs.
 *
 * The code cache: one mmap'd read-write-execute arena (JIT_DEFAULT_CACHE,
 * or cpu_jit_set_cache_size); its first page holds the enter/exit
 * trampolines, the rest blocks, allocated in sequence.  When a block does
 * not fit, every block is dropped at once (links die with them) and the
 * frames' code marks are cleared.
 */
#include "cpu_internal.h"
#include "cpu_alu.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) && defined(__linux__)

#include <sys/mman.h>
#include "x86_emit.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

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
};

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

static size_t jit_cache_bytes = JIT_DEFAULT_CACHE;
static uint8_t *jit_arena;            /* NULL until first use; MAP_FAILED: refused */
static size_t jit_arena_bytes;
static size_t jit_used;               /* bytes of the arena in use (stubs included) */
static struct jblock **jit_table;
static jit_enter_fn *jit_enter;
static uint8_t *jit_exit;             /* the exit trampoline */
static uint8_t *jit_lookup;           /* go on at rbp through the table (below) */
static uint32_t jit_epoch;
static struct ram *jit_ram;
static uint64_t jit_fast_flushes_seen;
static uint64_t jit_drops;            /* times the arena was reset, for any reason */
static bool jit_failed;
static struct cpu_jit_stats jst;

/* ---- the code cache ----------------------------------------------------- */

int cpu_jit_set_cache_size(size_t bytes)
{
	if (bytes < JIT_MIN_CACHE || bytes > JIT_MAX_CACHE)
		return -1;
	if (jit_arena && jit_arena != MAP_FAILED)
		munmap(jit_arena, jit_arena_bytes);
	jit_arena = NULL;
	free(jit_table);
	jit_table = NULL;
	jit_cache_bytes = bytes;
	return 0;
}

struct cpu_jit_stats cpu_jit_stats(void)
{
	struct cpu_jit_stats s = jst;
	s.cache_bytes = jit_arena_bytes;
	s.used_bytes = jit_used > JIT_STUB_BYTES ? jit_used - JIT_STUB_BYTES : 0;
	return s;
}

static inline size_t jb_index(const uint8_t *h)
{
	uintptr_t a = (uintptr_t)h;
	return (size_t)((a >> 1) ^ (a >> 13)) & (JB_TABLE - 1);
}

static void emit_stubs(void);

static bool jit_ready(void)
{
	if (jit_arena)
		return !jit_failed;
	jit_arena_bytes = (jit_cache_bytes + 4095) & ~(size_t)4095;
	jit_arena = mmap(NULL, jit_arena_bytes, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	jit_table = calloc(JB_TABLE, sizeof *jit_table);
	if (jit_arena == MAP_FAILED || !jit_table) {
		jit_failed = true;
		return false;
	}
	jit_failed = false;
	emit_stubs();
	jit_used = JIT_STUB_BYTES;
	jit_ram = NULL;
	return true;
}

/* Drops every block; the caller clears the code marks if it must. */
static void jit_drop_all(void)
{
	memset(jit_table, 0, JB_TABLE * sizeof *jit_table);
	jit_used = JIT_STUB_BYTES;
	jit_drops++;
}

void cpu_jit_flush(void)
{
	if (jit_arena && !jit_failed) {
		jit_drop_all();
		jst.flushes++;
	}
}

static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Do the bytes at h still equal the ones b was translated from? */
static bool jb_valid(const struct jblock *b, const uint8_t *h)
{
	const uint8_t *r = b->bytes;
	unsigned len = b->len;
	if (len >= 8) {
		unsigned i = 0;
		for (; i + 8 <= len; i += 8)
			if (ld64(h + i) != ld64(r + i))
				return false;
		return i == len || ld64(h + len - 8) == ld64(r + len - 8);
	}
	if (len >= 4)
		return ld32(h) == ld32(r) && ld32(h + len - 4) == ld32(r + len - 4);
	return ld16(h) == ld16(r);
}

/* ---- helpers the code calls ---------------------------------------------- */

/* Every ALU instruction as a function of (rs1, rs2, imm, pc), for the ones
 * the translator does not emit natively (mulh*, div*, rem*). */
#define RS1 a
#define RS2 b
#define IMM imm
#define PC pc
#define ALU_FN(name, expr)                                                      \
	static uint64_t jh_##name(uint64_t a, uint64_t b, int64_t imm, uint64_t pc) \
	{                                                                       \
		(void)a; (void)b; (void)imm; (void)pc;                          \
		return (expr);                                                  \
	}
CPU_ALU_OPS(ALU_FN)
#undef ALU_FN
#undef RS1
#undef RS2
#undef IMM
#undef PC

typedef uint64_t alu_fn(uint64_t, uint64_t, int64_t, uint64_t);
#define ALU_ENTRY(name, expr) [CPU_OP_##name] = jh_##name,
static alu_fn *const alu_helpers[CPU_OP_COUNT] = { CPU_ALU_OPS(ALU_ENTRY) };
#undef ALU_ENTRY

/* ---- the translator ------------------------------------------------------ */

#define CTX(f) ((int32_t)offsetof(struct jit_ctx, f))
#define XR(r)  ((int32_t)(8 * (r)))                       /* x[r] from rbx */
#define FR(r)  ((int32_t)(offsetof(struct cpu, f) + 8 * (r)))
#define FAST_OFF(acc) ((int32_t)((acc) * MMU_FAST_ENTRIES * sizeof(struct mmu_fast)))

_Static_assert(offsetof(struct cpu, x) == 0, "rbx points at x[0]");
_Static_assert(sizeof(struct mmu_fast) == 16, "fast-cache entries are 16 bytes");
_Static_assert(MMU_FAST_ENTRIES == 1024, "the index mask below is 0x3ff0");

/* One decoded instruction of the block being translated. */
struct jinsn {
	struct cpu_slot s;
	unsigned off;        /* byte offset in the block */
	unsigned len;
	uint32_t bits;
};

struct jtr {
	struct x86 e;
	const struct jinsn *ins;
	unsigned n, len;     /* instructions, bytes */
	unsigned page_off;   /* the block's offset in its page */
};

static void emit_exit(struct x86 *e, enum jit_exit code)
{
	x86_mov_imm(e, RAX, code);
	x86_jmp(e, jit_exit);
}

/* r13 += k: instructions charged that did not run. */
static void emit_giveback(struct x86 *e, unsigned k)
{
	if (k)
		x86_alu_ri(e, 1, ALU_ADD, R13, (int32_t)k);
}

/* Go on at the block's pc + delta (rbp += delta): a patchable link if the
 * target lies on the block's page, else back to the dispatcher. */
static void emit_goto(struct jtr *t, int64_t delta)
{
	struct x86 *e = &t->e;
	if (delta)
		x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)delta);
	int64_t to = (int64_t)t->page_off + delta;
	if (to < 0 || to > (int64_t)PGSIZE - 2) {
		emit_exit(e, JX_NEXT);           /* another page: the dispatcher */
		return;
	}
	/* link: jmp stub (patched to the target block's entry); stub: tell
	 * the dispatcher where the link is */
	uint8_t *field = x86_jmp(e, NULL);
	x86_bind(field, e->p);
	x86_lea_rip(e, RAX, field);
	x86_store64(e, RAX, R15, CTX(patch));
	emit_exit(e, JX_NEXT);
}

/* A trap at instruction i: cause in rax, tval already in ctx. */
static void emit_trap_tail(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	x86_op_rr(e, 0, 0x89, RAX, RAX);             /* mov eax, eax: an int's upper half */
	x86_store64(e, RAX, R15, CTX(cause));
	emit_giveback(e, t->n - i);
	if (t->ins[i].off)
		x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)t->ins[i].off);
	emit_exit(e, JX_TRAP);
}

/* Leaves after instruction i retired out of line: exit code in rax. */
static void emit_after_slow(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	emit_giveback(e, t->n - i - 1);
	unsigned next = t->ins[i].off + t->ins[i].len;
	x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)next);
	x86_jmp(e, jit_exit);
}

/* Cold code, emitted after the block's body. */
enum cold_kind { COLD_LOAD, COLD_STORE, COLD_BRANCH, COLD_TRAP };
struct cold {
	uint8_t *field;      /* the rel32 of the jump to it */
	enum cold_kind kind;
	unsigned i;
};

/* Register-file location of a load's destination / a store's source. */
static bool is_fp_mem(unsigned op)
{
	return op == CPU_OP_FLW || op == CPU_OP_FLD || op == CPU_OP_FSW || op == CPU_OP_FSD;
}

static unsigned mem_size(unsigned op)
{
	switch (op) {
	case CPU_OP_LB: case CPU_OP_LBU: case CPU_OP_SB: return 1;
	case CPU_OP_LH: case CPU_OP_LHU: case CPU_OP_SH: return 2;
	case CPU_OP_LW: case CPU_OP_LWU: case CPU_OP_SW: case CPU_OP_FLW: case CPU_OP_FSW: return 4;
	default: return 8;
	}
}

/* Extends the loaded value in rdx (read from [src + disp]) and writes it to
 * the destination register of s. */
static void emit_load_value(struct x86 *e, const struct cpu_slot *s, int src, int32_t disp)
{
	switch (s->op) {
	case CPU_OP_LB:  x86_load_ext(e, 0xbe, RDX, src, disp); break;
	case CPU_OP_LBU: x86_load_ext(e, 0xb6, RDX, src, disp); break;
	case CPU_OP_LH:  x86_load_ext(e, 0xbf, RDX, src, disp); break;
	case CPU_OP_LHU: x86_load_ext(e, 0xb7, RDX, src, disp); break;
	case CPU_OP_LW:  x86_load32s(e, RDX, src, disp); break;
	case CPU_OP_LWU: x86_load32(e, RDX, src, disp); break;
	case CPU_OP_FLW:
		x86_load32(e, RDX, src, disp);
		x86_mov_imm(e, RCX, 0xffffffff00000000ULL);
		x86_alu_rr(e, 1, ALU_OR, RDX, RCX);
		break;
	default:         x86_load64(e, RDX, src, disp); break;
	}
	if (s->op == CPU_OP_FLW || s->op == CPU_OP_FLD) {
		x86_store64(e, RDX, RBX, FR(s->rd));
		x86_store8_imm(e, RBX, (int32_t)offsetof(struct cpu, fs), CPU_FS_DIRTY);
	} else if (s->rd) {
		x86_store64(e, RDX, RBX, XR(s->rd));
	}
}

/* rax = x[rs1] + imm; rcx = the fast-cache slot's offset; compares the
 * slot's tag; returns the field of the jne to the slow path. */
static uint8_t *emit_fast_probe(struct x86 *e, const struct cpu_slot *s, enum mmu_access acc,
				unsigned size)
{
	x86_load64(e, RAX, RBX, XR(s->rs1));
	if (s->imm)
		x86_alu_ri(e, 1, ALU_ADD, RAX, s->imm);
	x86_op_rr(e, 0, 0x89, RAX, RCX);                    /* mov ecx, eax */
	x86_shift_ri(e, 0, SH_SHR, RCX, PGSHIFT - 4);
	x86_alu_ri(e, 0, ALU_AND, RCX, (MMU_FAST_ENTRIES - 1) << 4);
	x86_mov_rr(e, RDX, RAX);
	x86_alu_ri(e, 1, ALU_AND, RDX, (int32_t)(~(uint32_t)PGMASK | (size - 1)));
	x86_op_idx(e, 1, 0x3b, RDX, R12, RCX, FAST_OFF(acc));      /* cmp rdx, tag */
	uint8_t *f = x86_jcc(e, CC_NE, NULL);
	x86_op_idx(e, 1, 0x03, RAX, R12, RCX, FAST_OFF(acc) + 8);  /* add rax, addend */
	return f;
}

static void emit_load(struct jtr *t, unsigned i, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	uint8_t *f = emit_fast_probe(e, s, ACC_LOAD, mem_size(s->op));
	emit_load_value(e, s, RAX, 0);
	x86_inc(e, R14);
	cold[(*nc)++] = (struct cold){ f, COLD_LOAD, i };
}

static void emit_store(struct jtr *t, unsigned i, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	unsigned size = mem_size(s->op);
	uint8_t *f = emit_fast_probe(e, s, ACC_STORE, size);
	x86_load64(e, RDX, RBX, is_fp_mem(s->op) ? FR(s->rs2) : XR(s->rs2));
	x86_store_n(e, size, RDX, RAX, 0);
	x86_inc(e, R14);
	cold[(*nc)++] = (struct cold){ f, COLD_STORE, i };
}

static void emit_cold_load(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	x86_load64(e, RDI, R15, CTX(m));
	x86_mov_rr(e, RSI, RAX);
	x86_mov_imm(e, RDX, mem_size(s->op));
	x86_lea(e, RCX, R15, CTX(val));
	x86_lea(e, R8, R15, CTX(tval));
	x86_call(e, (const void *)cpu_load_slow);
	x86_test32(e, RAX, RAX);
	uint8_t *ok = x86_jcc(e, CC_E, NULL);
	emit_trap_tail(t, i);
	x86_bind(ok, e->p);
	emit_load_value(e, s, R15, CTX(val));
	x86_mov_imm(e, RAX, JX_SLOW);
	emit_after_slow(t, i);
}

static void emit_cold_store(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	x86_load64(e, RDI, R15, CTX(m));
	x86_mov_rr(e, RSI, RAX);
	x86_mov_imm(e, RDX, mem_size(s->op));
	x86_load64(e, RCX, RBX, is_fp_mem(s->op) ? FR(s->rs2) : XR(s->rs2));
	x86_lea(e, R8, R15, CTX(tval));
	x86_lea(e, R9, R15, CTX(code));
	x86_call(e, (const void *)cpu_store_slow_code);
	x86_test32(e, RAX, RAX);
	uint8_t *ok = x86_jcc(e, CC_E, NULL);
	emit_trap_tail(t, i);
	x86_bind(ok, e->p);
	x86_load8z(e, RAX, R15, CTX(code));                 /* JX_SLOW + code */
	x86_alu_ri(e, 0, ALU_ADD, RAX, JX_SLOW);
	emit_after_slow(t, i);
}

static const uint8_t branch_cc[CPU_OP_COUNT] = {
	[CPU_OP_BEQ] = CC_E, [CPU_OP_BNE] = CC_NE, [CPU_OP_BLT] = CC_L,
	[CPU_OP_BGE] = CC_GE, [CPU_OP_BLTU] = CC_B, [CPU_OP_BGEU] = CC_AE,
};

/* An integer ALU instruction, natively where it is short, else through its
 * cpu_alu.h function. */
static void emit_alu(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	int32_t imm = s->imm;
	unsigned op = s->op;
	switch (op) {
	case CPU_OP_ADDI: case CPU_OP_XORI: case CPU_OP_ORI: case CPU_OP_ANDI: {
		enum x86_alu a = op == CPU_OP_ADDI ? ALU_ADD : op == CPU_OP_XORI ? ALU_XOR :
				 op == CPU_OP_ORI ? ALU_OR : ALU_AND;
		if (s->rs1 == s->rd) {                  /* c.addi, c.andi, ...: in place */
			if (imm || a == ALU_AND)
				x86_alu_mi(e, a, RBX, XR(s->rd), imm);
			return;
		}
		if (s->rs1 == 0) {
			x86_mov_imm(e, RAX, (uint64_t)(int64_t)(op == CPU_OP_ANDI ? 0 : imm));
		} else {
			x86_load64(e, RAX, RBX, XR(s->rs1));
			if (imm || a == ALU_AND)
				x86_alu_ri(e, 1, a, RAX, imm);
		}
		break;
	}
	case CPU_OP_SLTI: case CPU_OP_SLTIU: case CPU_OP_SLT: case CPU_OP_SLTU:
		x86_alu_rr(e, 0, ALU_XOR, RCX, RCX);
		x86_load64(e, RAX, RBX, XR(s->rs1));
		if (op == CPU_OP_SLTI || op == CPU_OP_SLTIU)
			x86_alu_ri(e, 1, ALU_CMP, RAX, imm);
		else
			x86_alu_rm(e, 1, ALU_CMP, RAX, RBX, XR(s->rs2));
		x86_setcc(e, (op == CPU_OP_SLTI || op == CPU_OP_SLT) ? CC_L : CC_B, RCX);
		x86_store64(e, RCX, RBX, XR(s->rd));
		return;
	case CPU_OP_SLLI: case CPU_OP_SRLI: case CPU_OP_SRAI:
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_shift_ri(e, 1, op == CPU_OP_SLLI ? SH_SHL : op == CPU_OP_SRLI ? SH_SHR : SH_SAR,
			     RAX, (uint8_t)imm);
		break;
	case CPU_OP_ADDIW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		if (imm)
			x86_alu_ri(e, 0, ALU_ADD, RAX, imm);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_SLLIW: case CPU_OP_SRLIW: case CPU_OP_SRAIW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_shift_ri(e, 0, op == CPU_OP_SLLIW ? SH_SHL : op == CPU_OP_SRLIW ? SH_SHR : SH_SAR,
			     RAX, (uint8_t)imm);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_ADD: case CPU_OP_SUB: case CPU_OP_XOR: case CPU_OP_OR: case CPU_OP_AND: {
		enum x86_alu a = op == CPU_OP_ADD ? ALU_ADD : op == CPU_OP_SUB ? ALU_SUB :
				 op == CPU_OP_XOR ? ALU_XOR : op == CPU_OP_OR ? ALU_OR : ALU_AND;
		if (s->rs1 == s->rd) {                  /* c.add, c.sub, ...: in place */
			x86_load64(e, RAX, RBX, XR(s->rs2));
			x86_alu_mr(e, 1, a, RBX, XR(s->rd), RAX);
			return;
		}
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_alu_rm(e, 1, a, RAX, RBX, XR(s->rs2));
		break;
	}
	case CPU_OP_ADDW: case CPU_OP_SUBW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_alu_rm(e, 0, op == CPU_OP_ADDW ? ALU_ADD : ALU_SUB, RAX, RBX, XR(s->rs2));
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_SLL: case CPU_OP_SRL: case CPU_OP_SRA:
		x86_load64(e, RCX, RBX, XR(s->rs2));
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_shift_rcl(e, 1, op == CPU_OP_SLL ? SH_SHL : op == CPU_OP_SRL ? SH_SHR : SH_SAR, RAX);
		break;
	case CPU_OP_SLLW: case CPU_OP_SRLW: case CPU_OP_SRAW:
		x86_load64(e, RCX, RBX, XR(s->rs2));
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_shift_rcl(e, 0, op == CPU_OP_SLLW ? SH_SHL : op == CPU_OP_SRLW ? SH_SHR : SH_SAR, RAX);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_MUL:
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_imul_rm(e, 1, RAX, RBX, XR(s->rs2));
		break;
	case CPU_OP_MULW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_imul_rm(e, 0, RAX, RBX, XR(s->rs2));
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_LUI:
		x86_mov_imm(e, RAX, (uint64_t)(int64_t)imm);
		break;
	case CPU_OP_AUIPC: {
		int64_t d = (int64_t)t->ins[i].off + imm;
		if (x86_fits32(d)) {
			x86_lea(e, RAX, RBP, (int32_t)d);
		} else {
			x86_mov_imm(e, RAX, (uint64_t)d);
			x86_alu_rr(e, 1, ALU_ADD, RAX, RBP);
		}
		break;
	}
	default:                                        /* through cpu_alu.h */
		x86_load64(e, RDI, RBX, XR(s->rs1));
		x86_load64(e, RSI, RBX, XR(s->rs2));
		x86_mov_imm(e, RDX, (uint64_t)(int64_t)imm);
		x86_lea(e, RCX, RBP, (int32_t)t->ins[i].off);
		x86_call(e, (const void *)alu_helpers[op]);
		break;
	}
	x86_store64(e, RAX, RBX, XR(s->rd));
}

/* Calls fn(c, insn) (cpu_exec_fp / cpu_exec_csr_fp): nonzero is an
 * illegal instruction whose tval is insn. */
static void emit_fp_call(struct jtr *t, unsigned i, const void *fn, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	x86_mov_rr(e, RDI, RBX);
	x86_mov_imm(e, RSI, (uint32_t)t->ins[i].s.imm);
	x86_call(e, fn);
	x86_test32(e, RAX, RAX);
	cold[(*nc)++] = (struct cold){ x86_jcc(e, CC_NE, NULL), COLD_TRAP, i };
}

static bool is_alu(unsigned op)
{
	return op >= CPU_OP_ADDI && op <= CPU_OP_AUIPC;
}

/* Emits the block; returns its entry. */
static uint8_t *emit_block(struct jtr *t, struct jblock *b)
{
	struct x86 *e = &t->e;
	struct cold cold[JB_MAX_INSNS + 1];
	unsigned nc = 0;
	uint8_t *entry = e->p;
	/* entry: the epoch and the budget, then charge the block */
	x86_load32(e, RAX, R15, CTX(epoch));
	x86_cmp32_rip(e, RAX, &b->epoch);
	uint8_t *bounce1 = x86_jcc(e, CC_NE, NULL);
	x86_alu_ri(e, 1, ALU_SUB, R13, (int32_t)t->n);
	uint8_t *bounce2 = x86_jcc(e, CC_B, NULL);         /* borrow: n > left */
	bool ended = false;
	for (unsigned i = 0; i < t->n && !ended; i++) {
		const struct jinsn *in = &t->ins[i];
		const struct cpu_slot *s = &in->s;
		unsigned op = s->op;
		if (is_alu(op)) {
			emit_alu(t, i);
			continue;
		}
		switch (op) {
		case CPU_OP_NOP:
			break;
		case CPU_OP_LB: case CPU_OP_LH: case CPU_OP_LW: case CPU_OP_LD:
		case CPU_OP_LBU: case CPU_OP_LHU: case CPU_OP_LWU: case CPU_OP_FLW: case CPU_OP_FLD:
			emit_load(t, i, cold, &nc);
			break;
		case CPU_OP_SB: case CPU_OP_SH: case CPU_OP_SW: case CPU_OP_SD:
		case CPU_OP_FSW: case CPU_OP_FSD:
			emit_store(t, i, cold, &nc);
			break;
		case CPU_OP_BEQ: case CPU_OP_BNE: case CPU_OP_BLT: case CPU_OP_BGE:
		case CPU_OP_BLTU: case CPU_OP_BGEU:
			x86_load64(e, RAX, RBX, XR(s->rs1));
			x86_alu_rm(e, 1, ALU_CMP, RAX, RBX, XR(s->rs2));
			cold[nc++] = (struct cold){ x86_jcc(e, branch_cc[op], NULL), COLD_BRANCH, i };
			break;
		case CPU_OP_JAL:
			if (s->rd) {
				x86_lea(e, RAX, RBP, (int32_t)(in->off + in->len));
				x86_store64(e, RAX, RBX, XR(s->rd));
			}
			emit_goto(t, (int64_t)in->off + s->imm);
			ended = true;
			break;
		case CPU_OP_JALR:
			x86_load64(e, RAX, RBX, XR(s->rs1));
			if (s->imm)
				x86_alu_ri(e, 1, ALU_ADD, RAX, s->imm);
			x86_alu_ri(e, 1, ALU_AND, RAX, -2);
			if (s->rd) {
				x86_lea(e, RCX, RBP, (int32_t)(in->off + in->len));
				x86_store64(e, RCX, RBX, XR(s->rd));
			}
			x86_mov_rr(e, RBP, RAX);
			x86_jmp(e, jit_lookup);
			ended = true;
			break;
		case CPU_OP_FP:
			emit_fp_call(t, i, (const void *)cpu_exec_fp, cold, &nc);
			break;
		case CPU_OP_CSR_FP:
			emit_fp_call(t, i, (const void *)cpu_exec_csr_fp, cold, &nc);
			break;
		case CPU_OP_CSR_COUNT:
			/* instret before this instruction: ibase - left - the
			 * block's instructions from this one on */
			if (s->rd) {
				x86_load64(e, RAX, R15, CTX(ibase));
				x86_alu_rr(e, 1, ALU_SUB, RAX, R13);
				x86_alu_ri(e, 1, ALU_SUB, RAX, (int32_t)(t->n - i));
				x86_store64(e, RAX, RBX, XR(s->rd));
			}
			break;
		case CPU_OP_CSR_TIME:
			x86_call(e, (const void *)cpu_time);
			if (s->rd)
				x86_store64(e, RAX, RBX, XR(s->rd));
			break;
		case CPU_OP_AMO: {
			x86_mov_rr(e, RDI, RBX);
			x86_mov_imm(e, RSI, (uint32_t)s->imm);
			x86_lea(e, RDX, R15, CTX(tval));
			x86_call(e, (const void *)cpu_exec_amo);
			x86_test32(e, RAX, RAX);
			uint8_t *ok = x86_jcc(e, CC_E, NULL);
			emit_trap_tail(t, i);
			x86_bind(ok, e->p);
			x86_mov_imm(e, RAX, JX_STORE);
			emit_after_slow(t, i);
			ended = true;
			break;
		}
		case CPU_OP_ECALL: case CPU_OP_EBREAK:
		default: {                                  /* ILLEGAL, DECODE */
			uint64_t cause = op == CPU_OP_ECALL ? CAUSE_USER_ECALL :
					 op == CPU_OP_EBREAK ? CAUSE_BREAKPOINT : CAUSE_ILLEGAL_INSN;
			if (op == CPU_OP_EBREAK) {
				x86_lea(e, RAX, RBP, (int32_t)in->off);
			} else {
				x86_mov_imm(e, RAX, op == CPU_OP_ECALL ? 0 : in->bits);
			}
			x86_store64(e, RAX, R15, CTX(tval));
			x86_mov_imm(e, RAX, cause);
			emit_trap_tail(t, i);
			ended = true;
			break;
		}
		}
	}
	if (!ended)
		emit_goto(t, (int64_t)t->len);     /* the fall-through */
	/* cold code */
	x86_bind(bounce2, e->p);
	emit_giveback(e, t->n);
	x86_bind(bounce1, e->p);
	emit_exit(e, JX_NEXT);
	for (unsigned k = 0; k < nc; k++) {
		const struct cold *c = &cold[k];
		x86_bind(c->field, e->p);
		const struct jinsn *in = &t->ins[c->i];
		switch (c->kind) {
		case COLD_LOAD:
			emit_cold_load(t, c->i);
			break;
		case COLD_STORE:
			emit_cold_store(t, c->i);
			break;
		case COLD_BRANCH:
			emit_giveback(e, t->n - c->i - 1);
			emit_goto(t, (int64_t)in->off + in->s.imm);
			break;
		case COLD_TRAP:
			x86_mov_imm(e, RCX, in->bits);
			x86_store64(e, RCX, R15, CTX(tval));
			emit_trap_tail(t, c->i);
			break;
		}
	}
	return entry;
}

static bool ends_block(unsigned op)
{
	switch (op) {
	case CPU_OP_JAL: case CPU_OP_JALR:
	case CPU_OP_ECALL: case CPU_OP_EBREAK: case CPU_OP_ILLEGAL: case CPU_OP_DECODE:
	case CPU_OP_AMO:
		return true;
	default:
		return false;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Translates the block whose first byte is h, at offset off of its page.
 * Returns NULL if its first instruction straddles the page's end. */
static struct jblock *jb_translate(struct mmu *m, const uint8_t *h, unsigned off)
{
	uint64_t t0 = now_ns();
	struct jinsn ins[JB_MAX_INSNS];
	unsigned n = 0, len = 0;
	for (;;) {
		unsigned pos = off + len;
		if (pos > PGSIZE - 2 || len + 4 > JB_MAX_BYTES)
			break;
		uint32_t w = ld16(h + len);
		if ((w & 3) == 3) {
			if (pos > PGSIZE - 4)
				break;           /* straddles: the interpreter runs it */
			w = ld32(h + len);
		}
		struct jinsn *in = &ins[n++];
		cpu_decode(&in->s, w);
		in->off = len;
		in->len = in->s.len;
		in->bits = in->len == 4 ? w : (w & 0xffff);
		len += in->len;
		if (ends_block(in->s.op))
			break;
	}
	if (n == 0)
		return NULL;
	struct ram *ram = m->ram;
	size_t frame = (size_t)(h - ram->mem) >> PGSHIFT;
	if ((uintptr_t)(h - ram->mem) < ram->size && !ram->code[frame]) {
		/* from now on stores to the frame miss the fast cache: drop the
		 * entries that may already point at it */
		ram->code[frame] = 1;
		mmu_fast_flush(m);
	}
	size_t need = ((sizeof(struct jblock) + len + 15) & ~(size_t)15) +
		      JB_FIXED_CODE + (size_t)n * JB_INSN_CODE;
	if (jit_used + need > jit_arena_bytes) {
		jit_drop_all();
		jst.flushes++;
		/* no frame holds code any more (but this one, soon); the fast
		 * engine's blocks relied on the marks too */
		memset(ram->code, 0, ram->size >> PGSHIFT);
		cpu_fast_flush();
		jit_fast_flushes_seen = cpu_fast_flushes();
		if ((uintptr_t)(h - ram->mem) < ram->size)
			ram->code[frame] = 1;
	}
	struct jblock *b = (struct jblock *)(jit_arena + jit_used);
	b->host = h;
	b->epoch = jit_epoch;
	b->n = (uint16_t)n;
	b->len = (uint16_t)len;
	memcpy(b->bytes, h, len);
	struct jtr t = {
		.e = { (uint8_t *)b + ((sizeof(struct jblock) + len + 15) & ~(size_t)15) },
		.ins = ins, .n = n, .len = len, .page_off = off,
	};
	b->entry = emit_block(&t, b);
	if ((size_t)(t.e.p - (uint8_t *)b) > need) {
		fprintf(stderr, "cpu_jit: block at %p overran its %zu reserved bytes\n", (void *)h, need);
		abort();
	}
	jit_used = (size_t)(((uintptr_t)t.e.p + 15) & ~(uintptr_t)15) - (uintptr_t)jit_arena;
	jit_table[jb_index(h)] = b;
	jst.blocks++;
	jst.guest_insns += n;
	jst.translate_ns += now_ns() - t0;
	return b;
}

/* The trampolines, at the arena's start:
 *   enter(ctx, c, code): saves the callee-saved registers, loads the pinned
 *     ones, jumps to code (rsp stays 16-byte aligned for calls);
 *   exit: stores them back into ctx, restores, returns eax. */
static void emit_stubs(void)
{
	struct x86 e = { jit_arena };
	static const int saved[] = { RBX, RBP, R12, R13, R14, R15 };
	uint8_t *enter = e.p;
	for (int i = 0; i < 6; i++)
		x86_push(&e, saved[i]);
	x86_alu_ri(&e, 1, ALU_SUB, RSP, 8);
	x86_mov_rr(&e, R15, RDI);
	x86_mov_rr(&e, RBX, RSI);
	x86_load64(&e, R12, R15, CTX(fast));
	x86_load64(&e, R13, R15, CTX(left));
	x86_load64(&e, R14, R15, CTX(dhits));
	x86_load64(&e, RBP, R15, CTX(pc));
	x86_jmp_r(&e, RDX);
	e.p = (uint8_t *)(((uintptr_t)e.p + 15) & ~(uintptr_t)15);
	jit_exit = e.p;
	x86_store64(&e, R13, R15, CTX(left));
	x86_store64(&e, R14, R15, CTX(dhits));
	x86_store64(&e, RBP, R15, CTX(pc));
	x86_alu_ri(&e, 1, ALU_ADD, RSP, 8);
	for (int i = 5; i >= 0; i--)
		x86_pop(&e, saved[i]);
	x86_ret(&e);
	/* lookup: the block at pc (rbp) if pc lies on the fetch page and the
	 * table holds a block for its host address (the block's entry checks
	 * epoch and budget), else back to the dispatcher.  The indirect-jump
	 * target cache of jalr, without leaving the code. */
	e.p = (uint8_t *)(((uintptr_t)e.p + 15) & ~(uintptr_t)15);
	jit_lookup = e.p;
	x86_mov_rr(&e, RAX, RBP);
	x86_alu_rm(&e, 1, ALU_SUB, RAX, R15, CTX(code_va));
	x86_alu_ri(&e, 1, ALU_CMP, RAX, PGSIZE - 2);
	uint8_t *miss1 = x86_jcc(&e, CC_A, NULL);
	x86_alu_rm(&e, 1, ALU_ADD, RAX, R15, CTX(code_host));   /* the host address */
	x86_mov_rr(&e, RCX, RAX);                                /* jb_index */
	x86_shift_ri(&e, 1, SH_SHR, RCX, 1);
	x86_mov_rr(&e, RDX, RAX);
	x86_shift_ri(&e, 1, SH_SHR, RDX, 13);
	x86_alu_rr(&e, 1, ALU_XOR, RCX, RDX);
	x86_alu_ri(&e, 0, ALU_AND, RCX, (int32_t)(JB_TABLE - 1));
	x86_shift_ri(&e, 1, SH_SHL, RCX, 3);
	x86_mov_imm(&e, RSI, (uint64_t)(uintptr_t)jit_table);
	x86_op_idx(&e, 1, 0x8b, RDX, RSI, RCX, 0);              /* rdx = table[i] */
	x86_test64(&e, RDX, RDX);
	uint8_t *miss2 = x86_jcc(&e, CC_E, NULL);
	x86_alu_rm(&e, 1, ALU_CMP, RAX, RDX, (int32_t)offsetof(struct jblock, host));
	uint8_t *miss3 = x86_jcc(&e, CC_NE, NULL);
	x86_jmp_m(&e, RDX, (int32_t)offsetof(struct jblock, entry));
	x86_bind(miss1, e.p);
	x86_bind(miss2, e.p);
	x86_bind(miss3, e.p);
	x86_mov_imm(&e, RAX, JX_NEXT);
	x86_jmp(&e, jit_exit);
	memcpy(&jit_enter, &enter, sizeof enter);
}

/* ---- the dispatcher ------------------------------------------------------ */

static struct trap run_jit(struct cpu *c, uint64_t budget)
{
	struct mmu *m = c->mmu;
	const bool bare = SATP_MODE(m->satp) == SATP_MODE_BARE;
	/* as in run_fast: budget - left instructions charged since the last
	 * commit (one fetch each); looks: the fetches among them that were
	 * real TLB lookups; trapped: the trapping instruction was fetched */
	uint64_t pc = c->pc, left = budget, looks = 0, trapped = 0, dhits = 0;
	uint64_t code_va = CODE_NONE;
	const uint8_t *code_host = NULL;
	struct jblock *b = NULL;
	uint8_t *patch = NULL;
	uint64_t cause = 0, tval = 0;
	struct jit_ctx ctx = { .m = m, .fast = &m->fast[0][0] };

	c->x[0] = 0;
	uint32_t epoch = ++jit_epoch;
	if (unlikely(!m->ram->code || m->ram != jit_ram ||
		     cpu_fast_flushes() != jit_fast_flushes_seen)) {
		if (!m->ram->code) {
			m->ram->code = calloc(m->ram->size >> PGSHIFT, 1);
			if (!m->ram->code)
				return cpu_run_interp(c, budget);
			jit_ram = NULL;          /* a new RAM, perhaps at an old one's address */
		}
		/* another RAM, or the fast engine cleared the code marks */
		if (m->ram != jit_ram || cpu_fast_flushes() != jit_fast_flushes_seen)
			jit_drop_all();
		jit_ram = m->ram;
		jit_fast_flushes_seen = cpu_fast_flushes();
		mmu_fast_flush(m);               /* no fast store entry to a code frame */
	}

next_block:
	if (unlikely(left == 0)) {
		cause = CAUSE_S_TIMER_INTERRUPT;
		tval = 0;
		goto out;
	}
	{
		uint64_t off = pc - code_va;
		if (unlikely(off > PGSIZE - 2)) {
			/* a new page: one real fetch translation, counted */
			uint8_t *h = mmu_fast_host(m, ACC_FETCH, pc, 1);
			if (!h) {
				int e = mmu_translate_host(m, pc, ACC_FETCH, &h);
				if (e) {
					cause = (uint64_t)e;
					tval = pc;
					goto out;
				}
			}
			off = pc & PGMASK;
			code_va = pc - off;
			code_host = h - off;
			looks++;
			patch = NULL;            /* links stay on one page */
		}
		const uint8_t *bhost = code_host + off;
		b = jit_table[jb_index(bhost)];
		if (unlikely(!b || b->host != bhost || b->epoch != epoch)) {
			if (b && b->host == bhost && jb_valid(b, bhost)) {
				b->epoch = epoch;
			} else {
				uint64_t fl = jit_drops;
				b = jb_translate(m, bhost, (unsigned)off);
				if (fl != jit_drops)
					patch = NULL;    /* the arena was reused */
				if (!b)
					goto step;       /* a 32-bit instruction across pages */
			}
		}
		if (patch) {
			x86_bind(patch, b->entry);
			patch = NULL;
		}
		if (unlikely(b->n > left))
			goto step;               /* the slice ends inside b */
		ctx.left = left;
		ctx.dhits = dhits;
		ctx.pc = pc;
		ctx.patch = NULL;
		ctx.epoch = epoch;
		ctx.ibase = c->instret + budget;
		ctx.code_va = code_va;
		ctx.code_host = code_host;
		uint32_t r = jit_enter(&ctx, c, b->entry);
		left = ctx.left;
		dhits = ctx.dhits;
		pc = ctx.pc;
		switch (r) {
		case JX_NEXT:
			patch = ctx.patch;
			goto next_block;
		case JX_STORE:
			epoch = ++jit_epoch;     /* code may have changed */
			/* fall through */
		case JX_SLOW:
			/* an out-of-line access may have evicted the code page
			 * from the TLB: the next fetch translates for real */
			code_va = CODE_NONE;
			code_host = NULL;
			goto next_block;
		default:
			cause = ctx.cause;
			tval = ctx.tval;
			trapped = 1;
			goto out;
		}
	}

step: {
	/* The interpreter runs 1 instruction, or the rest of the slice (see
	 * run_fast: its fetch of pc is a hit, and the lookup counted above
	 * for the same fetch is taken back through looks). */
	patch = NULL;
	uint64_t k = (b && b->n > left) ? left : 1;
	c->instret += budget - left;
	m->stats.tlb_hits += dhits + (bare ? 0 : (budget - left) - looks);
	budget = left;
	looks = dhits = 0;
	c->pc = pc;
	uint64_t before = c->instret;
	struct trap t = cpu_run_interp(c, k);
	epoch = ++jit_epoch;  /* it may have stored into code */
	left -= c->instret - before;
	budget = left;
	pc = c->pc;
	code_va = CODE_NONE;
	code_host = NULL;
	b = NULL;
	if (t.cause != CAUSE_S_TIMER_INTERRUPT || left == 0)
		return t;
	goto next_block;
}

out:
	c->x[0] = 0;
	c->pc = pc;
	c->instret += budget - left;
	m->stats.tlb_hits += dhits + (bare ? 0 : (budget - left) + trapped - looks);
	return (struct trap){ cause, tval, pc };
}

struct trap cpu_run_jit(struct cpu *c, uint64_t budget)
{
	if (jit_ready())
		return run_jit(c, budget);
	return cpu_run_fast(c, budget);
}

bool cpu_jit_available(void)
{
	return true;
}

#else /* not an x86-64 Linux host: the fast engine stands in */

struct trap cpu_run_jit(struct cpu *c, uint64_t budget)
{
	return cpu_run_fast(c, budget);
}

bool cpu_jit_available(void)
{
	return false;
}

void cpu_jit_flush(void)
{
}

int cpu_jit_set_cache_size(size_t bytes)
{
	return bytes >= JIT_MIN_CACHE && bytes <= JIT_MAX_CACHE ? 0 : -1;
}

struct cpu_jit_stats cpu_jit_stats(void)
{
	return (struct cpu_jit_stats){ 0 };
}

#endif
