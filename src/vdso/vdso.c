/*
 * vdso.c - the vDSO: the kernel's code in every address space, a shared
 * object built for RISC-V (mk/vdso.mk: clang, ld.lld with vdso.lds) and
 * mapped R-X by exec, announced as AT_SYSINFO_EHDR.  glibc looks its
 * symbols up under the version LINUX_4.15, as on Linux riscv64
 * (vdso(7)):
 *
 *   __vdso_rt_sigreturn     the signal-return trampoline: a handler's ra
 *   __vdso_clock_gettime    REALTIME, MONOTONIC, MONOTONIC_RAW, BOOTTIME
 *                           from rdtime and the [vvar] page, without a trap;
 *                           any other clock through the system call
 *   __vdso_gettimeofday     the same clock as a timeval
 *   __vdso_clock_getres     1 ns for those clocks, else the system call
 *   __vdso_getcpu           always CPU 0, node 0 (one hart)
 *
 * Freestanding: no libc, no globals, no relocations (the data page is
 * found from the ELF header's own address, hidden symbols are reached
 * pc-relative).
 */
#include "vvar.h"

struct ts { int64_t sec, nsec; };
struct tv { int64_t sec, usec; };
struct tz { int32_t minuteswest, dsttime; };

extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static inline const volatile struct vmos_vvar *vvar(void)
{
	return (const volatile struct vmos_vvar *)(__ehdr_start - 4096);
}

static inline long sys2(long nr, long a0, long a1)
{
	register long a0_ __asm__("a0") = a0;
	register long a1_ __asm__("a1") = a1;
	register long a7_ __asm__("a7") = nr;
	__asm__ volatile("ecall" : "+r"(a0_) : "r"(a1_), "r"(a7_) : "memory");
	return a0_;
}

/* Nanoseconds on clk (0 REALTIME, else MONOTONIC), read consistently with
 * the kernel's writes. */
static inline uint64_t clock_ns(int clk)
{
	const volatile struct vmos_vvar *v = vvar();
	uint32_t seq;
	uint64_t t, tick;
	int64_t off;
	do {
		seq = v->seq;
		__asm__ volatile("fence r, r" ::: "memory");
		__asm__ volatile("rdtime %0" : "=r"(t));
		off = v->real_offset_ns;
		tick = v->tick_ns;
		__asm__ volatile("fence r, r" ::: "memory");
	} while ((seq & 1) || seq != v->seq);
	uint64_t ns = t * tick;
	return clk == 0 ? ns + (uint64_t)off : ns;
}

static inline int fast_clock(int clk)
{
	return clk == 0 || clk == 1 || clk == 4 || clk == 7;
}

int __vdso_clock_gettime(int clk, struct ts *ts)
{
	if (!fast_clock(clk))
		return (int)sys2(113, clk, (long)ts);          /* clock_gettime */
	uint64_t ns = clock_ns(clk);
	ts->sec = (int64_t)(ns / 1000000000u);
	ts->nsec = (int64_t)(ns % 1000000000u);
	return 0;
}

int __vdso_gettimeofday(struct tv *tv, struct tz *tz)
{
	if (tv) {
		uint64_t ns = clock_ns(0);
		tv->sec = (int64_t)(ns / 1000000000u);
		tv->usec = (int64_t)(ns % 1000000000u / 1000u);
	}
	if (tz) {
		tz->minuteswest = 0;
		tz->dsttime = 0;
	}
	return 0;
}

int __vdso_clock_getres(int clk, struct ts *res)
{
	if (!fast_clock(clk))
		return (int)sys2(114, clk, (long)res);         /* clock_getres */
	if (res) {
		res->sec = 0;
		res->nsec = 1;
	}
	return 0;
}

int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

/* The signal return: exactly `li a7, 139; ecall` (the sequence libgcc's
 * unwinder recognises as a signal frame), entered with sp at the frame. */
__asm__(".text\n"
	".globl __vdso_rt_sigreturn\n"
	".type __vdso_rt_sigreturn, @function\n"
	".balign 4\n"
	"__vdso_rt_sigreturn:\n"
	".option push\n"
	".option norvc\n"
	"	li a7, 139\n"
	"	ecall\n"
	".option pop\n"
	".size __vdso_rt_sigreturn, . - __vdso_rt_sigreturn\n");
