/*
 * symbols_test.c - symbols_lookup on ELF files built here: a function's
 * range gives NAME+0xOFF (NAME alone at its start), a size-0 label is the
 * nearest below, an address outside every symbol gives -1, and every
 * truncation and a corrupted string-table offset give -1 without reading
 * outside the buffer (the sanitizer build checks the reads).
 */
#include "test.h"
#include "symbols.h"

#include <stdlib.h>
#include <string.h>

static void w(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An ELF64 LE file: header, symtab (4 symbols), strtab, 4 section headers
 * (null, .text stand-in, .symtab, .strtab).  Returns its size. */
static size_t build(uint8_t *f)
{
	memset(f, 0, 1024);
	memcpy(f, "\177ELF", 4);
	f[4] = 2, f[5] = 1, f[6] = 1;
	const char strtab[] = "\0main\0helper\0label\0";
	size_t symoff = 64, nsym = 4, stroff = symoff + 24 * nsym, shoff = 512;
	memcpy(f + stroff, strtab, sizeof strtab);
	struct { uint32_t name; uint8_t info; uint16_t shndx; uint64_t value, size; } syms[4] = {
		{ 0, 0, 0, 0, 0 },                       /* the null symbol */
		{ 1, 0x12, 1, 0x11000, 0x100 },          /* main: GLOBAL FUNC */
		{ 6, 0x02, 1, 0x11100, 0x20 },           /* helper: LOCAL FUNC */
		{ 13, 0x00, 1, 0x11200, 0 },             /* label: NOTYPE, size 0 */
	};
	for (size_t i = 0; i < nsym; i++) {
		uint8_t *s = f + symoff + 24 * i;
		w(s, syms[i].name, 4), s[4] = syms[i].info, w(s + 6, syms[i].shndx, 2);
		w(s + 8, syms[i].value, 8), w(s + 16, syms[i].size, 8);
	}
	w(f + 0x28, shoff, 8), w(f + 0x3a, 64, 2), w(f + 0x3c, 4, 2);
	uint8_t *sh = f + shoff;
	w(sh + 64 + 4, 1, 4);                                   /* [1] PROGBITS */
	w(sh + 128 + 4, 2, 4), w(sh + 128 + 0x18, symoff, 8);   /* [2] SYMTAB */
	w(sh + 128 + 0x20, 24 * nsym, 8), w(sh + 128 + 0x28, 3, 4), w(sh + 128 + 0x38, 24, 8);
	w(sh + 192 + 4, 3, 4), w(sh + 192 + 0x18, stroff, 8);  /* [3] STRTAB */
	w(sh + 192 + 0x20, sizeof strtab, 8);
	return shoff + 4 * 64;
}

TEST(symbols_name_functions_and_labels)
{
	uint8_t f[1024];
	size_t n = build(f);
	char b[64];
	CHECK_EQ(symbols_lookup(f, n, 0x11000, b, sizeof b), 0);
	CHECK_STR(b, "main");
	CHECK_EQ(symbols_lookup(f, n, 0x110ff, b, sizeof b), 0);
	CHECK_STR(b, "main+0xff");
	CHECK_EQ(symbols_lookup(f, n, 0x11104, b, sizeof b), 0);
	CHECK_STR(b, "helper+0x4");
	CHECK_EQ(symbols_lookup(f, n, 0x11210, b, sizeof b), 0);
	CHECK_STR(b, "label+0x10");
	CHECK_EQ(symbols_lookup(f, n, 0x11120, b, sizeof b), -1);    /* between helper and label */
	CHECK_STR(b, "");
	CHECK_EQ(symbols_lookup(f, n, 0x10000, b, sizeof b), -1);
	char tiny[6];
	CHECK_EQ(symbols_lookup(f, n, 0x110ff, tiny, sizeof tiny), 0);   /* cut, terminated */
	CHECK_STR(tiny, "main+");
}

TEST(symbols_survive_truncated_and_corrupt_files)
{
	uint8_t f[1024];
	size_t n = build(f);
	char b[64];
	for (size_t len = 0; len < n; len++) {
		uint8_t *copy = malloc(len ? len : 1);   /* exact size: a read past it is caught */
		REQUIRE(copy);
		memcpy(copy, f, len);
		int rc = symbols_lookup(copy, len, 0x11004, b, sizeof b);
		CHECK(rc == -1 || !strcmp(b, "main+0x4"));
		free(copy);
	}
	build(f);
	w(f + 64 + 24, 0xffffff, 4);                 /* main's name far outside the strtab */
	CHECK_EQ(symbols_lookup(f, n, 0x11004, b, sizeof b), -1);
	build(f);
	f[4] = 1;                                    /* ELF32: not read */
	CHECK_EQ(symbols_lookup(f, n, 0x11004, b, sizeof b), -1);
	CHECK_EQ(symbols_lookup(NULL, 0, 0x11004, b, sizeof b), -1);
}
