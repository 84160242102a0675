/*
 * riscv.h - every fact about the RISC-V privileged architecture that vmos
 * relies on: page-table entry bits, satp, and trap causes.  This is the one
 * header that knows the PTE format (shared/STYLE.md); the MMU walker and
 * kernel/pmap are its only users.
 *
 * Sv39 / Sv48 page-table entry (RISC-V privileged spec, 4.4.1 / 4.5.1):
 *
 *   63  62-61 60-54   53 ........................ 10  9-8   7 6 5 4 3 2 1 0
 *  +---+-----+--------+-------------------------------+-----+-+-+-+-+-+-+-+-+
 *  | N | PBMT| rsvd   |            PPN (44 bits)      | RSW |D|A|G|U|X|W|R|V|
 *  +---+-----+--------+-------------------------------+-----+-+-+-+-+-+-+-+-+
 *
 * Virtual address (Sv39): [38:30] VPN[2] [29:21] VPN[1] [20:12] VPN[0] [11:0] offset
 * Virtual address (Sv48): [47:39] VPN[3] then as Sv39.  Bits above the top
 * must equal the top bit (canonical), or the access faults.
 */
#ifndef VMOS_HW_RISCV_H
#define VMOS_HW_RISCV_H

#include <stdint.h>

#define PGSHIFT 12
#define PGSIZE  4096ULL
#define PGMASK  (PGSIZE - 1)
#define PGROUNDDOWN(a) ((uint64_t)(a) & ~PGMASK)
#define PGROUNDUP(a)   (((uint64_t)(a) + PGMASK) & ~PGMASK)

/* PTE bits */
#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_G (1ULL << 5)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_RSW_SHIFT 8            /* two bits free for software */
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  ((1ULL << 44) - 1)
#define PTE_RESERVED_MASK (0x7fULL << 54) /* must be zero (no Svnapot/Svpbmt) */
#define PTE_HIGH_MASK     (0x3ffULL << 54) /* N, PBMT, reserved: all unsupported */

#define PTE_PPN(pte)      (((pte) >> PTE_PPN_SHIFT) & PTE_PPN_MASK)
#define PTE_PA(pte)       (PTE_PPN(pte) << PGSHIFT)
#define PA_TO_PTE(pa)     ((((uint64_t)(pa)) >> PGSHIFT) << PTE_PPN_SHIFT)
#define PTE_FLAGS(pte)    ((pte) & 0x3ffULL)
#define PTE_IS_LEAF(pte)  (((pte) & (PTE_R | PTE_W | PTE_X)) != 0)

#define PT_ENTRIES    512
#define VPN_BITS      9
/* VPN field i (0 = lowest level) of a virtual address */
#define VA_VPN(va, i) (((uint64_t)(va) >> (PGSHIFT + VPN_BITS * (i))) & (PT_ENTRIES - 1))
/* bytes mapped by one leaf at level i: 4 KiB, 2 MiB, 1 GiB, 512 GiB */
#define LEVEL_SIZE(i) (1ULL << (PGSHIFT + VPN_BITS * (i)))

/* satp: MODE[63:60] ASID[59:44] PPN[43:0] */
#define SATP_MODE_BARE 0ULL
#define SATP_MODE_SV39 8ULL
#define SATP_MODE_SV48 9ULL
#define SATP_MODE(s)   ((s) >> 60)
#define SATP_ASID(s)   (((s) >> 44) & 0xffffULL)
#define SATP_PPN(s)    ((s) & PTE_PPN_MASK)
#define MAKE_SATP(mode, asid, root_pa) \
	(((uint64_t)(mode) << 60) | ((uint64_t)(asid) << 44) | ((uint64_t)(root_pa) >> PGSHIFT))

/* Number of page-table levels for a satp mode; 0 for Bare. */
static inline int satp_levels(uint64_t mode)
{
	return mode == SATP_MODE_SV39 ? 3 : mode == SATP_MODE_SV48 ? 4 : 0;
}

/* Exception causes (mcause/scause values, interrupt bit clear) */
#define CAUSE_MISALIGNED_FETCH   0
#define CAUSE_FETCH_ACCESS       1
#define CAUSE_ILLEGAL_INSN       2
#define CAUSE_BREAKPOINT         3
#define CAUSE_MISALIGNED_LOAD    4
#define CAUSE_LOAD_ACCESS        5
#define CAUSE_MISALIGNED_STORE   6
#define CAUSE_STORE_ACCESS       7
#define CAUSE_USER_ECALL         8
#define CAUSE_FETCH_PAGE_FAULT   12
#define CAUSE_LOAD_PAGE_FAULT    13
#define CAUSE_STORE_PAGE_FAULT   15
/* The end of a time slice is delivered as a supervisor timer interrupt. */
#define CAUSE_INTERRUPT          (1ULL << 63)
#define CAUSE_S_TIMER_INTERRUPT  (CAUSE_INTERRUPT | 5)

#endif
