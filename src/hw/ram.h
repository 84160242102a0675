/*
 * ram.h - the machine's physical memory: one contiguous block of host memory
 * that appears at physical address RAM_BASE (0x80000000, as on QEMU's virt
 * board and most RISC-V boards).
 *
 *   PA  RAM_BASE                                    RAM_BASE + size
 *       +---------------------------------------------+
 *       | frame 0 | frame 1 | ...                     |
 *       +---------------------------------------------+
 *   host ram->mem                                    ram->mem + size
 *
 * Everything in the simulated machine - user pages, page tables, the
 * kernel's own objects - lives in this block and is named by its physical
 * address.  ram_ptr() is the only way from a PA to a host pointer.
 */
#ifndef VMOS_HW_RAM_H
#define VMOS_HW_RAM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <assert.h>

#define RAM_BASE 0x80000000ULL
#define RAM_MIN_SIZE (1ULL << 20)
#define RAM_MAX_SIZE (64ULL << 30)
#define RAM_DEFAULT_SIZE (128ULL << 20)

struct ram {
	uint8_t *mem;        /* host address of PA RAM_BASE */
	uint64_t base;       /* RAM_BASE */
	uint64_t size;       /* bytes, a multiple of 4 KiB */
	/* One byte per frame, 1 if the fast engine has translated code from
	 * it (cpu_fast.c): the MMU then keeps no fast store entry for the
	 * frame, so every user store to it takes the out-of-line path, where
	 * the engine notices it.  NULL until the fast engine first runs. */
	uint8_t *code;
};

/* Maps size bytes of zeroed host memory. Returns 0, or -EINVAL for a size
 * that is not a multiple of 4 KiB in [RAM_MIN_SIZE, RAM_MAX_SIZE], or
 * -ENOMEM if the host refuses. */
int ram_init(struct ram *ram, uint64_t size);
void ram_destroy(struct ram *ram);

/* True if [pa, pa+len) lies inside RAM. */
static inline bool ram_contains(const struct ram *ram, uint64_t pa, uint64_t len)
{
	return pa >= ram->base && len <= ram->size && pa - ram->base <= ram->size - len;
}

/* Host pointer for physical address pa.  The caller guarantees pa is in RAM
 * (checked in debug builds). */
static inline void *ram_ptr(const struct ram *ram, uint64_t pa)
{
	assert(ram_contains(ram, pa, 1));
	return ram->mem + (pa - ram->base);
}

/* Physical address of a host pointer into RAM. */
static inline uint64_t ram_pa(const struct ram *ram, const void *p)
{
	assert((const uint8_t *)p >= ram->mem && (const uint8_t *)p < ram->mem + ram->size);
	return ram->base + (uint64_t)((const uint8_t *)p - ram->mem);
}

/* Parses a size such as "128M", "1G", "65536", "4k". Returns 0 and sets *out,
 * or -1 on malformed input or overflow. */
int parse_size(const char *s, uint64_t *out);

#endif
