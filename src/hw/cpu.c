/*
 * cpu.c - the RV64IMAC user-mode interpreter loop (RISC-V unprivileged spec:
 * RV64I chapters 2 and 5, "M" chapter 7, Zicsr counters chapter 10; the A
 * and C extensions live in cpu_mem.c and cpu_rvc.c).
 *
 * One iteration: fetch, expand if compressed, decode by major opcode, execute.
 *
 *  fetch   pc - code_va <= 4092 ?  read 4 bytes at code_host + offset   (fast)
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
	cpu_rvc_init();
}

uint64_t cpu_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CPU_TIMEBASE_HZ +
	       (uint64_t)ts.tv_nsec / (1000000000ULL / CPU_TIMEBASE_HZ);
}

/* Zicsr on the user counters: returns 0 and the value, or illegal.
 * csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0 only read; any
 * other form writes, and these CSRs are read-only. */
static bool csr_read(const struct cpu *c, uint32_t insn, uint64_t retired, uint64_t *val)
{
	unsigned f3 = (insn >> 12) & 7, src = (insn >> 15) & 31;
	bool writes = f3 == 1 || f3 == 5 || src != 0;
	if (writes || f3 == 4)
		return false;
	switch (insn >> 20) {
	case 0xc00: /* cycle: one cycle per instruction */
	case 0xc02: /* instret */
		*val = c->instret + retired;
		return true;
	case 0xc01: /* time */
		*val = cpu_time();
		return true;
	default:
		return false;
	}
}

static uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* M extension, 64-bit (OP, funct7 = 1). Division by zero and overflow give
 * the results the spec tabulates instead of trapping. */
static uint64_t muldiv64(unsigned f3, uint64_t a, uint64_t b)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;
	switch (f3) {
	case 0: return a * b;
	case 1: return (uint64_t)(((__int128)sa * (__int128)sb) >> 64);
	case 2: return (uint64_t)(((__int128)sa * (__int128)(unsigned __int128)b) >> 64);
	case 3: return (uint64_t)(((unsigned __int128)a * b) >> 64);
	case 4: return b == 0 ? ~0ULL : (sa == INT64_MIN && sb == -1) ? a : (uint64_t)(sa / sb);
	case 5: return b == 0 ? ~0ULL : a / b;
	case 6: return b == 0 ? a : (sa == INT64_MIN && sb == -1) ? 0 : (uint64_t)(sa % sb);
	default: return b == 0 ? a : a % b;
	}
}

/* M extension, W forms (OP-32, funct7 = 1); f3 1-3 do not exist.
 * Returns false for an illegal f3. */
static bool muldiv32(unsigned f3, uint64_t a, uint64_t b, uint64_t *out)
{
	int32_t sa = (int32_t)a, sb = (int32_t)b;
	uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
	uint32_t r;
	switch (f3) {
	case 0: r = ua * ub; break;
	case 4: r = ub == 0 ? ~0u : (sa == INT32_MIN && sb == -1) ? ua : (uint32_t)(sa / sb); break;
	case 5: r = ub == 0 ? ~0u : ua / ub; break;
	case 6: r = ub == 0 ? ua : (sa == INT32_MIN && sb == -1) ? 0 : (uint32_t)(sa % sb); break;
	case 7: r = ub == 0 ? ua : ua % ub; break;
	default: return false;
	}
	*out = sext32(r);
	return true;
}

/* OP (register-register), RV64I + M. Returns false if illegal. */
static inline bool exec_op(unsigned f3, unsigned f7, uint64_t a, uint64_t b, uint64_t *out)
{
	if (f7 == 0) {
		switch (f3) {
		case 0: *out = a + b; return true;
		case 1: *out = a << (b & 63); return true;
		case 2: *out = (int64_t)a < (int64_t)b; return true;
		case 3: *out = a < b; return true;
		case 4: *out = a ^ b; return true;
		case 5: *out = a >> (b & 63); return true;
		case 6: *out = a | b; return true;
		default: *out = a & b; return true;
		}
	}
	if (f7 == 0x20) {
		if (f3 == 0) { *out = a - b; return true; }
		if (f3 == 5) { *out = (uint64_t)((int64_t)a >> (b & 63)); return true; }
		return false;
	}
	if (f7 == 1) {
		*out = muldiv64(f3, a, b);
		return true;
	}
	return false;
}

/* OP-32 (register-register words). Returns false if illegal. */
static bool exec_op32(unsigned f3, unsigned f7, uint64_t a, uint64_t b, uint64_t *out)
{
	if (f7 == 0) {
		switch (f3) {
		case 0: *out = sext32(a + b); return true;
		case 1: *out = sext32((uint32_t)a << (b & 31)); return true;
		case 5: *out = sext32((uint32_t)a >> (b & 31)); return true;
		default: return false;
		}
	}
	if (f7 == 0x20) {
		if (f3 == 0) { *out = sext32(a - b); return true; }
		if (f3 == 5) { *out = sext32((uint64_t)((int32_t)a >> (b & 31))); return true; }
		return false;
	}
	if (f7 == 1)
		return muldiv32(f3, a, b, out);
	return false;
}

