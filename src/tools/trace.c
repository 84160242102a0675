/*
 * trace.c - the `vmos trace` command: options, trace loading, single runs
 * and sweeps.  A sweep runs every policy x frame count combination, each on
 * a freshly booted machine (trace_replay.c), and writes CSV and an SVG chart
 * of the hit-ratio curves.
 */
#include "trace.h"
#include "trace_read.h"
#include "trace_replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SWEEP  64

/* ---- sweep: CSV and an SVG chart -------------------------------------------- */

static void svg_chart(FILE *f, const char *title, char names[][16], int npol, const uint64_t *frames,
		      int nfr, double ratio[][MAX_SWEEP])
{
	static const char *const colors[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
					      "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f" };
	const int W = 720, H = 440, L = 70, R = 150, T = 40, B = 60;
	uint64_t fmin = frames[0], fmax = frames[0];
	for (int j = 0; j < nfr; j++) {
		if (frames[j] < fmin)
			fmin = frames[j];
		if (frames[j] > fmax)
			fmax = frames[j];
	}
	if (fmax == fmin)
		fmax = fmin + 1;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\">hit ratio vs frames: ", L);
	for (const char *c = title; *c; c++)
		fputs(*c == '<' ? "&lt;" : *c == '&' ? "&amp;" : (char[2]){ *c, 0 }, f);
	fprintf(f, "</text>\n");
	int pw = W - L - R, ph = H - T - B;
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
		L, T, pw, ph);
	for (int y = 0; y <= 100; y += 20) {
		int py = T + ph - ph * y / 100;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d%%</text>\n",
			L, py, L + pw, py, L - 6, py + 4, y);
	}
	for (int j = 0; j < nfr; j++) {
		double x = L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%llu</text>\n", x,
			T + ph + 18, (unsigned long long)frames[j]);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">frames of RAM</text>\n",
		L + pw / 2, H - 16);
	for (int i = 0; i < npol; i++) {
		const char *c = colors[i % 8];
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", c);
		for (int j = 0; j < nfr; j++)
			fprintf(f, "%.1f,%.1f ", L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin),
				T + ph - (double)ph * ratio[i][j] / 100.0);
		fprintf(f, "\"/>\n");
		for (int j = 0; j < nfr; j++)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, %llu frames: %.2f%%</title></circle>\n",
				L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin),
				T + ph - (double)ph * ratio[i][j] / 100.0, c, names[i],
				(unsigned long long)frames[j], ratio[i][j]);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n", L + pw + 16, T + 10 + 20 * i, c,
			L + pw + 36, T + 15 + 20 * i, names[i]);
	}
	fprintf(f, "</svg>\n");
}

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

/* ---- the command -------------------------------------------------------------- */

