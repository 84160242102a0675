/*
 * elf_test.c - tests of elf_parse: a valid image built in memory, then every
 * rejection path one at a time (error code and reason), then real programs
 * built by clang/lld (committed samples in tests/kernel/data and tiny.elf,
 * built by mk/elf.mk and compared with what llvm-readelf reports).
 */
#include "test.h"

#include <errno.h>
#include <stdlib.h>

#include "elf.h"
#include "riscv.h"

#define SV39_TOP (1ULL << 38)

/* --- a small ELF builder ------------------------------------------------ */

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static void wr64(uint8_t *p, uint64_t v) { wr32(p, (uint32_t)v); wr32(p + 4, (uint32_t)(v >> 32)); }

#define IMG_SIZE 0x3000
static uint8_t img_buf[IMG_SIZE];

/* Program header i of img_buf. */
static uint8_t *ph(int i) { return img_buf + ELF_EHDR_SIZE + i * ELF_PHDR_SIZE; }

static void set_ph(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
		   uint64_t filesz, uint64_t memsz, uint64_t align)
{
	uint8_t *p = ph(i);
	wr32(p + PH_TYPE, type);
	wr32(p + PH_FLAGS, flags);
	wr64(p + PH_OFFSET, off);
	wr64(p + PH_VADDR, vaddr);
	wr64(p + 24, vaddr);            /* p_paddr */
	wr64(p + PH_FILESZ, filesz);
	wr64(p + PH_MEMSZ, memsz);
	wr64(p + PH_ALIGN, align);
}

/* Builds the reference image, laid out as lld lays out a program:
 *   ph0 PT_LOAD R X  off 0x0000 va 0x10000 filesz 0x1000 memsz 0x1000 (headers + text)
 *   ph1 PT_LOAD R W  off 0x1000 va 0x11000 filesz 0x0100 memsz 0x2000 (data + bss)
 *   ph2 PT_GNU_STACK
 * entry 0x10100, file IMG_SIZE bytes. */
static void build(void)
{
	memset(img_buf, 0, sizeof(img_buf));
	uint8_t *b = img_buf;
	b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	wr16(b + EH_TYPE, ET_EXEC);
	wr16(b + EH_MACHINE, EM_RISCV);
	wr32(b + EH_VERSION, EV_CURRENT);
	wr64(b + EH_ENTRY, 0x10100);
	wr64(b + EH_PHOFF, ELF_EHDR_SIZE);
	wr32(b + EH_FLAGS, EF_RISCV_RVC);
	wr16(b + EH_EHSIZE, ELF_EHDR_SIZE);
	wr16(b + EH_PHENTSIZE, ELF_PHDR_SIZE);
	wr16(b + EH_PHNUM, 3);
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1000, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, 0x11000, 0x100, 0x2000, 0x1000);
	set_ph(2, 0x6474e551 /* PT_GNU_STACK */, PF_R | PF_W, 0, 0, 0, 0, 16);
}

static struct elf_image image;
static char err[160];

static int parse(size_t len)
{
	return elf_parse(img_buf, len, SV39_TOP, &image, err, sizeof(err));
}

/* Expects the current img_buf to fail with code and a reason containing want. */
#define REJECT(code, want)                                                  \
	do { int rc_ = parse(IMG_SIZE); CHECK_EQ(rc_, (code));              \
		if (!strstr(err, (want)))                                   \
			test_fail(__FILE__, __LINE__, "reason \"%s\" lacks \"%s\"", err, (want)); \
	} while (0)

/* --- the valid image ------------------------------------------------------ */

