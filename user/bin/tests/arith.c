/*
 * arith - integer instruction edge cases, each forced through inline asm
 * so the compiler cannot fold them: division by zero and signed overflow
 * (RISC-V unprivileged spec, M extension, "Division Operations" table),
 * the W forms' 32-bit results sign-extended to 64 bits, shift amounts
 * masked to 6 (or 5 for W) bits, comparisons, LUI sign extension and
 * load sign/zero extension.
 */
#include "check.h"

#define RR(op) \
	static long op##_(long a, long b) \
	{ long r; __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }

RR(add) RR(sub) RR(addw) RR(subw) RR(sll) RR(srl) RR(sra) RR(sllw) RR(srlw) RR(sraw)
RR(slt) RR(sltu) RR(div) RR(divu) RR(rem) RR(remu) RR(divw) RR(divuw) RR(remw) RR(remuw)

static long lui_80000(void) { long r; __asm__ volatile("lui %0, 0x80000" : "=r"(r)); return r; }
static long addiw_(long a) { long r; __asm__ volatile("addiw %0, %1, 1" : "=r"(r) : "r"(a)); return r; }
static long slti_(long a) { long r; __asm__ volatile("slti %0, %1, -1" : "=r"(r) : "r"(a)); return r; }
static long sltiu_(long a) { long r; __asm__ volatile("sltiu %0, %1, -1" : "=r"(r) : "r"(a)); return r; }
static long srai_(long a) { long r; __asm__ volatile("srai %0, %1, 63" : "=r"(r) : "r"(a)); return r; }
static long sraiw_(long a) { long r; __asm__ volatile("sraiw %0, %1, 31" : "=r"(r) : "r"(a)); return r; }
static long slliw_(long a) { long r; __asm__ volatile("slliw %0, %1, 31" : "=r"(r) : "r"(a)); return r; }

