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
#include "stats_report.h"
#include "inspect.h"
#include "explain.h"
#include "ptdump.h"
#include "picture.h"
#include "eventlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define MAX_PROGRAMS 64

static bool show_maps, show_frames, show_ptdump, show_pmap;
static struct explain_opts explain;
static struct picture pic;
static bool pictures;                 /* --svg or --html */
static uint64_t snap_every, snap_next;
static struct eventlog evlog;

static void on_exit_report(struct kernel *k, struct proc *p)
{
	fflush(k->cfg.out);
	if (show_maps)
		inspect_maps(k, p, stderr);
	if (show_pmap)
		inspect_pmap(k, p, stderr);
	if (show_ptdump)
		ptdump_proc(k, p, stderr, NULL);
	if (show_frames)
		inspect_frame_map(k, stderr);
	explain_on_exit(&explain, k, p);
	if (pictures) {
		char label[96];
		snprintf(label, sizeof label, "exit of pid %u (%s)", p->pid, p->name);
		picture_snapshot(&pic, k, label);
	}
}

static void on_event(struct kernel *k, struct proc *p, const struct kevent *ev)
{
	eventlog_event(&evlog, ev);
	explain_on_event(&explain, k, p, ev);
	if (!pictures)
		return;
	char label[96];
	if (ev->kind == KEV_MARKER) {
		snprintf(label, sizeof label, "marker %llu of pid %u at instret %llu",
			 (unsigned long long)ev->cause, ev->pid, (unsigned long long)ev->instret);
		picture_snapshot(&pic, k, label);
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

static void run_usage(FILE *out)
{
	fprintf(out,
"usage: vmos run [OPTIONS] PROGRAM [ARGS...] [--- PROGRAM [ARGS...]]...\n"
"\n"
"Runs static RISC-V ELF programs (rv64imac, Linux ABI) on the simulated machine.\n"
"Separate several programs with a lone '---': each becomes its own process and\n"
"they time-share the CPU.  Program output goes to vmos's stdout and stderr; vmos\n"
"exits with the first non-zero program status (128+N for a program killed by\n"
"signal N, e.g. 139 for SIGSEGV), or 0.\n"
"\n"
"options:\n"
"  --ram SIZE          physical memory (default 128M; 1M..64G, multiple of 4K)\n"
"  --paging MODE       sv39 (default) or sv48\n"
"  --tlb N[:WAYS]      TLB entries and associativity (default 64:4; powers of 2)\n"
"  --quantum N         time slice in instructions (default 100000)\n"
"  --no-asid           give every process ASID 0 and flush the TLB on each switch\n"
"  --stack-limit SIZE  maximum stack size (default 8M): RLIMIT_STACK's soft and\n"
"                      hard limit\n"
"  --prefix            prefix each output line with [pid]\n"
"  --stats             print per-process and machine counters on stderr at the end\n"
"  --stats-json FILE   write the same counters as JSON to FILE\n"
"  --maps              print each process's regions (like /proc/PID/maps, with\n"
"                      resident pages) on stderr when it exits\n"
"  --frame-map         print the physical frame map (who owns each frame) on\n"
"                      stderr whenever a process exits, before its frames go\n"
"  --swap SIZE         swap area (default none; up to 4G): pages go there when\n"
"                      RAM runs short, and come back on the next touch\n"
"  --policy NAME       page replacement policy: clock (default), fifo, lru, random,\n"
"                      lirs (lru and lirs sample the A bits at each eviction)\n"
"  --frames N          reclaim once N frames hold user pages (default: all RAM)\n"
"  --local N           local replacement: each process keeps at most N frames and\n"
"                      evicts only its own pages (default: global replacement)\n"
"  --wss N             sample each process's working set (pages referenced, from\n"
"                      the A bits) every N instructions; shown by --stats\n"
"  --max-procs N       live processes each program and its descendants may have\n"
"                      (default 64; fork fails with EAGAIN beyond it)\n"
"\n"
"seeing the system (docs/guide.md):\n"
"  --explain VA[,VA..] translate each VA step by step on the process's page table:\n"
"                      VPN fields, every PTE (address, value, flags), the PA - or\n"
"                      where and why it faults, and what the kernel would do\n"
"  --explain-at WHEN   exit (default), instret:N (once, when N instructions have\n"
"                      run, in the running process or --explain-pid), marker (when\n"
"                      a program calls syscall 1000 (vmos_marker) with a0 = an\n"
"                      address: that address is explained too); comma separated\n"
"  --explain-pid P     only process P\n"
"  --explain-access A  load (default), store, fetch; comma separated\n"
"  --pt-dump           each process's page table at exit, runs of pages with the\n"
"                      same flags merged (rwxugad), page-table pages per level\n"
"  --pmap              pmap-like summary at exit: size, resident, swapped, shared\n"
"  --svg FILE          picture (SVG) of the frames by owner and each address space,\n"
"                      at the snapshot with the most memory in use\n"
"  --html FILE         a self-contained HTML page with every snapshot (slider) and\n"
"                      a chart of memory use over time; snapshots are taken at the\n"
"                      start, at each exit, at each marker, every --snapshot-every\n"
"                      N instructions, and at the end\n"
"  --snapshot-every N  also snapshot every N instructions\n"
"  --events FILE       log events to FILE ('-' = stdout)\n"
"  --events-filter K   kinds, comma separated: fault, syscall, exit, marker, tick,\n"
"                      evict, tlb-miss, all (default: all but tick and tlb-miss)\n"
"  --events-format F   text (default) or jsonl (one JSON object per line)\n"
"\n"
"  --warn-syscalls     name each system call a program makes that vmos does not\n"
"                      implement (it returns ENOSYS), once per number, on stderr\n"
"  --check             run the system invariant checker after every process exit\n"
"                      and check that every frame is free at the end\n"
"  --debug             allocator poisoning and redzones (on in sanitizer builds)\n"
"  --env NAME=VALUE    add to the programs' environment (default: empty)\n"
"  -h, --help          show this text\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*v = x;
	return 0;
}

bool run_option_takes_value(const char *o)
{
	static const char *const with_value[] = {
		"--ram", "--paging", "--tlb", "--quantum", "--stack-limit", "--stats-json", "--env",
		"--max-procs", "--explain", "--explain-at", "--explain-pid", "--explain-access",
		"--svg", "--html", "--snapshot-every", "--events", "--events-filter", "--events-format",
		"--swap", "--policy", "--frames", "--wss", "--local",
	};
	for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
		if (!strcmp(o, with_value[i]))
			return true;
	return false;
}

int run_main(int argc, char **argv)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	const char *json = NULL, *svg = NULL, *html = NULL, *events = NULL;
	unsigned ev_mask = eventlog_default_mask();
	enum eventlog_format ev_format = EVLOG_TEXT;
	bool stats = false;
	static char *envp[65];
	int nenv = 0;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = run_option_takes_value(o);
		if (takes && !val) {
			fprintf(stderr, "vmos run: option %s needs a value (try --help)\n", o);
			return 2;
		}
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			run_usage(stdout);
			return 0;
		} else if (!strcmp(o, "--")) {
			i++;
			break;
		} else if (!strcmp(o, "--ram")) {
			if (parse_size(val, &cfg.ram_size) < 0 || cfg.ram_size < RAM_MIN_SIZE ||
			    cfg.ram_size > RAM_MAX_SIZE || (cfg.ram_size & 4095)) {
				fprintf(stderr, "vmos run: bad --ram '%s' (a multiple of 4K from 1M to 64G, e.g. 128M)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--paging")) {
			if (!strcmp(val, "sv39"))
				cfg.levels = 3;
			else if (!strcmp(val, "sv48"))
				cfg.levels = 4;
			else {
				fprintf(stderr, "vmos run: bad --paging '%s' (sv39 or sv48)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--tlb")) {
			uint64_t n = 0, w = 0;
			char buf[64];
			snprintf(buf, sizeof buf, "%s", val);
			char *colon = strchr(buf, ':');
			if (colon)
				*colon = 0;
			if (parse_u64(buf, &n) < 0 || (colon && parse_u64(colon + 1, &w) < 0) ||
			    n == 0 || n > 65536 || (n & (n - 1)) || (colon && (w == 0 || w > n || (w & (w - 1))))) {
				fprintf(stderr, "vmos run: bad --tlb '%s' (ENTRIES[:WAYS], powers of two, ways <= entries)\n", val);
				return 2;
			}
			cfg.tlb_entries = (unsigned)n;
			cfg.tlb_ways = colon ? (unsigned)w : (n < 4 ? (unsigned)n : 4);
		} else if (!strcmp(o, "--quantum")) {
			if (parse_u64(val, &cfg.quantum) < 0 || cfg.quantum == 0) {
				fprintf(stderr, "vmos run: bad --quantum '%s' (a positive instruction count)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--stack-limit")) {
			if (parse_size(val, &cfg.stack_limit) < 0 || cfg.stack_limit < 64 * 1024 ||
			    cfg.stack_limit > (1ULL << 34) || (cfg.stack_limit & 4095)) {
				fprintf(stderr, "vmos run: bad --stack-limit '%s' (64K..16G, multiple of 4K)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--stats-json")) {
			json = val;
		} else if (!strcmp(o, "--env")) {
			if (!strchr(val, '=') || nenv >= 64) {
				fprintf(stderr, "vmos run: bad --env '%s' (NAME=VALUE, at most 64)\n", val);
				return 2;
			}
			envp[nenv++] = (char *)val;
		} else if (!strcmp(o, "--no-asid")) {
			cfg.use_asids = false;
		} else if (!strcmp(o, "--prefix")) {
			cfg.prefix_output = true;
		} else if (!strcmp(o, "--stats")) {
			stats = true;
		} else if (!strcmp(o, "--swap")) {
			if (parse_size(val, &cfg.swap_size) < 0 || (cfg.swap_size & 4095) ||
			    cfg.swap_size > (4ULL << 30)) {
				fprintf(stderr, "vmos run: bad --swap '%s' (a multiple of 4K up to 4G)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--policy")) {
			const struct repl_ops *ops = repl_find(val);
			if (!ops || !strcmp(val, "opt")) {
				fprintf(stderr, "vmos run: bad --policy '%s' (clock, fifo, lru, random, lirs; opt needs the future: vmos trace)\n", val);
				return 2;
			}
			cfg.policy = val;
		} else if (!strcmp(o, "--frames")) {
			if (parse_u64(val, &cfg.frames_limit) < 0 || cfg.frames_limit == 0) {
				fprintf(stderr, "vmos run: bad --frames '%s' (a positive frame count)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--max-procs")) {
			uint64_t n;
			if (parse_u64(val, &n) < 0 || n == 0 || n > 100000) {
				fprintf(stderr, "vmos run: bad --max-procs '%s' (1..100000)\n", val);
				return 2;
			}
			cfg.max_procs = (unsigned)n;
		} else if (!strcmp(o, "--maps")) {
			show_maps = true;
		} else if (!strcmp(o, "--frame-map")) {
			show_frames = true;
		} else if (!strcmp(o, "--explain")) {
			if (explain_parse_vas(&explain, val) < 0)
				return 2;
		} else if (!strcmp(o, "--explain-at")) {
			if (explain_parse_at(&explain, val) < 0)
				return 2;
		} else if (!strcmp(o, "--explain-access")) {
			if (explain_parse_accesses(&explain, val) < 0)
				return 2;
		} else if (!strcmp(o, "--explain-pid")) {
			uint64_t n;
			if (parse_u64(val, &n) < 0 || n == 0 || n > 0xffffffffu) {
				fprintf(stderr, "vmos run: bad --explain-pid '%s'\n", val);
				return 2;
			}
			explain.pid = (uint32_t)n;
		} else if (!strcmp(o, "--pt-dump")) {
			show_ptdump = true;
		} else if (!strcmp(o, "--pmap")) {
			show_pmap = true;
		} else if (!strcmp(o, "--svg")) {
			svg = val;
		} else if (!strcmp(o, "--html")) {
			html = val;
		} else if (!strcmp(o, "--snapshot-every")) {
			if (parse_u64(val, &snap_every) < 0 || snap_every == 0) {
				fprintf(stderr, "vmos run: bad --snapshot-every '%s' (a positive instruction count)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--local")) {
			if (parse_u64(val, &cfg.local_frames) < 0 || cfg.local_frames == 0) {
				fprintf(stderr, "vmos run: bad --local '%s' (frames per process)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--wss")) {
			if (parse_u64(val, &cfg.wss_interval) < 0 || cfg.wss_interval < 1000) {
				fprintf(stderr, "vmos run: bad --wss '%s' (an instruction count >= 1000)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--events")) {
			events = val;
		} else if (!strcmp(o, "--events-filter")) {
			if (!(ev_mask = eventlog_parse_filter(val)))
				return 2;
		} else if (!strcmp(o, "--events-format")) {
			if (!strcmp(val, "text"))
				ev_format = EVLOG_TEXT;
			else if (!strcmp(val, "jsonl") || !strcmp(val, "json"))
				ev_format = EVLOG_JSONL;
			else {
				fprintf(stderr, "vmos run: bad --events-format '%s' (text or jsonl)\n", val);
				return 2;
			}
		} else if (!strcmp(o, "--warn-syscalls")) {
			cfg.warn_syscalls = true;
		} else if (!strcmp(o, "--check")) {
			cfg.check_invariants = true;
		} else if (!strcmp(o, "--debug")) {
			cfg.debug = true;
		} else {
			fprintf(stderr, "vmos run: unknown option '%s' (try --help)\n", o);
			return 2;
		}
		if (takes)
			i++;
	}
	if (i >= argc) {
		fprintf(stderr, "vmos run: no program given\n");
		run_usage(stderr);
		return 2;
	}
	if ((explain.at & ~EXPLAIN_AT_MARKER) && !explain.nva) {
		fprintf(stderr, "vmos run: --explain-at exit or instret:N needs --explain VA\n");
		return 2;
	}
	pictures = svg || html;
	if (show_maps || show_frames || show_ptdump || show_pmap || explain.at || pictures)
		cfg.on_exit = on_exit_report;
	if (explain.at || pictures || events)
		cfg.on_event = on_event;
	if (explain.at & EXPLAIN_AT_INSTRET)
		cfg.tick_interval = explain.instret;
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
		evlog = (struct eventlog){ .out = evfile, .format = ev_format, .mask = ev_mask };
	}
	if (pictures)
		picture_init(&pic);
	struct kernel *k = calloc(1, sizeof *k);   /* the host-side root, not kernel memory */
	if (!k || kernel_boot(k, &cfg) < 0) {
		free(k);
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
	if (status == 0 || nprog > 0)
		kernel_run(k);
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
	if (json && stats_write_json(k, progs, nprog, json) < 0) {
		fprintf(stderr, "vmos run: cannot write %s\n", json);
		if (!status)
			status = 1;
	}
	for (int n = 0; n < nprog; n++)
		proc_reap(k, progs[n]);
	if (cfg.check_invariants) {
		const char *e = kernel_check(k);
		if (!e && k->user_frames)
			e = "user frames remain after every process exited";
		if (e) {
			fprintf(stderr, "vmos: invariant broken at the end: %s\n", e);
			status = status ? status : 1;
		}
	}
	kernel_shutdown(k);
	free(k);
	return status;
}