static void trace_usage(FILE *out)
{
	fprintf(out,
"usage: vmos trace [OPTIONS] TRACE [TRACE...]\n"
"       vmos trace --convert IN OUT.vmtr [--format F]\n"
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
"\n"
"options:\n"
"  --frames N          frames for user pages (the cache size); default: all RAM\n"
"  --policy NAME       fifo, clock (default), lru, random, lirs, opt (opt: one trace)\n"
"  --local N           local replacement: each process holds at most N frames\n"
"  --ram SIZE          physical memory (default 128M)\n"
"  --swap SIZE         swap area (default 1G: pages written by the trace survive eviction)\n"
"  --paging sv39|sv48  page-table format; x86-64 traces need sv48\n"
"  --tlb N[:WAYS]      TLB geometry (default 64:4)\n"
"  --quantum N         references per time slice (default 10000)\n"
"  --window N          working-set window in references (default 10000; 0: off)\n"
"  --stats             print hit ratios, TLB and swap counters, working sets\n"
"  --stats-json FILE   write them as JSON\n"
"  --sweep             run every --policy x --frames combination (comma lists);\n"
"                      print CSV (or --csv FILE) and draw --svg FILE\n"
"  --csv FILE, --svg FILE\n"
"  --progress          show progress on stderr (when it is a terminal)\n"
"  --check             run the invariant checker at the end\n"
"  -h, --help          show this text\n");
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

int trace_main(int argc, char **argv)
{
	struct trace_opts o;
	memset(&o, 0, sizeof o);
	kernel_config_default(&o.cfg);
	o.cfg.out = stdout;
	o.cfg.err = stderr;
	o.cfg.swap_size = 1ULL << 30;
	o.quantum = 10000;
	o.window = 10000;
	int fmt = TF_AUTO;
	bool sweep = false;
	const char *csv = NULL, *svg = NULL, *convert_in = NULL, *convert_out = NULL;
	char policies[MAX_SWEEP][16] = { "clock" }, frames_arg[512] = "";
	int npol = 1;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--stats") && strcmp(a, "--sweep") && strcmp(a, "--progress") &&
			     strcmp(a, "--check") && strcmp(a, "-h") && strcmp(a, "--help") && strcmp(a, "--");
		if (takes && !v) {
			fprintf(stderr, "vmos trace: option %s needs a value (try --help)\n", a);
			return 2;
		}
		uint64_t n;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			trace_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--stats")) {
			o.stats = true;
		} else if (!strcmp(a, "--sweep")) {
			sweep = true;
		} else if (!strcmp(a, "--progress")) {
			o.progress = true;
		} else if (!strcmp(a, "--check")) {
			o.cfg.check_invariants = true;
		} else if (!strcmp(a, "--frames")) {
			if (strlen(v) >= sizeof frames_arg) {
				fprintf(stderr, "vmos trace: --frames list too long\n");
				return 2;
			}
			strcpy(frames_arg, v);
		} else if (!strcmp(a, "--policy")) {
			char buf[512];
			snprintf(buf, sizeof buf, "%s", v);
			npol = split_list(buf, policies, MAX_SWEEP);
			for (int j = 0; j < npol; j++)
				if (!repl_find(policies[j]))
					npol = -1;
			if (npol <= 0) {
				fprintf(stderr, "vmos trace: bad --policy '%s' (from: %s)\n", v, repl_names());
				return 2;
			}
		} else if (!strcmp(a, "--local")) {
			if (parse_u64_opt(v, &n) < 0 || n == 0) {
				fprintf(stderr, "vmos trace: bad --local '%s' (frames per process)\n", v);
				return 2;
			}
			o.cfg.local_frames = n;
		} else if (!strcmp(a, "--ram")) {
			if (parse_size(v, &o.cfg.ram_size) < 0 || o.cfg.ram_size < RAM_MIN_SIZE ||
			    o.cfg.ram_size > RAM_MAX_SIZE || (o.cfg.ram_size & 4095)) {
				fprintf(stderr, "vmos trace: bad --ram '%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--swap")) {
			if (parse_size(v, &o.cfg.swap_size) < 0 || (o.cfg.swap_size & 4095) ||
			    o.cfg.swap_size > (4ULL << 30)) {
				fprintf(stderr, "vmos trace: bad --swap '%s' (a multiple of 4K up to 4G)\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--paging")) {
			if (strcmp(v, "sv39") && strcmp(v, "sv48")) {
				fprintf(stderr, "vmos trace: bad --paging '%s' (sv39 or sv48)\n", v);
				return 2;
			}
			o.cfg.levels = strcmp(v, "sv48") ? 3 : 4;
		} else if (!strcmp(a, "--tlb")) {
			unsigned e = 0, w = 0;
			char tail;
			int got = sscanf(v, "%u:%u%c", &e, &w, &tail);
			if (got == 1)
				w = e < 4 ? e : 4;
			if ((got != 1 && got != 2) || !e || (e & (e - 1)) || !w || (w & (w - 1)) || w > e) {
				fprintf(stderr, "vmos trace: bad --tlb '%s'\n", v);
				return 2;
			}
			o.cfg.tlb_entries = e, o.cfg.tlb_ways = w;
		} else if (!strcmp(a, "--quantum")) {
			if (parse_u64_opt(v, &o.quantum) < 0 || o.quantum == 0) {
				fprintf(stderr, "vmos trace: bad --quantum '%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--window")) {
			if (parse_u64_opt(v, &o.window) < 0 || o.window > (1ULL << 26)) {
				fprintf(stderr, "vmos trace: bad --window '%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--format")) {
			if ((fmt = trace_format_parse(v)) < 0) {
				fprintf(stderr, "vmos trace: bad --format '%s' (lackey, din, block, vmtr)\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--stats-json")) {
			o.json = v;
		} else if (!strcmp(a, "--csv")) {
			csv = v;
		} else if (!strcmp(a, "--svg")) {
			svg = v;
		} else if (!strcmp(a, "--convert")) {
			if (i + 2 >= argc) {
				fprintf(stderr, "vmos trace: --convert needs IN and OUT\n");
				return 2;
			}
			convert_in = argv[++i];
			convert_out = argv[++i];
			continue;
		} else {
			fprintf(stderr, "vmos trace: unknown option '%s' (try --help)\n", a);
			return 2;
		}
		if (takes)
			i++;
	}
	char err[300];
	if (convert_in) {
		struct trace t;
		if (trace_load(&t, convert_in, (enum trace_format)fmt, err, sizeof err) < 0) {
			fprintf(stderr, "vmos trace: %s\n", err);
			return 1;
		}
		int rc = trace_save_vmtr(&t, convert_out);
		if (rc < 0)
			fprintf(stderr, "vmos trace: cannot write %s\n", convert_out);
		else
			printf("%s: %zu references written\n", convert_out, t.n);
		trace_free(&t);
		return rc < 0 ? 1 : 0;
	}
	int n = argc - i;
	if (n <= 0 || n > MAX_TRACES) {
		fprintf(stderr, "vmos trace: give 1 to %d trace files (try --help)\n", MAX_TRACES);
		return 2;
	}
	uint64_t frames[MAX_SWEEP];
	int nfr = 0;
	if (frames_arg[0]) {
		char fl[MAX_SWEEP][16];
		int c = split_list(frames_arg, fl, MAX_SWEEP);
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
	if (!sweep && (npol > 1 || nfr > 1)) {
		fprintf(stderr, "vmos trace: several policies or frame counts need --sweep\n");
		return 2;
	}
	struct trace traces[MAX_TRACES];
	int loaded = 0, rc = 0;
	for (int j = 0; j < n; j++, loaded++)
		if (trace_load(&traces[j], argv[i + j], (enum trace_format)fmt, err, sizeof err) < 0) {
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
	for (int j = 0; rc == 0 && j < npol; j++)
		if (!strcmp(policies[j], "opt") && n > 1) {
			fprintf(stderr, "vmos trace: opt replays one trace at a time\n");
			rc = 2;
		}
	if (rc == 0 && !sweep) {
		o.cfg.policy = policies[0];
		if (nfr)
			o.cfg.frames_limit = frames[0];
		struct replay_result res;
		if (!o.stats && !o.json)
			o.stats = true;
		rc = trace_replay(traces, n, &o, &res, true) < 0 ? 1 : 0;
	} else if (rc == 0) {
		if (!nfr) {
			fprintf(stderr, "vmos trace: --sweep needs --frames N1,N2,...\n");
			rc = 2;
		}
		FILE *cf = csv ? fopen(csv, "w") : stdout;
		if (rc == 0 && !cf) {
			fprintf(stderr, "vmos trace: cannot write %s\n", csv);
			rc = 1;
		}
		static double ratio[MAX_SWEEP][MAX_SWEEP];
		if (rc == 0)
			fprintf(cf, "traces,policy,frames,references,hits,misses,hit_ratio,swapped_out,swapped_in,dropped,seconds\n");
		for (int a = 0; rc == 0 && a < npol; a++)
			for (int b = 0; rc == 0 && b < nfr; b++) {
				o.cfg.policy = policies[a];
				o.cfg.frames_limit = frames[b];
				struct replay_result res;
				if (trace_replay(traces, n, &o, &res, false) < 0) {
					rc = 1;
					break;
				}
				ratio[a][b] = res.refs ? 100.0 * (double)res.hits / (double)res.refs : 0;
				for (int j = 0; j < n; j++)
					fprintf(cf, "%s%s", j ? "+" : "", traces[j].path);
				fprintf(cf, ",%s,%llu,%llu,%llu,%llu,%.4f,%llu,%llu,%llu,%.3f\n", policies[a],
					(unsigned long long)frames[b], (unsigned long long)res.refs,
					(unsigned long long)res.hits, (unsigned long long)res.misses,
					ratio[a][b], (unsigned long long)res.swap_out,
					(unsigned long long)res.swap_in, (unsigned long long)res.dropped,
					res.seconds);
				fflush(cf);
			}
		if (cf && cf != stdout && fclose(cf) != 0)
			rc = 1;
		if (rc == 0 && svg) {
			FILE *sf = fopen(svg, "w");
			if (!sf) {
				fprintf(stderr, "vmos trace: cannot write %s\n", svg);
				rc = 1;
			} else {
				svg_chart(sf, traces[0].path, policies, npol, frames, nfr, ratio);
				if (fclose(sf) != 0)
					rc = 1;
			}
		}
	}
	for (int j = 0; j < loaded; j++)
		trace_free(&traces[j]);
	return rc;
}
