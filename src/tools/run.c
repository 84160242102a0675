/*
 * run.c - `vmos run [OPTIONS] PROGRAM [ARGS...] [--- PROGRAM [ARGS...]]...`
 *
 * Boots a machine, starts each program as its own process (time-shared,
 * round-robin), passes their output through, and exits with the status of
 * the first program whose status is non-zero (a process killed by signal S
 * counts as 128+S, as a shell reports it), or 0.
 */
#include "run.h"
#include "kernel.h"
#include "proc.h"
#include "fs/vfs.h"
#include "stats_report.h"
#include "inspect.h"
#include "explain.h"
#include "ptdump.h"
#include "picture.h"
#include "eventlog.h"
#include "options.h"
#include "procview.h"
#include "symbols.h"
#include "gdbstub.h"
#include "pagecache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define MAX_PROGRAMS 64

/* Everything the options set: one record, reset at each run_main, read by
 * the hooks below. */
static struct run_args {
	struct kernel_config cfg;
	bool show_frames, show_ptdump, show_pmap, stats;
	unsigned proc_files;          /* PV_*: /proc views (--proc, --maps, ...) */
	unsigned proc_at;             /* EXPLAIN_AT_*: when (0: at exit) */
	uint64_t proc_instret;        /* for EXPLAIN_AT_INSTRET */
	bool proc_instret_done;
	const char *json, *svg, *html, *events;
	unsigned ev_mask;
	enum eventlog_format ev_format;
	char *envp[65];
	int nenv;
	const char *gdb_port;         /* --gdb PORT, or NULL */
} R;
static struct explain_opts explain;
static struct picture pic;
static bool pictures;                 /* --svg or --html */
static uint64_t snap_every, snap_next;
static unsigned snap_events;          /* --snapshot-events: SNAP_EV_* */
static unsigned pic_figures;          /* --figures: PICTURE_FIG_* (0: all) */
#define SNAP_EV_FAULT 0x1
#define SNAP_EV_COW   0x2
#define SNAP_EV_EVICT 0x4
static struct eventlog evlog;

static const struct picture_focus *picture_focus_of(struct proc *p, bool has_va, uint64_t va);

static void on_exit_report(struct kernel *k, struct proc *p)
{
	fflush(k->cfg.out);
	if (R.gdb_port)
		gdbstub_on_exit(k, p);
	if (R.proc_files && (!R.proc_at || (R.proc_at & EXPLAIN_AT_EXIT)))
		procview_print(k, p, R.proc_files, "at exit", stderr);
	if (R.show_pmap)
		inspect_pmap(k, p, stderr);
	if (R.show_ptdump)
		ptdump_proc(k, p, stderr, NULL);
	if (R.show_frames)
		inspect_frame_map(k, stderr);
	explain_on_exit(&explain, k, p);
	if (pictures) {
		char label[96];
		snprintf(label, sizeof label, "exit of pid %u (%s)", p->pid, p->name);
		picture_snapshot_at(&pic, k, label, picture_focus_of(p, false, 0));
	}
}

/* --proc-at marker / instret:N: the /proc views of the process concerned. */
static void proc_on_event(struct kernel *k, struct proc *p, const struct kevent *ev)
{
	char when[96];
	if (ev->kind == KEV_MARKER && (R.proc_at & EXPLAIN_AT_MARKER) && p) {
		snprintf(when, sizeof when, "at marker %llu (instret %llu)",
			 (unsigned long long)ev->cause, (unsigned long long)ev->instret);
		fflush(k->cfg.out);
		procview_print(k, p, R.proc_files, when, stderr);
	} else if (ev->kind == KEV_TICK && (R.proc_at & EXPLAIN_AT_INSTRET) && !R.proc_instret_done &&
		   ev->instret >= R.proc_instret && p && p->state != P_ZOMBIE) {
		R.proc_instret_done = true;
		snprintf(when, sizeof when, "at instret %llu", (unsigned long long)ev->instret);
		fflush(k->cfg.out);
		procview_print(k, p, R.proc_files, when, stderr);
	}
}

/* The walk a snapshot pictures: the event's address when it has one, else
 * the first --explain VA (of --explain-pid, or of p). */
static const struct picture_focus *picture_focus_of(struct proc *p, bool has_va, uint64_t va)
{
	static struct picture_focus f;
	f = (struct picture_focus){ p ? p->pid : 0, va, has_va };
	if (!has_va && explain.nva) {
		f.va = explain.va[0];
		f.has_va = true;
		if (explain.pid)
			f.pid = explain.pid;
	}
	return &f;
}

