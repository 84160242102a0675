/*
 * trace_read.c - parsing reference traces (formats in trace_read.h).  The
 * whole trace is parsed into memory first, so replay measures the kernel,
 * not the parser.  These are host tools: they use host memory freely.
 */
#include "trace_read.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(struct trace *t, size_t *cap, uint64_t w)
{
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		uint64_t *r = realloc(t->refs, nc * sizeof *r);
		if (!r)
			return -1;
		t->refs = r;
		*cap = nc;
	}
	t->refs[t->n++] = w;
	if (TR_ADDR(w) > t->max_addr)
		t->max_addr = TR_ADDR(w);
	return 0;
}

static int parse_hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint64_t x = 0;
	int digits = 0;
	while (isxdigit((unsigned char)*p)) {
		if (digits == 16)
			return -1;
		x = x * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
		p++, digits++;
	}
	if (!digits)
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool line_blank(const char *p)
{
	p = skip_blank(p);
	return *p == '\0' || *p == '\n' || *p == '\r';
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)

static int load_text(struct trace *t, FILE *f, enum trace_format fmt, char *err, size_t errlen)
{
	char line[512];
	size_t cap = 0, lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f))
			FAIL("%s:%zu: line too long", t->path, lineno);
		if (line_blank(line))
			continue;
		const char *p = line;
		uint64_t addr;
		if (fmt == TF_BLOCK) {
			p = skip_blank(p);
			if (*p == '*' && line_blank(p + 1))
				continue;
			char *end;
			errno = 0;
			unsigned long long page = strtoull(p, &end, 10);
			if (end == p || errno || !line_blank(end) || *p == '-' || page >= (1ULL << 50))
				FAIL("%s:%zu: not a page number: %.40s", t->path, lineno, p);
			/* page n goes to virtual page n+1: page 0 stays unmapped */
			if (push(t, &cap, TR_MAKE((page + 1) << 12, TR_LOAD)) < 0)
				FAIL("%s: out of memory", t->path);
		} else if (fmt == TF_LACKEY) {
			if (!strncmp(line, "==", 2) || !strncmp(line, "--", 2))
				continue;
			p = skip_blank(p);
			char kind = *p++;
			if ((kind != 'I' && kind != 'L' && kind != 'S' && kind != 'M') || (*p != ' ' && *p != '\t'))
				FAIL("%s:%zu: not a lackey line (I, L, S or M): %.40s", t->path, lineno, line);
			p = skip_blank(p);
			if (parse_hex(&p, &addr) < 0 || *p != ',')
				FAIL("%s:%zu: bad address in: %.40s", t->path, lineno, line);
			if (addr >= (1ULL << 62))
				FAIL("%s:%zu: address out of range", t->path, lineno);
			int rc = 0;
			if (kind == 'I')
				rc = push(t, &cap, TR_MAKE(addr, TR_FETCH));
			else if (kind == 'L')
				rc = push(t, &cap, TR_MAKE(addr, TR_LOAD));
			else if (kind == 'S')
				rc = push(t, &cap, TR_MAKE(addr, TR_STORE));
			else
				rc = push(t, &cap, TR_MAKE(addr, TR_LOAD)) | push(t, &cap, TR_MAKE(addr, TR_STORE));
			if (rc)
				FAIL("%s: out of memory", t->path);
		} else {   /* din */
			p = skip_blank(p);
			if (!isdigit((unsigned char)*p) || (p[1] != ' ' && p[1] != '\t'))
				FAIL("%s:%zu: not a din line (LABEL ADDRESS): %.40s", t->path, lineno, line);
			int label = *p - '0';
			p = skip_blank(p + 1);
			if (parse_hex(&p, &addr) < 0 || !line_blank(p) || addr >= (1ULL << 62))
				FAIL("%s:%zu: bad address in: %.40s", t->path, lineno, line);
			if (label > 4)
				FAIL("%s:%zu: unknown din label %d", t->path, lineno, label);
			if (label <= 2 && push(t, &cap, TR_MAKE(addr, label == 0 ? TR_LOAD :
							   label == 1 ? TR_STORE : TR_FETCH)) < 0)
				FAIL("%s: out of memory", t->path);
		}
	}
	if (ferror(f))
		FAIL("%s: read error", t->path);
	return 0;