/* OP-IMM. Returns false if illegal (bad shift encodings). */
static inline bool exec_opimm(unsigned f3, uint32_t insn, uint64_t a, uint64_t *out)
{
	int64_t imm = (int32_t)insn >> 20;
	unsigned sh = (insn >> 20) & 63, top = insn >> 26;
	switch (f3) {
	case 0: *out = a + (uint64_t)imm; return true;
	case 1: if (top) return false; *out = a << sh; return true;
	case 2: *out = (int64_t)a < imm; return true;
	case 3: *out = a < (uint64_t)imm; return true;
	case 4: *out = a ^ (uint64_t)imm; return true;
	case 5:
		if (top == 0) { *out = a >> sh; return true; }
		if (top == 0x10) { *out = (uint64_t)((int64_t)a >> sh); return true; }
		return false;
	case 6: *out = a | (uint64_t)imm; return true;
	default: *out = a & (uint64_t)imm; return true;
	}
}

/* OP-IMM-32. Returns false if illegal. */
static bool exec_opimm32(unsigned f3, uint32_t insn, uint64_t a, uint64_t *out)
{
	unsigned sh = (insn >> 20) & 31, top = insn >> 25;
	switch (f3) {
	case 0: *out = sext32(a + (uint64_t)((int32_t)insn >> 20)); return true;
	case 1: if (top) return false; *out = sext32((uint32_t)a << sh); return true;
	case 5:
		if (top == 0) { *out = sext32((uint32_t)a >> sh); return true; }
		if (top == 0x20) { *out = sext32((uint64_t)((int32_t)a >> sh)); return true; }
		return false;
	default: return false;
	}
}

static inline bool branch_taken(unsigned f3, uint64_t a, uint64_t b)
{
	switch (f3) {
	case 0: return a == b;
	case 1: return a != b;
	case 4: return (int64_t)a < (int64_t)b;
	case 5: return (int64_t)a >= (int64_t)b;
	case 6: return a < b;
	default: return a >= b;            /* 7; 2 and 3 rejected before */
	}
}

/* sign-extend the low n bits of u */
static inline int64_t sext_n(uint32_t u, int n)
{
	return (int64_t)((int32_t)(u << (32 - n)) >> (32 - n));
}

static inline int64_t imm_b(uint32_t i)
{
	return sext_n((i >> 31) << 12 | ((i >> 7) & 1) << 11 | ((i >> 25) & 0x3f) << 5 |
		      ((i >> 8) & 0xf) << 1, 13);
}

static inline int64_t imm_j(uint32_t i)
{
	return sext_n((i >> 31) << 20 | (i & 0xff000) | ((i >> 20) & 1) << 11 |
		      ((i >> 21) & 0x3ff) << 1, 21);
}

static inline int64_t imm_s(uint32_t i)
{
	return sext_n((i >> 25) << 5 | ((i >> 7) & 0x1f), 12);
}

/* Loads of constant size through the fast cache, else the slow path. */
#define LOAD_AS(T, size)                                                       \
	do {                                                                   \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_LOAD, va, size);            \
		if (likely(h_)) {                                              \
			T t_;                                                  \
			memcpy(&t_, h_, size);                                 \
			val = (uint64_t)t_;                                    \
			fast_hits++;                                           \
		} else {                                                       \
			uint64_t raw_;                                         \
			cause = cpu_load_slow(m, va, size, &raw_, &tval);      \
			if (cause)                                             \
				goto trap;                                     \
			T t_;                                                  \
			memcpy(&t_, &raw_, size);                              \
			val = (uint64_t)t_;                                    \
			code_va = CODE_NONE;                                   \
			code_host = zero_page;                                 \
		}                                                              \
	} while (0)

#define STORE_AS(size)                                                         \
	do {                                                                   \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_STORE, va, size);           \
		if (likely(h_)) {                                              \
			memcpy(h_, &v, size);                                  \
			fast_hits++;                                           \
		} else {                                                       \
			cause = cpu_store_slow(m, va, size, v, &tval);         \
			if (cause)                                             \
				goto trap;                                     \
			code_va = CODE_NONE;                                   \
			code_host = zero_page;                                 \
		}                                                              \
	} while (0)

struct trap cpu_run(struct cpu *c, uint64_t budget)
{
	struct mmu *m = c->mmu;
	uint64_t *x = c->x;
	uint64_t pc = c->pc, n = 0, cached_fetches = 0, fast_hits = 0;
	uint64_t code_va = CODE_NONE;
	const uint8_t *code_host = zero_page;
	uint64_t cause, tval = 0;
	uint32_t insn, raw;

