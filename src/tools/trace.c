/*
 * trace.c - the `vmos trace` command: options, trace loading, single runs
 * and sweeps.  A sweep runs every policy x frame count combination, each on
 * a freshly booted machine (trace_replay.c), and writes CSV and an SVG chart
 * of the hit-ratio curves (trace_sweep.c).  With --jobs it runs nothing and
 * prints one command per cell instead, for GNU parallel or a batch
 * scheduler; --merge joins their results into the same CSV and SVG.
 */
#include "trace.h"
#include "trace_read.h"
#include "trace_replay.h"
#include "trace_sweep.h"
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* tag of the rows whose options a sweep cell run apart needs (--jobs) */
#define CELL 1

/* Everything the options set, reset at each trace_main. */
static struct trace_args {
	struct trace_opts o;
	int fmt;
	bool sweep, merge;
	const char *csv, *svg, *jobs, *convert_in, *convert_out;
	char policies[MAX_SWEEP][16];
	int npol;
	bool policy_given;
	char frames_arg[512];
} A;

static int split_list(char *s, char out[][16], int max)
{
	int n = 0;
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max || strlen(tok) >= 16)
			return -1;
		strcpy(out[n++], tok);
	}
	return n;
}

static int parse_u64_opt(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*v = x;
	return 0;
}

/* ---- the options: one table, parsed and printed by options.c ------------- */

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "vmos trace: bad %s '%s'%s%s%s\n", opt, val, *why ? " (" : "", why, *why ? ")" : "");
	return 2;
}

static int opt_frames(const struct opt *o, char **v)
{
	if (strlen(v[0]) >= sizeof A.frames_arg) {
		fprintf(stderr, "vmos trace: --frames list too long\n");
		return 2;
	}
	strcpy(A.frames_arg, v[0]);
	return 0;
}

static int opt_policy(const struct opt *o, char **v)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", v[0]);
	A.policy_given = true;
	A.npol = split_list(buf, A.policies, MAX_SWEEP);
	for (int j = 0; j < A.npol; j++)
		if (!repl_find(A.policies[j]))
			A.npol = -1;
	if (A.npol <= 0) {
		fprintf(stderr, "vmos trace: bad --policy '%s' (from: %s)\n", v[0], repl_names());
		return 2;
	}
	return 0;
}

static int opt_local(const struct opt *o, char **v)
{
	uint64_t n;
	if (parse_u64_opt(v[0], &n) < 0 || n == 0)
		return bad(o->name, v[0], "frames per process");
	A.o.cfg.local_frames = n;
	return 0;
}

static int opt_ram(const struct opt *o, char **v)
{
	if (parse_size(v[0], &A.o.cfg.ram_size) < 0 || A.o.cfg.ram_size < RAM_MIN_SIZE ||
	    A.o.cfg.ram_size > RAM_MAX_SIZE || (A.o.cfg.ram_size & 4095))
		return bad(o->name, v[0], "");
	return 0;
}

static int opt_swap(const struct opt *o, char **v)
{
	if (parse_size(v[0], &A.o.cfg.swap_size) < 0 || (A.o.cfg.swap_size & 4095) ||
	    A.o.cfg.swap_size > (4ULL << 30))
		return bad(o->name, v[0], "a multiple of 4K up to 4G");
	return 0;
}

static int opt_paging(const struct opt *o, char **v)
{
	if (strcmp(v[0], "sv39") && strcmp(v[0], "sv48"))
		return bad(o->name, v[0], "sv39 or sv48");
	A.o.cfg.levels = strcmp(v[0], "sv48") ? 3 : 4;
	return 0;
}

static int opt_thp(const struct opt *o, char **v)
{
	return thp_parse_mode(v[0], &A.o.cfg.thp) < 0 ? bad(o->name, v[0], "never, madvise or always") : 0;
}

static int opt_thp_strategy(const struct opt *o, char **v)
{
	return thp_parse_strategy(v[0], &A.o.cfg.thp_strategy) < 0 ?
	       bad(o->name, v[0], "reserve or eager") : 0;
}

