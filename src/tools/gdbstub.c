/*
 * gdbstub.c - the GDB remote serial protocol for one guest process
 * (gdbstub.h; the protocol is the "Remote Protocol" appendix of the GDB
 * manual: packets $DATA#CS acknowledged with +/-, replies hex encoded).
 *
 * How a stop happens.  kernel_run asks gdbstub_hook before every cpu_run of
 * the debugged process.  The hook stops (and serves gdb until it resumes
 * the process) when
 *   - the process has not run yet since gdb connected (the stop on entry);
 *   - a single step is done: pc or the retired count moved since the step
 *     began (a page fault retried is not a step; an ecall is);
 *   - pc is at a breakpoint, unless the process resumes from that very pc
 *     with nothing retired since (so `continue` leaves a breakpoint);
 *   - gdb sent Ctrl-C (0x03), looked for between runs.
 * While a step is pending or a breakpoint is set, the hook lets the process
 * run one instruction at a time, so both engines stop exactly: the fast
 * engine runs a translated block only when the budget covers it whole and
 * hands a budget of one to the interpreter (cpu_fast.c).  Breakpoints are
 * pc compares, hardware (Z1) and software (Z0) alike: nothing is written
 * into the text, whose frames other processes may share.
 *
 * Memory as the debugger sees it: an address is translated by a walk of the
 * process's page table that has no side effects (mmu_walk_explain: no TLB,
 * no counters, no A/D updates), with a user load's permissions for reads
 * and a store's for writes.  The debugger never brings a page in: a read of
 * a page that is absent now reads what the kernel would give the first
 * touch, taken where the kernel would take it without serving the fault
 * (a never-touched anonymous page reads as zeros, a never-touched page of
 * the program as the file's bytes, a swapped-out page from its swap slot);
 * an address no region covers readably, or not the user's, is an error
 * (E14), not a fault.  A write is the process's own store, done as the
 * kernel writes user memory for a system call (copyout, uaccess.h): through
 * the MMU - TLB counters move, A and D are set - with the faults it takes
 * served, so a never-touched page is brought in and a copy-on-write page
 * gets its private copy, as Linux's ptrace(PTRACE_POKEDATA) does; a page
 * the process may not write (text, read-only data) is E14, where Linux
 * would force a private copy: vmos does not.
 *
 * What gdb sees: one thread; all-stop (while the process is stopped, no
 * process runs); registers x0-x31 and pc in `g`, the FP registers
 * f0-f31, fflags, frm and fcsr through `p`/`P`, described by the target
 * description below.  Children of the process run undebugged (breakpoints
 * are checked for the debugged pid only).  gdb detaching or disconnecting
 * lets the run go on without a debugger; `kill` ends the process with
 * SIGKILL.
 */
#include "gdbstub.h"
#include "proc.h"
#include "explain.h"
#include "procview.h"
#include "ptdump.h"
#include "tlbview.h"
#include "pagecache.h"
#include "uaccess.h"

#include "abi/lx/signal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PKT_MAX    16384          /* longest packet accepted (PacketSize advertised: 4096) */
#define BP_MAX     64
#define MEM_MAX    2048           /* bytes per m reply (4096 hex digits) */
#define POLL_EVERY 4096           /* one-instruction runs between looks for Ctrl-C */

/* gdb's register numbers (the target description's regnum) */
#define REG_PC     32
#define REG_F0     33
#define REG_FFLAGS 66
#define REG_FRM    67
#define REG_FCSR   68

static struct {
	int lfd, fd;              /* listening socket, connection (-1: none) */
	uint16_t port;
	uint32_t pid;             /* the debugged process */
	bool noack;               /* QStartNoAckMode accepted */
	bool stop_now;            /* stop before the next instruction */
	bool stepping;
	uint64_t step_pc, step_ir;
	uint64_t resume_pc, resume_ir;
	uint64_t bp[BP_MAX];
	int nbp;
	unsigned polls;
	uint8_t in[4096];         /* received, not yet consumed */
	size_t in_len, in_pos;
	char pkt[PKT_MAX + 1];
	char out[PKT_MAX + 64];
} S = { .lfd = -1, .fd = -1 };

