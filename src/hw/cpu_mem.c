/*
 * cpu_mem.c - the interpreter's out-of-line memory paths: loads and stores
 * the fast cache could not satisfy (a fast-cache miss, a TLB miss, or a
 * misaligned access, which is emulated), instruction fetch on a page change,
 * and the A extension (RISC-V unprivileged spec, chapter "A": LR/SC and
 * AMOs; they must be naturally aligned, else they trap).
 */
#include "cpu_internal.h"
#include "cpu_encode.h"

/* Host address of va for acc, through the fast cache or the full MMU path. */
static int host_of(struct mmu *m, uint64_t va, enum mmu_access acc, unsigned size,
		   uint8_t **host)
{
	uint8_t *h = mmu_fast_host(m, acc, va, size);
	if (h) {
		*host = h;
		return 0;
	}
	return mmu_translate_host(m, va, acc, host);
}

/* Translates the (one or two) pages of [va, va+size) for acc: *n1 bytes at
 * h[0], the rest at h[1]. */
static int span_of(struct mmu *m, uint64_t va, unsigned size, enum mmu_access acc,
		   uint8_t *h[2], unsigned *n1, uint64_t *tval)
{
	unsigned room = (unsigned)(PGSIZE - (va & PGMASK));
	*n1 = size <= room ? size : room;
	int cause = host_of(m, va, acc, 1, &h[0]);
	if (cause) {
		*tval = va;
		return cause;
	}
	if (*n1 < size) {
		uint64_t next = PGROUNDDOWN(va) + PGSIZE;
		cause = host_of(m, next, acc, 1, &h[1]);
		if (cause) {
			*tval = next;
			return cause;
		}
	}
	return 0;
}

int cpu_load_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t *val, uint64_t *tval)
{
	uint8_t *h[2];
	unsigned n1;
	int cause = span_of(m, va, size, ACC_LOAD, h, &n1, tval);
	if (cause)
		return cause;
	uint8_t buf[8] = { 0 };
	memcpy(buf, h[0], n1);
	if (n1 < size)
		memcpy(buf + n1, h[1], size - n1);
	uint64_t v;
	memcpy(&v, buf, 8);          /* little-endian host */
	*val = v;
	return 0;
}

static bool code_frame(const struct ram *ram, const uint8_t *h)
{
	return ram->code && (uintptr_t)(h - ram->mem) < ram->size &&
	       ram->code[(size_t)(h - ram->mem) >> PGSHIFT];
}

int cpu_store_slow_code(struct mmu *m, uint64_t va, unsigned size, uint64_t val,
			uint64_t *tval, bool *code)
{
	uint8_t *h[2];
	unsigned n1;
	int cause = span_of(m, va, size, ACC_STORE, h, &n1, tval);
	if (cause)
		return cause;
	*code = code_frame(m->ram, h[0]) || (n1 < size && code_frame(m->ram, h[1]));
	uint8_t buf[8];
	memcpy(buf, &val, 8);
	memcpy(h[0], buf, n1);
	if (n1 < size)
		memcpy(h[1], buf + n1, size - n1);
	return 0;
}

int cpu_store_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t val, uint64_t *tval)
{
	uint8_t *h[2];
	unsigned n1;
	int cause = span_of(m, va, size, ACC_STORE, h, &n1, tval);
	if (cause)
		return cause;
	uint8_t buf[8];
	memcpy(buf, &val, 8);
	memcpy(h[0], buf, n1);
	if (n1 < size)
		memcpy(h[1], buf + n1, size - n1);
	return 0;
}