static void on_event(struct kernel *k, struct proc *p, const struct kevent *ev)
{
	eventlog_event(&evlog, ev);
	bool instret_was = explain.instret_done;
	explain_on_event(&explain, k, p, ev);
	if (R.proc_files && R.proc_at)
		proc_on_event(k, p, ev);
	if (!pictures)
		return;
	char label[96];
	bool cow = ev->kind == KEV_FAULT && ev->what && !strncmp(ev->what, "cow", 3);
	if (ev->kind == KEV_MARKER) {
		snprintf(label, sizeof label, "marker %llu of pid %u at instret %llu",
			 (unsigned long long)ev->cause, ev->pid, (unsigned long long)ev->instret);
		picture_snapshot_at(&pic, k, label, picture_focus_of(p, true, ev->va));
	} else if (explain.instret_done && !instret_was) {
		snprintf(label, sizeof label, "instret %llu (--explain-at)", (unsigned long long)ev->instret);
		picture_snapshot_at(&pic, k, label, picture_focus_of(p, false, 0));
	} else if ((ev->kind == KEV_FAULT && ((snap_events & SNAP_EV_FAULT) || (cow && (snap_events & SNAP_EV_COW)))) ||
		   (ev->kind == KEV_EVICT && (snap_events & SNAP_EV_EVICT))) {
		snprintf(label, sizeof label, "%s of pid %u at 0x%llx -> %s, instret %llu",
			 ev->kind == KEV_EVICT ? "eviction" : cow ? "copy-on-write fault" : "fault", ev->pid,
			 (unsigned long long)ev->va, ev->what ? ev->what : "?", (unsigned long long)ev->instret);
		picture_snapshot_at(&pic, k, label, picture_focus_of(p, true, ev->va));
	} else if (ev->kind == KEV_TICK && snap_every && ev->instret >= snap_next) {
		while (snap_next <= ev->instret)
			snap_next += snap_every;
		snprintf(label, sizeof label, "instret %llu", (unsigned long long)ev->instret);
		picture_snapshot(&pic, k, label);
	}
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* ---- the options: one table, parsed and printed by options.c ------------- */

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "vmos run: bad %s '%s'%s%s%s\n", opt, val, *why ? " (" : "", why, *why ? ")" : "");
	return 2;
}

static int opt_ram(const struct opt *o, char **v)
{
	if (parse_size(v[0], &R.cfg.ram_size) < 0 || R.cfg.ram_size < RAM_MIN_SIZE ||
	    R.cfg.ram_size > RAM_MAX_SIZE || (R.cfg.ram_size & 4095))
		return bad(o->name, v[0], "a multiple of 4K from 1M to 64G, e.g. 128M");
	return 0;
}

static int opt_paging(const struct opt *o, char **v)
{
	if (!strcmp(v[0], "sv39"))
		R.cfg.levels = 3;
	else if (!strcmp(v[0], "sv48"))
		R.cfg.levels = 4;
	else
		return bad(o->name, v[0], "sv39 or sv48");
	return 0;
}

static int opt_engine(const struct opt *o, char **v)
{
	if (!strcmp(v[0], "fast"))
		cpu_engine = CPU_ENGINE_FAST;
	else if (!strcmp(v[0], "interp"))
		cpu_engine = CPU_ENGINE_INTERP;
	else if (!strcmp(v[0], "jit"))
		cpu_engine = CPU_ENGINE_JIT;
	else
		return bad(o->name, v[0], "fast, jit or interp");
	return 0;
}

static int opt_jit_cache(const struct opt *o, char **v)
{
	uint64_t n = 0;
	if (parse_size(v[0], &n) < 0 || n < JIT_MIN_CACHE || n > JIT_MAX_CACHE ||
	    cpu_jit_set_cache_size((size_t)n) < 0)
		return bad(o->name, v[0], "a size from 128K to 1G, e.g. 32M");
	return 0;
}

static int opt_tlb(const struct opt *o, char **v)
{
	uint64_t n = 0, w = 0;
	char buf[64];
	snprintf(buf, sizeof buf, "%s", v[0]);
	char *colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	if (options_parse_u64(buf, &n) < 0 || (colon && options_parse_u64(colon + 1, &w) < 0) ||
	    n == 0 || n > 65536 || (n & (n - 1)) || (colon && (w == 0 || w > n || (w & (w - 1)))))
		return bad(o->name, v[0], "ENTRIES[:WAYS], powers of two, ways <= entries");
	R.cfg.tlb_entries = (unsigned)n;
	R.cfg.tlb_ways = colon ? (unsigned)w : (n < 4 ? (unsigned)n : 4);
	return 0;
}

static int opt_quantum(const struct opt *o, char **v)
{
	if (options_parse_u64(v[0], &R.cfg.quantum) < 0 || R.cfg.quantum == 0)
		return bad(o->name, v[0], "a positive instruction count");
	return 0;
}