/* ---- the connection ------------------------------------------------------- */

static void disconnect(void)
{
	if (S.fd >= 0)
		close(S.fd);
	S.fd = -1;
	S.nbp = 0;
	S.stepping = false;
	S.stop_now = false;
}

/* The next byte from gdb, or -1 if the connection ended. */
static int get_byte(void)
{
	if (S.in_pos == S.in_len) {
		ssize_t n;
		do
			n = recv(S.fd, S.in, sizeof S.in, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -1;
		S.in_len = (size_t)n;
		S.in_pos = 0;
	}
	return S.in[S.in_pos++];
}

static int send_all(const char *b, size_t n)
{
	while (n) {
		ssize_t w = send(S.fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sends $data#cs; in ack mode waits for '+' (resends on '-').  Returns 0,
 * or -1 if the connection ended. */
static int put_packet(const char *data)
{
	size_t n = strlen(data);
	char *b = S.out;
	if (n > sizeof S.out - 4)
		n = sizeof S.out - 4;
	unsigned char cs = 0;
	b[0] = '$';
	for (size_t i = 0; i < n; i++) {
		b[1 + i] = data[i];
		cs += (unsigned char)data[i];
	}
	snprintf(b + 1 + n, 4, "#%02x", cs);
	for (int tries = 0; tries < 5; tries++) {
		if (send_all(b, n + 4) < 0)
			return -1;
		if (S.noack)
			return 0;
		int c;
		while ((c = get_byte()) >= 0 && c != '+' && c != '-')
			;                   /* a stray 0x03 while stopped means nothing */
		if (c < 0)
			return -1;
		if (c == '+')
			return 0;
	}
	return 0;
}

/* Reads one packet into S.pkt (NUL-terminated, '}' escapes left as they
 * are).  Returns its length, -2 for a packet too long or with a bad
 * checksum (already answered with '-'), or -1 if the connection ended. */
static int get_packet(void)
{
	int c;
	while ((c = get_byte()) >= 0 && c != '$')
		;                           /* acks, Ctrl-C while stopped: nothing to do */
	if (c < 0)
		return -1;
	size_t n = 0;
	unsigned char cs = 0;
	bool too_long = false;
	while ((c = get_byte()) >= 0 && c != '#') {
		cs += (unsigned char)c;
		if (n < PKT_MAX)
			S.pkt[n++] = (char)c;
		else
			too_long = true;
	}
	int h1 = c < 0 ? -1 : get_byte(), h2 = h1 < 0 ? -1 : get_byte();
	if (h2 < 0)
		return -1;
	S.pkt[n] = 0;
	char hx[3] = { (char)h1, (char)h2, 0 };
	char *end;
	unsigned long want = strtoul(hx, &end, 16);
	bool ok = *end == 0 && want == cs && !too_long;
	if (!S.noack && send_all(ok ? "+" : "-", 1) < 0)
		return -1;
	return ok ? (int)n : -2;
}

/* ---- hex ----------------------------------------------------------------- */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Parses hex digits at *s up to a character not a digit; at least one.
 * Returns 0 and advances *s, or -1. */
static int parse_hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int n = 0;
	for (int d; (d = hexval((unsigned char)*p)) >= 0; p++, n++) {
		if (n == 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return -1;
	*s = p;
	*v = x;
	return 0;
}

static char *put_hex_bytes(char *o, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		*o++ = d[b[i] >> 4];
		*o++ = d[b[i] & 15];
	}
	*o = 0;
	return o;
}

/* A little-endian value of n bytes as hex, as registers travel. */
static char *put_le(char *o, uint64_t v, size_t n)
{
	uint8_t b[8];
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return put_hex_bytes(o, b, n);
}

/* Decodes exactly 2n hex digits at s into b.  Returns 0 or -1. */
static int get_hex_bytes(const char *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int h = hexval((unsigned char)s[2 * i]), l = h < 0 ? -1 : hexval((unsigned char)s[2 * i + 1]);
		if (l < 0)
			return -1;
		b[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

static int get_le(const char *s, size_t n, uint64_t *v)
{
	uint8_t b[8];
	if (get_hex_bytes(s, b, n) < 0)
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return 0;
}

/* ---- registers and memory -------------------------------------------------- */

/* Size in bytes of gdb register r, or 0 if there is no such register. */
static size_t reg_size(uint64_t r)
{
	if (r <= REG_PC || (r >= REG_F0 && r < REG_F0 + 32))
		return 8;
	return r == REG_FFLAGS || r == REG_FRM || r == REG_FCSR ? 4 : 0;
}

static uint64_t reg_get(struct kernel *k, uint64_t r)
{
	struct cpu *c = &k->cpu;
	if (r < 32)
		return r ? c->x[r] : 0;
	if (r == REG_PC)
		return c->pc;
	if (r >= REG_F0 && r < REG_F0 + 32)
		return c->f[r - REG_F0];
	return r == REG_FFLAGS ? c->fcsr & 0x1f : r == REG_FRM ? (c->fcsr >> 5) & 7 : c->fcsr & 0xff;
}

/* Sets register r of the stopped process (in the hart: kernel_run saves it
 * after the run; an FP write marks the FP state dirty so that it is). */
static void reg_set(struct kernel *k, uint64_t r, uint64_t v)
{
	struct cpu *c = &k->cpu;
	if (r > 0 && r < 32) {
		c->x[r] = v;
	} else if (r == REG_PC) {
		c->pc = v;
	} else if (r >= REG_F0 && r < REG_F0 + 32) {
		c->f[r - REG_F0] = v;
		c->fs = CPU_FS_DIRTY;
	} else if (r == REG_FFLAGS || r == REG_FRM || r == REG_FCSR) {
		uint32_t f = c->fcsr;
		if (r == REG_FFLAGS)
			f = (f & ~0x1fu) | (uint32_t)(v & 0x1f);
		else if (r == REG_FRM)
			f = (f & ~0xe0u) | (uint32_t)((v & 7) << 5);
		else
			f = (uint32_t)(v & 0xff);
		c->fcsr = f;
		c->fs = CPU_FS_DIRTY;
	}
}

/* The host address of va in p for a debugger's read, or NULL if a user
 * load would fault there now.  No side effects. */
static uint8_t *debug_addr(struct kernel *k, struct proc *p, uint64_t va)
{
	struct mmu_walk w;
	mmu_walk_explain(&k->mmu, pmap_satp(&p->mm->pmap), va, ACC_LOAD, &w);
	if (w.cause || w.nsteps == 0 || !ram_contains(&k->ram, w.pa, 1))
		return NULL;
	return ram_ptr(&k->ram, w.pa);
}

/* What a load at va (in a page the walk finds absent) would read once the
 * kernel served its fault, copied to buf (n bytes, within one page)
 * without serving it: a swapped page's bytes from its swap slot, a file
 * page's from the program image (zero past the file's end), an anonymous
 * page's zeros.  Returns false if the load would not be served (no
 * readable region, a PROT_NONE page, a kernel address). */
static bool peek_absent(struct kernel *k, struct proc *p, uint64_t va, uint8_t *buf, size_t n)
{
	if (va >= user_top(k->cfg.levels))
		return false;
	struct vm_region *r = vm_map_lookup(&p->mm->map, va);
	if (!r || !(r->prot & VM_PROT_READ))
		return false;
	struct pmap_page pg;
	if (pmap_extract(&p->mm->pmap, va & ~PGMASK, &pg)) {
		if (!pg.swapped || pg.swap_slot >= k->swap.nslots)
			return false;             /* present but not readable: PROT_NONE */
		memcpy(buf, k->swap.data + pg.swap_slot * PGSIZE + (va & PGMASK), n);
		return true;
	}
	memset(buf, 0, n);
	if (r->object && va < r->file_end) {
		/* the file's bytes, through the page cache as a read() would see them */
		uint64_t off = r->obj_offset + (va - r->start);
		uint64_t avail = r->file_end - va < n ? r->file_end - va : n;
		if (pagecache_read(k, NULL, r->object, off, buf, avail) < 0)
			return false;
	}
	return true;
}

/* Reads up to n bytes at va (stopping at the first page that cannot be
 * read).  Returns the bytes copied. */
static size_t mem_read(struct kernel *k, struct proc *p, uint64_t va, uint8_t *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint64_t a = va + done;
		size_t chunk = PGSIZE - (a & PGMASK);
		if (chunk > n - done)
			chunk = n - done;
		uint8_t *h = debug_addr(k, p, a);
		if (h)
			memcpy(buf + done, h, chunk);
		else if (!peek_absent(k, p, a, buf + done, chunk))
			break;
		done += chunk;
	}
	return done;
}

/* ---- the target description ------------------------------------------------ */

/* The registers as gdb's RISC-V support expects them (features
 * org.gnu.gdb.riscv.cpu and .fpu; gdb numbers the CSRs from 65, so fflags,
 * frm and fcsr, CSRs 1-3, are 66-68). */
static const char *target_xml(void)
{
	static char xml[8192];
	if (xml[0])
		return xml;
	static const char *const xn[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2",
		"a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
		"s10", "s11", "t3", "t4", "t5", "t6" };
	static const char *const fn[32] = {
		"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1",
		"fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
		"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11" };
	size_t n = 0;
	n += (size_t)snprintf(xml + n, sizeof xml - n,
		"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
		"<target version=\"1.0\"><architecture>riscv:rv64</architecture>"
		"<feature name=\"org.gnu.gdb.riscv.cpu\">");
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(xml + n, sizeof xml - n,
			"<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%d\"/>", xn[i],
			i == 1 ? "code_ptr" : i == 2 || i == 8 ? "data_ptr" : "int", i);
	n += (size_t)snprintf(xml + n, sizeof xml - n,
		"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/></feature>"
		"<feature name=\"org.gnu.gdb.riscv.fpu\"><union id=\"riscv_double\">"
		"<field name=\"float\" type=\"ieee_single\"/><field name=\"double\" type=\"ieee_double\"/>"
		"</union>");
	for (int i = 0; i < 32; i++)
		n += (size_t)snprintf(xml + n, sizeof xml - n,
			"<reg name=\"%s\" bitsize=\"64\" type=\"riscv_double\" regnum=\"%d\"/>", fn[i],
			REG_F0 + i);
	snprintf(xml + n, sizeof xml - n,
		"<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"66\" group=\"float\"/>"
		"<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"67\" group=\"float\"/>"
		"<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"68\" group=\"float\"/>"
		"</feature></target>");
	return xml;
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void reply_xfer(const char *args, char *r, size_t rn)
{
	const char *annex = "target.xml:";
	uint64_t off, len;
	const char *s = args + strlen(annex);
	if (strncmp(args, annex, strlen(annex))) {
		snprintf(r, rn, "E00");        /* no such annex */
		return;
	}
	if (parse_hex(&s, &off) < 0 || *s++ != ',' || parse_hex(&s, &len) < 0 || *s) {
		snprintf(r, rn, "E01");
		return;
	}
	const char *x = target_xml();
	size_t total = strlen(x);
	if (off >= total) {
		snprintf(r, rn, "l");
		return;
	}
	if (len > rn - 2)
		len = rn - 2;
	size_t n = total - off < len ? total - off : len;
	r[0] = off + n < total ? 'm' : 'l';
	memcpy(r + 1, x + off, n);         /* the XML has no $ # } * to escape */
	r[1 + n] = 0;
}

/* ---- monitor commands -------------------------------------------------------- */

/* Sends text to gdb's console as O packets. */
static void console_out(const char *text, size_t n)
{
	char buf[2 * 400 + 2];
	for (size_t i = 0; i < n; i += 400) {
		size_t c = n - i < 400 ? n - i : 400;
		buf[0] = 'O';
		put_hex_bytes(buf + 1, (const uint8_t *)text + i, c);
		if (put_packet(buf) < 0)
			return;
	}
}

static const char monitor_help[] =
	"vmos monitor commands (the process's state now, as vmos's own views show it):\n"
	"  monitor explain VA   the page-table walk of VA, step by step (as --explain)\n"
	"  monitor maps         the regions, in /proc/PID/maps format (as --maps)\n"
	"  monitor tlb          the TLB's valid entries: set, way, ASID, VA -> PA, flags\n"
	"  monitor pt           the page table, runs of pages with the same flags (as --pt-dump)\n";

/* qRcmd: runs the monitor command (hex in args), its output as O packets,
 * then leaves the final reply in r. */
static void monitor(struct kernel *k, struct proc *p, const char *args, char *r, size_t rn)
{
	size_t hn = strlen(args);
	char cmd[256];
	if (hn % 2 || hn / 2 >= sizeof cmd || get_hex_bytes(args, (uint8_t *)cmd, hn / 2) < 0) {
		snprintf(r, rn, "E01");
		return;
	}
	cmd[hn / 2] = 0;
	char *text = NULL;
	size_t tn = 0;
	FILE *o = open_memstream(&text, &tn);
	if (!o) {
		snprintf(r, rn, "E0c");
		return;
	}
	char *arg = cmd + strspn(cmd, " ");
	char *end = arg + strcspn(arg, " ");
	char *rest = end + strspn(end, " ");
	*end = 0;
	if (!strcmp(arg, "explain")) {
		char *e;
		errno = 0;
		unsigned long long va = strtoull(rest, &e, 0);
		if (!*rest || errno || (*e && *e != ' '))
			fprintf(o, "monitor explain: needs a virtual address, e.g. monitor explain 0x10000 "
				"or monitor explain $sp (got '%s')\n", rest);
		else
			explain_proc(k, p, va, ACC_LOAD, "(stopped)", o);
	} else if (!strcmp(arg, "maps")) {
		procview_maps(k, p, o);
	} else if (!strcmp(arg, "tlb")) {
		tlbview_print(k, o);
	} else if (!strcmp(arg, "pt")) {
		ptdump_proc(k, p, o, NULL);
	} else if (!strcmp(arg, "help") || !*arg) {
		fputs(monitor_help, o);
	} else {
		fprintf(o, "unknown monitor command '%s'\n%s", arg, monitor_help);
	}
	fclose(o);
	console_out(text, tn);
	free(text);
	snprintf(r, rn, "OK");
}

/* ---- breakpoints ---------------------------------------------------------- */

static bool bp_at(uint64_t pc)
{
	for (int i = 0; i < S.nbp; i++)
		if (S.bp[i] == pc)
			return true;
	return false;
}

/* Z0/Z1 (insert) and z0/z1 (remove): "T,ADDR,KIND".  Watchpoints (2-4)
 * are not supported: empty reply, as the protocol asks. */
static void breakpoint(const char *pkt, char *r, size_t rn)
{
	const char *s = pkt + 1;
	uint64_t type, addr, kind;
	if (parse_hex(&s, &type) < 0 || *s++ != ',' || parse_hex(&s, &addr) < 0 || *s++ != ',' ||
	    parse_hex(&s, &kind) < 0) {
		snprintf(r, rn, "E01");
		return;
	}
	if (type > 1) {
		r[0] = 0;
		return;
	}
	bool insert = pkt[0] == 'Z';
	int i = 0;
	while (i < S.nbp && S.bp[i] != addr)
		i++;
	if (insert && i == S.nbp) {
		if (S.nbp == BP_MAX) {
			snprintf(r, rn, "E0c");
			return;
		}
		S.bp[S.nbp++] = addr;
	} else if (!insert && i < S.nbp) {
		S.bp[i] = S.bp[--S.nbp];
	}
	snprintf(r, rn, "OK");
}

/* ---- the packet loop -------------------------------------------------------- */

enum serve_result { SERVE_RESUME, SERVE_KILL, SERVE_GONE };

/* m ADDR,LEN / M ADDR,LEN:DATA */
static void memory(struct kernel *k, struct proc *p, const char *pkt, char *r, size_t rn)
{
	const char *s = pkt + 1;
	uint64_t addr, len;
	if (parse_hex(&s, &addr) < 0 || *s++ != ',' || parse_hex(&s, &len) < 0) {
		snprintf(r, rn, "E01");
		return;
	}
	uint8_t buf[MEM_MAX];
	if (pkt[0] == 'm') {
		if (*s) {
			snprintf(r, rn, "E01");
			return;
		}
		if (len > MEM_MAX)
			len = MEM_MAX;
		size_t n = mem_read(k, p, addr, buf, len);
		if (n == 0 && len)
			snprintf(r, rn, "E14");
		else
			put_hex_bytes(r, buf, n);
		return;
	}
	if (*s++ != ':' || len > MEM_MAX || strlen(s) != 2 * len || get_hex_bytes(s, buf, len) < 0) {
		snprintf(r, rn, "E01");
		return;
	}
	/* the process's own store, served by the kernel (the opening comment) */
	snprintf(r, rn, uaccess_ok(k, addr, len) && copyout(k, p, addr, buf, len) == 0 ? "OK" : "E14");
}

/* p N / P N=VALUE */
static void one_register(struct kernel *k, const char *pkt, char *r, size_t rn)
{
	const char *s = pkt + 1;
	uint64_t reg, v;
	if (parse_hex(&s, &reg) < 0 || !reg_size(reg)) {
		snprintf(r, rn, "E01");
		return;
	}
	size_t sz = reg_size(reg);
	if (pkt[0] == 'p') {
		if (*s)
			snprintf(r, rn, "E01");
		else
			put_le(r, reg_get(k, reg), sz);
		return;
	}
	if (*s++ != '=' || strlen(s) != 2 * sz || get_le(s, sz, &v) < 0) {
		snprintf(r, rn, "E01");
		return;
	}
	reg_set(k, reg, v);
	snprintf(r, rn, "OK");
}

/* G: x0..x31, pc (what g sends; more is ignored) */
static void all_registers(struct kernel *k, const char *s, char *r, size_t rn)
{
	size_t n = strlen(s);
	if (n < 33 * 16 || n % 2) {
		snprintf(r, rn, "E01");
		return;
	}
	uint64_t v[33];
	for (int i = 0; i < 33; i++)
		if (get_le(s + 16 * i, 8, &v[i]) < 0) {
			snprintf(r, rn, "E01");
			return;
		}
	for (uint64_t i = 1; i < 33; i++)
		reg_set(k, i, v[i]);
	snprintf(r, rn, "OK");
}

/* c [ADDR] / s [ADDR] (and C SIG / S SIG, whose signal is not delivered):
 * sets pc if given and how the process resumes.  Returns 0, or -1 if
 * malformed. */
static int resume(struct kernel *k, struct proc *p, const char *pkt)
{
	const char *s = pkt + 1;
	uint64_t v;
	bool step = pkt[0] == 's' || pkt[0] == 'S';
	if (pkt[0] == 'C' || pkt[0] == 'S') {
		if (parse_hex(&s, &v) < 0)
			return -1;
		if (*s == ';')
			s++;
		else if (*s)
			return -1;
	}
	if (*s) {
		if (parse_hex(&s, &v) < 0 || *s)
			return -1;
		k->cpu.pc = v;
	}
	S.stepping = step;
	S.step_pc = S.resume_pc = k->cpu.pc;
	S.step_ir = S.resume_ir = p->st.instret;
	return 0;
}

/* Serves gdb while p is stopped, after sending the stop reply for sig (0:
 * none, gdb will ask with '?').  Returns when gdb resumes p, kills it, or
 * goes away. */
static enum serve_result serve(struct kernel *k, struct proc *p, int sig, int last_sig)
{
	static char r[PKT_MAX + 1];
	if (sig) {
		snprintf(r, sizeof r, "S%02x", sig);
		if (put_packet(r) < 0)
			return SERVE_GONE;
	}
	for (;;) {
		int n = get_packet();
		if (n == -1)
			return SERVE_GONE;
		if (n == -2)
			continue;                 /* gdb resends after the '-' */
		const char *pkt = S.pkt;
		r[0] = 0;
		switch (pkt[0]) {
		case '?':
			snprintf(r, sizeof r, "S%02x", last_sig);
			break;
		case 'g': {
			char *o = r;
			for (uint64_t i = 0; i <= REG_PC; i++)
				o = put_le(o, reg_get(k, i), 8);
			break;
		}
		case 'G':
			all_registers(k, pkt + 1, r, sizeof r);
			break;
		case 'p':
		case 'P':
			one_register(k, pkt, r, sizeof r);
			break;
		case 'm':
		case 'M':
			memory(k, p, pkt, r, sizeof r);
			break;
		case 'Z':
		case 'z':
			breakpoint(pkt, r, sizeof r);
			break;
		case 'c':
		case 's':
		case 'C':
		case 'S':
			if (resume(k, p, pkt) == 0)
				return SERVE_RESUME;
			snprintf(r, sizeof r, "E01");
			break;
		case 'k':
			return SERVE_KILL;
		case 'D':
			put_packet("OK");
			return SERVE_GONE;
		case 'H':
		case 'T':
			snprintf(r, sizeof r, "OK");   /* one thread: every thread id is it */
			break;
		case 'v':
			if (!strncmp(pkt, "vKill", 5)) {
				put_packet("OK");
				return SERVE_KILL;
			}
			break;                            /* vCont, vMustReplyEmpty ...: empty */
		case 'q':
			if (!strncmp(pkt, "qSupported", 10))
				snprintf(r, sizeof r, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+", 4096);
			else if (!strncmp(pkt, "qXfer:features:read:", 20))
				reply_xfer(pkt + 20, r, 4096);
			else if (!strcmp(pkt, "qAttached"))
				snprintf(r, sizeof r, "0");    /* started for gdb: quitting kills it */
			else if (!strncmp(pkt, "qRcmd,", 6))
				monitor(k, p, pkt + 6, r, sizeof r);
			else if (!strncmp(pkt, "qSymbol", 7))
				snprintf(r, sizeof r, "OK");
			break;
		case 'Q':
			if (!strcmp(pkt, "QStartNoAckMode")) {
				put_packet("OK");
				S.noack = true;
				continue;
			}
			break;
		default:
			break;                            /* unknown: the empty reply */
		}
		if (put_packet(r) < 0)
			return SERVE_GONE;
	}
}

/* ---- the run's side ------------------------------------------------------- */

int gdbstub_parse_port(const char *cmd, const char *s, uint16_t *port)
{
	char *e;
	errno = 0;
	unsigned long v = strtoul(s, &e, 10);
	if (!*s || *e || errno || v < 1 || v > 65535 || *s == '-' || *s == '+') {
		fprintf(stderr, "%s: bad --gdb '%s' (a TCP port, 1..65535)\n", cmd, s);
		return -1;
	}
	*port = (uint16_t)v;
	return 0;
}

int gdbstub_listen(const char *cmd, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: --gdb %u: cannot create a socket: %s\n", cmd, port, strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0) {
		fprintf(stderr, "%s: --gdb %u: cannot listen on 127.0.0.1:%u: %s\n", cmd, port, port,
			strerror(errno));
		close(fd);
		return -1;
	}
	S.lfd = fd;
	S.port = port;
	return 0;
}

int gdbstub_accept(uint32_t pid)
{
	fprintf(stderr, "vmos: waiting for gdb on 127.0.0.1:%u (gdb-multiarch -ex 'target remote :%u' PROGRAM)\n",
		S.port, S.port);
	int fd;
	do
		fd = accept(S.lfd, NULL, NULL);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		fprintf(stderr, "vmos: --gdb: accept failed: %s\n", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	S.fd = fd;
	S.pid = pid;
	S.noack = false;
	S.stop_now = true;
	S.stepping = false;
	S.nbp = 0;
	S.in_len = S.in_pos = 0;
	return 0;
}

/* Whether gdb has sent Ctrl-C (0x03) while the process ran; other bytes
 * received meanwhile are dropped (gdb sends nothing else then). */
static bool interrupted(void)
{
	struct pollfd pf = { .fd = S.fd, .events = POLLIN };
	while (S.in_pos == S.in_len && poll(&pf, 1, 0) == 1) {
		int c = get_byte();
		if (c < 0) {
			disconnect();
			return false;
		}
		if (c == 0x03)
			return true;
	}
	while (S.in_pos < S.in_len)
		if (S.in[S.in_pos++] == 0x03)
			return true;
	return false;
}

uint64_t gdbstub_hook(struct kernel *k, struct proc *p, uint64_t budget)
{
	if (S.fd < 0 || p->pid != S.pid)
		return budget;
	uint64_t pc = k->cpu.pc, ir = p->st.instret;
	int sig = 0;
	bool one_by_one = S.stepping || S.nbp;
	if (S.stop_now)
		sig = -1;                         /* gdb asks why with '?' */
	else if (S.stepping && (pc != S.step_pc || ir != S.step_ir))
		sig = LX_SIGTRAP;
	else if (S.nbp && bp_at(pc) && !(pc == S.resume_pc && ir == S.resume_ir))
		sig = LX_SIGTRAP;
	else if ((!one_by_one || ++S.polls % POLL_EVERY == 0) && interrupted())
		sig = LX_SIGINT;
	if (S.fd < 0)
		return budget;                    /* gdb went away while it ran */
	if (sig) {
		S.stop_now = false;
		S.stepping = false;
		enum serve_result res = serve(k, p, sig > 0 ? sig : 0, sig > 0 ? sig : LX_SIGTRAP);
		if (res == SERVE_KILL) {
			disconnect();
			proc_exit(k, p, 0, LX_SIGKILL);
			return 0;
		}
		if (res == SERVE_GONE) {
			disconnect();                 /* detached: the run goes on undebugged */
			return budget;
		}
	}
	return S.stepping || S.nbp ? (budget ? 1 : 0) : budget;
}

void gdbstub_on_exit(struct kernel *k, struct proc *p)
{
	(void)k;
	if (S.fd < 0 || p->pid != S.pid)
		return;
	char r[8];
	if (p->term_signal)
		snprintf(r, sizeof r, "X%02x", p->term_signal & 0xff);
	else
		snprintf(r, sizeof r, "W%02x", p->exit_code & 0xff);
	put_packet(r);
	disconnect();
}

void gdbstub_close(void)
{
	disconnect();
	if (S.lfd >= 0)
		close(S.lfd);
	S.lfd = -1;
}
