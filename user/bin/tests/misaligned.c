/*
 * misaligned - loads and stores of 2, 4 and 8 bytes at every byte offset,
 * including accesses that straddle a page boundary (two translations for
 * one instruction).  Linux riscv64 makes misaligned accesses work for user
 * programs, in hardware or by trap emulation, so vmos must too.  Each
 * result is compared with the value assembled from single bytes.
 */
#include "check.h"

#define LOAD(op) \
	static uint64_t op##_(const volatile void *p) \
	{ uint64_t r; __asm__ volatile(#op " %0, 0(%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
#define STORE(op) \
	static void op##_(volatile void *p, uint64_t v) \
	{ __asm__ volatile(#op " %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); }
LOAD(lh) LOAD(lhu) LOAD(lw) LOAD(lwu) LOAD(ld) STORE(sh) STORE(sw) STORE(sd)

static unsigned char page[2 * 4096] __attribute__((aligned(4096)));

/* bytes_le: the little-endian value of n bytes at p. */
static uint64_t bytes_le(const volatile unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t sext(uint64_t v, int bytes)
{
	int sh = 64 - 8 * bytes;
	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* run: every access kind at base + 0..7; returns the number of mismatches. */
static int run(volatile unsigned char *base)
{
	int bad = 0;

	for (int off = 0; off < 8; off++) {
		volatile unsigned char *p = base + off;
		for (int i = 0; i < 16; i++)
			base[i] = (unsigned char)(0x81 + 17 * i + off);
		bad += lh_(p) != sext(bytes_le(p, 2), 2);
		bad += lhu_(p) != bytes_le(p, 2);
		bad += lw_(p) != sext(bytes_le(p, 4), 4);
		bad += lwu_(p) != bytes_le(p, 4);
		bad += ld_(p) != bytes_le(p, 8);

		sh_(p, 0xa1b2);
		bad += bytes_le(p, 2) != 0xa1b2 || p[2] != (unsigned char)(0x81 + 17 * (off + 2) + off);
		sw_(p, 0xc3d4e5f6);
		bad += bytes_le(p, 4) != 0xc3d4e5f6 || p[4] != (unsigned char)(0x81 + 17 * (off + 4) + off);
		sd_(p, 0x0123456789abcdefULL);
		bad += bytes_le(p, 8) != 0x0123456789abcdefULL || p[8] != (unsigned char)(0x81 + 17 * (off + 8) + off);
		bad += *(base + off - 1 + 1) != 0xef;
	}
	return bad;
}

int main(void)
{
	check_u64("mismatches within a page", run(page + 64), 0);
	check_u64("mismatches across a page boundary", run(page + 4096 - 8), 0);

	/* A doubleword split 3/5 across the boundary, written and read back. */
	volatile unsigned char *p = page + 4096 - 3;
	sd_(p, 0x1122334455667788ULL);
	check_u64("ld across pages", ld_(p), 0x1122334455667788ULL);
	check_u64("byte before boundary", page[4095], 0x66);
	check_u64("byte after boundary", page[4096], 0x55);
	sw_(page + 4096 - 1, 0xdeadbeef);
	check_u64("lw across pages", lw_(page + 4096 - 1), 0xffffffffdeadbeefULL);
	check_u64("lhu across pages", lhu_(page + 4096 - 1), 0xbeef);
	return check_done("misaligned");
}
