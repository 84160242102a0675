/*
 * cpu.c - the RV64GC user-mode interpreter loop (RISC-V unprivileged spec:
 * RV64I chapters 2 and 5, "M" chapter 7, Zicsr counters chapter 10; the A
 * and C extensions live in cpu_mem.c and cpu_rvc.c, F and D in cpu_fp.c
 * and fpu.c, except FP loads and stores, which are here).
 *
 * One step: fetch 4 bytes, find the predecoded slot of this position
 * (cpu_decode.c; decoded again if the bits differ), jump to its handler.
 *
 *  fetch   pc - code_va <= 4092 ?  read 4 bytes at code_host + offset   (fast)
 *                                  slot = slots[offset / 2]
 *                                : cpu_fetch_slow (translates, refills)
 *  load/   mmu_fast_host(): one compare against the fast cache   (fast)
 *  store                  : cpu_load_slow / cpu_store_slow        (misses,
 *                           misaligned accesses, page straddles)
 *
 * The fetch cache (code_va, code_host) names the page of the last fetch.  It
 * is a cached TLB lookup: every fetch from it is counted as a TLB hit, so
 * each instruction fetch is exactly one TLB lookup (two for an instruction
 * straddling pages).  It stays a subset of the TLB because it is dropped
 * after every out-of-line data access (the only place where, inside
 * cpu_run, the TLB can evict) and at every cpu_run entry (sfence.vma and
 * satp writes happen between runs).  When it is empty it points at a page of
 * zeros, so a stray hit decodes as the illegal all-zero instruction, which
 * re-checks with a real fetch.
 */
#include "cpu_internal.h"
#include "cpu_alu.h"
#include "cpu_encode.h"

#include <time.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Marker for an empty fetch cache: non-canonical in Sv39/Sv48 and outside
 * RAM in Bare mode, so no real fetch is served from it. */
#define CODE_NONE 0x8000000000000000ULL
static const uint8_t zero_page[PGSIZE];

void cpu_init(struct cpu *c, struct mmu *m)
{
	memset(c, 0, sizeof *c);
	c->mmu = m;
	c->fs = CPU_FS_INITIAL;
	cpu_rvc_init();
}

uint64_t cpu_read_time(struct cpu *c)
{
	c->time_reads++;
	return cpu_time();
}

uint64_t cpu_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CPU_TIMEBASE_HZ +
	       (uint64_t)ts.tv_nsec / (1000000000ULL / CPU_TIMEBASE_HZ);
}

/* Loads of constant size through the fast cache, else the slow path; the
 * value (of type T, widened to 64 bits) is val_ in WRITE_BACK. */
#define LOAD_VAL(T, size, WRITE_BACK)                                          \
	do {                                                                   \
		uint64_t va_ = x[s->rs1] + (uint64_t)s->imm, val_;             \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_LOAD, va_, size);           \
		if (likely(h_)) {                                              \
			T t_;                                                  \
			memcpy(&t_, h_, size);                                 \
			val_ = (uint64_t)t_;                                   \
			fast_hits++;                                           \
		} else {                                                       \
			uint64_t raw_;                                         \
			uint64_t tv_;                                          \
			cause = cpu_load_slow(m, va_, size, &raw_, &tv_);      \
			if (cause) {                                           \
				tval = tv_;                                    \
				goto trap_insn;                                    \
			}                                                      \
			T t_;                                                  \
			memcpy(&t_, &raw_, size);                              \
			val_ = (uint64_t)t_;                                   \
			code_va = CODE_NONE;                                   \
			code_host = zero_page;                                 \
		}                                                              \
		WRITE_BACK;                                                    \
	} while (0)

#define LOAD_AS(T, size) LOAD_VAL(T, size, (x[s->rd] = val_, x[0] = 0))

/* Stores the low size bytes of SRC. */
#define STORE_FROM(size, SRC)                                                  \
	do {                                                                   \
		uint64_t va_ = x[s->rs1] + (uint64_t)s->imm, v_ = (SRC);       \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_STORE, va_, size);          \
		if (likely(h_)) {                                              \
			memcpy(h_, &v_, size);                                 \
			fast_hits++;                                           \
		} else {                                                       \
			uint64_t tv_;                                          \
			cause = cpu_store_slow(m, va_, size, v_, &tv_);        \
			if (cause) {                                           \
				tval = tv_;                                    \
				goto trap_insn;                                    \
			}                                                      \
			code_va = CODE_NONE;                                   \
			code_host = zero_page;                                 \
		}                                                              \
	} while (0)

