/*
 * elf.c - validation of ELF64 RISC-V executables, fixed-address or
 * position-independent (see elf.h for the rules and the overlap policy).
 *
 * The parse is three passes over a file nobody vouches for:
 *   1. the ELF header: identification, type, machine, ABI, table bounds;
 *   2. each program header: PT_LOAD entries are checked one by one (sizes,
 *      bounds, congruence) and copied out, the first PT_INTERP is checked
 *      and remembered;
 *   3. the set: sorted by address, checked for overlap, total size, entry
 *      point and the address of the program headers.
 * Every number comes from the file, so every addition is done with
 * __builtin_add_overflow or arranged so it cannot wrap (ELF gABI, "Program
 * Header"; RISC-V ELF psABI, "ELF Object Files").
 */
#include "elf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "riscv.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Writes the reason into err and returns code (a negative errno). */
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

#define FAIL(code, ...) fail(err, errlen, (code), __VA_ARGS__)

/* Checks the ELF header (pass 1).  Returns 0 or a negative errno. */
static int check_ehdr(const uint8_t *b, size_t len, char *err, size_t errlen)
{
	if (len < ELF_EHDR_SIZE)
		return FAIL(-ENOEXEC, "elf: file too short for an ELF header (%zu bytes)", len);
	if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
		return FAIL(-ENOEXEC, "elf: not an ELF file (bad magic)");
	if (b[EI_CLASS] != ELFCLASS64)
		return FAIL(-ENOEXEC, "elf: not a 64-bit ELF file (EI_CLASS %u)", b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return FAIL(-ENOEXEC, "elf: not little-endian (EI_DATA %u)", b[EI_DATA]);
	if (b[EI_VERSION] != EV_CURRENT || rd32(b + EH_VERSION) != EV_CURRENT)
		return FAIL(-ENOEXEC, "elf: unknown ELF version (%u, e_version %u)",
			    b[EI_VERSION], rd32(b + EH_VERSION));
	if (b[EI_OSABI] != ELFOSABI_SYSV && b[EI_OSABI] != ELFOSABI_LINUX)
		return FAIL(-ENOEXEC, "elf: unsupported OS ABI (EI_OSABI %u)", b[EI_OSABI]);
	if (b[EI_ABIVERSION] != 0)
		return FAIL(-ENOEXEC, "elf: unsupported ABI version (%u)", b[EI_ABIVERSION]);
	uint16_t type = rd16(b + EH_TYPE);
	if (type != ET_EXEC && type != ET_DYN)
		return FAIL(-ENOEXEC, "elf: not an executable (e_type %u)", type);
	uint16_t machine = rd16(b + EH_MACHINE);
	if (machine != EM_RISCV)
		return FAIL(-ENOEXEC, "elf: not a RISC-V executable (e_machine %u)", machine);
	uint32_t flags = rd32(b + EH_FLAGS);
	/* the machine is RV64GC: soft, single and double float ABIs all run */
	if ((flags & EF_RISCV_FLOAT_ABI_MASK) == EF_RISCV_FLOAT_ABI_QUAD)
		return FAIL(-ENOEXEC, "elf: quad-float ABI (lp64q) not supported (e_flags 0x%x): "
			    "the machine is RV64GC, without Q; build with -mabi=lp64d", flags);
	if (flags & EF_RISCV_RVE)
		return FAIL(-ENOEXEC, "elf: RV64E ABI not supported (e_flags 0x%x): the machine "
			    "is RV64GC, with 32 integer registers", flags);
	if (rd16(b + EH_EHSIZE) < ELF_EHDR_SIZE)
		return FAIL(-EINVAL, "elf: bad ELF header size (e_ehsize %u)", rd16(b + EH_EHSIZE));
	uint16_t phentsize = rd16(b + EH_PHENTSIZE), phnum = rd16(b + EH_PHNUM);
	if (phnum == 0)
		return FAIL(-EINVAL, "elf: no program headers");
	if (phentsize != ELF_PHDR_SIZE)
		return FAIL(-EINVAL, "elf: bad program header size (e_phentsize %u, expected %u)",
			    phentsize, ELF_PHDR_SIZE);
	uint64_t phoff = rd64(b + EH_PHOFF), tabsz = (uint64_t)phnum * phentsize, tabend;
	if (__builtin_add_overflow(phoff, tabsz, &tabend) || tabend > len)
		return FAIL(-EINVAL, "elf: program header table outside the file");
	if (phoff % 8)
		return FAIL(-EINVAL, "elf: misaligned program header table (e_phoff 0x%llx)",
			    (unsigned long long)phoff);
	return 0;
}

/* Checks one PT_LOAD header (pass 2) and fills s.  Returns 0 or -EINVAL. */
static int check_load(const uint8_t *ph, int idx, size_t len, uint64_t user_top, bool dyn,
		      struct elf_segment *s, char *err, size_t errlen)
{
	uint32_t pf = rd32(ph + PH_FLAGS);
	s->offset = rd64(ph + PH_OFFSET);
	s->vaddr = rd64(ph + PH_VADDR);
	s->filesz = rd64(ph + PH_FILESZ);
	s->memsz = rd64(ph + PH_MEMSZ);
	s->align = rd64(ph + PH_ALIGN);
	s->prot = (pf & PF_R ? ELF_PROT_R : 0) | (pf & PF_W ? ELF_PROT_W : 0) |
		  (pf & PF_X ? ELF_PROT_X : 0);
	s->flags = 0;
	s->phidx = (uint16_t)idx;

	if (s->filesz > s->memsz)
		return FAIL(-EINVAL, "elf: segment %d: p_filesz > p_memsz (0x%llx > 0x%llx)", idx,
			    (unsigned long long)s->filesz, (unsigned long long)s->memsz);
	if (s->memsz > ELF_MAX_TOTAL)
		return FAIL(-EINVAL, "elf: absurd segment size (segment %d, p_memsz 0x%llx)", idx,
			    (unsigned long long)s->memsz);
	uint64_t fend, vend;
	if (__builtin_add_overflow(s->offset, s->filesz, &fend) || fend > len)
		return FAIL(-EINVAL, "elf: file data of segment %d beyond end of file", idx);
	if (s->align > 1 && (s->align & (s->align - 1)))
		return FAIL(-EINVAL, "elf: segment %d: p_align 0x%llx not a power of two", idx,
			    (unsigned long long)s->align);
	if (s->filesz && (s->offset & PGMASK) != (s->vaddr & PGMASK))
		return FAIL(-EINVAL, "elf: segment %d: p_offset and p_vaddr not congruent "
			    "modulo the page size", idx);
	if (s->vaddr < PGSIZE && !dyn)
		return FAIL(-EINVAL, "elf: segment %d lies in page 0 (p_vaddr 0x%llx), which "
			    "stays unmapped", idx, (unsigned long long)s->vaddr);
	if (__builtin_add_overflow(s->vaddr, s->memsz, &vend) || vend > user_top)
		return FAIL(-EINVAL, "elf: segment %d lies outside the user half", idx);
	return 0;
}

/* Checks the PT_INTERP header ph (index idx) and records the path's place
 * in img.  Returns 0 or -ENOEXEC (Linux: a path of 2 to PATH_MAX bytes,
 * NUL-terminated). */
static int check_interp(const uint8_t *b, const uint8_t *ph, int idx, size_t len,
			struct elf_image *img, char *err, size_t errlen)
{
	uint64_t off = rd64(ph + PH_OFFSET), sz = rd64(ph + PH_FILESZ), end;
	if (sz < 2 || sz > ELF_INTERP_MAX)
		return FAIL(-ENOEXEC, "elf: segment %d: interpreter path of %llu bytes (PT_INTERP)",
			    idx, (unsigned long long)sz);
	if (__builtin_add_overflow(off, sz, &end) || end > len)
		return FAIL(-ENOEXEC, "elf: segment %d: interpreter path outside the file", idx);
	if (b[end - 1] != '\0')
		return FAIL(-ENOEXEC, "elf: segment %d: interpreter path not NUL-terminated", idx);
	img->interp_off = off;
	img->interp_len = (uint32_t)sz;
	return 0;
}

/* Sorts the segments by vaddr (insertion sort: at most 16). */
static void sort_segments(struct elf_image *img)
{
	for (int i = 1; i < img->nsegs; i++) {
		struct elf_segment s = img->seg[i];
		int j = i;
		for (; j > 0 && img->seg[j - 1].vaddr > s.vaddr; j--)
			img->seg[j] = img->seg[j - 1];
		img->seg[j] = s;
	}
}

/* Pass 3: overlap, shared pages, extent, entry, AT_PHDR.  Returns 0 or
 * -EINVAL.  Assumes the segments are sorted and individually valid. */
static int check_set(struct elf_image *img, uint64_t phoff, uint64_t tabsz,
		     char *err, size_t errlen)
{
	uint64_t total = 0;
	for (int i = 0; i < img->nsegs; i++) {
		struct elf_segment *s = &img->seg[i];
		total += s->memsz;      /* <= 16 * 2^36: cannot wrap */
		if (i == 0)
			continue;
		struct elf_segment *p = &img->seg[i - 1];
		if (p->vaddr + p->memsz > s->vaddr)
			return FAIL(-EINVAL, "elf: segment %d overlaps segment %d",
				    s->phidx, p->phidx);
		if (PGROUNDUP(p->vaddr + p->memsz) > PGROUNDDOWN(s->vaddr)) {
			p->flags |= ELF_SEG_SHARED_LAST;
			s->flags |= ELF_SEG_SHARED_FIRST;
		}
	}
	if (total > ELF_MAX_TOTAL)
		return FAIL(-EINVAL, "elf: absurd segment size (total 0x%llx bytes)",
			    (unsigned long long)total);
	struct elf_segment *last = &img->seg[img->nsegs - 1];
	img->lo = PGROUNDDOWN(img->seg[0].vaddr);
	img->hi = PGROUNDUP(last->vaddr + last->memsz);

	bool entry_ok = false;
	img->phdr_vaddr = 0;
	for (int i = 0; i < img->nsegs; i++) {
		struct elf_segment *s = &img->seg[i];
		if ((s->prot & ELF_PROT_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->memsz)
			entry_ok = true;
		if (!img->phdr_vaddr && phoff >= s->offset &&
		    phoff - s->offset <= s->filesz && tabsz <= s->filesz - (phoff - s->offset))
			img->phdr_vaddr = s->vaddr + (phoff - s->offset);
	}
	if (!entry_ok)
		return FAIL(-EINVAL, "elf: entry point not in an executable segment (e_entry 0x%llx)",
			    (unsigned long long)img->entry);
	return 0;
}

int elf_parse(const void *buf, size_t len, uint64_t user_top, struct elf_image *img,
	      char *err, size_t errlen)
{
	const uint8_t *b = buf;
	if (err && errlen)
		err[0] = '\0';
	if (!buf || (user_top & PGMASK) || user_top <= PGSIZE)
		return FAIL(-EINVAL, "elf: bad arguments (user_top 0x%llx)",
			    (unsigned long long)user_top);
	int rc = check_ehdr(b, len, err, errlen);
	if (rc)
		return rc;

	memset(img, 0, sizeof(*img));
	img->type = rd16(b + EH_TYPE);
	img->align = PGSIZE;
	img->entry = rd64(b + EH_ENTRY);
	img->phnum = rd16(b + EH_PHNUM);
	img->phentsize = rd16(b + EH_PHENTSIZE);
	uint64_t phoff = rd64(b + EH_PHOFF);
	for (int i = 0; i < img->phnum; i++) {
		const uint8_t *ph = b + phoff + (uint64_t)i * ELF_PHDR_SIZE;
		uint32_t type = rd32(ph + PH_TYPE);
		if (type == PT_INTERP && !img->interp_len) {
			if ((rc = check_interp(b, ph, i, len, img, err, errlen)))
				return rc;
			continue;
		}
		if (type != PT_LOAD)
			continue;
		struct elf_segment s;
		if ((rc = check_load(ph, i, len, user_top, img->type == ET_DYN, &s, err, errlen)))
			return rc;
		if (s.memsz == 0)
			continue;
		if (s.align > img->align)
			img->align = s.align;
		if (img->nsegs == ELF_MAX_SEGMENTS)
			return FAIL(-EINVAL, "elf: more than %d loadable segments", ELF_MAX_SEGMENTS);
		img->seg[img->nsegs++] = s;
	}
	if (img->nsegs == 0)
		return FAIL(-EINVAL, "elf: no loadable segment");
	sort_segments(img);
	return check_set(img, phoff, (uint64_t)img->phnum * ELF_PHDR_SIZE, err, errlen);
}

uint32_t elf_page_prot(const struct elf_image *img, uint64_t va)
{
	uint32_t prot = 0;
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (PGROUNDDOWN(s->vaddr) <= va && va < PGROUNDUP(s->vaddr + s->memsz))
			prot |= s->prot;
	}
	return prot;
}