static int opt_tlb(const struct opt *o, char **v)
{
	unsigned e = 0, w = 0;
	char tail;
	int got = sscanf(v[0], "%u:%u%c", &e, &w, &tail);
	if (got == 1)
		w = e < 4 ? e : 4;
	if ((got != 1 && got != 2) || !e || (e & (e - 1)) || !w || (w & (w - 1)) || w > e)
		return bad(o->name, v[0], "");
	A.o.cfg.tlb_entries = e, A.o.cfg.tlb_ways = w;
	return 0;
}

static int opt_quantum(const struct opt *o, char **v)
{
	if (parse_u64_opt(v[0], &A.o.quantum) < 0 || A.o.quantum == 0)
		return bad(o->name, v[0], "");
	return 0;
}

static int opt_window(const struct opt *o, char **v)
{
	if (parse_u64_opt(v[0], &A.o.window) < 0 || A.o.window > (1ULL << 26))
		return bad(o->name, v[0], "");
	return 0;
}

static int opt_format(const struct opt *o, char **v)
{
	if ((A.fmt = trace_format_parse(v[0])) < 0)
		return bad(o->name, v[0], "lackey, din, block, vmtr");
	return 0;
}

static int opt_convert(const struct opt *o, char **v)
{
	A.convert_in = v[0];
	A.convert_out = v[1];
	return 0;
}

/* The options in --help order (options.h says how to add one).  Rows tagged
 * CELL change a replay's result, so --jobs passes them on to every cell. */
static const struct opt trace_opts_table[] = {
	OPT_HEADING_ROW("options:"),
	{ .name = "--frames", .arg = "N", .help = "frames for user pages (the cache size); default: all RAM", .set = opt_frames },
	{ .name = "--policy", .arg = "NAME", .help = "fifo, clock (default), lru, random, lirs, opt (opt: one trace)", .set = opt_policy },
	{ .name = "--local", .arg = "N", .help = "local replacement: each process holds at most N frames", .set = opt_local, .tag = CELL },
	{ .name = "--ram", .arg = "SIZE", .help = "physical memory (default 128M)", .set = opt_ram, .tag = CELL },
	{ .name = "--swap", .arg = "SIZE", .help = "swap area (default 1G: pages written by the trace survive eviction)", .set = opt_swap, .tag = CELL },
	{ .name = "--paging", .arg = "sv39|sv48", .help = "page-table format; x86-64 traces need sv48", .set = opt_paging, .tag = CELL },
	{ .name = "--tlb", .arg = "N[:WAYS]", .help = "TLB geometry (default 64:4)", .set = opt_tlb, .tag = CELL },
	{ .name = "--thp", .arg = "MODE", .help = "transparent superpages: never (default) or always (the\n"
	  "trace's memory is one region: madvise means never here)", .set = opt_thp, .tag = CELL },
	{ .name = "--thp-strategy", .arg = "S", .help = "reserve (default) or eager, as vmos run", .set = opt_thp_strategy, .tag = CELL },
	{ .name = "--quantum", .arg = "N", .help = "references per time slice (default 10000)", .set = opt_quantum, .tag = CELL },
	{ .name = "--window", .arg = "N", .help = "working-set window in references (default 10000; 0: off)", .set = opt_window, .tag = CELL },
	{ .name = "--format", .arg = "F", .help = "lackey, din, block or vmtr (default: by extension/content)", .set = opt_format, .tag = CELL },
	{ .name = "--stats", .help = "print hit ratios, TLB and swap counters, working sets", .set = opt_true, .target = &A.o.stats },
	{ .name = "--stats-json", .arg = "FILE", .help = "write them as JSON", .set = opt_string, .target = &A.o.json },
	{ .name = "--sweep", .help = "run every --policy x --frames combination (comma lists);\n"
	  "print CSV (or --csv FILE) and draw --svg FILE", .set = opt_true, .target = &A.sweep },
	{ .name = "--csv", .arg = "FILE", .help = "the sweep's CSV (default: stdout)", .set = opt_string, .target = &A.csv },
	{ .name = "--svg", .arg = "FILE", .help = "the sweep's chart of hit ratio against frames", .set = opt_string, .target = &A.svg },
	{ .name = "--jobs", .arg = "DIR", .help = "with --sweep: run nothing, print one command per cell (for\n"
	  "GNU parallel or a batch scheduler), each writing DIR/POLICY-FRAMES.csv;\n"
	  "stderr shows the --merge command that joins them", .set = opt_string, .target = &A.jobs },
	{ .name = "--merge", .help = "the arguments are cell CSVs of --jobs: join them into the\n"
	  "sweep's CSV (--csv) and chart (--svg); --policy and --frames\n"
	  "give the order (default: as the rows come)", .set = opt_true, .target = &A.merge },
	{ .name = "--convert", .arg = "IN OUT", .help = "convert trace IN to the binary vmtr format in OUT", .set = opt_convert },
	{ .name = "--progress", .help = "show progress on stderr (when it is a terminal)", .set = opt_true, .target = &A.o.progress },
	{ .name = "--check", .help = "run the invariant checker at the end", .set = opt_true, .target = &A.o.cfg.check_invariants, .tag = CELL },
	OPT_HELP_ROW,
	{ 0 }
};