#define STORE_AS(size) STORE_FROM(size, x[s->rs2])

/* Fetch the slot at pc and jump to its handler.  The slot is used only if
 * the 4 bytes at pc still equal the bits it was decoded from. */
#define DISPATCH()                                                             \
	do {                                                                   \
		if (unlikely(left == 0))                                       \
			goto budget_out;                                       \
		uint64_t off_ = pc - code_va;                                  \
		if (unlikely(off_ > PGSIZE - 4))                               \
			goto fetch_slow;                                       \
		uint32_t w_;                                                   \
		memcpy(&w_, code_host + off_, 4);                              \
		s = &slots[off_ >> 1];                                         \
		if (unlikely(s->raw != w_))                                    \
			cpu_decode(s, w_);                                     \
		goto *labels[s->op];                                           \
	} while (0)

/* Retire the current instruction and go on at pc + its length. */
#define NEXT()                                                                 \
	do {                                                                   \
		pc += s->len;                                                  \
		left--;                                                        \
		DISPATCH();                                                    \
	} while (0)

/* Retire the current instruction and go on at target. */
#define JUMP(target)                                                           \
	do {                                                                   \
		pc = (target);                                                 \
		left--;                                                        \
		DISPATCH();                                                    \
	} while (0)

#define ALU(name, expr)                                                        \
	op_##name: x[s->rd] = (expr); NEXT();

#define BRANCH(name, cond)                                                     \
	op_##name:                                                             \
	if (cond)                                                              \
		JUMP(pc + (uint64_t)s->imm);                                   \
	NEXT();

/* GCC would merge the copies of DISPATCH() in the handlers into one
 * indirect jump, which predicts worse than one jump per handler. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
struct trap cpu_run_interp(struct cpu *c, uint64_t budget)
{
#define CPU_OP_LABEL(name) [CPU_OP_##name] = &&op_##name,
	static const void *const labels[CPU_OP_COUNT] = { CPU_OPS(CPU_OP_LABEL) };
#undef CPU_OP_LABEL
	struct mmu *m = c->mmu;
	uint64_t *x = c->x;
	/* left counts down the budget; instructions dispatched from the fetch
	 * cache (each one TLB hit) are derived at the end: retired ones, plus
	 * the one that trapped if it was dispatched, minus the slow fetches. */
	uint64_t pc = c->pc, left = budget, fast_hits = 0, slow_fetches = 0;
	uint64_t trapped_insn = 0;
	uint64_t code_va = CODE_NONE;
	const uint8_t *code_host = zero_page;
	struct cpu_slot *slots = cpu_page_slots(zero_page), *s, edge;
	uint64_t cause, tval = 0;

	x[0] = 0;
	DISPATCH();

fetch_slow:
	/* a page change, a refill, or a 32-bit instruction in the page's last
	 * two bytes (fetched in two halves, never memoized) */
	uint32_t w;
	{
		uint64_t cva, tv;
		const uint8_t *chost;
		cause = cpu_fetch_slow(m, pc, &w, &cva, &chost, &tv);
		if (cause) {
			tval = tv;
			goto trap;
		}
		slow_fetches++;
		code_va = cva;
		code_host = chost;
	}
	slots = cpu_page_slots(code_host);
	if (pc - code_va <= PGSIZE - 4) {
		s = &slots[(pc - code_va) >> 1];
		if (s->raw != w)
			cpu_decode(s, w);
	} else {
		s = &edge;
		cpu_decode(s, w);
	}
	goto *labels[s->op];

op_DECODE:
	/* an empty slot whose raw bits (0) match: the all-zero halfword */
	cpu_decode(s, s->raw);
	goto *labels[s->op];

op_NOP:
	NEXT();

#define RS1 x[s->rs1]
#define RS2 x[s->rs2]
#define IMM ((int64_t)s->imm)
#define PC pc
	CPU_ALU_OPS(ALU)
