/*
 * cpu_fast.c - the "fast" engine: the same RV64GC user-mode machine as the
 * interpreter (cpu.c, the reference), executing translated basic blocks of
 * threaded code.  See docs/hardware.md, "Execution engines".
 *
 * A block is the straight-line code from one pc up to and including the
 * first control transfer (branch, jal, jalr), trap-raising instruction
 * (ecall, ebreak, an illegal encoding) or AMO, never crossing a 4 KiB page
 * and at most FB_MAX_BYTES long.  Translating it decodes every instruction
 * once (cpu_decode) into a struct fop whose first word is the address of
 * its handler, so executing a block is one indirect jump per instruction
 * and no fetch, no re-check of the bits, no budget test.
 *
 * Never stale.  A block is found by the host address of its first byte
 * (code is physical: two mappings of one frame share blocks) and is used
 * only if the bytes it was translated from still equal the bytes in RAM
 * (compared eight at a time at each block entry).  Its operations depend on
 * nothing else: pc-relative values are computed from the pc at run time.
 * So no writer of code - a user store, the kernel loading an ELF into a
 * reused frame, a copy-on-write copy, swap-in - can make it run old code,
 * and fence.i, munmap, mprotect and exec need no hook.  A store that hits the
 * block being executed ends it after that store (the next block entry
 * compares the bytes again), so even code that rewrites its own next
 * instruction sees the new bits, as on the interpreter.
 *
 * Exact counts.  Each block entry is one instruction-fetch translation: if
 * pc's page is not the page of the last fetch, a real TLB lookup (counted
 * by the MMU: hit, or miss and walk); every other instruction fetch is
 * counted as a TLB hit, as the interpreter counts its fetch cache, and the
 * same rule keeps that cache a subset of the TLB: it is dropped after every
 * out-of-line data access (the only place the TLB can evict inside a run),
 * and the block ends there.  Loads and stores use the same fast cache and
 * slow paths as the interpreter.  Instructions and fetch hits are charged
 * per block at its entry and the unexecuted rest is given back when a block
 * leaves early (a trap, a slow access, a self-modifying store).  A block
 * runs only if the budget covers it whole; otherwise the interpreter runs the
 * rest of the slice, so a slice ends exactly where the interpreter's would.
 * The interpreter also runs the one instruction no block can hold: a 32-bit
 * instruction that straddles two pages.
 *
 * The code cache: translated blocks live in one host arena of
 * FB_ARENA_BYTES, found through a direct-mapped table of FB_TABLE entries
 * keyed by host address.  When the arena is full, everything is dropped at
 * once and translation starts over (blocks are cheap to rebuild).  If the
 * host refuses the memory, cpu_run falls back to the interpreter.
 */
#include "cpu_internal.h"
#include "cpu_alu.h"
#include "cpu_encode.h"

#include <stdlib.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* The default engine: the JIT where it exists (x86-64 Linux), else this one. */
#if defined(__x86_64__) && defined(__linux__) && !defined(VMOS_NO_JIT)
enum cpu_engine cpu_engine = CPU_ENGINE_JIT;
#else
enum cpu_engine cpu_engine = CPU_ENGINE_FAST;
#endif

#define FB_MAX_BYTES 248               /* op offsets fit in a byte */
#define FB_TABLE     (1u << 16)        /* power of two */
#define FB_ARENA_BYTES (32u << 20)

#define CODE_NONE 0x8000000000000000ULL

/* One translated instruction (24 bytes). */
struct fop {
	const void *h;       /* handler label */
	struct fblock *link; /* the block this op last jumped to (see CHAIN) */
	int32_t imm;         /* immediate; AUIPC: off + imm; ILLEGAL: tval */
	uint8_t rd, rs1, rs2;
	uint8_t off;         /* byte offset of the instruction in its block */
};

struct fblock {
	const uint8_t *host; /* host address of the first byte */
	uint16_t n;          /* instructions */
	uint16_t len;        /* bytes */
	uint32_t epoch;      /* fb_epoch when its bytes were last compared */
	struct fop ops[];    /* n + 1: the last is END, off = len; then the bytes */
};

static struct fblock **fb_table;
static uint8_t *fb_arena;
static size_t fb_used;
static uint64_t fb_flushes;
/* Bumped at every cpu_run and whenever code may have been written inside
 * one (a store or AMO through the out-of-line path, an interpreter step):
 * a block whose epoch differs compares its bytes again. */