static int opt_no_asid(const struct opt *o, char **v)
{
	R.cfg.use_asids = false;
	return 0;
}

static int opt_asid_bits(const struct opt *o, char **v)
{
	uint64_t n;
	if (options_parse_u64(v[0], &n) < 0 || n < 1 || n > ASID_BITS_MAX) {
		fprintf(stderr, "vmos run: bad --asid-bits '%s' (1..%d)\n", v[0], ASID_BITS_MAX);
		return 2;
	}
	R.cfg.asid_bits = (unsigned)n;
	return 0;
}

static int opt_stack_limit(const struct opt *o, char **v)
{
	if (parse_size(v[0], &R.cfg.stack_limit) < 0 || R.cfg.stack_limit < 64 * 1024 ||
	    R.cfg.stack_limit > (1ULL << 34) || (R.cfg.stack_limit & 4095))
		return bad(o->name, v[0], "64K..16G, multiple of 4K");
	return 0;
}

static int opt_swap(const struct opt *o, char **v)
{
	if (parse_size(v[0], &R.cfg.swap_size) < 0 || (R.cfg.swap_size & 4095) ||
	    R.cfg.swap_size > (4ULL << 30))
		return bad(o->name, v[0], "a multiple of 4K up to 4G");
	return 0;
}

static int opt_policy(const struct opt *o, char **v)
{
	const struct repl_ops *ops = repl_find(v[0]);
	if (!ops || !strcmp(v[0], "opt"))
		return bad(o->name, v[0], "clock, fifo, lru, random, lirs; opt needs the future: vmos trace");
	R.cfg.policy = v[0];
	return 0;
}

static int opt_thp(const struct opt *o, char **v)
{
	return thp_parse_mode(v[0], &R.cfg.thp) < 0 ? bad(o->name, v[0], "never, madvise or always") : 0;
}

static int opt_thp_strategy(const struct opt *o, char **v)
{
	return thp_parse_strategy(v[0], &R.cfg.thp_strategy) < 0 ?
	       bad(o->name, v[0], "reserve or eager") : 0;
}

static int opt_thp_collapse(const struct opt *o, char **v)
{
	if (options_parse_u64(v[0], &R.cfg.thp_collapse) < 0 || R.cfg.thp_collapse < 1000)
		return bad(o->name, v[0], "instructions between passes, at least 1000");
	return 0;
}

static int opt_thp_cow(const struct opt *o, char **v)
{
	return thp_parse_cow(v[0], &R.cfg.thp_cow) < 0 ? bad(o->name, v[0], "split or copy") : 0;
}

/* A positive count into the uint64_t at o->target; why is the error hint. */
static int positive(const struct opt *o, char **v, const char *why)
{
	uint64_t *t = o->target;
	if (options_parse_u64(v[0], t) < 0 || *t == 0)
		return bad(o->name, v[0], why);
	return 0;
}

static int opt_frames(const struct opt *o, char **v)
{
	return positive(o, v, "a positive frame count");
}

static int opt_local(const struct opt *o, char **v)
{
	return positive(o, v, "frames per process");
}

static int opt_snapshot_every(const struct opt *o, char **v)
{
	return positive(o, v, "a positive instruction count");
}

static int opt_wss(const struct opt *o, char **v)
{
	if (options_parse_u64(v[0], &R.cfg.wss_interval) < 0 || R.cfg.wss_interval < 1000)
		return bad(o->name, v[0], "an instruction count >= 1000");
	return 0;
}

static int opt_max_procs(const struct opt *o, char **v)
{
	uint64_t n;
	if (options_parse_u64(v[0], &n) < 0 || n == 0 || n > 100000)
		return bad(o->name, v[0], "1..100000");
	R.cfg.max_procs = (unsigned)n;
	return 0;
}

static int opt_readahead(const struct opt *o, char **v)
{
	uint64_t n;
	if (options_parse_u64(v[0], &n) < 0 || n > PAGECACHE_RA_MAX)
		return bad(o->name, v[0], "pages, 0..32 (0 or 1: none)");
	R.cfg.readahead = (unsigned)n;
	return 0;
}

static int opt_explain(const struct opt *o, char **v)
{
	return explain_parse_vas(&explain, v[0]) < 0 ? 2 : 0;
}

static int opt_explain_at(const struct opt *o, char **v)
{
	return explain_parse_at(&explain, v[0]) < 0 ? 2 : 0;
}

static int opt_explain_access(const struct opt *o, char **v)
{
	return explain_parse_accesses(&explain, v[0]) < 0 ? 2 : 0;
}