TEST(valid_minimal)
{
	build();
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_STR(err, "");
	CHECK_EQ(image.entry, 0x10100);
	CHECK_EQ(image.nsegs, 2);
	CHECK_EQ(image.phnum, 3);
	CHECK_EQ(image.phentsize, 56);
	CHECK_EQ(image.seg[0].vaddr, 0x10000);
	CHECK_EQ(image.seg[0].prot, ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(image.seg[1].vaddr, 0x11000);
	CHECK_EQ(image.seg[1].filesz, 0x100);
	CHECK_EQ(image.seg[1].memsz, 0x2000);
	CHECK_EQ(image.seg[1].offset, 0x1000);
	CHECK_EQ(image.seg[1].prot, ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(image.seg[1].phidx, 1);
	CHECK_EQ(image.seg[0].flags | image.seg[1].flags, 0);
	CHECK_EQ(image.lo, 0x10000);
	CHECK_EQ(image.hi, 0x13000);
	CHECK_EQ(image.phdr_vaddr, 0x10040);
	CHECK_EQ(elf_page_prot(&image, 0x10000), ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(elf_page_prot(&image, 0x12000), ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(elf_page_prot(&image, 0x13000), 0);
}

TEST(segments_sorted_by_vaddr)
{
	build();
	/* swap the two loads in the table: the image still lists them by address */
	uint8_t tmp[ELF_PHDR_SIZE];
	memcpy(tmp, ph(0), sizeof(tmp));
	memcpy(ph(0), ph(1), sizeof(tmp));
	memcpy(ph(1), tmp, sizeof(tmp));
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_EQ(image.seg[0].vaddr, 0x10000);
	CHECK_EQ(image.seg[0].phidx, 1);
	CHECK_EQ(image.seg[1].vaddr, 0x11000);
	CHECK_EQ(image.seg[1].phidx, 0);
}

TEST(other_phdr_types_and_empty_loads_ignored)
{
	build();
	wr16(img_buf + EH_PHNUM, 6);
	set_ph(2, PT_NOTE, PF_R, 0x200, 0x10200, 0x20, 0x20, 4);
	set_ph(3, PT_PHDR, PF_R, 0x40, 0x10040, 6 * 56, 6 * 56, 8);
	set_ph(4, 0x70000003 /* PT_RISCV_ATTRIBUTES */, PF_R, 0x300, 0, 0x40, 0, 1);
	set_ph(5, PT_LOAD, PF_R, 0, 0x50000, 0, 0, 0x1000);
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_EQ(image.nsegs, 2);
}

TEST(shared_boundary_page_accepted_and_marked)
{
	build();
	/* data starts in the last page of text, like ld.lld -n */
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x800, 0x800, 4);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x800, 0x10800, 0x100, 0x2000, 4);
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_EQ(image.seg[0].flags, ELF_SEG_SHARED_LAST);
	CHECK_EQ(image.seg[1].flags, ELF_SEG_SHARED_FIRST);
	CHECK_EQ(elf_page_prot(&image, 0x10000), ELF_PROT_R | ELF_PROT_W | ELF_PROT_X);
	CHECK_EQ(elf_page_prot(&image, 0x11000), ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(image.hi, 0x13000);
}

TEST(error_buffer_truncated_and_optional)
{
	build();
	img_buf[EI_CLASS] = 1;
	char small[10];
	CHECK_EQ(elf_parse(img_buf, IMG_SIZE, SV39_TOP, &image, small, sizeof(small)), -ENOEXEC);
	CHECK_STR(small, "elf: not ");
	CHECK_EQ(elf_parse(img_buf, IMG_SIZE, SV39_TOP, &image, NULL, 0), -ENOEXEC);
	CHECK_EQ(elf_parse(img_buf, IMG_SIZE, 12345, &image, err, sizeof(err)), -EINVAL);
}

/* --- identification: -ENOEXEC ------------------------------------------- */

TEST(reject_short_and_bad_magic)
{
	build();
	CHECK_EQ(parse(63), -ENOEXEC);
	CHECK(strstr(err, "too short") != NULL);
	CHECK_EQ(parse(0), -ENOEXEC);
	img_buf[1] = 'e';
	REJECT(-ENOEXEC, "elf: not an ELF file");
	memcpy(img_buf, "#!/bin/sh\n", 10);
	REJECT(-ENOEXEC, "bad magic");
}

TEST(reject_class_data_version_abi)
{
	build(); img_buf[EI_CLASS] = 1;
	REJECT(-ENOEXEC, "elf: not a 64-bit ELF file (EI_CLASS 1)");
	build(); img_buf[EI_DATA] = 2;
	REJECT(-ENOEXEC, "elf: not little-endian (EI_DATA 2)");
	build(); img_buf[EI_VERSION] = 0;
	REJECT(-ENOEXEC, "unknown ELF version");
	build(); wr32(img_buf + EH_VERSION, 2);
	REJECT(-ENOEXEC, "unknown ELF version");
	build(); img_buf[EI_OSABI] = 9;  /* FreeBSD */
	REJECT(-ENOEXEC, "unsupported OS ABI (EI_OSABI 9)");
	build(); img_buf[EI_OSABI] = ELFOSABI_LINUX;
	CHECK_EQ(parse(IMG_SIZE), 0);
	build(); img_buf[EI_ABIVERSION] = 1;
	REJECT(-ENOEXEC, "unsupported ABI version");
}

TEST(reject_type_and_machine)
{
	build(); wr16(img_buf + EH_TYPE, 1 /* ET_REL */);
	REJECT(-ENOEXEC, "elf: not an executable (e_type 1)");
	build(); wr16(img_buf + EH_MACHINE, 62);
	REJECT(-ENOEXEC, "elf: not a RISC-V executable (e_machine 62)");
}

TEST(accept_soft_single_and_double_float_abis)
{
	static const uint32_t ok[] = {
		0, EF_RISCV_RVC, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE,  /* gcc's lp64d: 0x5 */
		EF_RISCV_FLOAT_ABI_DOUBLE, EF_RISCV_FLOAT_ABI_SINGLE,
		EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE | 0x10 /* TSO */,
	};
	for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		build(); wr32(img_buf + EH_FLAGS, ok[i]);
		CHECK_EQ(parse(IMG_SIZE), 0);
	}
}

TEST(reject_quad_float_and_rve_abi)
{
	build(); wr32(img_buf + EH_FLAGS, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_QUAD);
	REJECT(-ENOEXEC, "quad-float ABI (lp64q) not supported (e_flags 0x7)");
	build(); wr32(img_buf + EH_FLAGS, EF_RISCV_RVE);
	REJECT(-ENOEXEC, "RV64E");
	build(); wr32(img_buf + EH_FLAGS, EF_RISCV_RVE | EF_RISCV_FLOAT_ABI_DOUBLE);
	REJECT(-ENOEXEC, "RV64E");
}

TEST(et_dyn_accepted_from_address_zero)
{
	/* a PIE: linked at 0, the loader adds a bias */
	build(); wr16(img_buf + EH_TYPE, ET_DYN);
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, 0x1000, 0x100, 0x2000, 0x10000);
	wr64(img_buf + EH_ENTRY, 0x100);
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_EQ(image.type, ET_DYN);
	CHECK_EQ(image.lo, 0);
	CHECK_EQ(image.hi, 0x3000);
	CHECK_EQ(image.phdr_vaddr, 0x40);
	CHECK_EQ(image.align, 0x10000);      /* the largest p_align */
	CHECK_EQ(image.interp_len, 0);
	/* a fixed-address program may not use page 0 */
	wr16(img_buf + EH_TYPE, ET_EXEC);
	REJECT(-EINVAL, "lies in page 0");
}

TEST(interp_recorded)
{
	static const char path[] = "/lib/ld-linux-riscv64-lp64d.so.1";
	build();
	memcpy(img_buf + 0x200, path, sizeof path);
	set_ph(2, PT_INTERP, PF_R, 0x200, 0x10200, sizeof path, sizeof path, 1);
	REQUIRE(parse(IMG_SIZE) == 0);
	CHECK_EQ(image.type, ET_EXEC);
	CHECK_EQ(image.interp_off, 0x200);
	CHECK_EQ(image.interp_len, sizeof path);
	CHECK_STR((const char *)img_buf + image.interp_off, path);
}

TEST(reject_bad_interp)
{
	build();
	memcpy(img_buf + 0x200, "/lib/ld.so", 11);
	set_ph(2, PT_INTERP, PF_R, 0x200, 0x10200, 10, 10, 1);  /* NUL not included */
	REJECT(-ENOEXEC, "interpreter path not NUL-terminated");
	set_ph(2, PT_INTERP, PF_R, 0x200, 0x10200, 1, 1, 1);
	REJECT(-ENOEXEC, "interpreter path of 1 bytes");
	set_ph(2, PT_INTERP, PF_R, 0x200, 0x10200, 4097, 4097, 1);
	REJECT(-ENOEXEC, "interpreter path of 4097 bytes");
	set_ph(2, PT_INTERP, PF_R, IMG_SIZE - 4, 0x10200, 11, 11, 1);
	REJECT(-ENOEXEC, "interpreter path outside the file");
	set_ph(2, PT_INTERP, PF_R, ~0ULL - 2, 0x10200, 11, 11, 1);
	REJECT(-ENOEXEC, "interpreter path outside the file");
}

/* --- malformed headers: -EINVAL ------------------------------------------ */

TEST(reject_header_sizes)
{
	build(); wr16(img_buf + EH_EHSIZE, 52);
	REJECT(-EINVAL, "bad ELF header size");
	build(); wr16(img_buf + EH_PHENTSIZE, 32);
	REJECT(-EINVAL, "bad program header size (e_phentsize 32, expected 56)");
	build(); wr16(img_buf + EH_PHNUM, 0);
	REJECT(-EINVAL, "no program headers");
}

TEST(reject_phdr_table_outside_file)
{
	build(); wr64(img_buf + EH_PHOFF, IMG_SIZE - 100);
	REJECT(-EINVAL, "elf: program header table outside the file");
	build(); wr64(img_buf + EH_PHOFF, UINT64_MAX - 8 * 7);  /* phoff + size wraps */
	REJECT(-EINVAL, "elf: program header table outside the file");
	build(); wr16(img_buf + EH_PHNUM, 0xffff);
	REJECT(-EINVAL, "elf: program header table outside the file");
	build(); wr64(img_buf + EH_PHOFF, 0x44);
	REJECT(-EINVAL, "misaligned program header table");
	/* the table fits exactly at the end of a file */
	build();
	CHECK_EQ(parse(ELF_EHDR_SIZE + 3 * ELF_PHDR_SIZE), -EINVAL);
	CHECK(strstr(err, "beyond end of file") != NULL);
}

TEST(reject_filesz_gt_memsz)
{
	build(); wr64(ph(1) + PH_FILESZ, 0x2001);
	REJECT(-EINVAL, "elf: segment 1: p_filesz > p_memsz");
}

TEST(reject_absurd_sizes)
{
	build(); wr64(ph(1) + PH_MEMSZ, (1ULL << 36) + 1);
	REJECT(-EINVAL, "elf: absurd segment size (segment 1");
	build(); wr64(ph(1) + PH_MEMSZ, UINT64_MAX);
	REJECT(-EINVAL, "elf: absurd segment size");
	/* each below the limit, together above it (Sv48 so they fit) */
	build();
	wr16(img_buf + EH_PHNUM, 3);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, 0x11000, 0x100, 1ULL << 36, 0x1000);
	set_ph(2, PT_LOAD, PF_R | PF_W, 0, 0x10000000000ULL, 0, 0x1000, 0x1000);
	CHECK_EQ(elf_parse(img_buf, IMG_SIZE, 1ULL << 47, &image, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "absurd segment size (total") != NULL);
}