#undef RS1
#undef RS2
#undef IMM
#undef PC

op_JAL:
	x[s->rd] = pc + s->len;
	x[0] = 0;
	JUMP(pc + (uint64_t)s->imm);

op_JALR: {
	/* with C, targets need only 2-byte alignment: clearing bit 0 leaves
	 * no misaligned target possible */
	uint64_t target = (x[s->rs1] + (uint64_t)s->imm) & ~1ULL;
	x[s->rd] = pc + s->len;
	x[0] = 0;
	JUMP(target);
}

#define RS1 x[s->rs1]
#define RS2 x[s->rs2]
	CPU_BRANCH_OPS(BRANCH)
#undef RS1
#undef RS2

op_LB:  LOAD_AS(int8_t, 1); NEXT();
op_LH:  LOAD_AS(int16_t, 2); NEXT();
op_LW:  LOAD_AS(int32_t, 4); NEXT();
op_LD:  LOAD_AS(uint64_t, 8); NEXT();
op_LBU: LOAD_AS(uint8_t, 1); NEXT();
op_LHU: LOAD_AS(uint16_t, 2); NEXT();
op_LWU: LOAD_AS(uint32_t, 4); NEXT();
op_SB:  STORE_AS(1); NEXT();
op_SH:  STORE_AS(2); NEXT();
op_SW:  STORE_AS(4); NEXT();
op_SD:  STORE_AS(8); NEXT();

	/* F/D loads and stores: the integer paths, f registers at the ends;
	 * FLW NaN-boxes, FSW stores the register's low 32 bits as they are */
op_FLW: LOAD_VAL(uint32_t, 4, (c->f[s->rd] = val_ | 0xffffffff00000000ULL,
			       c->fs = CPU_FS_DIRTY)); NEXT();
op_FLD: LOAD_VAL(uint64_t, 8, (c->f[s->rd] = val_, c->fs = CPU_FS_DIRTY)); NEXT();
op_FSW: STORE_FROM(4, c->f[s->rs2]); NEXT();
op_FSD: STORE_FROM(8, c->f[s->rs2]); NEXT();

op_FP:
	cause = (uint64_t)cpu_exec_fp(c, (uint32_t)s->imm);
	if (cause)
		goto op_ILLEGAL;
	NEXT();

op_CSR_FP:
	cause = (uint64_t)cpu_exec_csr_fp(c, (uint32_t)s->imm);
	if (cause)
		goto op_ILLEGAL;
	NEXT();

op_AMO: {
	uint64_t tv;
	cause = (uint64_t)cpu_exec_amo(c, (uint32_t)s->imm, &tv);
	code_va = CODE_NONE;
	code_host = zero_page;
	if (cause) {
		tval = tv;
		goto trap_insn;
	}
	NEXT();
}

op_CSR_COUNT:
	x[s->rd] = c->instret + (budget - left);  /* cycle = instret */
	NEXT();

op_CSR_TIME:
	x[s->rd] = cpu_read_time(c);
	NEXT();

op_ECALL:
	cause = CAUSE_USER_ECALL;
	tval = 0;
	goto trap_insn;

op_EBREAK:
	cause = CAUSE_BREAKPOINT;
	tval = pc;
	goto trap_insn;

op_ILLEGAL:
	tval = s->len == 4 ? s->raw : (s->raw & 0xffff);
	if (code_host == zero_page && code_va == CODE_NONE && tval == 0) {
		/* served by the empty fetch cache: fetch for real */
		goto fetch_slow;   /* counted when it retires or traps */
	}
	cause = CAUSE_ILLEGAL_INSN;
	goto trap_insn;

budget_out:
	cause = CAUSE_S_TIMER_INTERRUPT;
	tval = 0;
	goto trap;

trap_insn:
	trapped_insn = 1;     /* the trapping instruction was fetched */
trap:
	x[0] = 0;
	c->pc = pc;
	uint64_t n = budget - left;
	c->instret += n;
	m->stats.tlb_hits += fast_hits;       /* never filled in Bare mode */
	if (SATP_MODE(m->satp) != SATP_MODE_BARE)
		m->stats.tlb_hits += n + trapped_insn - slow_fetches;
	return (struct trap){ cause, tval, pc };
}