int cpu_fetch_slow(struct mmu *m, uint64_t pc, uint32_t *insn, uint64_t *page_va,
		   const uint8_t **page_host, uint64_t *tval)
{
	uint8_t *h;
	int cause = host_of(m, pc, ACC_FETCH, 1, &h);
	if (cause) {
		*tval = pc;
		return cause;
	}
	uint64_t off = pc & PGMASK;
	*page_va = pc - off;
	*page_host = h - off;
	if (off <= PGSIZE - 4) {
		memcpy(insn, h, 4);
		return 0;
	}
	uint16_t lo;
	memcpy(&lo, h, 2);
	if ((lo & 3) != 3) {         /* a compressed instruction ends the page */
		*insn = lo;
		return 0;
	}
	uint8_t *h2;
	cause = host_of(m, pc + 2, ACC_FETCH, 1, &h2);
	if (cause) {
		*tval = pc + 2;
		return cause;
	}
	uint16_t hi;
	memcpy(&hi, h2, 2);
	*insn = (uint32_t)hi << 16 | lo;
	return 0;
}

/* The new memory value of an AMO (funct5 = op) on width-bit data. */
static uint64_t amo_value(unsigned op, uint64_t mem, uint64_t src, bool word)
{
	int64_t sm = word ? (int32_t)mem : (int64_t)mem;
	int64_t ss = word ? (int32_t)src : (int64_t)src;
	uint64_t um = word ? (uint32_t)mem : mem, us = word ? (uint32_t)src : src;
	switch (op) {
	case 0x01: return src;                         /* AMOSWAP */
	case 0x00: return mem + src;                   /* AMOADD */
	case 0x04: return mem ^ src;                   /* AMOXOR */
	case 0x0c: return mem & src;                   /* AMOAND */
	case 0x08: return mem | src;                   /* AMOOR */
	case 0x10: return sm < ss ? mem : src;         /* AMOMIN */
	case 0x14: return sm > ss ? mem : src;         /* AMOMAX */
	case 0x18: return um < us ? mem : src;         /* AMOMINU */
	default:   return um > us ? mem : src;         /* AMOMAXU (0x1c) */
	}
}

static bool amo_op_valid(unsigned op)
{
	switch (op) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x08:
	case 0x0c: case 0x10: case 0x14: case 0x18: case 0x1c:
		return true;
	default:
		return false;
	}
}

int cpu_exec_amo(struct cpu *c, uint32_t insn, uint64_t *tval)
{
	unsigned f3 = (insn >> 12) & 7, op = insn >> 27;
	unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	if ((f3 != 2 && f3 != 3) || !amo_op_valid(op) || (op == 0x02 && rs2 != 0)) {
		*tval = insn;
		return CAUSE_ILLEGAL_INSN;
	}
	bool word = f3 == 2;
	unsigned size = word ? 4 : 8;
	uint64_t va = c->x[rs1];
	if (va & (size - 1)) {
		*tval = va;
		return op == 0x02 ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE;
	}
	uint8_t *h;
	int cause;
	uint64_t mem = 0, result;
	if (op == 0x02) {                              /* LR */
		cause = host_of(c->mmu, va, ACC_LOAD, size, &h);
		if (cause) {
			*tval = va;
			return cause;
		}
		memcpy(&mem, h, size);
		c->res_valid = true;
		c->res_addr = va;
		result = mem;
	} else if (op == 0x03) {                       /* SC */
		if (!c->res_valid || c->res_addr != va) {
			c->res_valid = false;
			result = 1;
		} else {
			cause = host_of(c->mmu, va, ACC_STORE, size, &h);
			if (cause) {
				*tval = va;
				return cause;
			}
			memcpy(h, &c->x[rs2], size);
			c->res_valid = false;
			result = 0;
		}
		if (rd)
			c->x[rd] = result;
		return 0;
	} else {                                       /* AMO*: read-modify-write */
		cause = host_of(c->mmu, va, ACC_STORE, size, &h);
		if (cause) {
			*tval = va;
			return cause;
		}
		memcpy(&mem, h, size);
		uint64_t nv = amo_value(op, mem, c->x[rs2], word);
		memcpy(h, &nv, size);
		result = mem;
	}
	if (rd)
		c->x[rd] = word ? (uint64_t)(int64_t)(int32_t)result : result;
	return 0;
}