#define LOAD(op) \
	static long op##_(const void *p) \
	{ long r; __asm__ volatile(#op " %0, 0(%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
LOAD(lb) LOAD(lbu) LOAD(lh) LOAD(lhu) LOAD(lw) LOAD(lwu) LOAD(ld)

#define MIN64 ((long)0x8000000000000000ULL)
#define MIN32 ((long)(int)0x80000000U)

int main(void)
{
	/* Division by zero: quotient all ones, remainder the dividend. */
	check_u64("div 7/0", div_(7, 0), -1UL);
	check_u64("divu 7/0", divu_(7, 0), -1UL);
	check_u64("rem 7%0", rem_(7, 0), 7);
	check_u64("rem -7%0", rem_(-7, 0), (uint64_t)-7);
	check_u64("remu 7%0", remu_(7, 0), 7);
	check_u64("divw 7/0", divw_(7, 0), -1UL);
	check_u64("divuw 7/0", divuw_(7, 0), -1UL);
	check_u64("remw 0x180000005%0", remw_(0x180000005L, 0), 0x80000005 | 0xffffffff00000000UL);
	check_u64("remuw 0x180000005%0", remuw_(0x180000005L, 0), 0xffffffff80000005UL);
	/* Signed overflow: MIN / -1 = MIN, MIN % -1 = 0. */
	check_u64("div MIN64/-1", div_(MIN64, -1), (uint64_t)MIN64);
	check_u64("rem MIN64%-1", rem_(MIN64, -1), 0);
	check_u64("divw MIN32/-1", divw_(MIN32, -1), (uint64_t)MIN32);
	check_u64("remw MIN32%-1", remw_(MIN32, -1), 0);
	/* Rounding toward zero, remainder takes the dividend's sign. */
	check_u64("div -7/2", div_(-7, 2), (uint64_t)-3);
	check_u64("rem -7%2", rem_(-7, 2), (uint64_t)-1);
	check_u64("div 7/-2", div_(7, -2), (uint64_t)-3);
	check_u64("rem 7%-2", rem_(7, -2), 1);
	check_u64("divu -1/3", divu_(-1, 3), 0x5555555555555555UL);
	check_u64("remu -1/10", remu_(-1, 10), 5);
	check_u64("divw ignores high bits", divw_(0x7fffffff00000006L, 0x100000003L), 2);
	check_u64("divuw 0xfffffffe/2", divuw_(0xfffffffeL, 2), 0x7fffffff);
	check_u64("divuw 0xfffffffe/1", divuw_(0xfffffffeL, 1), 0xfffffffffffffffeUL);
	check_u64("remw -7%2", remw_(-7, 2), (uint64_t)-1);

	/* 32-bit results are sign-extended. */
	check_u64("addw 0x7fffffff+1", addw_(0x7fffffff, 1), 0xffffffff80000000UL);
	check_u64("addw ignores high bits", addw_(0x1234567800000001L, 1), 2);
	check_u64("subw 0-1", subw_(0, 1), -1UL);
	check_u64("subw MIN32-1", subw_(MIN32, 1), 0x7fffffff);
	check_u64("addiw 0x7fffffff+1", addiw_(0x7fffffff), 0xffffffff80000000UL);
	check_u64("add wraps", add_(0x7fffffffffffffffL, 1), 0x8000000000000000UL);
	check_u64("sub wraps", sub_(MIN64, 1), 0x7fffffffffffffffUL);

	/* Shifts: amount masked to 6 bits (5 for W forms). */
	check_u64("sll 1<<65", sll_(1, 65), 2);
	check_u64("srl MIN64>>63", srl_(MIN64, 63), 1);
	check_u64("sra MIN64>>63", sra_(MIN64, 63), -1UL);
	check_u64("sra -8>>1 (amount 65)", sra_(-8, 65), (uint64_t)-4);
	check_u64("sllw 1<<31", sllw_(1, 31), 0xffffffff80000000UL);
	check_u64("sllw 1<<33", sllw_(1, 33), 2);
	check_u64("srlw 0x80000000>>0", srlw_(0x80000000L, 0), 0xffffffff80000000UL);
	check_u64("srlw 0x80000000>>1", srlw_(0x80000000L, 1), 0x40000000);
	check_u64("srlw ignores high bits", srlw_(-1, 4), 0x0fffffff);
	check_u64("sraw 0x80000000>>4", sraw_(0x80000000L, 4), 0xfffffffff8000000UL);
	check_u64("sraw 0x7fffffff>>36", sraw_(0x7fffffffL, 36), 0x07ffffff);
	check_u64("srai -1>>63", srai_(-2), -1UL);
	check_u64("sraiw 0x80000000", sraiw_(0x80000000L), -1UL);
	check_u64("slliw 1<<31", slliw_(1), 0xffffffff80000000UL);

	/* Comparisons. */
	check_u64("slt -1<1", slt_(-1, 1), 1);
	check_u64("sltu -1<1", sltu_(-1, 1), 0);
	check_u64("slt MIN64<0", slt_(MIN64, 0), 1);
	check_u64("slti -2<-1", slti_(-2), 1);
	check_u64("sltiu 5<2^64-1", sltiu_(5), 1);
	check_u64("sltiu -1<-1", sltiu_(-1), 0);

	/* Immediate and load extension. */
	check_u64("lui 0x80000", lui_80000(), 0xffffffff80000000UL);
	static const unsigned char mem[8] = { 0x80, 0xff, 0x7f, 0x80, 0x01, 0x02, 0x03, 0x84 };
	check_u64("lb 0x80", lb_(mem), 0xffffffffffffff80UL);
	check_u64("lbu 0x80", lbu_(mem), 0x80);
	check_u64("lh 0xff80", lh_(mem), 0xffffffffffffff80UL);
	check_u64("lhu 0xff80", lhu_(mem), 0xff80);
	check_u64("lw 0x807fff80", lw_(mem), 0xffffffff807fff80UL);
	check_u64("lwu 0x807fff80", lwu_(mem), 0x807fff80);
	check_u64("ld", ld_(mem), 0x84030201807fff80UL);
	return check_done("arith");
}
