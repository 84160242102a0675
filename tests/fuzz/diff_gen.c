/*
 * diff_gen - the program generator of the differential CPU fuzzer
 * (docs/fuzzing.md).  From a seed it writes a small static RISC-V ELF that
 * runs the same way on any correct RV64IMAC user-mode machine, so vmos and
 * qemu-riscv64 must print the same bytes and exit with the same status.
 *
 *   diff_gen [-n N] SEED OUT.elf [LISTING]   one program (+ its listing)
 *   diff_gen [-n N] -b DIR SEED COUNT        programs SEED..SEED+COUNT-1 as
 *                                            DIR/SEED.elf (one process for many)
 *   diff_gen -c WANT GOT                     explain two outputs: which
 *                                            registers / buffer bytes differ
 *
 * The program (text at 0x10000 R-X, data at 0x100e00 RW, so the buffer
 * straddles the page boundary at 0x101000 = buf+512):
 *
 *   prologue   x8 = buf, x9 = buf+512, x2 (sp) = buf+256; every other
 *              register loaded from a seeded table of interesting values
 *              (0, +-1, INT64_MIN/MAX, INT32 edges, random)
 *   N items    each item is one or a few instructions drawn from the class
 *              table below; an item never writes x2, x8 or x9, so every
 *              load/store stays inside the 1 KiB buffer (aligned and
 *              misaligned offsets), AMOs/LR/SC get an aligned address in a
 *              temporary register, branches and jumps go forward only (to
 *              the start of one of the next 16 items or to the epilogue),
 *              so every program terminates
 *   epilogue   sd x1..x31 after the buffer, write(1, buf, 1024 + 256),
 *              exit(x10)
 *
 * Data segment:  buf[0,1024) random bytes | regs[1024,1280) | consts[1280,..)
 * Left out on purpose: cycle/time/instret reads (differ by machine), ecall
 * in the body, illegal encodings and faults (no signals in vmos yet), LR/SC
 * pairs with memory accesses between them (whether such an SC succeeds is
 * implementation-defined).  To add an instruction class (F/D next), write
 * one emit function and add one row to `classes`; registers it dumps go in
 * the epilogue.
 */
#include "cpu_encode.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEXT_VA   0x10000u
#define DATA_VA   0x100e00u               /* buf straddles a page boundary */
#define BUF_SIZE  1024
#define REGS_OFF  BUF_SIZE                /* x0..x31 dump, 8 bytes each */
#define CONST_OFF (REGS_OFF + 256)
#define NCONST    64
#define DATA_SIZE (CONST_OFF + NCONST * 8)
#define OUT_SIZE  (BUF_SIZE + 256)        /* what the program writes */
#define MAX_INSNS 65536
#define REACH     16                      /* branch targets: next REACH items */

/* Register bases, as offsets into buf. */
#define SP_OFF 256
#define S1_OFF 512

struct insn {
	uint32_t word;
	uint8_t len;          /* 2 or 4 */
	uint8_t fix;          /* FIX_*: encoded after layout */
	uint8_t item_start;   /* first instruction of an item: a branch target */
	uint8_t r1, r2;       /* registers for fixups */
	uint32_t f3;
	int target;           /* item index of a forward target */
	int item;
	char text[48];
};

enum { FIX_NONE, FIX_B, FIX_CB, FIX_CJ, FIX_JAL, FIX_JALR, FIX_CADDI_T };

struct gen {
	uint64_t rng;
	struct insn *in;
	int n;                /* instructions so far */
	int item;             /* current item index */
	int nitems;           /* body items; item nitems is the epilogue */
};

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12, g->rng ^= g->rng << 25, g->rng ^= g->rng >> 27;
	return g->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned below(struct gen *g, unsigned n) { return (unsigned)(rnd(g) % n); }

static const char *const xname[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
	"a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
	"t3", "t4", "t5", "t6",
};

static bool reserved(unsigned r) { return r == 2 || r == 8 || r == 9; }

/* A destination: any register the body may write (never x0 for most). */
static unsigned rd_any(struct gen *g)
{
	unsigned r;
	do
		r = 1 + below(g, 31);
	while (reserved(r));
	return r;
}

/* A source: any register, x0 and the bases included. */
static unsigned rs_any(struct gen *g) { return below(g, 32); }

/* rd'/rs' of RVC: x8..x15; as a destination only x10..x15. */
static unsigned rdp_any(struct gen *g) { return 10 + below(g, 6); }
static unsigned rsp_any(struct gen *g) { return 8 + below(g, 8); }

static struct insn *emit(struct gen *g, uint32_t word, unsigned len, const char *fmt, ...)
{
	if (g->n >= MAX_INSNS) {
		fprintf(stderr, "diff_gen: program too long\n");
		exit(2);
	}
	struct insn *i = &g->in[g->n++];
	memset(i, 0, sizeof *i);
	i->word = word;
	i->len = (uint8_t)len;
	i->item = g->item;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(i->text, sizeof i->text, fmt, ap);
	va_end(ap);
	return i;
}

