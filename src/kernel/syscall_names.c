/*
 * syscall_names.c - the name of every Linux riscv64 system-call number
 * (src/abi/lx/syscall_list.h, the one list the numbers come from too),
 * for warnings and event logs.  Whether vmos implements
 * a number is syscall.c's business, not this table's.
 */
#include "syscall.h"

#include <stddef.h>

static const char *const names[] = {
#define LX_SYSCALL(nr, name) [nr] = #name,
#include "abi/lx/syscall_list.h"
#undef LX_SYSCALL
};

const char *syscall_name(uint64_t nr)
{
	if (nr == SYS_vmos_marker)
		return "vmos_marker";
	return nr < sizeof names / sizeof names[0] ? names[nr] : NULL;
}
