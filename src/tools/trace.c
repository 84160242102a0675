/*
 * trace.c - `vmos trace`: drives the same kernel - page tables, TLB, page
 * faults, replacement, swap - with recorded memory references instead of
 * the CPU.  Each trace becomes a process with one anonymous region covering
 * the user half; each reference is translated by the MMU exactly as a load,
 * store or fetch of the CPU would be, and a page fault goes to the kernel's
 * fault handler.  A reference that needs no page fault is a hit.
 *
 * Several traces become several processes, time-shared round-robin with a
 * quantum counted in references.  --sweep runs every policy x frame count
 * combination (each on a freshly booted machine) and writes CSV and an SVG
 * chart of the hit-ratio curves.
 */
#include "trace.h"
#include "trace_read.h"
#include "kernel.h"
#include "proc.h"
#include "rmap.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRACES 16
#define MAX_SWEEP  64

struct tproc {
	struct trace *t;
	struct proc *p;
	size_t pos;
	uint64_t hits, misses, segv;
	uint64_t *next;              /* OPT: index of the next reference to the same page */
	/* working set over the last `window` references: distinct pages */
	uint64_t *ring;
	uint64_t *wkeys, *wlast;     /* open-addressing map page -> last use */
	uint64_t wcap, distinct, wss_sum, wss_max;
	bool done;
};

struct trace_opts {
	struct kernel_config cfg;
	uint64_t quantum;            /* references per time slice */
	uint64_t window;             /* working-set window, references */
	bool progress, stats;
	const char *json;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- a small map from page number to a value, for OPT and the WSS ------- */

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Slot of key in an open-addressing table of cap (power of two) entries;
 * keys[] holds key+1 (0 = empty). */
static uint64_t slot_of(const uint64_t *keys, uint64_t cap, uint64_t key)
{
	uint64_t i = hash64(key) & (cap - 1);
	while (keys[i] && keys[i] != key + 1)
		i = (i + 1) & (cap - 1);
	return i;
}

static uint64_t pow2_above(uint64_t n)
{
	uint64_t c = 16;
	while (c < 2 * n)
		c <<= 1;
	return c;
}

/* next[i] = the index of the next reference to the page of reference i. */
static int compute_next(struct tproc *tp)
{
	size_t n = tp->t->n;
	uint64_t cap = pow2_above(n < (1 << 22) ? n : (1 << 22));
	uint64_t *keys = calloc(cap, 8), *at = calloc(cap, 8);
	tp->next = malloc(n * 8);
	if (!keys || !at || !tp->next) {
		free(keys), free(at);
		return -1;
	}
	uint64_t used = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t page = TR_ADDR(tp->t->refs[i]) >> 12;
		uint64_t s = slot_of(keys, cap, page);
		if (!keys[s]) {
			if (++used * 2 > cap) {    /* grow */
				free(keys), free(at);
				free(tp->next);
				tp->next = NULL;
				return -1;
			}
			keys[s] = page + 1;
			at[s] = UINT64_MAX;
		}
		tp->next[i] = at[s];
		at[s] = i;
	}
	free(keys), free(at);
	return 0;
}

static uint64_t opt_next_use(void *ctx, uint64_t key)
{
	(void)key;
	struct tproc *tp = ctx;
	return tp->next[tp->pos];
}

static int wss_init(struct tproc *tp, uint64_t window)
{
	tp->ring = calloc(window, 8);
	tp->wcap = pow2_above(window);
	tp->wkeys = calloc(tp->wcap, 8);
	tp->wlast = calloc(tp->wcap, 8);
	return tp->ring && tp->wkeys && tp->wlast ? 0 : -1;
}

/* Records the reference number t (1-based) to page; updates the count of
 * distinct pages among the last `window` references. */