static uint32_t fb_epoch;
static struct fblock fb_none;  /* an unfilled link: its host matches no code */
static struct ram *fb_ram;     /* the RAM whose code map the cache follows */
static struct mmu *fb_mmu;     /* the MMU of the last run */

uint64_t cpu_fast_flushes(void)
{
	return fb_flushes;
}

static inline size_t fb_index(const uint8_t *h)
{
	uintptr_t a = (uintptr_t)h;
	return (size_t)((a >> 1) ^ (a >> 13)) & (FB_TABLE - 1);
}

static inline const uint8_t *fb_bytes(const struct fblock *b)
{
	return (const uint8_t *)&b->ops[b->n + 1];
}

static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Do the bytes at h still equal the ones b was translated from?  Reads
 * only [h, h + len), which lies in one page. */
static inline bool fb_valid(const struct fblock *b, const uint8_t *h)
{
	const uint8_t *r = fb_bytes(b);
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

static bool fb_ready(void)
{
	if (fb_table)
		return true;
	fb_table = calloc(FB_TABLE, sizeof *fb_table);
	fb_arena = malloc(FB_ARENA_BYTES);
	if (!fb_table || !fb_arena) {
		free(fb_table);
		free(fb_arena);
		fb_table = NULL;
		fb_arena = NULL;
		return false;
	}
	fb_used = 0;
	return true;
}

/* Drops every block (the RAM's code map is cleared by the caller). */
static void fb_drop_all(void)
{
	memset(fb_table, 0, FB_TABLE * sizeof *fb_table);
	fb_used = 0;
	fb_flushes++;
}

/* Set by cpu_fast_flush: the code map of the next run's RAM is cleared
 * then (no RAM is at hand here, and the last one may be gone). */
static bool fb_map_stale;

void cpu_fast_flush(void)
{
	if (!fb_table)
		return;
	fb_drop_all();
	fb_map_stale = true;
}

static bool is_branch(unsigned op)
{
	return op == CPU_OP_BEQ || op == CPU_OP_BNE || op == CPU_OP_BLT || op == CPU_OP_BGE ||
	       op == CPU_OP_BLTU || op == CPU_OP_BGEU;
}

static bool ends_block(unsigned op)
{
	switch (op) {
	case CPU_OP_JAL: case CPU_OP_JALR:
	case CPU_OP_ECALL: case CPU_OP_EBREAK: case CPU_OP_ILLEGAL: case CPU_OP_AMO:
		return true;
	default:
		return false;
	}
}

/* Translates the block whose first byte is h, at offset off of its page.
 * Returns NULL if its first instruction straddles the page's end. */
static struct fblock *fb_translate(struct mmu *m, const uint8_t *h, unsigned off,
				   const void *const *labels, const void *end_label)
{
	struct fop ops[FB_MAX_BYTES / 2 + 1];
	unsigned n = 0, len = 0;
	for (;;) {
		unsigned pos = off + len;
		if (pos > PGSIZE - 2 || len + 4 > FB_MAX_BYTES)
			break;
		uint32_t w = ld16(h + len);
		if ((w & 3) == 3) {
			if (pos > PGSIZE - 4)
				break;           /* straddles: the interpreter runs it */
			w = ld32(h + len);
		}
		struct cpu_slot s;
		cpu_decode(&s, w);
		struct fop *o = &ops[n++];
		o->h = labels[s.op];
		o->link = &fb_none;
		o->imm = s.imm;
		o->rd = s.rd;
		o->rs1 = s.rs1;
		o->rs2 = s.rs2;
		o->off = (uint8_t)len;
		if (is_branch(s.op))
			o->rd = 0;           /* set below: the ops after it */
		if (s.op == CPU_OP_AUIPC)
			o->imm = (int32_t)((int64_t)s.imm + len);
		else if (s.op == CPU_OP_ILLEGAL)
			o->imm = (int32_t)(s.len == 4 ? w : (w & 0xffff));
		len += s.len;
		if (ends_block(s.op))
			break;
	}
	if (n == 0)
		return NULL;
	struct ram *ram = m->ram;
	if ((uintptr_t)(h - ram->mem) < ram->size) {
		size_t frame = (size_t)(h - ram->mem) >> PGSHIFT;
		if (!ram->code[frame]) {
			/* from now on stores to the frame miss the fast cache:
			 * drop the entries that may already point at it */
			ram->code[frame] = 1;
			mmu_fast_flush(m);
		}
	}
	ops[n] = (struct fop){ .h = end_label, .link = &fb_none, .off = (uint8_t)len };
	for (unsigned i = 0; i < n; i++)
		if (ops[i].h == labels[CPU_OP_BEQ] || ops[i].h == labels[CPU_OP_BNE] ||
		    ops[i].h == labels[CPU_OP_BLT] || ops[i].h == labels[CPU_OP_BGE] ||
		    ops[i].h == labels[CPU_OP_BLTU] || ops[i].h == labels[CPU_OP_BGEU])
			ops[i].rd = (uint8_t)(n - i - 1);
	size_t size = sizeof(struct fblock) + (n + 1) * sizeof(struct fop) + ((len + 7) & ~7u);
	if (fb_used + size > FB_ARENA_BYTES) {
		fb_drop_all();
		memset(ram->code, 0, ram->size >> PGSHIFT);
		ram->code[(size_t)(h - ram->mem) >> PGSHIFT] = 1;
	}
	struct fblock *b = (struct fblock *)(fb_arena + fb_used);
	fb_used += size;
	b->host = h;
	b->n = (uint16_t)n;
	b->len = (uint16_t)len;
	b->epoch = fb_epoch;
	memcpy(b->ops, ops, (n + 1) * sizeof(struct fop));
	memcpy((uint8_t *)fb_bytes(b), h, len);
	fb_table[fb_index(h)] = b;
	return b;
}

/* ---- execution ---------------------------------------------------------- */

#define NEXT() do { op++; goto *op->h; } while (0)

#define ALU(name, expr) op_##name: x[op->rd] = (expr); NEXT();

#define LOAD_VAL(T, size, WRITE_BACK)                                          \
	do {                                                                   \
		uint64_t va_ = x[op->rs1] + (uint64_t)(int64_t)op->imm, val_;  \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_LOAD, va_, size);         \
		bool slow_ = false;                                            \
		if (likely(h_)) {                                              \
			T t_;                                                  \
			memcpy(&t_, h_, size);                                 \
			val_ = (uint64_t)t_;                                   \
			dhits++;                                               \
		} else {                                                       \
			uint64_t raw_, tv_;                                    \
			cause = (uint64_t)cpu_load_slow(m, va_, size, &raw_, &tv_); \
			if (cause) {                                           \
				tval = tv_;                                    \
				goto trap_op;                                  \
			}                                                      \
			T t_;                                                  \
			memcpy(&t_, &raw_, size);                              \
			val_ = (uint64_t)t_;                                   \
			slow_ = true;                                          \
		}                                                              \
		WRITE_BACK;                                                    \
		if (unlikely(slow_))                                           \
			goto exit_slow;                                        \
	} while (0)