const struct opt_command trace_command = {
	.name = "vmos trace",
	.intro =
"usage: vmos trace [OPTIONS] TRACE [TRACE...]\n"
"       vmos trace --convert IN OUT.vmtr [--format F]\n"
"       vmos trace --sweep --jobs DIR [OPTIONS] TRACE...   (then: parallel < the commands)\n"
"       vmos trace --merge [--policy P,..] [--frames N,..] [--csv F] [--svg F] CELL.csv...\n"
"\n"
"Replays memory-reference traces through the kernel: every reference is\n"
"translated by the MMU and TLB, page faults are served by the kernel, pages\n"
"are evicted by the replacement policy (and written to swap if --swap is given\n"
"and they hold data).  A reference that needs no page fault is a hit.  Several\n"
"traces run as several processes, time-shared.\n"
"\n"
"formats (--format, default by extension/content): lackey (valgrind --tool=lackey\n"
"--trace-mem=yes), din (Dinero), block (one page number per line; *.trc), vmtr\n"
"(binary, see docs/trace.md)\n"
"\n",
	.opts = trace_opts_table,
};

/* ---- --jobs: one shell command per sweep cell -------------------------------- */

/* Writes s as one shell word (quoted unless it is plain). */
static void shell_word(FILE *f, const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+-@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

/* The running vmos, so that the cell commands run the same binary. */
static void self_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	if (n <= 0)
		snprintf(buf, size, "vmos");
	else
		buf[n] = 0;
}

/* Prints the cell commands on stdout and the merge command on stderr.
 * argv[1..first-1] are the options, argv[first..argc-1] the traces. */
static int print_jobs(int argc, char **argv, int first, const uint64_t *frames, int nfr)
{
	const char *dir = A.jobs;
	struct stat st;
	if (stat(dir, &st) < 0 && mkdir(dir, 0777) < 0) {
		fprintf(stderr, "vmos trace: --jobs %s: cannot create the directory: %s\n", dir, strerror(errno));
		return 2;
	}
	char probe[4200];
	snprintf(probe, sizeof probe, "%s/%s", dir, "probe.csv");
	if (options_check_output("vmos trace", "--jobs", probe))
		return 2;
	for (int j = first; j < argc; j++)
		if (access(argv[j], R_OK) < 0) {
			fprintf(stderr, "vmos trace: %s: %s\n", argv[j], strerror(errno));
			return 1;
		}
	char self[4096];
	self_path(self, sizeof self);
	for (int a = 0; a < A.npol; a++)
		for (int b = 0; b < nfr; b++) {
			char fr[24], out[4200];
			snprintf(fr, sizeof fr, "%llu", (unsigned long long)frames[b]);
			snprintf(out, sizeof out, "%s/%s-%s.csv", dir, A.policies[a], fr);
			shell_word(stdout, self);
			printf(" trace --sweep --policy %s --frames %s", A.policies[a], fr);
			for (int i = 1; i < first; i++) {
				const struct opt *o = options_find(&trace_command, argv[i]);
				if (!o)         /* "--" */
					continue;
				int n = options_nargs(o);
				if (o->tag == CELL)
					for (int k = 0; k <= n; k++) {
						putchar(' ');
						shell_word(stdout, argv[i + k]);
					}
				i += n;
			}
			printf(" --csv ");
			shell_word(stdout, out);
			printf(" --");
			for (int j = first; j < argc; j++) {
				putchar(' ');
				shell_word(stdout, argv[j]);
			}
			putchar('\n');
		}
	fflush(stdout);
	fprintf(stderr, "# %d cells; when all are done, join them with:\n# ", A.npol * nfr);
	shell_word(stderr, self);
	fprintf(stderr, " trace --merge --policy ");
	for (int a = 0; a < A.npol; a++)
		fprintf(stderr, "%s%s", a ? "," : "", A.policies[a]);
	fprintf(stderr, " --frames ");
	for (int b = 0; b < nfr; b++)
		fprintf(stderr, "%s%llu", b ? "," : "", (unsigned long long)frames[b]);
	if (A.csv) {
		fprintf(stderr, " --csv ");
		shell_word(stderr, A.csv);
	}
	if (A.svg) {
		fprintf(stderr, " --svg ");
		shell_word(stderr, A.svg);
	}
	fprintf(stderr, " ");
	shell_word(stderr, dir);
	fprintf(stderr, "/*.csv\n");
	return 0;
}

