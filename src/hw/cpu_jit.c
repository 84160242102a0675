/*
 * cpu_jit.c - the "jit" engine: the same RV64GC user-mode machine as the
 * interpreter (cpu.c, the reference), running superblocks translated to
 * x86-64 machine code (x86-64 hosts only; elsewhere `--engine jit` runs the
 * fast engine).  See docs/hardware.md, "Execution engines".  This file is
 * the code cache and the dispatcher; cpu_jit_emit.c the translator.
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
 *           line on a miss; F/D arithmetic, compares, conversions,
 *           sign injection and moves inline (SSE/FMA3 under the guest's
 *           MXCSR, its flags folded into fflags before any call or exit:
 *           cpu_jit_emit.c, "FP"), falling back to cpu_exec_fp for NaN
 *           results, unboxed singles, frm != RNE and the rest; rare
 *           instructions call the interpreter's helpers (cpu_exec_fp,
 *           cpu_exec_amo, the ALU expressions of cpu_alu.h compiled as
 *           functions)
 *   exits:  a taken branch or jal to the same page jumps straight to the
 *           next block's entry once the dispatcher has patched the jump
 *           (chaining); jalr looks its target up in the block table
 *           inline (jit_lookup) if it lies on the same fetch page;
 *           anything else returns to the dispatcher
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

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) && defined(__linux__) && !defined(VMOS_NO_JIT)

#include <sys/mman.h>
#include "cpu_jit_internal.h"
#include "x86_emit.h"           /* x86_bind: patching links */

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

static size_t jit_cache_bytes = JIT_DEFAULT_CACHE;
static uint8_t *jit_arena;            /* NULL until first use; MAP_FAILED: refused */
static size_t jit_arena_bytes;
static size_t jit_used;               /* bytes of the arena in use (stubs included) */
static struct jblock **jit_table;
static jit_enter_fn *jit_enter;
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
	jit_emit_stubs(jit_arena, jit_table, &jit_enter);
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
	uint8_t *end;
	b->entry = jit_emit_block(ins, n, len, off, b,
				  (uint8_t *)b + ((sizeof(struct jblock) + len + 15) & ~(size_t)15), &end);
	if ((size_t)(end - (uint8_t *)b) > need) {
		fprintf(stderr, "cpu_jit: block at %p overran its %zu reserved bytes\n", (void *)h, need);
		abort();
	}
	jit_used = (size_t)(((uintptr_t)end + 15) & ~(uintptr_t)15) - (uintptr_t)jit_arena;
	jit_table[jb_index(h)] = b;
	jst.blocks++;
	jst.guest_insns += n;
	jst.translate_ns += now_ns() - t0;
	return b;
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
	jit_ctx_fp_init(&ctx);

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