fail:
	return -1;
}

static int load_vmtr(struct trace *t, FILE *f, char *err, size_t errlen)
{
	char magic[8];
	if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "VMTR0001", 8))
		FAIL("%s: not a vmtr file (bad magic)", t->path);
	if (fseek(f, 0, SEEK_END) < 0)
		FAIL("%s: cannot seek", t->path);
	long size = ftell(f);
	if (size < 8 || (size - 8) % 8)
		FAIL("%s: truncated vmtr file (%ld bytes is not 8 + 8*N)", t->path, size);
	t->n = (size_t)(size - 8) / 8;
	t->refs = malloc(t->n ? t->n * 8 : 8);
	if (!t->refs)
		FAIL("%s: out of memory", t->path);
	fseek(f, 8, SEEK_SET);
	if (fread(t->refs, 8, t->n, f) != t->n)
		FAIL("%s: read error", t->path);
	for (size_t i = 0; i < t->n; i++) {
		if (TR_TYPE(t->refs[i]) > TR_FETCH)
			FAIL("%s: record %zu has a bad type", t->path, i);
		if (TR_ADDR(t->refs[i]) > t->max_addr)
			t->max_addr = TR_ADDR(t->refs[i]);
	}
	return 0;
fail:
	return -1;
}

static enum trace_format guess(const char *path, FILE *f)
{
	const char *dot = strrchr(path, '.');
	if (dot && (!strcmp(dot, ".trc") || !strcmp(dot, ".blk")))
		return TF_BLOCK;
	if (dot && !strcmp(dot, ".din"))
		return TF_DIN;
	if (dot && !strcmp(dot, ".vmtr"))
		return TF_VMTR;
	char buf[256] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	rewind(f);
	if (!strncmp(buf, "VMTR", 4))
		return TF_VMTR;
	if (!strncmp(buf, "==", 2) || strstr(buf, " L ") || strstr(buf, " S ") || !strncmp(buf, "I  ", 3))
		return TF_LACKEY;
	const char *p = skip_blank(buf);
	if (isdigit((unsigned char)p[0]) && (p[1] == ' ' || p[1] == '\t'))
		return TF_DIN;
	return TF_BLOCK;
}

int trace_load(struct trace *t, const char *path, enum trace_format fmt, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->path = strdup(path);
	FILE *f = fopen(path, "rb");
	if (!f || !t->path) {
		snprintf(err, errlen, "%s: %s", path, f ? "out of memory" : strerror(errno));
		if (f)
			fclose(f);
		trace_free(t);
		return -1;
	}
	if (fmt == TF_AUTO)
		fmt = guess(path, f);
	t->format = fmt;
	int rc = fmt == TF_VMTR ? load_vmtr(t, f, err, errlen) : load_text(t, f, fmt, err, errlen);
	fclose(f);
	if (rc == 0 && t->n == 0) {
		snprintf(err, errlen, "%s: no references", path);
		rc = -1;
	}
	if (rc < 0)
		trace_free(t);
	return rc;
}

void trace_free(struct trace *t)
{
	free(t->refs);
	free(t->path);
	memset(t, 0, sizeof *t);
}

int trace_save_vmtr(const struct trace *t, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite("VMTR0001", 1, 8, f) == 8 && fwrite(t->refs, 8, t->n, f) == t->n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int trace_format_parse(const char *name)
{
	static const char *const names[] = { "auto", "lackey", "din", "block", "vmtr" };
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *trace_format_name(enum trace_format f)
{
	static const char *const names[] = { "auto", "lackey", "din", "block", "vmtr" };
	return f <= TF_VMTR ? names[f] : "?";
}
