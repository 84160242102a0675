/*
 * probe.c - what exec hands a position-independent program, checked from
 * inside it.  Freestanding (no libc, no relocations: every address is
 * PC-relative), so the same code runs at whatever address the kernel puts
 * it.  Built by mk/dyn.mk in three roles:
 *
 *   pie_static   ET_DYN without PT_INTERP (a static-pie): the kernel jumps
 *                to its own _start at a load bias;
 *   interp       ET_DYN used as another program's PT_INTERP: it checks what
 *                an interpreter gets (AT_BASE is its own load address,
 *                AT_ENTRY the program's entry), then jumps to AT_ENTRY with
 *                the stack untouched, as ld.so does when it is done;
 *   pie_interp / exec_interp   a PIE / a fixed-address program whose PT_INTERP
 *                is `interp`.
 *
 * Every line it prints is the same under qemu-riscv64 and vmos (yes/no
 * answers, not addresses), so tests/kernel/exec_dyn.sh compares the two.
 * Exit status: 0, or 1 if a check answered "no".
 */
#include <stddef.h>
#include <stdint.h>

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

extern const unsigned char __ehdr_start[] __attribute__((visibility("hidden")));
void _start(void) __attribute__((visibility("hidden")));

static long sys3(long n, long a, long b, long c)
{
	register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
static void puts_(const char *s) { sys3(64, 1, (long)s, (long)slen(s)); }
static __attribute__((unused)) void putu(uint64_t v, int base)
{
	char b[24];
	int i = 23;
	b[i] = 0;
	do {
		int d = (int)(v % (unsigned)base);
		b[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= (unsigned)base;
	} while (v);
	puts_(b + i);
}

static int failed;
static void check(const char *what, int ok)
{
	puts_(what);
	puts_(ok ? ": yes\n" : ": no\n");
	if (!ok)
		failed = 1;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t aux(const uint64_t *auxv, uint64_t type)
{
	for (; auxv[0] != AT_NULL; auxv += 2)
		if (auxv[0] == type)
			return auxv[1];
	return ~0ULL;
}

/* sp points at argc (the initial stack, RISC-V psABI / Linux). */
__attribute__((used)) void cmain(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;
	while (*e)
		e++;
	const uint64_t *auxv = (const uint64_t *)(e + 1);
	uint64_t self = (uint64_t)__ehdr_start;
	uint64_t phoff = rd64(__ehdr_start + 32);
	unsigned phnum = (unsigned)(__ehdr_start[56] | __ehdr_start[57] << 8);
	unsigned type = __ehdr_start[16];
	(void)phoff, (void)phnum, (void)type;
	uint64_t base = aux(auxv, AT_BASE), entry = aux(auxv, AT_ENTRY);

#ifdef ROLE_INTERP
	puts_("interp: started\n");
	check("interp: AT_BASE is my load address", base == self);
	check("interp: AT_ENTRY is not mine", entry != (uint64_t)_start);
	const unsigned char *prog_phdr = (const unsigned char *)aux(auxv, AT_PHDR);
	check("interp: AT_PHDR holds the program's headers (PT_PHDR or PT_LOAD first)",
	      rd64(prog_phdr) != 0);
	if (failed)
		sys3(93, 1, 0, 0);
	/* hand over as a dynamic loader does: the stack as the kernel left it */
	__asm__ volatile("mv sp, %0\n\tli a0, 0\n\tjr %1" : : "r"(sp), "r"(entry) : "memory");
	__builtin_unreachable();
#else
	puts_("probe: argc=");
	putu((uint64_t)argc, 10);
	for (int i = 0; i < argc; i++) {
		puts_(i ? " " : " argv:");
		puts_(argv[i]);
	}
	puts_("\n");
	puts_("probe: e_type=");
	putu(type, 10);
	puts_(" AT_PHENT=");
	putu(aux(auxv, AT_PHENT), 10);
	puts_(" AT_PAGESZ=");
	putu(aux(auxv, AT_PAGESZ), 10);
	puts_(" AT_HWCAP=0x");
	putu(aux(auxv, AT_HWCAP), 16);
	puts_(" AT_FLAGS=");
	putu(aux(auxv, AT_FLAGS), 10);
	puts_(" AT_SECURE=");
	putu(aux(auxv, AT_SECURE), 10);
	puts_(" AT_CLKTCK=");
	putu(aux(auxv, AT_CLKTCK), 10);
	puts_("\nprobe: AT_EXECFN=");
	puts_((const char *)aux(auxv, AT_EXECFN));
	puts_("\n");
	check("probe: AT_PHDR is my program headers", aux(auxv, AT_PHDR) == self + phoff);
	check("probe: AT_PHNUM is my e_phnum", aux(auxv, AT_PHNUM) == phnum);
	check("probe: AT_ENTRY is my _start", entry == (uint64_t)_start);
	check("probe: loaded page-aligned", (self & 0xfff) == 0);
	check("probe: a PIE is moved away from address 0", type != 3 || self >= 0x10000);
	const unsigned char *rnd = (const unsigned char *)aux(auxv, AT_RANDOM);
	unsigned or = 0;
	for (int i = 0; i < 16; i++)
		or |= rnd[i];
	check("probe: AT_RANDOM gives 16 bytes, not all zero", or != 0);
	check("probe: the stack pointer is 16-byte aligned", ((uint64_t)sp & 15) == 0);
#ifdef ROLE_WITH_INTERP
	const unsigned char *ib = (const unsigned char *)base;
	check("probe: AT_BASE is an ELF header (the interpreter)",
	      base != 0 && base != ~0ULL && ib[0] == 0x7f && ib[1] == 'E' && ib[2] == 'L' && ib[3] == 'F');
	check("probe: the interpreter lies above me", base > self);
#else
	check("probe: AT_BASE is 0 (no interpreter)", base == 0);
#endif
	sys3(93, failed, 0, 0);
#endif
}

__asm__(".text\n.globl _start\n.hidden _start\n_start:\n"
	"\tmv a0, sp\n\tandi sp, sp, -16\n\tcall cmain\n\tunimp\n");
