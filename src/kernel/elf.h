/*
 * elf.h - parser and validator for the programs vmos runs: ELF64
 * executables for RISC-V, fixed-address (ET_EXEC) or position-independent
 * (ET_DYN: PIE, static-pie, and the dynamic loader itself), with or without
 * an interpreter (PT_INTERP) (ELF gABI "Program Loading"; RISC-V ELF psABI).
 *
 * elf_parse reads an image held in memory, checks everything a loader must
 * be able to trust, and returns the loadable segments sorted by address.  It
 * allocates nothing and never reads outside buf[0..len); every sum of two
 * file-supplied numbers is checked for overflow first.
 *
 * Layout of a file and what becomes of it (addresses from a clang/lld build):
 *
 *   file offset                                 virtual address
 *   0x000  ELF header, program headers  ---->  0x10000  R    (.rodata)
 *   0x160  .text                        ---->  0x11160  R X
 *   0x1a8  .data/.sdata (p_filesz)      ---->  0x121a8  R W
 *          .bss (p_memsz - p_filesz)          zero fill up to 0x148bc
 *
 * lld packs the file tightly but shifts each segment's virtual address to a
 * page of its own (vaddr == offset modulo 4096, in a new page), so every
 * page of a normally linked program belongs to exactly one segment.
 *
 * The overlap rule.  Two segments must not share a byte of address space
 * ([p_vaddr, p_vaddr + p_memsz) ranges are disjoint), or the file would say
 * two things about one byte: that is rejected.  They MAY share a page: a
 * program linked with `ld.lld -n` (nmagic) puts R, R+X and R+W segments in
 * one page, and linkers for other page sizes can leave a boundary page
 * shared.  Such a program is accepted; the segments that share a page are
 * marked (ELF_SEG_SHARED_FIRST / ELF_SEG_SHARED_LAST) and the loader must
 * give a shared page the union of the permissions of every segment touching
 * it (elf_page_prot) and fill it by copying each segment's bytes - the two
 * segments generally come from different file offsets, so a shared page
 * cannot be one window onto the file.  (Linux maps each segment with
 * MAP_FIXED in turn, so the last one's permissions win on a shared page and
 * an nmagic program loses execute permission on its text; the union is the
 * rule under which such programs run.)
 *
 * What is rejected, and with which error:
 *   -ENOEXEC  not an ELF file, not ELF64, not little-endian, not version 1,
 *             an OS ABI other than System V / Linux, neither ET_EXEC nor
 *             ET_DYN, not EM_RISCV, the quad-float or RV64E ABI (the CPU is
 *             RV64GC: soft, single- and double-float ABIs all run), a
 *             PT_INTERP whose path is shorter than 2 or longer than
 *             ELF_INTERP_MAX bytes, not NUL-terminated, or outside the file
 *             (Linux's checks in load_elf_binary).
 *   -EINVAL   everything malformed: header sizes, tables or segment data
 *             outside the file, p_filesz > p_memsz, sizes that overflow or
 *             exceed 2^36 bytes, a segment in page 0 or above user_top,
 *             p_offset and p_vaddr not congruent modulo the page size
 *             (an ET_DYN may start at address 0: the loader adds a bias),
 *             overlapping segments, more than ELF_MAX_SEGMENTS or no
 *             loadable segment, an entry point outside executable memory.
 * An ET_DYN image is described at its link addresses (usually from 0): the
 * loader chooses a load bias and adds it to every address (elf_image.align
 * says what the bias must be a multiple of).  The first PT_INTERP names
 * the interpreter (the dynamic loader) by its path, like Linux.
 * "segment N" in a message is the index of the program header (as
 * llvm-readelf -l numbers them).  Program headers of other types
 * (PT_PHDR, PT_NOTE, PT_GNU_STACK, PT_GNU_RELRO, PT_RISCV_ATTRIBUTES, ...)
 * are ignored, as are PT_LOAD entries with p_memsz == 0.
 */
#ifndef VMOS_KERNEL_ELF_H
#define VMOS_KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

/* --- ELF64 file format (gABI; only what a static loader needs) --------- */

#define ELF_EHDR_SIZE   64
#define ELF_PHDR_SIZE   56