static void wss_step(struct tproc *tp, uint64_t window, uint64_t t, uint64_t page)
{
	if (t > window) {                    /* the reference leaving the window */
		uint64_t old = tp->ring[t % window];
		uint64_t s = slot_of(tp->wkeys, tp->wcap, old);
		if (tp->wlast[s] == t - window)
			tp->distinct--;
	}
	uint64_t s = slot_of(tp->wkeys, tp->wcap, page);
	if (!tp->wkeys[s]) {
		tp->wkeys[s] = page + 1;
		tp->wlast[s] = 0;
	}
	if (tp->wlast[s] == 0 || tp->wlast[s] + window <= t)
		tp->distinct++;
	tp->wlast[s] = t;
	tp->ring[t % window] = page;
	tp->wss_sum += tp->distinct;
	if (tp->distinct > tp->wss_max)
		tp->wss_max = tp->distinct;
	/* the map only grows: rebuild it when it fills (pages seen >> window) */
	static const int unused = 0;
	(void)unused;
}

static void tproc_free(struct tproc *tp)
{
	free(tp->next), free(tp->ring), free(tp->wkeys), free(tp->wlast);
}

/* ---- one replay ------------------------------------------------------------ */

struct replay_result {
	uint64_t refs, hits, misses;
	uint64_t swap_out, swap_in, dropped;
	double seconds;
	int error;
};

static const enum mmu_access acc_of[3] = { ACC_LOAD, ACC_STORE, ACC_FETCH };

/* Replays one slice of tp.  Returns 0, or -1 when the process died. */
static int replay_slice(struct kernel *k, struct tproc *tp, uint64_t quantum,
			const struct trace_opts *o, bool exact)
{
	struct proc *p = tp->p;
	proc_activate(k, p);
	size_t end = tp->pos + quantum < tp->t->n ? tp->pos + quantum : tp->t->n;
	for (; tp->pos < end; tp->pos++) {
		uint64_t w = tp->t->refs[tp->pos];
		uint64_t va = TR_ADDR(w);
		enum mmu_access acc = acc_of[TR_TYPE(w)];
		uint64_t pa;
		k->repl.now = tp->pos;
		if (p->repl.ops)
			p->repl.now = tp->pos;
		int cause = mmu_translate(&k->mmu, va, acc, &pa);
		if (cause == 0) {
			tp->hits++;
			if (exact)
				repl_access(kernel_repl_of_frame(k, pa_frame(&k->pa, pa)), page_key(p->pid, va & ~PGMASK));
		} else {
			tp->misses++;
			const char *why = NULL;
			int rc = cause == (int)mmu_page_fault_cause(acc) ?
				 vm_fault(k, p, va, acc, &why) : -EFAULT;
			kernel_event(k, p, KEV_FAULT, va, (uint64_t)cause, rc, rc < 0 ? "segv" : k->fault_kind);
			if (rc == -ENOMEM) {
				fprintf(stderr, "vmos trace: %s: out of memory at reference %zu (RAM and swap are full)\n",
					tp->t->path, tp->pos);
				proc_exit(k, p, 0, 9);
				return -1;
			}
			if (rc < 0 || mmu_translate(&k->mmu, va, acc, &pa) != 0) {
				fprintf(stderr, "vmos trace: %s: reference %zu to 0x%llx cannot be served: %s\n",
					tp->t->path, tp->pos, (unsigned long long)va, why ? why : "fault");
				proc_exit(k, p, 0, 11);
				return -1;
			}
		}
		if (o->window)
			wss_step(tp, o->window, tp->pos + 1, va >> PGSHIFT);
	}
	return 0;
}

static void progress(const struct tproc *tps, int n, double t0, bool final)
{
	uint64_t done = 0, total = 0;
	for (int i = 0; i < n; i++)
		done += tps[i].pos, total += tps[i].t->n;
	double el = now_s() - t0;
	fprintf(stderr, "\rvmos trace: %5.1f%%  %llu of %llu references  %.1f M refs/s   ",
		100.0 * (double)done / (double)total, (unsigned long long)done,
		(unsigned long long)total, el > 0 ? (double)done / el / 1e6 : 0.0);
	if (final)
		fputc('\n', stderr);
}