static int opt_explain_pid(const struct opt *o, char **v)
{
	uint64_t n;
	if (options_parse_u64(v[0], &n) < 0 || n == 0 || n > 0xffffffffu)
		return bad(o->name, v[0], "");
	explain.pid = (uint32_t)n;
	return 0;
}

static int opt_proc(const struct opt *o, char **v)
{
	unsigned m = procview_parse(v[0]);
	R.proc_files |= m;
	return m ? 0 : 2;
}

/* --maps, --smaps, --pagemap: one /proc file each (o->tag is its PV_ bit). */
static int opt_proc_file(const struct opt *o, char **v)
{
	R.proc_files |= o->tag;
	return 0;
}

/* --proc-at exit,marker,instret:N */
static int opt_proc_at(const struct opt *o, char **v)
{
	if (explain_parse_when(v[0], &R.proc_at, &R.proc_instret) < 0)
		return bad(o->name, v[0], "exit, marker or instret:N with N > 0; comma separated");
	return 0;
}

static int opt_snapshot_events(const struct opt *o, char **v)
{
	static const char *const names[] = { "fault", "cow", "evict" };  /* SNAP_EV_* bits */
	snap_events = options_name_mask(v[0], names, 3);
	return snap_events ? 0 : bad(o->name, v[0], "fault, cow, evict; comma separated");
}

static int opt_figures(const struct opt *o, char **v)
{
	pic_figures = picture_parse_figures(v[0]);
	return pic_figures ? 0 : bad(o->name, v[0], "spaces, walk, tlb, frames, regions, all; comma separated");
}

static int opt_events_filter(const struct opt *o, char **v)
{
	return (R.ev_mask = eventlog_parse_filter(v[0])) ? 0 : 2;
}

static int opt_events_format(const struct opt *o, char **v)
{
	if (!strcmp(v[0], "text"))
		R.ev_format = EVLOG_TEXT;
	else if (!strcmp(v[0], "jsonl") || !strcmp(v[0], "json"))
		R.ev_format = EVLOG_JSONL;
	else
		return bad(o->name, v[0], "text or jsonl");
	return 0;
}

static int opt_env(const struct opt *o, char **v)
{
	if (!strchr(v[0], '=') || R.nenv >= 64)
		return bad(o->name, v[0], "NAME=VALUE, at most 64");
	R.envp[R.nenv++] = v[0];
	return 0;
}

static int opt_rw(const struct opt *o, char **v)
{
	if (R.cfg.nrw >= sizeof R.cfg.rw / sizeof R.cfg.rw[0])
		return bad(o->name, v[0], "at most 8 writable directories");
	R.cfg.rw[R.cfg.nrw++] = v[0];
	return 0;
}

/* The options in --help order.  A new option is one row here (and a field
 * in struct run_args or a handler above when the generic opt_true /
 * opt_string do not fit); options.h says how.  --help and the parser both
 * read this table, and tests/tools check that they agree. */