#define LOAD_AS(T, size) LOAD_VAL(T, size, (x[op->rd] = val_, x[0] = 0))

#define STORE_FROM(size, SRC)                                                  \
	do {                                                                   \
		uint64_t va_ = x[op->rs1] + (uint64_t)(int64_t)op->imm, v_ = (SRC); \
		uint8_t *h_ = mmu_fast_lookup(m, ACC_STORE, va_, size);        \
		if (likely(h_)) {                                              \
			memcpy(h_, &v_, size);                                 \
			dhits++;                                               \
		} else {                                                       \
			uint64_t tv_;                                          \
			bool code_;                                            \
			cause = (uint64_t)cpu_store_slow_code(m, va_, size, v_, &tv_, &code_); \
			if (cause) {                                           \
				tval = tv_;                                    \
				goto trap_op;                                  \
			}                                                      \
			if (code_)                                             \
				goto exit_store;                               \
			goto exit_slow;                                        \
		}                                                              \
	} while (0)

#define STORE_AS(size) STORE_FROM(size, x[op->rs2])

/* Go on at target: straight into the block op last jumped to if it is
 * still the block at target's host address and was checked in this epoch
 * and the budget covers it (a chained jump: no hash, no table), else
 * through next_block, which fills op's link.  Links only ever point at
 * blocks made since the last flush of the code cache (the running block is
 * one, and links are filled after it was made), so they never dangle. */
#define CHAIN(target)                                                          \
	do {                                                                   \
		pc = (target);                                                 \
		uint64_t off_ = pc - code_va;                                  \
		struct fblock *nb_ = op->link;                                 \
		if (likely(off_ <= PGSIZE - 2 &&                               \
			   nb_->host == code_host + off_ && nb_->epoch == epoch && \
			   nb_->n <= left)) {                                  \
			b = nb_;                                               \
			left -= b->n;                                          \
			blen = b->len;                                         \
			op = b->ops;                                           \
			goto *op->h;                                           \
		}                                                              \
		patch = &op->link;                                             \
		goto next_block;                                               \
	} while (0)

