/*
 * atomic - the A extension: every AMO in word and doubleword form (the old
 * value is returned, sign-extended for .w; memory gets op(old, operand)),
 * the .aq/.rl orderings, and LR/SC: a counter incremented by an LR/SC
 * retry loop, an SC to an address outside the reservation failing without
 * writing, and any SC invalidating the reservation (RISC-V unprivileged
 * spec, "A" chapter, 8.2 and 8.4).
 */
#include "check.h"

#define AMO(name, insn, t) \
	static long name##_(volatile t *p, long v) \
	{ long r; __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }
AMO(amoswap_w, "amoswap.w", int32_t) AMO(amoadd_w, "amoadd.w", int32_t) AMO(amoxor_w, "amoxor.w", int32_t) AMO(amoand_w, "amoand.w", int32_t)
AMO(amoor_w, "amoor.w", int32_t) AMO(amomin_w, "amomin.w", int32_t) AMO(amomax_w, "amomax.w", int32_t) AMO(amominu_w, "amominu.w", int32_t)
AMO(amomaxu_w, "amomaxu.w", int32_t)
AMO(amoswap_d, "amoswap.d", int64_t) AMO(amoadd_d, "amoadd.d", int64_t) AMO(amoxor_d, "amoxor.d", int64_t) AMO(amoand_d, "amoand.d", int64_t)
AMO(amoor_d, "amoor.d", int64_t) AMO(amomin_d, "amomin.d", int64_t) AMO(amomax_d, "amomax.d", int64_t) AMO(amominu_d, "amominu.d", int64_t)
AMO(amomaxu_d, "amomaxu.d", int64_t)
AMO(amoadd_d_aqrl, "amoadd.d.aqrl", int64_t) AMO(amoswap_w_aq, "amoswap.w.aq", int32_t) AMO(amoor_d_rl, "amoor.d.rl", int64_t)


/* lrsc_add: atomically add v to *p with an LR/SC loop; returns the number
 * of SC attempts that failed (0 on a single hart with nothing between). */
static long lrsc_add(volatile int64_t *p, int64_t v)
{
	long fails = -1, t, ok;

	do {
		fails++;
		__asm__ volatile("lr.d %0, (%2)\n\t"
		                 "add %0, %0, %3\n\t"
		                 "sc.d %1, %0, (%2)"
		                 : "=&r"(t), "=&r"(ok) : "r"(p), "r"(v) : "memory");
	} while (ok != 0);
	return fails;
}

