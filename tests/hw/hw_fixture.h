/*
 * hw_fixture.h - a small machine for the hardware tests: 16 MiB of RAM, an
 * MMU and a CPU, a bump allocator of page-table frames, and a page-table
 * builder that writes PTEs straight into RAM (what kernel/pmap does, done
 * by hand so the tests check the hardware against the spec's format).
 *
 *   RAM_BASE + 0x000000  code/data the tests place by physical address
 *   RAM_BASE + 0x800000  page-table and data frames from hw_frame()
 */
#ifndef VMOS_TESTS_HW_FIXTURE_H
#define VMOS_TESTS_HW_FIXTURE_H

#include "test.h"
#include "cpu.h"
#include "cpu_encode.h"

#define HW_RAM_SIZE (16ULL << 20)

struct hw {
	struct ram ram;
	struct mmu mmu;
	struct cpu cpu;
	uint64_t next_frame;
};

static inline void hw_setup(struct hw *h, unsigned tlb_entries, unsigned tlb_ways)
{
	REQUIRE(ram_init(&h->ram, HW_RAM_SIZE) == 0);
	REQUIRE(mmu_init(&h->mmu, &h->ram, tlb_entries, tlb_ways) == 0);
	cpu_init(&h->cpu, &h->mmu);
	h->next_frame = RAM_BASE + 0x800000;
}

static inline void hw_teardown(struct hw *h)
{
	mmu_destroy(&h->mmu);
	ram_destroy(&h->ram);
}

/* A zeroed 4 KiB frame (RAM is zero at start and frames are never reused). */
static inline uint64_t hw_frame(struct hw *h)
{
	uint64_t pa = h->next_frame;
	h->next_frame += PGSIZE;
	REQUIRE(ram_contains(&h->ram, pa, PGSIZE));
	return pa;
}

static inline uint64_t *hw_pte(struct hw *h, uint64_t pte_pa)
{
	return (uint64_t *)ram_ptr(&h->ram, pte_pa);
}

/* PA of the PTE for va at `level` in the table rooted at root, creating
 * non-leaf tables (V only) above it. */
static inline uint64_t hw_pte_pa(struct hw *h, uint64_t root, int levels, uint64_t va, int level)
{
	uint64_t table = root;
	for (int i = levels - 1; i > level; i--) {
		uint64_t *p = hw_pte(h, table + VA_VPN(va, i) * 8);
		if (!(*p & PTE_V))
			*p = PA_TO_PTE(hw_frame(h)) | PTE_V;
		table = PTE_PA(*p);
	}
	return table + VA_VPN(va, level) * 8;
}

/* Maps va -> pa with a leaf at `level` carrying flags (V added). */
static inline void hw_map(struct hw *h, uint64_t root, int levels, uint64_t va, uint64_t pa,
			  uint64_t flags, int level)
{
	*hw_pte(h, hw_pte_pa(h, root, levels, va, level)) = PA_TO_PTE(pa) | flags | PTE_V;
}

#define URWX (PTE_U | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define URW  (PTE_U | PTE_R | PTE_W | PTE_A | PTE_D)
#define URX  (PTE_U | PTE_R | PTE_X | PTE_A)

static inline void hw_put32(struct hw *h, uint64_t pa, uint32_t v)
{
	memcpy(ram_ptr(&h->ram, pa), &v, 4);
}

static inline void hw_put16(struct hw *h, uint64_t pa, uint16_t v)
{
	memcpy(ram_ptr(&h->ram, pa), &v, 2);
}

static inline uint64_t hw_get64(struct hw *h, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, ram_ptr(&h->ram, pa), 8);
	return v;
}

static inline void hw_put64(struct hw *h, uint64_t pa, uint64_t v)
{
	memcpy(ram_ptr(&h->ram, pa), &v, 8);
}

/* Instruction builders for tests (register numbers, immediates). */
#define ADDI(rd, rs, imm)  enc_i(OPC_OP_IMM, rd, 0, rs, imm)
#define ADDIW(rd, rs, imm) enc_i(OPC_OP_IMM_32, rd, 0, rs, imm)
#define LI(rd, imm)        ADDI(rd, 0, imm)
#define R(f7, f3, rd, a, b) enc_r(OPC_OP, rd, f3, a, b, f7)
#define RW(f7, f3, rd, a, b) enc_r(OPC_OP_32, rd, f3, a, b, f7)
#define LOAD(f3, rd, rs, imm) enc_i(OPC_LOAD, rd, f3, rs, imm)
#define STORE(f3, rs2, rs1, imm) enc_s(OPC_STORE, f3, rs1, rs2, imm)
#define AMO(f5, f3, rd, rs1, rs2) enc_r(OPC_AMO, rd, f3, rs1, rs2, (f5) << 2)
#define ECALL RV_ECALL

#endif