/* A forward target: an item among the next `reach`, or the epilogue.  An
 * item is at most 20 bytes, so 8 items stay within c.beqz's 256 bytes. */
static int target_item(struct gen *g, int reach)
{
	int t = g->item + 1 + (int)below(g, (unsigned)reach);
	return t > g->nitems ? g->nitems : t;
}

/* ---- instruction classes -------------------------------------------------- */

static void gen_alu_reg(struct gen *g)
{
	static const struct { const char *m; uint32_t f3, f7, op; } t[] = {
		{ "add", 0, 0, OPC_OP }, { "sub", 0, 0x20, OPC_OP }, { "sll", 1, 0, OPC_OP },
		{ "slt", 2, 0, OPC_OP }, { "sltu", 3, 0, OPC_OP }, { "xor", 4, 0, OPC_OP },
		{ "srl", 5, 0, OPC_OP }, { "sra", 5, 0x20, OPC_OP }, { "or", 6, 0, OPC_OP },
		{ "and", 7, 0, OPC_OP }, { "addw", 0, 0, OPC_OP_32 }, { "subw", 0, 0x20, OPC_OP_32 },
		{ "sllw", 1, 0, OPC_OP_32 }, { "srlw", 5, 0, OPC_OP_32 }, { "sraw", 5, 0x20, OPC_OP_32 },
	};
	unsigned k = below(g, sizeof t / sizeof t[0]);
	unsigned rd = below(g, 16) ? rd_any(g) : 0, a = rs_any(g), b = rs_any(g);
	emit(g, enc_r(t[k].op, rd, t[k].f3, a, b, t[k].f7), 4, "%s %s, %s, %s", t[k].m,
	     xname[rd], xname[a], xname[b]);
}

static void gen_muldiv(struct gen *g)
{
	static const struct { const char *m; uint32_t f3, op; } t[] = {
		{ "mul", 0, OPC_OP }, { "mulh", 1, OPC_OP }, { "mulhsu", 2, OPC_OP },
		{ "mulhu", 3, OPC_OP }, { "div", 4, OPC_OP }, { "divu", 5, OPC_OP },
		{ "rem", 6, OPC_OP }, { "remu", 7, OPC_OP }, { "mulw", 0, OPC_OP_32 },
		{ "divw", 4, OPC_OP_32 }, { "divuw", 5, OPC_OP_32 }, { "remw", 6, OPC_OP_32 },
		{ "remuw", 7, OPC_OP_32 },
	};
	unsigned k = below(g, sizeof t / sizeof t[0]);
	unsigned rd = rd_any(g), a = rs_any(g), b = below(g, 5) ? rs_any(g) : 0;  /* /0 often */
	emit(g, enc_r(t[k].op, rd, t[k].f3, a, b, 1), 4, "%s %s, %s, %s", t[k].m, xname[rd],
	     xname[a], xname[b]);
}

static int32_t imm12(struct gen *g)
{
	switch (below(g, 4)) {
	case 0: return (int32_t)below(g, 4096) - 2048;
	case 1: return (int32_t)below(g, 33) - 16;
	case 2: return below(g, 2) ? 2047 : -2048;
	default: return (int32_t)below(g, 2) ? -1 : 0;
	}
}

static void gen_alu_imm(struct gen *g)
{
	static const struct { const char *m; uint32_t f3, op; int shift; } t[] = {
		{ "addi", 0, OPC_OP_IMM, 0 }, { "slti", 2, OPC_OP_IMM, 0 },
		{ "sltiu", 3, OPC_OP_IMM, 0 }, { "xori", 4, OPC_OP_IMM, 0 },
		{ "ori", 6, OPC_OP_IMM, 0 }, { "andi", 7, OPC_OP_IMM, 0 },
		{ "slli", 1, OPC_OP_IMM, 64 }, { "srli", 5, OPC_OP_IMM, 64 },
		{ "srai", 5, OPC_OP_IMM, 64 | 0x400 }, { "addiw", 0, OPC_OP_IMM_32, 0 },
		{ "slliw", 1, OPC_OP_IMM_32, 32 }, { "srliw", 5, OPC_OP_IMM_32, 32 },
		{ "sraiw", 5, OPC_OP_IMM_32, 32 | 0x400 },
	};
	unsigned k = below(g, sizeof t / sizeof t[0]);
	unsigned rd = below(g, 16) ? rd_any(g) : 0, a = rs_any(g);
	int32_t imm;
	if (t[k].shift) {
		unsigned sh = below(g, (unsigned)(t[k].shift & 0xff));
		imm = (int32_t)(sh | (t[k].shift & 0x400));
		emit(g, enc_i(t[k].op, rd, t[k].f3, a, imm), 4, "%s %s, %s, %u", t[k].m, xname[rd],
		     xname[a], sh);
	} else {
		imm = imm12(g);
		emit(g, enc_i(t[k].op, rd, t[k].f3, a, imm), 4, "%s %s, %s, %d", t[k].m, xname[rd],
		     xname[a], imm);
	}
}

