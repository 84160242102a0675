/*
 * trace_read.h - memory-reference traces from files, in four formats:
 *
 *   lackey   valgrind --tool=lackey --trace-mem=yes output:
 *              "I  0400d7d4,8"  " L 04222cac,8"  " S ..."  " M ..." (M = load + store);
 *              lines starting "==" are valgrind's own and are skipped
 *   din      Dinero III "din": "LABEL ADDRESS" with label 0 read, 1 write,
 *              2 instruction fetch (3 and 4 are skipped); hex address
 *   block    one decimal page number per line (a line "*" is a phase marker,
 *              skipped), as in traces/lirs: each is a read of that
 *              page; page n is placed at virtual page n+1, since page 0 stays
 *              unmapped in every address space
 *   vmtr     vmos's binary format: the 8 bytes "VMTR0001", then one little-
 *              endian 64-bit word per reference: bits 0..61 address,
 *              bits 62..63 type (0 load, 1 store, 2 fetch)
 *
 * A reference is one access to the page holding its address (an access
 * that straddles a page boundary counts for its first page).
 */
#ifndef VMOS_TOOLS_TRACE_READ_H
#define VMOS_TOOLS_TRACE_READ_H

#include <stdint.h>
#include <stddef.h>

enum trace_format { TF_AUTO, TF_LACKEY, TF_DIN, TF_BLOCK, TF_VMTR };
enum { TR_LOAD = 0, TR_STORE = 1, TR_FETCH = 2 };

/* One reference: address | type << 62. */
#define TR_ADDR(w) ((w) & ((1ULL << 62) - 1))
#define TR_TYPE(w) ((unsigned)((w) >> 62))
#define TR_MAKE(addr, type) ((uint64_t)(addr) | ((uint64_t)(type) << 62))

struct trace {
	char *path;
	uint64_t *refs;
	size_t n;
	uint64_t max_addr;
	enum trace_format format;
};

/* Reads path in the given format (TF_AUTO: by extension .trc/.blk = block,
 * .din = din, .vmtr = vmtr, else by content).  Returns 0, or -1 with a
 * message "FILE:LINE: why" in err. */
int trace_load(struct trace *t, const char *path, enum trace_format fmt, char *err, size_t errlen);
void trace_free(struct trace *t);
/* Writes t in vmtr format.  Returns 0 or -1. */
int trace_save_vmtr(const struct trace *t, const char *path);
/* "lackey", "din", "block", "vmtr" -> format, or -1. */
int trace_format_parse(const char *name);
const char *trace_format_name(enum trace_format f);

#endif
