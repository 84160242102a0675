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

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define MAX_PROGRAMS 64

static bool show_maps, show_frames;

static void on_exit_report(struct kernel *k, struct proc *p)
{
	fflush(k->cfg.out);
	if (show_maps)
		inspect_maps(k, p, stderr);
	if (show_frames)
		inspect_frame_map(k, stderr);
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
"  --stack-limit SIZE  maximum stack size (default 8M)\n"
"  --prefix            prefix each output line with [pid]\n"
"  --stats             print per-process and machine counters on stderr at the end\n"
"  --stats-json FILE   write the same counters as JSON to FILE\n"
"  --maps              print each process's regions (like /proc/PID/maps, with\n"
"                      resident pages) on stderr when it exits\n"
"  --frame-map         print the physical frame map (who owns each frame) on\n"
"                      stderr whenever a process exits, before its frames go\n"
"  --max-procs N       live processes each program and its descendants may have\n"
"                      (default 64; fork fails with EAGAIN beyond it)\n"
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

int run_main(int argc, char **argv)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	const char *json = NULL;
	bool stats = false;
	static char *envp[65];
	int nenv = 0;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = !strcmp(o, "--ram") || !strcmp(o, "--paging") || !strcmp(o, "--tlb") ||
			     !strcmp(o, "--quantum") || !strcmp(o, "--stack-limit") ||
			     !strcmp(o, "--stats-json") || !strcmp(o, "--env") ||
			     !strcmp(o, "--max-procs");
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
	if (show_maps || show_frames)
		cfg.on_exit = on_exit_report;
	struct kernel *k = calloc(1, sizeof *k);   /* the host-side root, not kernel memory */
	if (!k || kernel_boot(k, &cfg) < 0) {
		free(k);
		return 1;
	}
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
	if (status == 0 || nprog > 0)
		kernel_run(k);
	fflush(stdout);
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