TEST(reject_file_data_beyond_eof)
{
	build(); wr64(ph(1) + PH_OFFSET, IMG_SIZE - 0x80);   /* 0x100 bytes from 0x80 before the end */
	wr64(ph(1) + PH_VADDR, 0x11000 + ((IMG_SIZE - 0x80) & PGMASK));
	REJECT(-EINVAL, "elf: file data of segment 1 beyond end of file");
	build(); wr64(ph(1) + PH_OFFSET, UINT64_MAX - 0x10);  /* offset + filesz wraps */
	REJECT(-EINVAL, "elf: file data of segment 1 beyond end of file");
	/* a bss-only segment may name any offset */
	build(); wr64(ph(1) + PH_FILESZ, 0); wr64(ph(1) + PH_OFFSET, IMG_SIZE);
	CHECK_EQ(parse(IMG_SIZE), 0);
}

TEST(reject_align_and_congruence)
{
	build(); wr64(ph(1) + PH_ALIGN, 0x1800);
	REJECT(-EINVAL, "p_align 0x1800 not a power of two");
	build(); wr64(ph(1) + PH_VADDR, 0x11008);
	REJECT(-EINVAL, "elf: segment 1: p_offset and p_vaddr not congruent");
}

TEST(reject_page_zero_and_user_half)
{
	build();
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	wr64(img_buf + EH_ENTRY, 0x100);
	REJECT(-EINVAL, "elf: segment 0 lies in page 0");
	build(); wr64(ph(1) + PH_VADDR, SV39_TOP - 0x1000);
	REJECT(-EINVAL, "elf: segment 1 lies outside the user half");
	build(); wr64(ph(1) + PH_VADDR, UINT64_MAX - 0xfff);   /* vaddr + memsz wraps */
	REJECT(-EINVAL, "elf: segment 1 lies outside the user half");
	/* ends exactly at the top: fine */
	build(); wr64(ph(1) + PH_VADDR, SV39_TOP - 0x2000);
	CHECK_EQ(parse(IMG_SIZE), 0);
	CHECK_EQ(image.hi, SV39_TOP);
}