static const struct opt run_opts[] = {
	OPT_HEADING_ROW("options:"),
	{ .name = "--ram", .arg = "SIZE", .help = "physical memory (default 128M; 1M..64G, multiple of 4K)", .set = opt_ram },
	{ .name = "--paging", .arg = "MODE", .help = "sv39 (default) or sv48", .set = opt_paging },
	{ .name = "--tlb", .arg = "N[:WAYS]", .help = "TLB entries and associativity (default 64:4; powers of 2)", .set = opt_tlb },
	{ .name = "--engine", .arg = "E", .help = "jit (default on x86-64 Linux: blocks translated to\n"
	  "x86-64 code; elsewhere the same as fast), fast (threaded\n"
	  "code; the default elsewhere) or interp (the reference\n"
	  "interpreter); same results and counters (docs/hardware.md)", .set = opt_engine },
	{ .name = "--jit-cache", .arg = "SIZE", .help = "the JIT's code cache (default 32M; 128K..1G): emptied\n"
	  "whole when full", .set = opt_jit_cache },
	{ .name = "--quantum", .arg = "N", .help = "time slice in instructions (default 100000)", .set = opt_quantum },
	{ .name = "--no-asid", .help = "give every process ASID 0 and flush the TLB on each switch", .set = opt_no_asid },
	{ .name = "--asid-bits", .arg = "N", .help = "ASID width, 1..16 (default 16): with fewer bits the ASIDs\n"
	  "run out sooner and the allocator starts a new generation\n"
	  "(a rollover, which flushes the TLB); see --stats", .set = opt_asid_bits },
	{ .name = "--stack-limit", .arg = "SIZE", .help = "maximum stack size (default 8M): RLIMIT_STACK's soft and\n"
	  "hard limit", .set = opt_stack_limit },
	{ .name = "--prefix", .help = "prefix each output line with [pid]", .set = opt_true, .target = &R.cfg.prefix_output },
	{ .name = "--stats", .help = "print per-process and machine counters on stderr at the end", .set = opt_true, .target = &R.stats },
	{ .name = "--stats-json", .arg = "FILE", .help = "write the same counters as JSON to FILE", .set = opt_string, .target = &R.json },
	{ .name = "--maps", .help = "print each process's regions on stderr when it exits, in\n"
	  "/proc/PID/maps format (same as --proc maps)", .set = opt_proc_file, .tag = PV_MAPS },
	{ .name = "--frame-map", .help = "print the physical frame map (who owns each frame) on\n"
	  "stderr whenever a process exits, before its frames go;\n"
	  "frames several processes map are marked and listed", .set = opt_true, .target = &R.show_frames },
	{ .name = "--swap", .arg = "SIZE", .help = "swap area (default none; up to 4G): pages go there when\n"
	  "RAM runs short, and come back on the next touch", .set = opt_swap },
	{ .name = "--policy", .arg = "NAME", .help = "page replacement policy: clock (default), fifo, lru, random,\n"
	  "lirs (lru and lirs sample the A bits at each eviction)", .set = opt_policy },
	{ .name = "--frames", .arg = "N", .help = "reclaim once N frames hold user pages (default: all RAM)", .set = opt_frames, .target = &R.cfg.frames_limit },
	{ .name = "--local", .arg = "N", .help = "local replacement: each process keeps at most N frames and\n"
	  "evicts only its own pages (default: global replacement)", .set = opt_local, .target = &R.cfg.local_frames },
	{ .name = "--wss", .arg = "N", .help = "sample each process's working set (pages referenced, from\n"
	  "the A bits) every N instructions; shown by --stats", .set = opt_wss },
	{ .name = "--thp", .arg = "MODE", .help = "transparent superpages for private anonymous memory, as\n"
	  "Linux's transparent_hugepage: never (default), madvise (only\n"
	  "ranges marked MADV_HUGEPAGE), always (all but MADV_NOHUGEPAGE):\n"
	  "2 MiB-aligned ranges get one 2 MiB leaf at level 1 (docs/thp.md)", .set = opt_thp },
	{ .name = "--thp-strategy", .arg = "S", .help = "how a range becomes a superpage: reserve (default: an\n"
	  "aligned 2 MiB block is reserved at the first fault, its 4 KiB\n"
	  "pages mapped one by one, promoted when all 512 are) or eager\n"
	  "(a zero-filled 2 MiB leaf at the first fault)", .set = opt_thp_strategy },
	{ .name = "--thp-cow", .arg = "C", .help = "superpages after fork: split (default: 4 KiB pages shared\n"
	  "copy-on-write) or copy (shared whole; the first write copies\n"
	  "2 MiB and keeps the writer's superpage)", .set = opt_thp_cow },
	{ .name = "--thp-collapse", .arg = "N", .help = "every N instructions, a khugepaged-like pass collapses\n"
	  "up to 8 fully mapped 2 MiB ranges of 4 KiB pages (after a\n"
	  "split, or pages not from one reservation) into superpages", .set = opt_thp_collapse },
	{ .name = "--max-procs", .arg = "N", .help = "live processes and threads each program and its descendants\n"
	  "may have (default 256; fork and clone fail with EAGAIN beyond it)", .set = opt_max_procs },
	OPT_HEADING_ROW(""),
	OPT_HEADING_ROW("the guest's files (docs/files.md):"),
	{ .name = "--root", .arg = "DIR", .help = "show host directory DIR as the guest's / (read-only; like\n"
	  "qemu -L or a chroot: no path leaves it); default: the host's /", .set = opt_string, .target = &R.cfg.root },
	{ .name = "--rw", .arg = "DIR", .help = "mount host directory DIR writable at its own path (inside\n"
	  "--root); elsewhere writes fail with EROFS; repeatable", .set = opt_rw },
	{ .name = "--readahead", .arg = "N", .help = "a page-cache miss on a host file reads up to N pages at\n"
	  "once, growing from 4 while a reader goes on sequentially\n"
	  "(default 32 = 128 KiB, Linux's read_ahead_kb; 0: one page\n"
	  "per miss); it only takes free frames (docs/pagecache.md)", .set = opt_readahead },
	OPT_HEADING_ROW(""),
	OPT_HEADING_ROW("seeing the system (docs/guide.md):"),
	{ .name = "--explain", .arg = "VA[,VA..]", .help = "translate each VA step by step on the process's page table:\n"
	  "VPN fields, every PTE (address, value, flags), the PA - or\n"
	  "where and why it faults, and what the kernel would do", .set = opt_explain },
	{ .name = "--explain-at", .arg = "WHEN", .help = "exit (default), instret:N (once, when N instructions have\n"
	  "run, in the running process or --explain-pid), marker (when\n"
	  "a program calls syscall 1000 (vmos_marker) with a0 = an\n"
	  "address: that address is explained too); comma separated", .set = opt_explain_at },
	{ .name = "--explain-pid", .arg = "P", .help = "only process P (an error at the end if no process P ran)", .set = opt_explain_pid },
	{ .name = "--explain-access", .arg = "A", .help = "load (default), store, fetch; comma separated", .set = opt_explain_access },
	{ .name = "--pt-dump", .help = "each process's page table at exit, runs of pages with the\n"
	  "same flags merged (rwxugad), page-table pages per level", .set = opt_true, .target = &R.show_ptdump },
	{ .name = "--smaps", .help = "/proc/PID/smaps: maps plus Rss, Pss, shared/private,\n"
	  "clean/dirty, referenced, anonymous, swap per region", .set = opt_proc_file, .tag = PV_SMAPS },
	{ .name = "--pagemap", .help = "/proc/PID/pagemap as text: each present or swapped page's\n"
	  "64-bit entry, frame or swap slot, flags decoded", .set = opt_proc_file, .tag = PV_PAGEMAP },
	{ .name = "--proc", .arg = "FILES", .help = "Linux /proc views on stderr, comma separated: maps, smaps,\n"
	  "pagemap (per process), buddyinfo, slabinfo, vmstat\n"
	  "(machine-wide), all; when: --proc-at", .set = opt_proc },
	{ .name = "--proc-at", .arg = "WHEN", .help = "when --proc (--maps, ...) prints: exit (default), marker\n"
	  "(each vmos_marker call), instret:N (once); comma separated", .set = opt_proc_at },
	{ .name = "--pmap", .help = "pmap-like summary at exit: size, resident, swapped, shared", .set = opt_true, .target = &R.show_pmap },
	{ .name = "--svg", .arg = "FILE", .help = "pictures (SVG) of the snapshot with the most memory in use:\n"
	  "pages to frames (sharing shown), a page-table walk, the TLB,\n"
	  "the frame map by owner, each address space's regions", .set = opt_string, .target = &R.svg },
	{ .name = "--html", .arg = "FILE", .help = "a self-contained HTML page with every snapshot (slider,\n"
	  "arrow keys) and a chart of memory use over time; snapshots\n"
	  "are taken at the start, at each exit, at each marker, every\n"
	  "--snapshot-every N instructions, and at the end", .set = opt_string, .target = &R.html },
	{ .name = "--snapshot-every", .arg = "N", .help = "also snapshot every N instructions", .set = opt_snapshot_every, .target = &snap_every },
	{ .name = "--snapshot-events", .arg = "K", .help = "also snapshot after each event of these kinds: fault,\n"
	  "cow (copy-on-write faults only), evict; comma separated.\n"
	  "Each snapshot pictures pages to frames, the walk of the\n"
	  "event's address (markers: a0; else the first --explain VA),\n"
	  "the TLB and the frame map; --explain-at instret:N snapshots too", .set = opt_snapshot_events },
	{ .name = "--figures", .arg = "LIST", .help = "what each snapshot draws (default all): spaces (pages to\n"
	  "frames), walk (page-table walk), tlb, frames (frame map),\n"
	  "regions (address-space bars); comma separated", .set = opt_figures },
	{ .name = "--events", .arg = "FILE", .help = "log events to FILE ('-' = stdout)", .set = opt_string, .target = &R.events },
	{ .name = "--events-filter", .arg = "K", .help = "kinds, comma separated: fault, syscall, exit, marker, tick,\n"
	  "evict, tlb-miss, all (default: all but tick and tlb-miss)", .set = opt_events_filter },
	{ .name = "--events-format", .arg = "F", .help = "text (default) or jsonl (one JSON object per line)", .set = opt_events_format },
	OPT_HEADING_ROW(""),
	{ .name = "--warn-syscalls", .help = "name each system call a program makes that vmos does not\n"
	  "implement (it returns ENOSYS), once per number, on stderr", .set = opt_true, .target = &R.cfg.warn_syscalls },
	{ .name = "--check", .help = "run the system invariant checker after every process exit\n"
	  "and check that every frame is free at the end", .set = opt_true, .target = &R.cfg.check_invariants },
	{ .name = "--debug", .help = "allocator poisoning and redzones (on in sanitizer builds)", .set = opt_true, .target = &R.cfg.debug },
	{ .name = "--gdb", .arg = "PORT", .help = "debug the first program with gdb: listen on 127.0.0.1:PORT\n"
	  "and wait for `target remote :PORT` before its first\n"
	  "instruction (docs/debugging.md)", .set = opt_string, .target = &R.gdb_port },
	{ .name = "--env", .arg = "NAME=VALUE", .help = "add to the programs' environment (default: empty)", .set = opt_env },
	OPT_HELP_ROW,
	{ 0 }
};