int main(void)
{
	static volatile int32_t w;
	static volatile int64_t d;
	struct { const char *name; long (*fn)(volatile int32_t *, long); int32_t init, arg, old, now; } wt[] = {
		{ "amoswap.w", amoswap_w_, 5, -1, 5, -1 },
		{ "amoadd.w overflow", amoadd_w_, 0x7fffffff, 1, 0x7fffffff, (int32_t)0x80000000 },
		{ "amoxor.w", amoxor_w_, 0x0ff0, 0x00ff, 0x0ff0, 0x0f0f },
		{ "amoand.w", amoand_w_, (int32_t)0xf0f0f0f0, 0x0ff00ff0, (int32_t)0xf0f0f0f0, 0x00f000f0 },
		{ "amoor.w", amoor_w_, 0x1000, 0x0001, 0x1000, 0x1001 },
		{ "amomin.w", amomin_w_, 3, -2, 3, -2 },
		{ "amomax.w", amomax_w_, 3, -2, 3, 3 },
		{ "amominu.w", amominu_w_, 3, -2, 3, 3 },
		{ "amomaxu.w", amomaxu_w_, 3, -2, 3, -2 },
		{ "amoswap.w.aq", amoswap_w_aq_, (int32_t)0x80000000, 7, (int32_t)0x80000000, 7 },
	};
	char name[64];

	for (unsigned i = 0; i < sizeof wt / sizeof wt[0]; i++) {
		w = wt[i].init;
		long old = wt[i].fn(&w, wt[i].arg);
		snprintf(name, sizeof name, "%s old", wt[i].name);
		check_u64(name, (uint64_t)old, (uint64_t)(int64_t)wt[i].old);	/* sign-extended */
		snprintf(name, sizeof name, "%s new", wt[i].name);
		check_u64(name, (uint64_t)(int64_t)w, (uint64_t)(int64_t)wt[i].now);
	}

	struct { const char *name; long (*fn)(volatile int64_t *, long); int64_t init, arg, now; } dt[] = {
		{ "amoswap.d", amoswap_d_, 5, -1, -1 },
		{ "amoadd.d", amoadd_d_, 0x7fffffffffffffffLL, 1, (int64_t)0x8000000000000000ULL },
		{ "amoxor.d", amoxor_d_, 0xff00ff00ff00LL, 0xffffffffffffLL, 0x00ff00ff00ffLL },
		{ "amoand.d", amoand_d_, -1, 0x123456789abcLL, 0x123456789abcLL },
		{ "amoor.d", amoor_d_, 1LL << 62, 1, (1LL << 62) | 1 },
		{ "amomin.d", amomin_d_, 1, -1, -1 },
		{ "amomax.d", amomax_d_, 1, -1, 1 },
		{ "amominu.d", amominu_d_, 1, -1, 1 },
		{ "amomaxu.d", amomaxu_d_, 1, -1, -1 },
		{ "amoadd.d.aqrl", amoadd_d_aqrl_, 40, 2, 42 },
		{ "amoor.d.rl", amoor_d_rl_, 0x10, 0x01, 0x11 },
	};
	for (unsigned i = 0; i < sizeof dt / sizeof dt[0]; i++) {
		d = dt[i].init;
		long old = dt[i].fn(&d, dt[i].arg);
		snprintf(name, sizeof name, "%s old", dt[i].name);
		check_u64(name, (uint64_t)old, (uint64_t)dt[i].init);
		snprintf(name, sizeof name, "%s new", dt[i].name);
		check_u64(name, (uint64_t)d, (uint64_t)dt[i].now);
	}

	/* amo*.w touches only its word. */
	static volatile int64_t pair = 0x1111111122222222LL;
	amoadd_w_((volatile int32_t *)&pair, 1);
	check_u64("amoadd.w leaves the upper word", (uint64_t)pair, 0x1111111122222223ULL);

	/* LR/SC counter. */
	static volatile int64_t counter;
	long fails = 0;
	for (int i = 0; i < 1000; i++)
		fails += lrsc_add(&counter, 3);
	check_u64("lr/sc counter", (uint64_t)counter, 3000);
	check_true("lr/sc loop terminates with few retries", fails < 100);

	/* SC outside the reservation fails and does not write; a failed SC
	 * also drops the reservation, so the next SC to the reserved address
	 * fails too. */
	static volatile int64_t a = 10, b = 20;
	long t, r1, r2;
	__asm__ volatile("lr.d %0, (%3)\n\t"
	                 "sc.d %1, %5, (%4)\n\t"
	                 "sc.d %2, %5, (%3)"
	                 : "=&r"(t), "=&r"(r1), "=&r"(r2) : "r"(&a), "r"(&b), "r"(99L) : "memory");
	check_u64("lr.d value", (uint64_t)t, 10);
	check_true("sc.d to another address fails", r1 != 0);
	check_u64("failed sc.d leaves memory", (uint64_t)b, 20);
	check_true("sc.d after an sc fails (reservation gone)", r2 != 0);
	check_u64("failed sc.d leaves the reserved word", (uint64_t)a, 10);

	/* lr.w sign-extends; sc.w writes 32 bits. */
	static volatile int32_t x = (int32_t)0x80000001;
	long v, ok;
	do {
		__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
		                 : "=&r"(v), "=&r"(ok) : "r"(&x), "r"(0x12345678L) : "memory");
	} while (ok);
	check_u64("lr.w sign-extends", (uint64_t)v, 0xffffffff80000001ULL);
	check_u64("sc.w stored", (uint64_t)(uint32_t)x, 0x12345678);
	return check_done("atomic");
}
