/*
 * elf_fuzz.c - libFuzzer target for elf_parse.  Any input must give either a
 * clean error (a negative errno and an "elf: " message) or an image that
 * keeps every promise of elf.h: segments sorted, disjoint, inside the file
 * and the user half, not in page 0, entry in an executable segment, extent
 * consistent.  A broken promise aborts, which the fuzzer reports.
 *
 * Built two ways (mk/elf.mk): with -fsanitize=fuzzer for `make fuzz-elf`,
 * and with tests/fuzz/fuzz_main.c as a replayer of the corpus in `make test`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "riscv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond)                                                        \
	do { if (!(cond)) { fprintf(stderr, "elf_fuzz: broken promise: %s\n", #cond); \
		abort(); } } while (0)

static void check_image(const struct elf_image *img, size_t size, uint64_t top)
{
	PROMISE(img->nsegs >= 1 && img->nsegs <= ELF_MAX_SEGMENTS);
	PROMISE(img->phentsize == ELF_PHDR_SIZE && img->phnum >= 1);
	uint64_t total = 0;
	int entry_ok = 0;
	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		PROMISE(s->memsz > 0 && s->filesz <= s->memsz);
		PROMISE(s->offset + s->filesz >= s->offset && s->offset + s->filesz <= size);
		/* an ET_DYN is moved by the loader: it may start at 0 */
		PROMISE((s->vaddr >= PGSIZE || img->type == ET_DYN) && s->vaddr + s->memsz > s->vaddr);
		PROMISE(s->vaddr + s->memsz <= top);
		PROMISE(!s->filesz || (s->vaddr & PGMASK) == (s->offset & PGMASK));
		PROMISE((s->prot & ~7u) == 0);
		PROMISE(s->phidx < img->phnum);
		if (i > 0) {
			const struct elf_segment *p = &img->seg[i - 1];
			PROMISE(p->vaddr + p->memsz <= s->vaddr);
			int shared = PGROUNDUP(p->vaddr + p->memsz) > PGROUNDDOWN(s->vaddr);
			PROMISE(!!(p->flags & ELF_SEG_SHARED_LAST) == shared);
			PROMISE(!!(s->flags & ELF_SEG_SHARED_FIRST) == shared);
		}
		if ((s->prot & ELF_PROT_X) && img->entry >= s->vaddr &&
		    img->entry < s->vaddr + s->memsz)
			entry_ok = 1;
		total += s->memsz;
		PROMISE((elf_page_prot(img, PGROUNDDOWN(s->vaddr)) & s->prot) == s->prot);
	}
	PROMISE(entry_ok);
	PROMISE(total <= ELF_MAX_TOTAL);
	PROMISE(img->lo == PGROUNDDOWN(img->seg[0].vaddr));
	const struct elf_segment *last = &img->seg[img->nsegs - 1];
	PROMISE(img->hi == PGROUNDUP(last->vaddr + last->memsz) && img->hi <= top);
	PROMISE(img->phdr_vaddr == 0 || (img->phdr_vaddr >= img->lo && img->phdr_vaddr < img->hi));
	PROMISE(img->type == ET_EXEC || img->type == ET_DYN);
	PROMISE(img->align >= PGSIZE && (img->align & (img->align - 1)) == 0);
	PROMISE(img->interp_len == 0 || (img->interp_len >= 2 && img->interp_len <= ELF_INTERP_MAX &&
					 img->interp_off + img->interp_len <= size &&
					 img->interp_off + img->interp_len > img->interp_off));
}

static void parse_one(const uint8_t *data, size_t size, uint64_t top)
{
	struct elf_image img;
	char err[128];
	memset(err, 'x', sizeof(err));
	int rc = elf_parse(data, size, top, &img, err, sizeof(err));
	PROMISE(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == 0) {
		PROMISE(err[0] == '\0');
		check_image(&img, size, top);
	} else {
		PROMISE(rc == -ENOEXEC || rc == -EINVAL);
		PROMISE(strncmp(err, "elf: ", 5) == 0);
		/* a tiny buffer truncates but still terminates */
		char small[8];
		PROMISE(elf_parse(data, size, top, &img, small, sizeof(small)) == rc);
		PROMISE(strlen(small) == sizeof(small) - 1 || strlen(err) < sizeof(small));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Copy into an exactly sized heap block so ASan sees any overread. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	parse_one(copy, size, 1ULL << 38);      /* Sv39 */
	parse_one(copy, size, 1ULL << 47);      /* Sv48 */
	parse_one(copy, size, 0x20000);         /* a tiny user half */
	free(copy);
	return 0;
}