/* A conditional branch does not end its block (a superblock): not taken,
 * the next op runs; taken, the block's rest is given back. */
#define BRANCH(name, cond)                                                     \
	op_##name:                                                             \
	if (cond) {                                                            \
		left += op->rd;       /* a branch's rd: the ops after it */     \
		CHAIN(pc + op->off + (uint64_t)(int64_t)op->imm);              \
	}                                                                      \
	NEXT();

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-crossjumping", "no-gcse")))
#endif
static struct trap run_fast(struct cpu *c, uint64_t budget)
{
#define CPU_OP_LABEL(name) [CPU_OP_##name] = &&op_##name,
	static const void *const labels[CPU_OP_COUNT] = { CPU_OPS(CPU_OP_LABEL) };
#undef CPU_OP_LABEL
	struct mmu *m = c->mmu;
	uint64_t *x = c->x;
	const bool bare = SATP_MODE(m->satp) == SATP_MODE_BARE;
	/* budget - left: instructions retired (or charged) since the last
	 * commit, each one fetch; looks: the fetches among them (and the one
	 * of a block handed to the interpreter) that were real TLB lookups,
	 * the rest are fetch-cache hits; trapped: the trapping instruction
	 * was fetched too;
	 * dhits: data accesses served by the fast cache. */
	uint64_t pc = c->pc, left = budget, looks = 0, trapped = 0, dhits = 0;
	uint64_t code_va = CODE_NONE;
	const uint8_t *code_host = NULL;
	const uint8_t *bhost = NULL;
	uintptr_t blen = 0;
	struct fblock *b = NULL;
	struct fop *op = NULL;
	struct fblock **patch = NULL;  /* a link to fill at the next block */
	uint64_t cause = 0, tval = 0;

	x[0] = 0;
	uint32_t epoch = ++fb_epoch;  /* the kernel may have written code since the last run */
	if (unlikely(!m->ram->code || m->ram != fb_ram || m != fb_mmu || fb_map_stale)) {
		if (!m->ram->code) {
			/* a new RAM (perhaps at an old one's address) */
			m->ram->code = calloc(m->ram->size >> PGSHIFT, 1);
			if (!m->ram->code)
				return cpu_run_interp(c, budget);
			fb_ram = NULL;
		}
		if (m->ram != fb_ram) {
			fb_ram = m->ram;
			fb_drop_all();           /* blocks of another RAM */
			fb_map_stale = true;
		}
		if (fb_map_stale) {
			memset(m->ram->code, 0, m->ram->size >> PGSHIFT);
			fb_map_stale = false;
		}
		fb_mmu = m;
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
		}
		bhost = code_host + off;
		b = fb_table[fb_index(bhost)];
		if (unlikely(!b || b->host != bhost || b->epoch != epoch)) {
			if (b && b->host == bhost && fb_valid(b, bhost)) {
				b->epoch = fb_epoch;
			} else {
				uint64_t fl = fb_flushes;
				b = fb_translate(m, bhost, (unsigned)off, labels, &&op_END);
				if (fl != fb_flushes)
					patch = NULL;   /* the arena was reused */
				if (!b)
					goto step;  /* a 32-bit instruction across pages */
			}
		}
		if (patch) {
			*patch = b;
			patch = NULL;
		}
		if (unlikely(b->n > left))
			goto step;              /* the slice ends inside b */
		left -= b->n;
		blen = b->len;
		op = b->ops;
		goto *op->h;
	}