/* e_ident[] indices and values */
#define EI_MAG0         0       /* 0x7f 'E' 'L' 'F' */
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define EI_OSABI        7
#define EI_ABIVERSION   8
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ELFOSABI_SYSV   0
#define ELFOSABI_LINUX  3

/* e_type, e_machine, e_flags */
#define ET_EXEC         2
#define ET_DYN          3
#define EM_RISCV        243
#define EF_RISCV_RVC               0x1
#define EF_RISCV_FLOAT_ABI_MASK    0x6
#define EF_RISCV_FLOAT_ABI_SOFT    0x0   /* lp64 */
#define EF_RISCV_FLOAT_ABI_SINGLE  0x2   /* lp64f */
#define EF_RISCV_FLOAT_ABI_DOUBLE  0x4   /* lp64d: what distributions ship */
#define EF_RISCV_FLOAT_ABI_QUAD    0x6   /* lp64q: needs the Q extension */
#define EF_RISCV_RVE               0x8

/* p_type, p_flags */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_PHDR         6
#define PF_X            0x1
#define PF_W            0x2
#define PF_R            0x4

/* Field offsets of the 64-byte ELF header and 56-byte program header, read
 * with explicit little-endian loads (the buffer may be unaligned). */
#define EH_TYPE      16
#define EH_MACHINE   18
#define EH_VERSION   20
#define EH_ENTRY     24
#define EH_PHOFF     32
#define EH_FLAGS     48
#define EH_EHSIZE    52
#define EH_PHENTSIZE 54
#define EH_PHNUM     56
#define PH_TYPE       0
#define PH_FLAGS      4
#define PH_OFFSET     8
#define PH_VADDR     16
#define PH_FILESZ    32
#define PH_MEMSZ     40
#define PH_ALIGN     48

/* --- the parsed image ------------------------------------------------------ */

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_TOTAL    (1ULL << 36)   /* sum of p_memsz: 64 GiB */

/* Permission bits of a segment, with the values of VM_PROT_* (vm_map.h). */
#define ELF_PROT_R 1
#define ELF_PROT_W 2
#define ELF_PROT_X 4

/* elf_segment.flags */
#define ELF_SEG_SHARED_FIRST 0x1   /* first page shared with the previous segment */
#define ELF_SEG_SHARED_LAST  0x2   /* last page shared with the next segment */

struct elf_segment {
	uint64_t vaddr, memsz, filesz, offset, align;
	uint32_t prot;          /* ELF_PROT_* */
	uint32_t flags;         /* ELF_SEG_* */
	uint16_t phidx;         /* index of its program header */
};

#define ELF_INTERP_MAX 4096     /* PT_INTERP bytes, NUL included (PATH_MAX) */

struct elf_image {
	uint16_t type;          /* ET_EXEC or ET_DYN */
	uint64_t entry;
	uint64_t phdr_vaddr;    /* VA of the program headers if a PT_LOAD maps
	                           them from the file (for AT_PHDR), else 0 */
	uint16_t phnum, phentsize;
	int nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS]; /* PT_LOADs sorted by vaddr */
	uint64_t lo, hi;        /* page-rounded extent of all segments */
	uint64_t align;         /* largest p_align of a PT_LOAD, at least the page size */
	uint64_t interp_off;    /* PT_INTERP: file offset of the NUL-terminated path */
	uint32_t interp_len;    /* its length with the NUL; 0: no PT_INTERP */
};

/* Parses and validates an ELF64 RISC-V executable held in buf[0..len).
 * user_top is the first address above the user half (1<<38 for Sv39, 1<<47
 * for Sv48); it must be a multiple of the page size.  Returns 0 and fills
 * img, or -ENOEXEC / -EINVAL (see the list above) with a one-line reason
 * starting "elf: " written into err (truncated to errlen bytes; err may be
 * NULL).  img is unspecified after a failure. */
int elf_parse(const void *buf, size_t len, uint64_t user_top, struct elf_image *img,
	      char *err, size_t errlen);

/* Permissions a loader gives the page at page-aligned va: the union of the
 * prot of every segment of img that touches the page, 0 if none. */
uint32_t elf_page_prot(const struct elf_image *img, uint64_t va);

#endif