static void gen_upper(struct gen *g)
{
	unsigned rd = rd_any(g);
	uint32_t hi = (uint32_t)rnd(g) & 0xfffff000u;
	if (below(g, 2))
		emit(g, enc_u(OPC_LUI, rd, hi), 4, "lui %s, 0x%x", xname[rd], hi >> 12);
	else
		emit(g, enc_u(OPC_AUIPC, rd, hi), 4, "auipc %s, 0x%x", xname[rd], hi >> 12);
}

/* ld rd, consts[k]: puts an interesting value in a register. */
static void gen_special(struct gen *g)
{
	unsigned rd = rd_any(g), k = below(g, NCONST);
	int32_t off = CONST_OFF + 8 * (int32_t)k;
	emit(g, enc_i(OPC_LOAD, rd, 3, 8, off), 4, "ld %s, %d(s0)   # const %u", xname[rd], off, k);
}

/* A base register and an offset such that [base+off, +size) lies in buf. */
static int32_t mem_offset(struct gen *g, unsigned size, unsigned *base)
{
	static const unsigned bases[3] = { 8, 9, 2 };
	static const int32_t boff[3] = { 0, S1_OFF, SP_OFF };
	unsigned b = below(g, 3);
	int32_t pos = (int32_t)below(g, BUF_SIZE - size + 1);
	if (below(g, 10) < 7)
		pos &= ~(int32_t)(size - 1);  /* naturally aligned, mostly */
	*base = bases[b];
	return pos - boff[b];
}

static void gen_load(struct gen *g)
{
	static const char *const m[7] = { "lb", "lh", "lw", "ld", "lbu", "lhu", "lwu" };
	unsigned f3 = below(g, 7), size = 1u << (f3 & 3), base;
	unsigned rd = below(g, 16) ? rd_any(g) : 0;
	int32_t off = mem_offset(g, size, &base);
	emit(g, enc_i(OPC_LOAD, rd, f3, base, off), 4, "%s %s, %d(%s)", m[f3], xname[rd], off,
	     xname[base]);
}

static void gen_store(struct gen *g)
{
	static const char *const m[4] = { "sb", "sh", "sw", "sd" };
	unsigned f3 = below(g, 4), size = 1u << f3, base, src = rs_any(g);
	int32_t off = mem_offset(g, size, &base);
	emit(g, enc_s(OPC_STORE, f3, base, src, off), 4, "%s %s, %d(%s)", m[f3], xname[src], off,
	     xname[base]);
}

/* addi t, base, off with [t, t+size) aligned inside buf; returns t. */
static unsigned amo_address(struct gen *g, unsigned size)
{
	unsigned t = rd_any(g), base;
	int32_t off;
	do
		off = mem_offset(g, size, &base);
	while ((off + (base == 9 ? S1_OFF : base == 2 ? SP_OFF : 0)) % (int32_t)size);
	emit(g, enc_i(OPC_OP_IMM, t, 0, base, off), 4, "addi %s, %s, %d", xname[t], xname[base],
	     off);
	return t;
}

static uint32_t enc_amo(unsigned f5, unsigned aq, unsigned rl, unsigned f3, unsigned rd,
			unsigned rs1, unsigned rs2)
{
	return enc_r(OPC_AMO, rd, f3, rs1, rs2, f5 << 2 | aq << 1 | rl);
}

static void gen_amo(struct gen *g)
{
	static const struct { const char *m; unsigned f5; } t[] = {
		{ "amoswap", 0x01 }, { "amoadd", 0x00 }, { "amoxor", 0x04 }, { "amoand", 0x0c },
		{ "amoor", 0x08 }, { "amomin", 0x10 }, { "amomax", 0x14 }, { "amominu", 0x18 },
		{ "amomaxu", 0x1c },
	};
	unsigned k = below(g, sizeof t / sizeof t[0]), d = below(g, 2), size = d ? 8 : 4;
	unsigned a = amo_address(g, size);
	unsigned rd = below(g, 8) ? rd_any(g) : 0, src = rs_any(g);
	emit(g, enc_amo(t[k].f5, below(g, 2), below(g, 2), 2 + d, rd, a, src), 4,
	     "%s.%c %s, %s, (%s)", t[k].m, d ? 'd' : 'w', xname[rd], xname[src], xname[a]);
}

/* lr; a few ALU ops that leave the address alone; sc at the same address
 * (succeeds on both machines) -- or, sometimes, a lone sc (fails on both). */