/* ---- the command -------------------------------------------------------------- */

/* Runs every cell of the sweep (policies of A x frames of sw) on the n
 * traces: CSV to --csv or stdout, the chart to --svg.  Returns 0 or 1. */
static int run_sweep(struct trace_opts *o, struct trace *traces, int n, struct sweep *sw)
{
	size_t len = 1;
	for (int j = 0; j < n; j++)
		len += strlen(traces[j].path) + 1;
	char *names = calloc(len, 1);
	if (!names)
		return 1;
	for (int j = 0; j < n; j++) {
		if (j)
			strcat(names, "+");
		strcat(names, traces[j].path);
	}
	memcpy(sw->policies, A.policies, sizeof sw->policies);
	sw->npol = A.npol;
	int rc = 0;
	FILE *cf = A.csv ? fopen(A.csv, "w") : stdout;
	if (!cf) {
		fprintf(stderr, "vmos trace: cannot write %s\n", A.csv);
		free(names);
		return 1;
	}
	sweep_csv_header(cf);
	for (int a = 0; rc == 0 && a < sw->npol; a++)
		for (int b = 0; rc == 0 && b < sw->nfr; b++) {
			o->cfg.policy = sw->policies[a];
			o->cfg.frames_limit = sw->frames[b];
			struct replay_result res;
			if (trace_replay(traces, n, o, &res, false) < 0) {
				rc = 1;
				break;
			}
			sw->ratio[a][b] = res.refs ? 100.0 * (double)res.hits / (double)res.refs : 0;
			sweep_csv_row(cf, names, sw->policies[a], sw->frames[b], &res);
			fflush(cf);
		}
	if (cf != stdout && fclose(cf) != 0)
		rc = 1;
	if (rc == 0 && A.svg)
		rc = sweep_write_svg(A.svg, traces[0].path, sw);
	free(names);
	return rc;
}

static void trace_args_reset(void)
{
	memset(&A, 0, sizeof A);
	kernel_config_default(&A.o.cfg);
	A.o.cfg.out = stdout;
	A.o.cfg.err = stderr;
	A.o.cfg.swap_size = 1ULL << 30;
	A.o.quantum = 10000;
	A.o.window = 10000;
	A.fmt = TF_AUTO;
	strcpy(A.policies[0], "clock");
	A.npol = 1;
}

/* Checks the output files before a long run.  Returns 0 or 2. */
static int check_outputs(void)
{
	const char *const opt[] = { "--stats-json", "--csv", "--svg" };
	const char *const path[] = { A.o.json, A.csv, A.svg };
	for (int j = 0; j < 3; j++)
		if (path[j] && options_check_output("vmos trace", opt[j], path[j]))
			return 2;
	return 0;
}