step: {
	/* The interpreter runs 1 instruction, or the rest of the slice.  It
	 * fetches pc again: that lookup hits (we just translated the page), so
	 * the one counted above is taken back. */
	patch = NULL;
	uint64_t k = b ? left : 1;
	if (!b || b->n <= left)
		k = 1;
	c->instret += budget - left;
	m->stats.tlb_hits += dhits + (bare ? 0 : (budget - left) - looks);
	budget = left;
	looks = dhits = 0;
	c->pc = pc;
	uint64_t before = c->instret;
	struct trap t = cpu_run_interp(c, k);
	epoch = ++fb_epoch;  /* it may have stored into code */
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

op_END:
	CHAIN(pc + blen);

op_DECODE:           /* never translated */
op_ILLEGAL:
	cause = CAUSE_ILLEGAL_INSN;
	tval = (uint64_t)(uint32_t)op->imm;
	goto trap_op;

op_NOP:
	NEXT();

#define RS1 x[op->rs1]
#define RS2 x[op->rs2]
#define IMM ((int64_t)op->imm)
#define PC pc
	CPU_ALU_OPS(ALU)
#undef RS1
#undef RS2
#undef IMM
#undef PC

op_JAL:
	x[op->rd] = pc + blen;
	x[0] = 0;
	CHAIN(pc + op->off + (uint64_t)(int64_t)op->imm);

op_JALR: {
	uint64_t target = (x[op->rs1] + (uint64_t)(int64_t)op->imm) & ~1ULL;
	x[op->rd] = pc + blen;
	x[0] = 0;
	CHAIN(target);
}

#define RS1 x[op->rs1]
#define RS2 x[op->rs2]
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

op_FLW: LOAD_VAL(uint32_t, 4, (c->f[op->rd] = val_ | 0xffffffff00000000ULL,
			       c->fs = CPU_FS_DIRTY)); NEXT();
op_FLD: LOAD_VAL(uint64_t, 8, (c->f[op->rd] = val_, c->fs = CPU_FS_DIRTY)); NEXT();
op_FSW: STORE_FROM(4, c->f[op->rs2]); NEXT();
op_FSD: STORE_FROM(8, c->f[op->rs2]); NEXT();

op_FP:
	if (cpu_exec_fp(c, (uint32_t)op->imm)) {
		cause = CAUSE_ILLEGAL_INSN;
		tval = (uint64_t)(uint32_t)op->imm;
		goto trap_op;
	}
	NEXT();

op_CSR_FP:
	if (cpu_exec_csr_fp(c, (uint32_t)op->imm)) {
		cause = CAUSE_ILLEGAL_INSN;
		tval = (uint64_t)(uint32_t)op->imm;
		goto trap_op;
	}
	NEXT();

op_AMO: {
	uint64_t tv;
	cause = (uint64_t)cpu_exec_amo(c, (uint32_t)op->imm, &tv);
	if (cause) {
		tval = tv;
		goto trap_op_slow;
	}
	goto exit_store;
}

op_CSR_COUNT:
	/* instructions retired before this one: charged minus the block's
	 * rest from this instruction on */
	x[op->rd] = c->instret + (budget - left) - (b->n - (uint64_t)(op - b->ops));
	NEXT();

op_CSR_TIME:
	x[op->rd] = cpu_read_time(c);
	NEXT();

op_ECALL:
	cause = CAUSE_USER_ECALL;
	tval = 0;
	goto trap_op;

op_EBREAK:
	cause = CAUSE_BREAKPOINT;
	tval = pc + op->off;
	goto trap_op;

exit_store:
	/* a store into a frame holding translated code (stores to such
	 * frames always miss the fast cache), or an AMO: compare bytes again */
	epoch = ++fb_epoch;
exit_slow:
	/* an out-of-line access may have evicted the code page from the TLB:
	 * the next fetch translates for real, as in the interpreter */
	code_va = CODE_NONE;
	code_host = NULL;
{
	/* op retired; the rest of the block did not run */
	uint64_t rest = b->n - (uint64_t)(op - b->ops) - 1;
	left += rest;
	pc += op[1].off;
	goto next_block;
}

trap_op_slow:
	code_va = CODE_NONE;
trap_op: {
	/* op was fetched but did not retire */
	uint64_t i = (uint64_t)(op - b->ops);
	left += b->n - i;
	trapped = 1;
	pc += op->off;
	goto out;
}

out:
	x[0] = 0;
	c->pc = pc;
	c->instret += budget - left;
	m->stats.tlb_hits += dhits + (bare ? 0 : (budget - left) + trapped - looks);
	return (struct trap){ cause, tval, pc };
}

struct trap cpu_run_fast(struct cpu *c, uint64_t budget)
{
	if (fb_ready())
		return run_fast(c, budget);
	return cpu_run_interp(c, budget);
}

struct trap cpu_run(struct cpu *c, uint64_t budget)
{
	switch (cpu_engine) {
	case CPU_ENGINE_FAST: return cpu_run_fast(c, budget);
	case CPU_ENGINE_JIT:  return cpu_run_jit(c, budget);
	default:              return cpu_run_interp(c, budget);
	}
}