static void gen_lrsc(struct gen *g)
{
	unsigned d = below(g, 2), size = d ? 8 : 4, a = amo_address(g, size);
	char w = d ? 'd' : 'w';
	if (below(g, 5)) {
		unsigned rd = rd_any(g);
		if (rd == a)
			rd = a == 1 ? 3 : 1;
		emit(g, enc_amo(0x02, below(g, 2), below(g, 2), 2 + d, rd, a, 0), 4, "lr.%c %s, (%s)",
		     w, xname[rd], xname[a]);
		for (unsigned k = below(g, 3); k; k--) {
			unsigned r = rd_any(g), s = rs_any(g);
			if (r == a)
				continue;
			emit(g, enc_r(OPC_OP, r, 0, s, rd, 0), 4, "add %s, %s, %s", xname[r], xname[s],
			     xname[rd]);
		}
	}
	unsigned rd = below(g, 8) ? rd_any(g) : 0, src = rs_any(g);
	emit(g, enc_amo(0x03, below(g, 2), below(g, 2), 2 + d, rd, a, src), 4,
	     "sc.%c %s, %s, (%s)", w, xname[rd], xname[src], xname[a]);
}

static void gen_branch(struct gen *g)
{
	static const char *const m[8] = { "beq", "bne", 0, 0, "blt", "bge", "bltu", "bgeu" };
	static const uint32_t f3s[6] = { 0, 1, 4, 5, 6, 7 };
	uint32_t f3 = f3s[below(g, 6)];
	unsigned a = rs_any(g), b = below(g, 4) ? rs_any(g) : a;
	struct insn *i = emit(g, 0, 4, "%s %s, %s, item %d", m[f3], xname[a], xname[b], 0);
	i->fix = FIX_B, i->f3 = f3, i->r1 = (uint8_t)a, i->r2 = (uint8_t)b;
	i->target = target_item(g, REACH);
	snprintf(i->text, sizeof i->text, "%s %s, %s, item %d", m[f3], xname[a], xname[b],
		 i->target);
}

static void gen_jump(struct gen *g)
{
	unsigned rd = below(g, 3) ? rd_any(g) : 0;
	int tgt = target_item(g, REACH);
	struct insn *i;
	switch (below(g, 3)) {
	case 0:
		i = emit(g, 0, 4, "jal %s, item %d", xname[rd], tgt);
		i->fix = FIX_JAL, i->r1 = (uint8_t)rd, i->target = tgt;
		break;
	case 1: {  /* auipc t, 0; jalr rd, off(t), sometimes with bit 0 set */
		unsigned t = rd_any(g);
		emit(g, enc_u(OPC_AUIPC, t, 0), 4, "auipc %s, 0", xname[t]);
		i = emit(g, 0, 4, "jalr %s, item %d(%s)", xname[rd], tgt, xname[t]);
		i->fix = FIX_JALR, i->r1 = (uint8_t)rd, i->r2 = (uint8_t)t, i->target = tgt;
		i->f3 = below(g, 2);  /* low bit of the offset, cleared by jalr */
		break;
	}
	default: {  /* auipc t, 0; addi t, t, off; c.jr t / c.jalr t */
		unsigned t = rd_any(g), link = below(g, 2);
		emit(g, enc_u(OPC_AUIPC, t, 0), 4, "auipc %s, 0", xname[t]);
		i = emit(g, 0, 4, "addi %s, %s, item %d", xname[t], xname[t], tgt);
		i->fix = FIX_CADDI_T, i->r1 = (uint8_t)t, i->target = tgt;
		emit(g, (link ? 0x9002u : 0x8002u) | t << 7, 2, "c.%s %s", link ? "jalr" : "jr",
		     xname[t]);
		break;
	}
	}
}

static void gen_fence(struct gen *g)
{
	if (below(g, 2))
		emit(g, 0x0ff0000fu, 4, "fence");
	else
		emit(g, 0x0000100fu, 4, "fence.i");
}

/* ---- RVC (16-bit) encodings, from the RVC opcode map ---------------------- */