const struct opt_command run_command = {
	.name = "vmos run",
	.intro =
"usage: vmos run [OPTIONS] PROGRAM [ARGS...] [--- PROGRAM [ARGS...]]...\n"
"\n"
"Runs static RISC-V ELF programs (rv64gc, lp64 or lp64d, Linux ABI) on the simulated machine.\n"
"Separate several programs with a lone '---': each becomes its own process and\n"
"they time-share the CPU.  Program output goes to vmos's stdout and stderr; vmos\n"
"exits with the first non-zero program status (128+N for a program killed by\n"
"signal N, e.g. 139 for SIGSEGV), or 0.  Output files (--svg, --html,\n"
"--stats-json, --events) are checked for writability before the run starts.\n"
"\n",
	.opts = run_opts,
};

/* Resets everything the options set to the defaults. */
static void run_args_reset(void)
{
	memset(&R, 0, sizeof R);
	kernel_config_default(&R.cfg);
	R.ev_mask = eventlog_default_mask();
	R.ev_format = EVLOG_TEXT;
	memset(&explain, 0, sizeof explain);
	snap_every = snap_next = 0;
	snap_events = 0;
	pic_figures = 0;
}

/* Checks every output file option before the run (a long run must not be
 * lost to a typo in a path).  Returns 0 or 2 after a message. */
