/*
 * explain_notation.c - PTE flags and access kinds in words (see
 * explain_notation.h).  The flag letters follow the PTE's bit order, bit 0
 * (V) first: riscv.h draws the PTE.
 */
#include "explain_notation.h"

#include <string.h>

void explain_pte_flags(uint64_t pte, char buf[9])
{
	static const char letters[] = "vrwxugad";
	for (int i = 0; i < 8; i++)
		buf[i] = (pte >> i) & 1 ? letters[i] : '-';
	buf[8] = 0;
}

const char *explain_access_name(enum mmu_access acc)
{
	return acc == ACC_FETCH ? "fetch" : acc == ACC_LOAD ? "load" : "store";
}

int explain_parse_access(const char *s, enum mmu_access *acc)
{
	if (!strcmp(s, "load") || !strcmp(s, "r") || !strcmp(s, "read"))
		*acc = ACC_LOAD;
	else if (!strcmp(s, "store") || !strcmp(s, "w") || !strcmp(s, "write"))
		*acc = ACC_STORE;
	else if (!strcmp(s, "fetch") || !strcmp(s, "x") || !strcmp(s, "exec"))
		*acc = ACC_FETCH;
	else
		return -1;
	return 0;
}

const char *explain_cause_name(uint64_t cause)
{
	switch (cause) {
	case CAUSE_FETCH_PAGE_FAULT: return "instruction page fault";
	case CAUSE_LOAD_PAGE_FAULT: return "load page fault";
	case CAUSE_STORE_PAGE_FAULT: return "store/AMO page fault";
	case CAUSE_FETCH_ACCESS: return "instruction access fault";
	case CAUSE_LOAD_ACCESS: return "load access fault";
	case CAUSE_STORE_ACCESS: return "store/AMO access fault";
	default: return "fault";
	}
}