static uint32_t b(uint32_t v, int hi, int lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

static uint32_t ci(uint32_t f3, uint32_t rd, uint32_t imm6, uint32_t q)
{
	return f3 << 13 | b(imm6, 5, 5) << 12 | rd << 7 | b(imm6, 4, 0) << 2 | q;
}

static int32_t nz6(struct gen *g)
{
	int32_t v;
	do
		v = (int32_t)below(g, 64) - 32;
	while (!v);
	return v;
}

static void gen_rvc_alu(struct gen *g)
{
	unsigned rd = rd_any(g);
	int32_t imm;
	switch (below(g, 10)) {
	case 0:
		imm = nz6(g);
		emit(g, ci(0, rd, (uint32_t)imm, 1), 2, "c.addi %s, %d", xname[rd], imm);
		break;
	case 1:
		imm = (int32_t)below(g, 64) - 32;
		emit(g, ci(1, rd, (uint32_t)imm, 1), 2, "c.addiw %s, %d", xname[rd], imm);
		break;
	case 2:
		imm = (int32_t)below(g, 64) - 32;
		emit(g, ci(2, rd, (uint32_t)imm, 1), 2, "c.li %s, %d", xname[rd], imm);
		break;
	case 3:
		imm = nz6(g);
		emit(g, ci(3, rd, (uint32_t)imm, 1), 2, "c.lui %s, %d", xname[rd], imm);
		break;
	case 4: {  /* c.srli / c.srai / c.andi on rd' */
		unsigned r = rdp_any(g), k = below(g, 3);
		uint32_t v = k == 2 ? (uint32_t)((int32_t)below(g, 64) - 32) : 1 + below(g, 63);
		uint32_t w = 4u << 13 | b(v, 5, 5) << 12 | k << 10 | (r - 8) << 7 | b(v, 4, 0) << 2 | 1;
		emit(g, w, 2, "c.%s %s, %d", k == 0 ? "srli" : k == 1 ? "srai" : "andi", xname[r],
		     k == 2 ? (int32_t)v : (int32_t)v);
		break;
	}
	case 5: {  /* c.sub c.xor c.or c.and c.subw c.addw */
		static const char *const m[6] = { "sub", "xor", "or", "and", "subw", "addw" };
		unsigned r = rdp_any(g), s = rsp_any(g), k = below(g, 6);
		uint32_t w = 4u << 13 | (k >= 4) << 12 | 3u << 10 | (r - 8) << 7 | (k & 3) << 5 |
			     (s - 8) << 2 | 1;
		emit(g, w, 2, "c.%s %s, %s", m[k], xname[r], xname[s]);
		break;
	}
	case 6: {
		unsigned sh = 1 + below(g, 63);
		emit(g, ci(0, rd, sh, 2), 2, "c.slli %s, %u", xname[rd], sh);
		break;
	}
	case 7: {
		unsigned s = 1 + below(g, 31);
		emit(g, 0x8002u | rd << 7 | s << 2, 2, "c.mv %s, %s", xname[rd], xname[s]);
		break;
	}
	case 8: {
		unsigned s = 1 + below(g, 31);
		emit(g, 0x9002u | rd << 7 | s << 2, 2, "c.add %s, %s", xname[rd], xname[s]);
		break;
	}
	default: {  /* c.addi4spn rd', sp, nzuimm (multiple of 4, < 1024) */
		unsigned r = rdp_any(g), u = 4 * (1 + below(g, 255));
		uint32_t w = b(u, 5, 4) << 11 | b(u, 9, 6) << 7 | b(u, 2, 2) << 6 | b(u, 3, 3) << 5 |
			     (r - 8) << 2;
		emit(g, w, 2, "c.addi4spn %s, sp, %u", xname[r], u);
		break;
	}
	}
}

static void gen_rvc_mem(struct gen *g)
{
	unsigned d = below(g, 2);  /* word or double */
	switch (below(g, 4)) {
	case 0: {  /* c.lw / c.ld rd', off(s0|s1) */
		unsigned r = rdp_any(g), base = 8 + below(g, 2);
		uint32_t u = d ? 8 * below(g, 32) : 4 * below(g, 32);
		uint32_t w = (2u + d) << 13 | b(u, 5, 3) << 10 | (base - 8) << 7 | (r - 8) << 2;
		w |= d ? b(u, 7, 6) << 5 : b(u, 2, 2) << 6 | b(u, 6, 6) << 5;
		emit(g, w, 2, "c.l%c %s, %u(%s)", d ? 'd' : 'w', xname[r], u, xname[base]);
		break;
	}
	case 1: {  /* c.sw / c.sd rs2', off(s0|s1) */
		unsigned r = rsp_any(g), base = 8 + below(g, 2);
		uint32_t u = d ? 8 * below(g, 32) : 4 * below(g, 32);
		uint32_t w = (6u + d) << 13 | b(u, 5, 3) << 10 | (base - 8) << 7 | (r - 8) << 2;
		w |= d ? b(u, 7, 6) << 5 : b(u, 2, 2) << 6 | b(u, 6, 6) << 5;
		emit(g, w, 2, "c.s%c %s, %u(%s)", d ? 'd' : 'w', xname[r], u, xname[base]);
		break;
	}
	case 2: {  /* c.lwsp / c.ldsp */
		unsigned r = rd_any(g);
		uint32_t u = d ? 8 * below(g, 64) : 4 * below(g, 64), w;
		if (d)
			w = 3u << 13 | b(u, 5, 5) << 12 | r << 7 | b(u, 4, 3) << 5 | b(u, 8, 6) << 2 | 2;
		else
			w = 2u << 13 | b(u, 5, 5) << 12 | r << 7 | b(u, 4, 2) << 4 | b(u, 7, 6) << 2 | 2;
		emit(g, w, 2, "c.l%csp %s, %u(sp)", d ? 'd' : 'w', xname[r], u);
		break;
	}
	default: {  /* c.swsp / c.sdsp */
		unsigned r = rs_any(g);
		uint32_t u = d ? 8 * below(g, 64) : 4 * below(g, 64), w;
		if (d)
			w = 7u << 13 | b(u, 5, 3) << 10 | b(u, 8, 6) << 7 | r << 2 | 2;
		else
			w = 6u << 13 | b(u, 5, 2) << 9 | b(u, 7, 6) << 7 | r << 2 | 2;
		emit(g, w, 2, "c.s%csp %s, %u(sp)", d ? 'd' : 'w', xname[r], u);
		break;
	}
	}
}

static void gen_rvc_branch(struct gen *g)
{
	int tgt = target_item(g, 8);
	struct insn *i;
	if (below(g, 3)) {
		unsigned r = rsp_any(g), ne = below(g, 2);
		i = emit(g, 0, 2, "c.%s %s, item %d", ne ? "bnez" : "beqz", xname[r], tgt);
		i->fix = FIX_CB, i->r1 = (uint8_t)r, i->f3 = ne;
	} else {
		i = emit(g, 0, 2, "c.j item %d", tgt);
		i->fix = FIX_CJ;
	}
	i->target = tgt;
}

/*
 * The class table: name, weight, generator.  One row per class; a new
 * extension (F/D) is one more row (and its registers in the epilogue).
 */
static const struct gen_class {
	const char *name;
	unsigned weight;
	void (*gen)(struct gen *);
} classes[] = {
	{ "alu-reg", 14, gen_alu_reg },   { "alu-imm", 14, gen_alu_imm },
	{ "upper", 3, gen_upper },        { "muldiv", 12, gen_muldiv },
	{ "special", 6, gen_special },    { "load", 10, gen_load },
	{ "store", 10, gen_store },       { "amo", 5, gen_amo },
	{ "lrsc", 3, gen_lrsc },          { "branch", 6, gen_branch },
	{ "jump", 3, gen_jump },          { "fence", 1, gen_fence },
	{ "rvc-alu", 10, gen_rvc_alu },   { "rvc-mem", 6, gen_rvc_mem },
	{ "rvc-branch", 3, gen_rvc_branch },
};

/* ---- the program ---------------------------------------------------------- */

static uint64_t interesting(struct gen *g)
{
	static const uint64_t v[] = {
		0, 1, 2, (uint64_t)-1, (uint64_t)-2, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
		0xffffffff80000000ULL, 0x80000000ULL, 0x7fffffffULL, 0xffffffffULL, 31, 32, 63, 64,
		0x100000000ULL, 0xffffffff7fffffffULL,
	};
	if (below(g, 3))
		return v[below(g, sizeof v / sizeof v[0])];
	return rnd(g);
}

static void prologue(struct gen *g, uint8_t *data)
{
	for (int k = 0; k < NCONST; k++) {
		uint64_t c = interesting(g);
		memcpy(data + CONST_OFF + 8 * k, &c, 8);
	}
	uint32_t hi = (DATA_VA + 0x800) & 0xfffff000u;
	emit(g, enc_u(OPC_LUI, 8, hi), 4, "lui s0, 0x%x", hi >> 12);
	emit(g, enc_i(OPC_OP_IMM, 8, 0, 8, (int32_t)(DATA_VA - hi)), 4, "addi s0, s0, %d",
	     (int32_t)(DATA_VA - hi));
	emit(g, enc_i(OPC_OP_IMM, 9, 0, 8, S1_OFF), 4, "addi s1, s0, %d", S1_OFF);
	emit(g, enc_i(OPC_OP_IMM, 2, 0, 8, SP_OFF), 4, "addi sp, s0, %d", SP_OFF);
	for (unsigned r = 1; r < 32; r++) {
		if (reserved(r))
			continue;
		unsigned k = below(g, NCONST);
		emit(g, enc_i(OPC_LOAD, r, 3, 8, CONST_OFF + 8 * (int32_t)k), 4,
		     "ld %s, const %u", xname[r], k);
	}
}

static void epilogue(struct gen *g)
{
	for (unsigned r = 1; r < 32; r++)
		emit(g, enc_s(OPC_STORE, 3, 8, r, REGS_OFF + 8 * (int32_t)r), 4, "sd %s, regs[%u]",
		     xname[r], r);
	emit(g, enc_i(OPC_OP_IMM, 10, 0, 0, 1), 4, "li a0, 1");
	emit(g, enc_i(OPC_OP_IMM, 11, 0, 8, 0), 4, "mv a1, s0");
	emit(g, enc_i(OPC_OP_IMM, 12, 0, 0, OUT_SIZE), 4, "li a2, %d", OUT_SIZE);
	emit(g, enc_i(OPC_OP_IMM, 17, 0, 0, 64), 4, "li a7, 64   # write");
	emit(g, RV_ECALL, 4, "ecall");
	emit(g, enc_i(OPC_LOAD, 10, 3, 8, REGS_OFF + 8 * 10), 4, "ld a0, regs[10]");
	emit(g, enc_i(OPC_OP_IMM, 17, 0, 0, 93), 4, "li a7, 93   # exit");
	emit(g, RV_ECALL, 4, "ecall");
}

/* Encodes the forward branches and jumps now that addresses are known. */
static void fixup(struct gen *g, const uint32_t *item_addr, const uint32_t *addr)
{
	for (int k = 0; k < g->n; k++) {
		struct insn *i = &g->in[k];
		int32_t off = (int32_t)(item_addr[i->target] - addr[k]);
		switch (i->fix) {
		case FIX_B:
			i->word = enc_b(i->f3, i->r1, i->r2, off);
			break;
		case FIX_JAL:
			i->word = enc_j(i->r1, off);
			break;
		case FIX_JALR:  /* relative to the auipc just before */
			off = (int32_t)(item_addr[i->target] - addr[k - 1]);
			i->word = enc_i(OPC_JALR, i->r1, 0, i->r2, off | (int32_t)i->f3);
			break;
		case FIX_CADDI_T:
			off = (int32_t)(item_addr[i->target] - addr[k - 1]);
			i->word = enc_i(OPC_OP_IMM, i->r1, 0, i->r1, off);
			break;
		case FIX_CB: {
			uint32_t u = (uint32_t)off;
			i->word = (6u + i->f3) << 13 | b(u, 8, 8) << 12 | b(u, 4, 3) << 10 |
				  (i->r1 - 8u) << 7 | b(u, 7, 6) << 5 | b(u, 2, 1) << 3 |
				  b(u, 5, 5) << 2 | 1;
			break;
		}
		case FIX_CJ: {
			uint32_t u = (uint32_t)off;
			i->word = 5u << 13 | b(u, 11, 11) << 12 | b(u, 4, 4) << 11 | b(u, 9, 8) << 9 |
				  b(u, 10, 10) << 8 | b(u, 6, 6) << 7 | b(u, 7, 7) << 6 |
				  b(u, 3, 1) << 3 | b(u, 5, 5) << 2 | 1;
			break;
		}
		default:
			break;
		}
	}
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void phdr(uint8_t *p, uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
		 uint64_t memsz)
{
	put32(p + 0, 1);          /* PT_LOAD */
	put32(p + 4, flags);
	put64(p + 8, off);
	put64(p + 16, va);
	put64(p + 24, va);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
	put64(p + 48, 0x1000);
}

/* Writes a static ELF64 RISC-V executable: one R-X and one RW PT_LOAD, no
 * sections.  Returns 0, or -1 with errno set. */
static int write_elf(const char *path, const uint8_t *text, size_t tsize, const uint8_t *data,
		     size_t dsize)
{
	size_t toff = 0x1000;
	size_t doff = toff + ((tsize + 0xfff) & ~(size_t)0xfff) + (DATA_VA & 0xfff);
	size_t total = doff + dsize;
	uint8_t *f = calloc(1, total);
	if (!f)
		return -1;
	memcpy(f, "\177ELF", 4);
	f[4] = 2, f[5] = 1, f[6] = 1;              /* ELFCLASS64, LSB, EV_CURRENT */
	put16(f + 16, 2);                          /* ET_EXEC */
	put16(f + 18, 243);                        /* EM_RISCV */
	put32(f + 20, 1);
	put64(f + 24, TEXT_VA);                    /* e_entry */
	put64(f + 32, 64);                         /* e_phoff */
	put32(f + 48, 1);                          /* e_flags: EF_RISCV_RVC, soft float */
	put16(f + 52, 64);                         /* e_ehsize */
	put16(f + 54, 56);                         /* e_phentsize */
	put16(f + 56, 2);                          /* e_phnum */
	put16(f + 58, 64);                         /* e_shentsize */
	phdr(f + 64, 5, toff, TEXT_VA, tsize, tsize);
	phdr(f + 120, 6, doff, DATA_VA, dsize, dsize);
	memcpy(f + toff, text, tsize);
	memcpy(f + doff, data, dsize);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	int rc = -1;
	if (fd >= 0) {
		rc = write(fd, f, total) == (ssize_t)total ? 0 : -1;
		if (close(fd) != 0)
			rc = -1;
	}
	free(f);
	return rc;
}

/* Generates program SEED with N body items; writes it to ELF (and its
 * listing to LISTING unless NULL).  Returns 0, or -1 after a message. */
static int generate(uint64_t seed, int nitems, const char *elf, const char *listing)
{
	static struct insn insns[MAX_INSNS];
	static uint32_t addr[MAX_INSNS], item_addr[MAX_INSNS];
	static uint8_t text[4 * MAX_INSNS], data[DATA_SIZE];
	struct gen g = { .rng = seed * 0x9e3779b97f4a7c15ULL + 0x1234567, .in = insns,
			 .nitems = nitems };
	unsigned wsum = 0;
	for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
		wsum += classes[k].weight;
	for (int k = 0; k < BUF_SIZE; k++)
		data[k] = (uint8_t)rnd(&g);
	memset(data + REGS_OFF, 0, 256);
	g.item = -1;
	prologue(&g, data);
	for (g.item = 0; g.item < nitems; g.item++) {
		int first = g.n;
		unsigned w = below(&g, wsum);
		size_t k = 0;
		while (w >= classes[k].weight)
			w -= classes[k++].weight;
		classes[k].gen(&g);
		g.in[first].item_start = 1;
	}
	int epi = g.n;
	g.item = nitems;
	epilogue(&g);
	g.in[epi].item_start = 1;
	uint32_t pc = TEXT_VA;
	for (int k = 0; k < g.n; k++) {
		addr[k] = pc;
		if (g.in[k].item_start)
			item_addr[g.in[k].item] = pc;
		pc += g.in[k].len;
	}
	fixup(&g, item_addr, addr);
	size_t tsize = 0;
	for (int k = 0; k < g.n; k++) {
		memcpy(text + tsize, &g.in[k].word, g.in[k].len);
		tsize += g.in[k].len;
	}
	if (write_elf(elf, text, tsize, data, DATA_SIZE) != 0) {
		fprintf(stderr, "diff_gen: %s: %s\n", elf, strerror(errno));
		return -1;
	}
	if (listing) {
		FILE *fp = fopen(listing, "w");
		if (!fp) {
			fprintf(stderr, "diff_gen: %s: %s\n", listing, strerror(errno));
			return -1;
		}
		fprintf(fp, "# diff_gen seed %" PRIu64 ", %d items\n", seed, nitems);
		for (int k = 0; k < g.n; k++) {
			const struct insn *i = &g.in[k];
			char item[16] = "";
			if (i->item_start)
				snprintf(item, sizeof item, "%d:", i->item);
			fprintf(fp, "%6s %05x  %0*x  %s\n", item, addr[k], i->len * 2, i->word, i->text);
		}
		fclose(fp);
	}
	return 0;
}

/* ---- explaining a divergence --------------------------------------------- */

static long slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "diff_gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = fread(buf, 1, cap, fp);
	fclose(fp);
	return (long)n;
}

/* Prints what differs between two program outputs; returns 1 if any. */
static int compare(const char *want_path, const char *got_path)
{
	static uint8_t want[OUT_SIZE + 1], got[OUT_SIZE + 1];
	long nw = slurp(want_path, want, sizeof want), ng = slurp(got_path, got, sizeof got);
	if (nw < 0 || ng < 0)
		return 2;
	int diff = 0;
	if (nw != OUT_SIZE || ng != OUT_SIZE) {
		printf("output length: want %ld bytes, got %ld (a full run writes %d)\n", nw, ng,
		       OUT_SIZE);
		diff = 1;
	}
	if (nw < OUT_SIZE || ng < OUT_SIZE)
		return diff;
	for (int r = 1; r < 32; r++) {
		uint64_t a, c;
		memcpy(&a, want + REGS_OFF + 8 * r, 8);
		memcpy(&c, got + REGS_OFF + 8 * r, 8);
		if (a != c) {
			printf("x%-2d %-4s want %016" PRIx64 "  got %016" PRIx64 "\n", r, xname[r], a, c);
			diff = 1;
		}
	}
	for (int k = 0; k < BUF_SIZE; k++) {
		if (want[k] == got[k])
			continue;
		int e = k;
		while (e + 1 < BUF_SIZE && want[e + 1] != got[e + 1])
			e++;
		printf("buf[%d..%d] (s0%+d) differs: want", k, e, k);
		for (int j = k; j <= e && j < k + 16; j++)
			printf(" %02x", want[j]);
		printf("  got");
		for (int j = k; j <= e && j < k + 16; j++)
			printf(" %02x", got[j]);
		printf("\n");
		diff = 1;
		k = e;
	}
	return diff;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: diff_gen [-n ITEMS] SEED OUT.elf [LISTING]\n"
		"       diff_gen [-n ITEMS] -b DIR SEED COUNT\n"
		"       diff_gen -c WANT.out GOT.out\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	int nitems = 200, a = 1;
	uint64_t v;
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		if (parse_u64(argv[2], &v) || v < 1 || v > 8000) {
			fprintf(stderr, "diff_gen: -n wants 1..8000 items\n");
			return 2;
		}
		nitems = (int)v;
		a = 3;
	}
	if (argc - a == 3 && !strcmp(argv[a], "-c"))
		return compare(argv[a + 1], argv[a + 2]);
	if (argc - a == 4 && !strcmp(argv[a], "-b")) {
		uint64_t seed, count;
		if (parse_u64(argv[a + 2], &seed) || parse_u64(argv[a + 3], &count))
			return usage();
		for (uint64_t s = seed; s < seed + count; s++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%" PRIu64 ".elf", argv[a + 1], s);
			if (generate(s, nitems, path, NULL))
				return 1;
		}
		return 0;
	}
	if (argc - a != 2 && argc - a != 3)
		return usage();
	if (parse_u64(argv[a], &v))
		return usage();
	return generate(v, nitems, argv[a + 1], argc - a == 3 ? argv[a + 2] : NULL) ? 1 : 0;
}