static void print_stats(struct kernel *k, struct tproc *tps, int n, const struct trace_opts *o,
			FILE *out)
{
	fprintf(out, "--- vmos trace ---\n");
	fprintf(out, "machine: %s, %llu MiB RAM, TLB %u entries %u-way, policy %s (%s) over %llu frames%s\n",
		k->cfg.levels == 4 ? "Sv48" : "Sv39", (unsigned long long)(k->ram.size >> 20),
		k->cfg.tlb_entries, k->cfg.tlb_ways, k->repl.ops->name,
		k->cfg.local_frames ? "local" : "global",
		(unsigned long long)(k->cfg.local_frames ? k->cfg.local_frames : k->repl.capacity),
		k->cfg.local_frames ? " per process" : "");
	uint64_t refs = 0, hits = 0;
	for (int i = 0; i < n; i++)
		refs += tps[i].pos, hits += tps[i].hits;
	fprintf(out, "references: %llu, hits: %llu, misses (page faults): %llu, hit ratio: %.2f%%\n",
		(unsigned long long)refs, (unsigned long long)hits, (unsigned long long)(refs - hits),
		refs ? 100.0 * (double)hits / (double)refs : 0.0);
	uint64_t th = k->mmu.stats.tlb_hits, tm = k->mmu.stats.tlb_misses;
	fprintf(out, "tlb hits: %llu, misses: %llu, hit rate: %.4f%%, page walks: %llu\n",
		(unsigned long long)th, (unsigned long long)tm,
		th + tm ? 100.0 * (double)th / (double)(th + tm) : 0.0, (unsigned long long)k->mmu.stats.walks);
	fprintf(out, "swapped out: %llu, swapped in: %llu, dropped (clean): %llu, swap slots used at peak: %llu\n",
		(unsigned long long)k->stats.pages_swapped_out, (unsigned long long)k->stats.pages_swapped_in,
		(unsigned long long)k->stats.pages_dropped, (unsigned long long)k->swap.used_peak);
	for (int i = 0; i < n; i++) {
		struct tproc *tp = &tps[i];
		double ratio = tp->pos ? 100.0 * (double)tp->hits / (double)tp->pos : 0.0;
		fprintf(out, "process %u (%s): %zu references, %llu hits, %llu misses, hit ratio %.2f%%",
			tp->p->pid, tp->t->path, tp->pos, (unsigned long long)tp->hits,
			(unsigned long long)tp->misses, ratio);
		if (o->window)
			fprintf(out, ", working set (last %llu refs) avg %.1f max %llu pages",
				(unsigned long long)o->window,
				tp->pos ? (double)tp->wss_sum / (double)tp->pos : 0.0,
				(unsigned long long)tp->wss_max);
		if (tp->pos > 1000 && ratio < 50.0)
			fprintf(out, "  [thrashing: most references fault]");
		fputc('\n', out);
	}
}

static int write_json(struct kernel *k, struct tproc *tps, int n, double secs, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "{\"policy\": \"%s\", \"frames\": %llu, \"local\": %s, \"seconds\": %.6f, "
		"\"tlb_hits\": %llu, \"tlb_misses\": %llu, \"swapped_out\": %llu, \"swapped_in\": %llu, "
		"\"dropped\": %llu, \"processes\": [",
		k->repl.ops->name, (unsigned long long)k->repl.capacity,
		k->cfg.local_frames ? "true" : "false", secs,
		(unsigned long long)k->mmu.stats.tlb_hits, (unsigned long long)k->mmu.stats.tlb_misses,
		(unsigned long long)k->stats.pages_swapped_out, (unsigned long long)k->stats.pages_swapped_in,
		(unsigned long long)k->stats.pages_dropped);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s{\"trace\": \"%s\", \"references\": %zu, \"hits\": %llu, \"misses\": %llu, "
			"\"wss_avg\": %.2f, \"wss_max\": %llu}", i ? ", " : "", tps[i].t->path, tps[i].pos,
			(unsigned long long)tps[i].hits, (unsigned long long)tps[i].misses,
			tps[i].pos ? (double)tps[i].wss_sum / (double)tps[i].pos : 0.0,
			(unsigned long long)tps[i].wss_max);
	fprintf(f, "]}\n");
	return fclose(f) == 0 ? 0 : -1;
}