int trace_main(int argc, char **argv)
{
	trace_args_reset();
	struct trace_opts o;
	int i;
	int prc = options_parse(&trace_command, argc, argv, &i);
	if (prc)
		return prc < 0 ? 0 : prc;
	o = A.o;
	char err[300];
	if (A.convert_in) {
		struct trace t;
		if (trace_load(&t, A.convert_in, (enum trace_format)A.fmt, err, sizeof err) < 0) {
			fprintf(stderr, "vmos trace: %s\n", err);
			return 1;
		}
		int rc = trace_save_vmtr(&t, A.convert_out);
		if (rc < 0)
			fprintf(stderr, "vmos trace: cannot write %s\n", A.convert_out);
		else
			printf("%s: %zu references written\n", A.convert_out, t.n);
		trace_free(&t);
		return rc < 0 ? 1 : 0;
	}
	int n = argc - i;
	static struct sweep sw;
	memset(&sw, 0, sizeof sw);
	uint64_t *frames = sw.frames;
	int nfr = 0;     /* sw.nfr once parsed */
	if (A.frames_arg[0]) {
		char fl[MAX_SWEEP][16];
		int c = split_list(A.frames_arg, fl, MAX_SWEEP);
		for (int j = 0; j < c; j++)
			if (parse_u64_opt(fl[j], &frames[nfr]) < 0 || frames[nfr] == 0)
				c = -1;
			else
				nfr++;
		if (c <= 0) {
			fprintf(stderr, "vmos trace: bad --frames (positive counts, comma-separated)\n");
			return 2;
		}
	}
	sw.nfr = nfr;
	if (A.merge) {
		if (A.jobs || A.sweep) {
			fprintf(stderr, "vmos trace: --merge joins the results of --sweep --jobs; give it alone\n");
			return 2;
		}
		if (n <= 0) {
			fprintf(stderr, "vmos trace: --merge needs the cell CSV files (try --help)\n");
			return 2;
		}
		if (check_outputs())
			return 2;
		bool order = nfr > 0 && A.policy_given;
		memcpy(sw.policies, A.policies, sizeof sw.policies);
		sw.npol = order ? A.npol : 0;
		sw.nfr = order ? nfr : 0;
		return sweep_merge(&sw, &argv[i], n, A.csv, A.svg);
	}
	if (n <= 0 || n > MAX_TRACES) {
		fprintf(stderr, "vmos trace: give 1 to %d trace files (try --help)\n", MAX_TRACES);
		return 2;
	}
	if (!A.sweep && (A.npol > 1 || nfr > 1)) {
		fprintf(stderr, "vmos trace: several policies or frame counts need --sweep\n");
		return 2;
	}
	if (A.jobs && !A.sweep) {
		fprintf(stderr, "vmos trace: --jobs prints the cells of a --sweep; add --sweep\n");
		return 2;
	}
	if (A.sweep && !nfr) {
		fprintf(stderr, "vmos trace: --sweep needs --frames N1,N2,...\n");
		return 2;
	}
	for (int j = 0; j < A.npol; j++)
		if (!strcmp(A.policies[j], "opt") && n > 1) {
			fprintf(stderr, "vmos trace: opt replays one trace at a time\n");
			return 2;
		}
	if (A.jobs)
		return print_jobs(argc, argv, i, frames, nfr);
	if (check_outputs())
		return 2;
	struct trace traces[MAX_TRACES];
	int loaded = 0, rc = 0;
	for (int j = 0; j < n; j++, loaded++)
		if (trace_load(&traces[j], argv[i + j], (enum trace_format)A.fmt, err, sizeof err) < 0) {
			fprintf(stderr, "vmos trace: %s\n", err);
			rc = 1;
			break;
		}
	for (int j = 0; rc == 0 && j < loaded; j++)
		if (traces[j].max_addr >= user_top(o.cfg.levels)) {
			fprintf(stderr, "vmos trace: %s: address 0x%llx is above the %s user half%s\n",
				traces[j].path, (unsigned long long)traces[j].max_addr,
				o.cfg.levels == 4 ? "Sv48" : "Sv39",
				o.cfg.levels == 3 ? " (try --paging sv48)" : "");
			rc = 1;
		}
	if (rc == 0 && !A.sweep) {
		o.cfg.policy = A.policies[0];
		if (nfr)
			o.cfg.frames_limit = frames[0];
		struct replay_result res;
		if (!o.stats && !o.json)
			o.stats = true;
		rc = trace_replay(traces, n, &o, &res, true) < 0 ? 1 : 0;
	} else if (rc == 0) {
		rc = run_sweep(&o, traces, n, &sw);
	}
	for (int j = 0; j < loaded; j++)
		trace_free(&traces[j]);
	return rc;
}
