/*
 * auxv - the initial process stack as the Linux ELF loader lays it out
 * (RISC-V psABI, System V ABI 3.4.1): argc/argv (printed), envp directly
 * after argv's NULL, auxv after envp's NULL, and the auxv entries a loader
 * must provide: AT_PAGESZ 4096, AT_PHDR/AT_PHENT/AT_PHNUM describing this
 * program's own program headers (compared with __ehdr_start, the ELF header
 * the linker places at the start of the first segment), AT_ENTRY = _start,
 * AT_RANDOM pointing at 16 readable bytes, AT_HWCAP with the letters of
 * RV64GC (one bit per letter, as Linux reports the ISA).  The stack pointer at entry was
 * 16-byte aligned.  Nothing address-dependent is printed.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
#include "check.h"

extern const Elf64_Ehdr __ehdr_start;
extern char _start[];

int main(int argc, char **argv, char **envp)
{
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
	check_true("argv[argc] is NULL", argv[argc] == NULL);
	check_true("argv[0] is a non-empty string", argv[0] && argv[0][0]);
	check_true("envp follows argv", envp == argv + argc + 1);
	check_true("environ is envp", environ == envp);
	check_true("initial sp 16-byte aligned", ((uintptr_t)(argv - 1) & 15) == 0);

	char **e = envp;
	while (*e)
		e++;
	unsigned long *auxv = (unsigned long *)(e + 1);
	int n = 0, have_null = 0;
	for (unsigned long *a = auxv; n < 64; a += 2, n++)
		if (a[0] == AT_NULL) {
			have_null = 1;
			break;
		}
	check_true("auxv ends with AT_NULL", have_null);
	check_true("auxv is after envp", getauxval(AT_PAGESZ) == 4096);
	check_u64("AT_PAGESZ", getauxval(AT_PAGESZ), 4096);
	check_u64("AT_PHENT", getauxval(AT_PHENT), sizeof(Elf64_Phdr));
	check_u64("AT_PHNUM", getauxval(AT_PHNUM), __ehdr_start.e_phnum);
	check_true("AT_PHDR = __ehdr_start + e_phoff",
	           getauxval(AT_PHDR) == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff);
	check_true("AT_ENTRY = _start", getauxval(AT_ENTRY) == (uintptr_t)_start);
	check_true("e_entry = _start", __ehdr_start.e_entry == (uintptr_t)_start);
	check_u64("ELF header e_machine", __ehdr_start.e_machine, EM_RISCV);

	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	int loads = 0, text_found = 0;
	for (int i = 0; ph && i < (int)getauxval(AT_PHNUM); i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		if ((ph[i].p_flags & PF_X) && ph[i].p_vaddr <= (uintptr_t)_start &&
		    (uintptr_t)_start < ph[i].p_vaddr + ph[i].p_memsz)
			text_found = 1;
	}
	check_true("some PT_LOAD segment", loads > 0);
	check_true("_start lies in an executable PT_LOAD", text_found);

	const volatile unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	check_true("AT_RANDOM present", rnd != NULL);
	unsigned x = 0;
	for (int i = 0; rnd && i < 16; i++)
		x |= rnd[i];	/* must be readable; all 16 zero is vanishingly unlikely */
	check_true("AT_RANDOM 16 bytes readable and not all zero", x != 0);
	check_true("AT_RANDOM above the argv pointers", (uintptr_t)rnd > (uintptr_t)(auxv + 2 * n));
	check_true("argv strings above auxv", (uintptr_t)argv[0] > (uintptr_t)(auxv + 2 * n));
	check_true("getauxval of an absent type is 0", getauxval(0x7fff) == 0);
	unsigned long isa = 0;
	for (const char *l = "imafdc"; *l; l++)
		isa |= 1ul << (*l - 'a');
	check_true("AT_HWCAP reports I M A F D C", (getauxval(AT_HWCAP) & isa) == isa);
	return check_done("auxv");
}
