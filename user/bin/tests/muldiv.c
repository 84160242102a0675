/*
 * muldiv - the M extension's multiplies and divides over edge values and
 * 20000 pseudo-random operand pairs.  High products (mulh, mulhu, mulhsu)
 * are checked against a schoolbook 32-bit-limb multiplication; quotient and
 * remainder against the identity a = q*b + r with |r| < |b| and r carrying
 * a's sign.  A checksum of every result is printed so two machines can be
 * compared bit for bit.
 */
#include "check.h"

#define RR(op) \
	static uint64_t op##_(uint64_t a, uint64_t b) \
	{ uint64_t r; __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
RR(mul) RR(mulh) RR(mulhu) RR(mulhsu) RR(mulw) RR(div) RR(divu) RR(rem) RR(remu)

/* mulhu_soft: high 64 bits of the unsigned 128-bit product, in 32-bit limbs. */
static uint64_t mulhu_soft(uint64_t a, uint64_t b)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Signed high products follow from the unsigned one: for a < 0 the
 * signed value is a - 2^64, which subtracts b from the high half. */
static uint64_t mulh_soft(uint64_t a, uint64_t b)
{
	uint64_t h = mulhu_soft(a, b);

	if ((int64_t)a < 0)
		h -= b;
	if ((int64_t)b < 0)
		h -= a;
	return h;
}

static uint64_t mulhsu_soft(uint64_t a, uint64_t b)
{
	uint64_t h = mulhu_soft(a, b);

	if ((int64_t)a < 0)
		h -= b;
	return h;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* next: xorshift64* (Vigna), with occasional small and extreme values so
 * the edge cases are well represented. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	uint64_t v = rng * 2685821657736338717ULL;
	switch (v & 7) {
	case 0: return v >> 60;				/* small */
	case 1: return (uint64_t)-(int64_t)(v >> 60);	/* small negative */
	case 2: return (v & 8) ? 0x8000000000000000ULL : 0x7fffffffffffffffULL;
	default: return v;
	}
}

int main(void)
{
	const uint64_t MIN = 0x8000000000000000ULL, MAX = 0x7fffffffffffffffULL;

	check_u64("mul -1*-1", mul_(-1, -1), 1);
	check_u64("mul MIN*-1", mul_(MIN, -1), MIN);
	check_u64("mulh -1*-1", mulh_(-1, -1), 0);
	check_u64("mulh MIN*MIN", mulh_(MIN, MIN), 0x4000000000000000ULL);
	check_u64("mulh MIN*MAX", mulh_(MIN, MAX), 0xc000000000000000ULL);
	check_u64("mulh -1*1", mulh_(-1, 1), -1ULL);
	check_u64("mulhu -1*-1", mulhu_(-1, -1), 0xfffffffffffffffeULL);
	check_u64("mulhu 2^32*2^32", mulhu_(1ULL << 32, 1ULL << 32), 1);
	check_u64("mulhsu -1*-1", mulhsu_(-1, -1), -1ULL);
	check_u64("mulhsu 1*-1", mulhsu_(1, -1), 0);
	check_u64("mulhsu MIN*2", mulhsu_(MIN, 2), -1ULL);
	check_u64("mulw 0x10000*0x10000", mulw_(0x10000, 0x10000), 0);
	check_u64("mulw 0x8000*0x10000", mulw_(0x8000, 0x10000), 0xffffffff80000000ULL);
	check_u64("mulw ignores high bits", mulw_(0x500000003ULL, 0x700000005ULL), 15);

	int bad_mul = 0, bad_div = 0;
	uint64_t sum = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t a = next(), b = next();
		uint64_t lo = mul_(a, b), h = mulh_(a, b), hu = mulhu_(a, b), hsu = mulhsu_(a, b);
		if (lo != a * b || h != mulh_soft(a, b) || hu != mulhu_soft(a, b) || hsu != mulhsu_soft(a, b)) {
			if (bad_mul++ < 5)
				printf("FAIL mul %llx*%llx\n", (unsigned long long)a, (unsigned long long)b);
		}
		uint64_t q = div_(a, b), r = rem_(a, b), qu = divu_(a, b), ru = remu_(a, b);
		int ok = 1;
		if (b == 0) {
			ok = q == -1ULL && r == a && qu == -1ULL && ru == a;
		} else {
			int64_t sa = (int64_t)a, sb = (int64_t)b, sq = (int64_t)q, sr = (int64_t)r;
			uint64_t absr = sr < 0 ? -(uint64_t)sr : (uint64_t)sr;
			uint64_t absb = sb < 0 ? -(uint64_t)sb : (uint64_t)sb;
			ok = (uint64_t)sq * (uint64_t)sb + (uint64_t)sr == (uint64_t)sa && absr < absb &&
			     (sr == 0 || (sr < 0) == (sa < 0)) && qu * b + ru == a && ru < b;
		}
		if (!ok && bad_div++ < 5)
			printf("FAIL div %llx/%llx\n", (unsigned long long)a, (unsigned long long)b);
		sum = (sum ^ lo ^ h ^ hu ^ hsu ^ q ^ r ^ qu ^ ru) * 0x100000001b3ULL;
	}
	check_u64("random mul mismatches", bad_mul, 0);
	check_u64("random div mismatches", bad_div, 0);
	printf("checksum 0x%016llx\n", (unsigned long long)sum);
	return check_done("muldiv");
}