/* Boots a machine, replays the traces, fills res.  Returns 0 or -1. */
static int replay(struct trace *traces, int n, const struct trace_opts *o, struct replay_result *res,
		  bool print)
{
	memset(res, 0, sizeof *res);
	struct kernel *k = calloc(1, sizeof *k);
	struct tproc tps[MAX_TRACES];
	memset(tps, 0, sizeof tps);
	if (!k || kernel_boot(k, &o->cfg) < 0) {
		free(k);
		return -1;
	}
	k->trace_mode = true;
	bool opt = !strcmp(k->repl.ops->name, "opt");
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct tproc *tp = &tps[i];
		tp->t = &traces[i];
		tp->p = proc_create(k, traces[i].path);
		if (!tp->p || (o->window && wss_init(tp, o->window) < 0)) {
			fprintf(stderr, "vmos trace: out of memory setting up %s\n", traces[i].path);
			rc = -1;
			break;
		}
		tp->p->top_level = true;
		tp->p->tree = tp->p->pid;
		tp->p->no_zero_page = true;
		uint64_t top = user_top(k->cfg.levels);
		if (vm_map_insert(&tp->p->map, PGSIZE, top, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC,
				  VMK_ANON, NULL, 0, 0, NULL) < 0) {
			fprintf(stderr, "vmos trace: cannot map the address space of %s\n", traces[i].path);
			rc = -1;
		}
		if (opt) {
			if (compute_next(tp) < 0) {
				fprintf(stderr, "vmos trace: out of memory preparing OPT for %s\n", traces[i].path);
				rc = -1;
			}
			k->repl.next_use = opt_next_use;
			k->repl.ctx = tp;       /* OPT needs no A bits; one trace only */
			if (tp->p->repl.ops) {
				tp->p->repl.next_use = opt_next_use;
				tp->p->repl.ctx = tp;
			}
		}
	}
	bool exact = k->repl.ops->needs_every_access;
	bool tty = o->progress && isatty(2);
	double t0 = now_s(), last = t0;
	for (bool more = rc == 0; more;) {
		more = false;
		for (int i = 0; i < n; i++) {
			struct tproc *tp = &tps[i];
			if (tp->done)
				continue;
			if (tp->pos >= tp->t->n || replay_slice(k, tp, o->quantum, o, exact) < 0) {
				tp->done = true;
				if (tp->p->state != P_ZOMBIE)
					proc_exit(k, tp->p, 0, 0);
				else
					rc = -1;
				continue;
			}
			more = true;
			k->stats.context_switches++;
		}
		if (tty && now_s() - last > 0.25) {
			progress(tps, n, t0, false);
			last = now_s();
		}
	}
	res->seconds = now_s() - t0;
	if (tty)
		progress(tps, n, t0, true);
	for (int i = 0; i < n; i++) {
		res->refs += tps[i].pos;
		res->hits += tps[i].hits;
		res->misses += tps[i].misses;
	}
	res->swap_out = k->stats.pages_swapped_out;
	res->swap_in = k->stats.pages_swapped_in;
	res->dropped = k->stats.pages_dropped;
	if (print && o->stats && tps[0].p)
		print_stats(k, tps, n, o, stdout);
	if (print && o->json && write_json(k, tps, n, res->seconds, o->json) < 0) {
		fprintf(stderr, "vmos trace: cannot write %s\n", o->json);
		rc = -1;
	}
	if (o->cfg.check_invariants) {
		const char *e = kernel_check(k);
		if (e) {
			fprintf(stderr, "vmos trace: invariant broken: %s\n", e);
			rc = -1;
		}
	}
	for (int i = 0; i < n; i++)
		if (tps[i].p)
			proc_reap(k, tps[i].p);
	for (int i = 0; i < n; i++)
		tproc_free(&tps[i]);
	if (o->cfg.check_invariants && rc == 0 && (k->user_frames || k->swap.nslots != k->swap.nfree)) {
		fprintf(stderr, "vmos trace: frames or swap slots remain after every process exited\n");
		rc = -1;
	}
	kernel_shutdown(k);
	free(k);
	res->error = rc;
	return rc;
}

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
		rc = replay(traces, n, &o, &res, true) < 0 ? 1 : 0;
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
				if (replay(traces, n, &o, &res, false) < 0) {
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
