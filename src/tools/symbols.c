/*
 * symbols.c - function names for addresses, from an ELF file's .symtab.
 *
 * ELF64 (System V gABI, "Sections" and "Symbol Table"): the section header
 * table at e_shoff holds e_shnum entries of e_shentsize bytes; a section of
 * type SHT_SYMTAB (2) is an array of Elf64_Sym (24 bytes: st_name u32,
 * st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64) whose
 * names are offsets into the string table section sh_link.  Every offset
 * and size read from the file is checked against the file's size before
 * use: a stripped, truncated or hostile file gives "no symbol", never a
 * read outside it.
 */
#include "symbols.h"
#include "proc.h"
#include "image.h"

#include <stdio.h>
#include <string.h>

static uint64_t rd(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* True if [off, off + len) lies inside a file of size bytes. */
static int inside(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

int symbols_lookup(const uint8_t *data, size_t size, uint64_t addr, char *buf, size_t n)
{
	if (n)
		buf[0] = 0;
	if (!data || size < 64 || memcmp(data, "\177ELF", 4) || data[4] != 2 || data[5] != 1)
		return -1;                    /* not ELF64 little-endian */
	uint64_t shoff = rd(data + 0x28, 8), shentsize = rd(data + 0x3a, 2), shnum = rd(data + 0x3c, 2);
	if (shentsize < 64 || !inside(size, shoff, shnum * shentsize))
		return -1;
	const uint8_t *best = NULL;       /* the Elf64_Sym chosen */
	uint64_t best_value = 0, best_strtab = 0, best_strsize = 0;
	int best_exact = 0;
	for (uint64_t s = 0; s < shnum; s++) {
		const uint8_t *sh = data + shoff + s * shentsize;
		if (rd(sh + 4, 4) != 2)   /* SHT_SYMTAB */
			continue;
		uint64_t off = rd(sh + 0x18, 8), len = rd(sh + 0x20, 8), link = rd(sh + 0x28, 4);
		uint64_t entsize = rd(sh + 0x38, 8);
		if (entsize < 24 || !inside(size, off, len) || link >= shnum)
			continue;
		const uint8_t *str = data + shoff + link * shentsize;
		uint64_t stroff = rd(str + 0x18, 8), strsize = rd(str + 0x20, 8);
		if (!inside(size, stroff, strsize))
			continue;
		for (uint64_t e = 0; e + entsize <= len; e += entsize) {
			const uint8_t *sym = data + off + e;
			unsigned type = sym[4] & 0xf;     /* STT_NOTYPE 0, OBJECT 1, FUNC 2 */
			uint64_t name = rd(sym, 4), shndx = rd(sym + 6, 2);
			uint64_t value = rd(sym + 8, 8), ssize = rd(sym + 16, 8);
			if (type > 2 || name == 0 || name >= strsize || shndx == 0 || shndx >= 0xff00)
				continue;
			int exact = ssize && addr >= value && addr - value < ssize;
			int near = !ssize && addr >= value;
			if (!exact && !near)
				continue;
			/* a covering symbol beats a nearest one; among equals, the
			 * closest start (and a function over a label at the same place) */
			if (best && (best_exact > exact || (best_exact == exact && value < best_value) ||
				     (value == best_value && (best[4] & 0xf) == 2 && type != 2)))
				continue;
			best = sym, best_value = value, best_exact = exact;
			best_strtab = stroff, best_strsize = strsize;
		}
	}
	if (!best)
		return -1;
	uint64_t name = best_strtab + rd(best, 4);
	size_t maxlen = (size_t)(best_strtab + best_strsize - name);
	const char *s = (const char *)data + name;
	size_t len = strnlen(s, maxlen);
	if (len == maxlen || len == 0)
		return -1;                    /* unterminated name */
	if (addr == best_value)
		snprintf(buf, n, "%.*s", (int)len, s);
	else
		snprintf(buf, n, "%.*s+0x%llx", (int)len, s, (unsigned long long)(addr - best_value));
	return 0;
}

void symbols_describe_pc(struct kernel *k, struct proc *p, uint64_t pc, char *buf, size_t n)
{
	char sym[200];
	if (n)
		buf[0] = 0;
	if (p && p->image && symbols_lookup(p->image->data, p->image->size, pc, sym, sizeof sym) == 0)
		snprintf(buf, n, " (%s)", sym);
}