TEST(reject_overlap)
{
	build(); wr64(ph(1) + PH_VADDR, 0x10000);   /* the same bytes as segment 0 */
	wr64(ph(1) + PH_OFFSET, 0);
	REJECT(-EINVAL, "elf: segment 1 overlaps segment 0");
	/* overlap by one byte, table order reversed */
	build();
	set_ph(0, PT_LOAD, PF_R | PF_W, 0x1000, 0x11000, 0x100, 0x2000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_X, 0x800, 0x10800, 0x800, 0x801, 0x1000);
	wr64(img_buf + EH_ENTRY, 0x10900);
	REJECT(-EINVAL, "elf: segment 0 overlaps segment 1");
	/* a later segment inside an earlier large one */
	build();
	wr16(img_buf + EH_PHNUM, 3);
	set_ph(1, PT_LOAD, PF_R | PF_W, 0x1000, 0x11000, 0x100, 0x10000, 0x1000);
	set_ph(2, PT_LOAD, PF_R, 0x2000, 0x15000, 0x100, 0x100, 0x1000);
	REJECT(-EINVAL, "elf: segment 2 overlaps segment 1");
}

TEST(reject_segment_counts)
{
	build();
	wr16(img_buf + EH_PHNUM, 1);
	set_ph(0, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
	REJECT(-EINVAL, "elf: no loadable segment");
	build();
	wr16(img_buf + EH_PHNUM, ELF_MAX_SEGMENTS + 1);
	for (int i = 0; i <= ELF_MAX_SEGMENTS; i++)
		set_ph(i, PT_LOAD, PF_R | PF_X, 0, 0x10000 + 0x1000 * (uint64_t)i, 0x100, 0x100, 0x1000);
	wr64(img_buf + EH_ENTRY, 0x10010);
	REJECT(-EINVAL, "more than 16 loadable segments");
	wr16(img_buf + EH_PHNUM, ELF_MAX_SEGMENTS);
	CHECK_EQ(parse(IMG_SIZE), 0);
	CHECK_EQ(image.nsegs, ELF_MAX_SEGMENTS);
}

TEST(reject_entry)
{
	build(); wr64(img_buf + EH_ENTRY, 0x11000);     /* in data */
	REJECT(-EINVAL, "elf: entry point not in an executable segment");
	build(); wr64(img_buf + EH_ENTRY, 0x10000 + 0x1000); /* one past text */
	REJECT(-EINVAL, "elf: entry point not in an executable segment");
	build(); wr64(img_buf + EH_ENTRY, 0);
	REJECT(-EINVAL, "elf: entry point not in an executable segment");
}

/* --- real programs --------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static uint8_t data[1 << 16];
	*len = fread(data, 1, sizeof(data), f);
	fclose(f);
	return data;
}

/* Parses a committed sample; fails the test if unreadable. */
static int parse_file(const char *path)
{
	size_t len = 0;
	uint8_t *d = slurp(path, &len);
	if (!d) {
		test_fail(__FILE__, __LINE__, "cannot read %s", path);
		test_abort();
	}
	return elf_parse(d, len, SV39_TOP, &image, err, sizeof(err));
}

TEST(lld_default_layout)
{
	REQUIRE(parse_file("tests/kernel/data/lld_default.elf") == 0);
	CHECK_EQ(image.entry, 0x11170);
	CHECK_EQ(image.nsegs, 3);
	CHECK_EQ(image.seg[0].vaddr, 0x10000); CHECK_EQ(image.seg[0].prot, ELF_PROT_R);
	CHECK_EQ(image.seg[1].vaddr, 0x11160); CHECK_EQ(image.seg[1].prot, ELF_PROT_R | ELF_PROT_X);
	CHECK_EQ(image.seg[2].vaddr, 0x121a8); CHECK_EQ(image.seg[2].prot, ELF_PROT_R | ELF_PROT_W);
	CHECK_EQ(image.seg[2].filesz, 4); CHECK_EQ(image.seg[2].memsz, 0x2714);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(image.seg[i].flags, 0);  /* lld: a page per segment */
	CHECK_EQ(image.phdr_vaddr, 0x10040);
	CHECK_EQ(image.lo, 0x10000); CHECK_EQ(image.hi, 0x15000);
}

TEST(lld_variants_accepted)
{
	static const struct { const char *file; int nsegs; uint64_t entry; } cases[] = {
		{ "tests/kernel/data/lld_separate.elf", 3, 0x11004 },
		{ "tests/kernel/data/lld_relro.elf", 4, 0x111d0 },
		{ "tests/kernel/data/lld_page64k.elf", 3, 0x20170 },
		{ "tests/kernel/data/lld_omagic.elf", 1, 0x100c8 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse_file(cases[i].file);
		if (rc)
			test_fail(__FILE__, __LINE__, "%s: %s", cases[i].file, err);
		CHECK_EQ(image.nsegs, cases[i].nsegs);
		CHECK_EQ(image.entry, cases[i].entry);
		for (int s = 0; s < image.nsegs; s++)
			CHECK_EQ(image.seg[s].flags, 0);
	}
	CHECK_EQ(image.seg[0].prot, ELF_PROT_R | ELF_PROT_W | ELF_PROT_X); /* omagic */
	CHECK_EQ(image.phdr_vaddr, 0);  /* -N does not load the headers */
}

TEST(lld_nmagic_shares_one_page)
{
	/* ld.lld -n: R, RX and RW segments all start in page 0x10000 */
	REQUIRE(parse_file("tests/kernel/data/lld_nmagic.elf") == 0);
	CHECK_EQ(image.nsegs, 3);
	CHECK_EQ(image.seg[0].flags, ELF_SEG_SHARED_LAST);
	CHECK_EQ(image.seg[1].flags, ELF_SEG_SHARED_FIRST | ELF_SEG_SHARED_LAST);
	CHECK_EQ(image.seg[2].flags, ELF_SEG_SHARED_FIRST);
	CHECK_EQ(elf_page_prot(&image, 0x10000), ELF_PROT_R | ELF_PROT_W | ELF_PROT_X);
	CHECK_EQ(elf_page_prot(&image, 0x11000), ELF_PROT_R | ELF_PROT_W);
}

TEST(lld_pie_accepted)
{
	REQUIRE(parse_file("tests/kernel/data/lld_pie.elf") == 0);
	CHECK_EQ(image.type, ET_DYN);
	CHECK_EQ(image.lo, 0);
}

/* Reads $(BUILD)/tests/data/NAME. */
static const char *build_path(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof(path), "%s/tests/data/%s", b ? b : "build", name);
	return path;
}

TEST(tiny_built_by_clang_matches_readelf)
{
	REQUIRE(parse_file(build_path("tiny.elf")) == 0);
	FILE *f = fopen(build_path("tiny.expect"), "r");
	REQUIRE(f != NULL);
	char line[256];
	int nload = 0, got_entry = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long e, off, va, fsz, msz;
		char flags[8];
		if (sscanf(line, "entry %llx", &e) == 1) {
			CHECK_EQ(image.entry, e);
			got_entry = 1;
		} else if (sscanf(line, "load %llx %llx %llx %llx %7s", &off, &va, &fsz, &msz,
				  flags) == 5) {
			REQUIRE(nload < image.nsegs);
			const struct elf_segment *s = &image.seg[nload++];
			CHECK_EQ(s->offset, off); CHECK_EQ(s->vaddr, va);
			CHECK_EQ(s->filesz, fsz); CHECK_EQ(s->memsz, msz);
			uint32_t prot = (strchr(flags, 'R') ? ELF_PROT_R : 0) |
					(strchr(flags, 'W') ? ELF_PROT_W : 0) |
					(strchr(flags, 'E') ? ELF_PROT_X : 0);
			CHECK_EQ(s->prot, prot);
		}
	}
	fclose(f);
	CHECK(got_entry);
	CHECK(nload >= 2);
	CHECK_EQ(nload, image.nsegs);
}