	x[0] = 0;
	for (;;) {
		if (unlikely(n >= budget)) {
			cause = CAUSE_S_TIMER_INTERRUPT;
			tval = 0;
			goto trap;
		}
		uint64_t off = pc - code_va;
		if (likely(off <= PGSIZE - 4)) {
			memcpy(&insn, code_host + off, 4);
			cached_fetches++;
		} else {
		refetch:
			cause = cpu_fetch_slow(m, pc, &insn, &code_va, &code_host, &tval);
			if (cause)
				goto trap;
		}
		raw = insn;
		uint64_t npc = pc + 4;
		if ((insn & 3) != 3) {
			raw = insn & 0xffff;
			insn = cpu_rvc_table[raw];
			npc = pc + 2;
			if (unlikely(!insn))
				goto illegal;
		}
		unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
		unsigned rs2 = (insn >> 20) & 31, f3 = (insn >> 12) & 7;
		uint64_t val, va, v;

		switch (insn & 0x7f) {
		case OPC_OP_IMM:
			if (unlikely(!exec_opimm(f3, insn, x[rs1], &x[rd])))
				goto illegal;
			break;
		case OPC_OP:
			if (unlikely(!exec_op(f3, insn >> 25, x[rs1], x[rs2], &x[rd])))
				goto illegal;
			break;
		case OPC_OP_IMM_32:
			if (unlikely(!exec_opimm32(f3, insn, x[rs1], &val)))
				goto illegal;
			x[rd] = val;
			break;
		case OPC_OP_32:
			if (unlikely(!exec_op32(f3, insn >> 25, x[rs1], x[rs2], &val)))
				goto illegal;
			x[rd] = val;
			break;
		case OPC_LUI:
			x[rd] = sext32(insn & 0xfffff000u);
			break;
		case OPC_AUIPC:
			x[rd] = pc + sext32(insn & 0xfffff000u);
			break;
		case OPC_JAL:
			x[rd] = npc;
			npc = pc + (uint64_t)imm_j(insn);
			break;
		case OPC_JALR:
			if (unlikely(f3 != 0))
				goto illegal;
			/* with C, targets need only 2-byte alignment: clearing bit 0
			 * leaves no misaligned target possible */
			v = (x[rs1] + (uint64_t)((int32_t)insn >> 20)) & ~1ULL;
			x[rd] = npc;
			npc = v;
			break;
		case OPC_BRANCH:
			if (unlikely(f3 == 2 || f3 == 3))
				goto illegal;
			if (branch_taken(f3, x[rs1], x[rs2]))
				npc = pc + (uint64_t)imm_b(insn);
			break;
		case OPC_LOAD:
			va = x[rs1] + (uint64_t)((int32_t)insn >> 20);
			switch (f3) {
			case 0: LOAD_AS(int8_t, 1); break;
			case 1: LOAD_AS(int16_t, 2); break;
			case 2: LOAD_AS(int32_t, 4); break;
			case 3: LOAD_AS(uint64_t, 8); break;
			case 4: LOAD_AS(uint8_t, 1); break;
			case 5: LOAD_AS(uint16_t, 2); break;
			case 6: LOAD_AS(uint32_t, 4); break;
			default: goto illegal;
			}
			x[rd] = val;
			break;
		case OPC_STORE:
			va = x[rs1] + (uint64_t)imm_s(insn);
			v = x[rs2];
			switch (f3) {
			case 0: STORE_AS(1); break;
			case 1: STORE_AS(2); break;
			case 2: STORE_AS(4); break;
			case 3: STORE_AS(8); break;
			default: goto illegal;
			}
			break;
		case OPC_AMO:
			cause = (uint64_t)cpu_exec_amo(c, raw, &tval);
			code_va = CODE_NONE;
			code_host = zero_page;
			if (cause)
				goto trap;
			break;
		case OPC_MISC_MEM:
			/* fence, fence.i: one hart, no instruction cache to sync */
			if (f3 > 1)
				goto illegal;
			break;
		case OPC_SYSTEM:
			if (f3 == 0) {
				if (insn == RV_ECALL) {
					cause = CAUSE_USER_ECALL;
					tval = 0;
					goto trap;
				}
				if (insn == RV_EBREAK) {
					cause = CAUSE_BREAKPOINT;
					tval = pc;
					goto trap;
				}
				goto illegal;
			}
			if (!csr_read(c, insn, n, &val))
				goto illegal;
			x[rd] = val;
			break;
		default:
			goto illegal;
		}
		x[0] = 0;
		pc = npc;
		n++;
		continue;

	illegal:
		if (code_host == zero_page && code_va == CODE_NONE && raw == 0) {
			/* served by the empty fetch cache: fetch for real */
			cached_fetches--;
			goto refetch;
		}
		cause = CAUSE_ILLEGAL_INSN;
		tval = raw;
		goto trap;
	}
trap:
	x[0] = 0;
	c->pc = pc;
	c->instret += n;
	m->stats.tlb_hits += fast_hits;       /* never filled in Bare mode */
	if (SATP_MODE(m->satp) != SATP_MODE_BARE)
		m->stats.tlb_hits += cached_fetches;
	return (struct trap){ cause, tval, pc };
}