static int check_outputs(const char *cmd)
{
	const char *const opt[] = { "--stats-json", "--svg", "--html", "--events" };
	const char *const path[] = { R.json, R.svg, R.html, R.events };
	for (int j = 0; j < 4; j++)
		if (path[j] && options_check_output(cmd, opt[j], path[j]))
			return 2;
	return 0;
}

int run_main(int argc, char **argv)
{
	char cmd[32];       /* "vmos run", or "vmos explain" when explain_main calls */
	snprintf(cmd, sizeof cmd, "vmos %s", argc > 0 ? argv[0] : "run");
	run_args_reset();
	int i;
	int prc = options_parse(&run_command, argc, argv, &i);
	if (prc)
		return prc < 0 ? 0 : prc;
	explain.defaulted = !strcmp(cmd, "vmos explain") && explain.at == EXPLAIN_AT_MARKER && !explain.nva;
	struct kernel_config cfg = R.cfg;
	const char *json = R.json, *svg = R.svg, *html = R.html, *events = R.events;
	bool stats = R.stats;
	char **envp = R.envp;
	if (i >= argc) {
		fprintf(stderr, "vmos run: no program given\n");
		options_help(&run_command, stderr);
		return 2;
	}
	if ((explain.at & ~EXPLAIN_AT_MARKER) && !explain.nva) {
		fprintf(stderr, "vmos run: --explain-at exit or instret:N needs --explain VA\n");
		return 2;
	}
	if (check_outputs(cmd))
		return 2;
	uint16_t gdb_port = 0;
	if (R.gdb_port && (gdbstub_parse_port(cmd, R.gdb_port, &gdb_port) < 0 ||
			   gdbstub_listen(cmd, gdb_port) < 0))
		return 2;
	if (R.gdb_port)
		cfg.debug_hook = gdbstub_hook;
	pictures = svg || html;
	cfg.describe_pc = symbols_describe_pc;
	if (R.proc_at && !R.proc_files) {
		fprintf(stderr, "vmos run: --proc-at needs --proc FILES (or --maps, --smaps, --pagemap)\n");
		return 2;
	}
	if (R.proc_files || R.show_frames || R.show_ptdump || R.show_pmap || explain.at || explain.pid ||
	    pictures || R.gdb_port)
		cfg.on_exit = on_exit_report;
	if (explain.at || pictures || events || (R.proc_files && R.proc_at))
		cfg.on_event = on_event;
	if (explain.at & EXPLAIN_AT_INSTRET)
		cfg.tick_interval = explain.instret;
	if (R.proc_files && (R.proc_at & EXPLAIN_AT_INSTRET))
		cfg.tick_interval = cfg.tick_interval ? gcd_u64(cfg.tick_interval, R.proc_instret)
						      : R.proc_instret;
	if (pictures && snap_every) {
		cfg.tick_interval = gcd_u64(cfg.tick_interval, snap_every);
		snap_next = snap_every;
	}
	if (cfg.wss_interval)
		cfg.tick_interval = gcd_u64(cfg.tick_interval, cfg.wss_interval);
	FILE *evfile = NULL;
	if (events) {
		evfile = strcmp(events, "-") ? fopen(events, "w") : stdout;
		if (!evfile) {
			fprintf(stderr, "vmos run: cannot write events to %s: %s\n", events, strerror(errno));
			return 2;
		}
		evlog = (struct eventlog){ .out = evfile, .format = R.ev_format, .mask = R.ev_mask };
	}
	if (pictures) {
		picture_init(&pic);
		if (pic_figures)
			pic.figures = pic_figures;
	}
	struct kernel *k = calloc(1, sizeof *k);   /* the host-side root, not kernel memory */
	if (!k || kernel_boot(k, &cfg) < 0) {
		free(k);
		gdbstub_close();
		if (evfile && evfile != stdout)
			fclose(evfile);
		return 1;
	}
	if (events)
		eventlog_start(&evlog, k);
	struct proc *progs[MAX_PROGRAMS];
	int nprog = 0, status = 0;
	while (i < argc) {
		int start = i;
		while (i < argc && strcmp(argv[i], "---"))
			i++;
		if (i == start || nprog == MAX_PROGRAMS) {
			fprintf(stderr, "vmos run: %s\n", i == start ? "empty program after '---'" :
				"too many programs");
			status = 2;
			break;
		}
		char *saved = argv[i < argc ? i : argc];
		argv[i < argc ? i : argc] = NULL;
		int err = 0;
		struct proc *p = proc_spawn(k, argv[start], &argv[start], envp, &err);
		if (i < argc)
			argv[i] = saved;
		if (!p) {
			status = err == -ENOENT ? 127 : 126;
			break;
		}
		progs[nprog++] = p;
		i++;
	}
	if (pictures)
		picture_snapshot(&pic, k, "start");
	if (R.gdb_port && nprog > 0 && gdbstub_accept(progs[0]->pid) < 0)
		status = 1;
	if (status == 0 || nprog > 0)
		kernel_run(k);
	gdbstub_close();
	fflush(stdout);
	if (pictures) {
		picture_snapshot(&pic, k, "end");
		if (svg && picture_write_svg(&pic, svg) < 0) {
			fprintf(stderr, "vmos run: cannot write %s\n", svg);
			status = status ? status : 1;
		}
		if (html && picture_write_html(&pic, html) < 0) {
			fprintf(stderr, "vmos run: cannot write %s\n", html);
			status = status ? status : 1;
		}
		picture_free(&pic);
	}
	if (evfile) {
		k->mmu.miss_hook = NULL;
		if (evfile != stdout ? fclose(evfile) != 0 : fflush(evfile) != 0) {
			fprintf(stderr, "vmos run: cannot write events to %s\n", events);
			status = status ? status : 1;
		}
		evlog.out = NULL;
	}
	for (int n = 0; n < nprog && status == 0; n++) {
		struct proc *p = progs[n];
		int st = p->term_signal ? 128 + p->term_signal : p->exit_code;
		if (st)
			status = st;
	}
	if (stats)
		stats_print(k, progs, nprog, stderr);
	if (stats && cpu_engine == CPU_ENGINE_JIT && cpu_jit_available()) {
		struct cpu_jit_stats js = cpu_jit_stats();
		fprintf(stderr, "jit: %llu blocks translated (%llu guest instructions), %.0f ns per block;"
			" code cache %zu KiB used of %zu KiB, emptied %llu times\n",
			(unsigned long long)js.blocks, (unsigned long long)js.guest_insns,
			js.blocks ? (double)js.translate_ns / (double)js.blocks : 0.0,
			js.used_bytes >> 10, js.cache_bytes >> 10, (unsigned long long)js.flushes);
	}
	if (json && stats_write_json(k, progs, nprog, json) < 0) {
		fprintf(stderr, "vmos run: cannot write %s\n", json);
		if (!status)
			status = 1;
	}
	if (nprog > 0 && R.proc_files && (R.proc_at & EXPLAIN_AT_INSTRET) && !R.proc_instret_done)
		fprintf(stderr, "vmos run: --proc-at instret:%llu: the run ended after %llu instructions, "
			"before that point; nothing was printed for it\n",
			(unsigned long long)R.proc_instret, (unsigned long long)k->cpu.instret);
	if (nprog > 0) {
		int e = explain_check_done(&explain, cmd, k->next_pid);
		status = status ? status : e;
	}
	for (int n = 0; n < nprog; n++)
		proc_reap(k, progs[n]);
	if (cfg.check_invariants) {
		const char *e = kernel_check(k);
		if (!e && k->user_frames)
			e = "user frames remain after every process exited";
		if (!e)
			e = vfs_check_idle(k);
		if (e) {
			fprintf(stderr, "vmos: invariant broken at the end: %s\n", e);
			status = status ? status : 1;
		}
	}
	kernel_shutdown(k);
	free(k);
	return status;
}
