/*
 * trace_replay.c - the replay engine of `vmos trace`.  Each trace becomes a
 * process with one anonymous region covering the user half; each reference
 * is translated by the MMU exactly as a load, store or fetch of the CPU
 * would be, and a page fault goes to the kernel's fault handler.  A
 * reference that needs no page fault is a hit.  Several traces time-share
 * round-robin with a quantum counted in references.  Working sets are
 * measured over a sliding window of references.
 */
#include "trace_replay.h"
#include "proc.h"
#include "rmap.h"
#include "vm.h"
#include "thrash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A growing open-addressing map from page number to a value, for OPT and
 * the working sets: it holds every page seen, kept at most half full. */
struct page_map {
	uint64_t *keys;              /* page + 1, 0 = empty */
	uint64_t *vals;
	uint64_t cap, used;
};

struct tproc {
	struct trace *t;
	struct proc *p;
	size_t pos;
	uint64_t hits, misses, segv;
	uint64_t *next;              /* OPT: index of the next reference to the same page */
	/* working set over the last `window` references: distinct pages */
	uint64_t *ring;
	struct page_map last;        /* page -> its last use (reference number) */
	uint64_t distinct, wss_sum, wss_max;
	bool done;
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

static int pm_alloc(struct page_map *m, uint64_t cap)
{
	m->keys = calloc(cap, 8);
	m->vals = calloc(cap, 8);
	m->cap = cap;
	m->used = 0;
	return m->keys && m->vals ? 0 : -1;
}

static void pm_free(struct page_map *m)
{
	free(m->keys), free(m->vals);
	m->keys = m->vals = NULL;
}

/* The slot of page, added with value `fresh` if new (the map doubles when
 * half full).  Returns the slot, or UINT64_MAX if out of host memory. */
static uint64_t pm_slot(struct page_map *m, uint64_t page, uint64_t fresh)
{
	uint64_t s = slot_of(m->keys, m->cap, page);
	if (m->keys[s])
		return s;
	if ((m->used + 1) * 2 > m->cap) {
		struct page_map big;
		if (pm_alloc(&big, m->cap * 2) < 0) {
			pm_free(&big);
			return UINT64_MAX;
		}
		for (uint64_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				uint64_t t = slot_of(big.keys, big.cap, m->keys[i] - 1);
				big.keys[t] = m->keys[i];
				big.vals[t] = m->vals[i];
			}
		big.used = m->used;
		pm_free(m);
		*m = big;
		s = slot_of(m->keys, m->cap, page);
	}
	m->used++;
	m->keys[s] = page + 1;
	m->vals[s] = fresh;
	return s;
}

/* next[i] = the index of the next reference to the page of reference i. */
static int compute_next(struct tproc *tp)
{
	size_t n = tp->t->n;
	struct page_map at = { 0 };
	tp->next = malloc(n * 8);
	if (!tp->next || pm_alloc(&at, 1 << 12) < 0) {
		pm_free(&at);
		return -1;
	}
	int rc = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t s = pm_slot(&at, TR_ADDR(tp->t->refs[i]) >> 12, UINT64_MAX);
		if (s == UINT64_MAX) {
			rc = -1;
			break;
		}
		tp->next[i] = at.vals[s];
		at.vals[s] = i;
	}
	pm_free(&at);
	if (rc < 0) {
		free(tp->next);
		tp->next = NULL;
	}
	return rc;
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
	return tp->ring && pm_alloc(&tp->last, 1 << 12) == 0 ? 0 : -1;
}

/* Records the reference number t (1-based) to page; updates the count of
 * distinct pages among the last `window` references.  Returns 0, or -1 if
 * the page map cannot grow. */
static int wss_step(struct tproc *tp, uint64_t window, uint64_t t, uint64_t page)
{
	struct page_map *m = &tp->last;
	if (t > window) {                    /* the reference leaving the window */
		uint64_t old = tp->ring[t % window];
		if (m->vals[slot_of(m->keys, m->cap, old)] == t - window)
			tp->distinct--;
	}
	uint64_t s = pm_slot(m, page, 0);
	if (s == UINT64_MAX)
		return -1;
	if (m->vals[s] == 0 || m->vals[s] + window <= t)
		tp->distinct++;
	m->vals[s] = t;
	tp->ring[t % window] = page;
	tp->wss_sum += tp->distinct;
	if (tp->distinct > tp->wss_max)
		tp->wss_max = tp->distinct;
	return 0;
}

static void tproc_free(struct tproc *tp)
{
	free(tp->next), free(tp->ring);
	pm_free(&tp->last);
}

/* ---- one replay ------------------------------------------------------------ */


static const enum mmu_access acc_of[3] = { ACC_LOAD, ACC_STORE, ACC_FETCH };

/* Replays one slice of tp.  Returns 0, or -1 when the process died. */
static int replay_slice(struct kernel *k, struct tproc *tp, uint64_t quantum,
			const struct trace_opts *o, bool exact)
{
	struct proc *p = tp->p;
	proc_activate(k, p);
	const uint64_t *refs = tp->t->refs;
	size_t end = tp->pos + quantum < tp->t->n ? tp->pos + quantum : tp->t->n;
	/* position and counts in locals (the calls below could change *tp, as
	 * far as the compiler knows); tp->pos is kept current for OPT's
	 * next_use, which reads it */
	uint64_t hits = 0, misses = 0;
	int rc = 0;
	for (size_t pos = tp->pos; pos < end; pos++) {
		uint64_t w = refs[pos];
		uint64_t va = TR_ADDR(w);
		enum mmu_access acc = acc_of[TR_TYPE(w)];
		uint64_t pa;
		tp->pos = pos;
		k->repl.now = pos;
		if (p->repl.ops)
			p->repl.now = pos;
		int cause = mmu_translate(&k->mmu, va, acc, &pa);
		if (cause == 0) {
			hits++;
			if (exact) {
				struct frame *f = pa_frame(&k->pa, pa);
				repl_access(kernel_repl_of_frame(k, f), page_key(p->pid, va), f->repl_handle);
			}
		} else {
			misses++;
			const char *why = NULL;
			int frc = cause == (int)mmu_page_fault_cause(acc) ?
				  vm_fault(k, p, va, acc, &why) : -EFAULT;
			kernel_event(k, p, KEV_FAULT, va, (uint64_t)cause, frc, frc < 0 ? "segv" : k->fault_kind);
			if (frc == -ENOMEM) {
				fprintf(stderr, "vmos trace: %s: out of memory at reference %zu (RAM and swap are full)\n",
					tp->t->path, pos);
				proc_exit(k, p, 0, 9);
				rc = -1;
				break;
			}
			if (frc < 0 || mmu_translate(&k->mmu, va, acc, &pa) != 0) {
				fprintf(stderr, "vmos trace: %s: reference %zu to 0x%llx cannot be served: %s\n",
					tp->t->path, pos, (unsigned long long)va, why ? why : "fault");
				proc_exit(k, p, 0, 11);
				rc = -1;
				break;
			}
		}
		if (o->window)
			if (wss_step(tp, o->window, pos + 1, va >> PGSHIFT) < 0) {
				fprintf(stderr, "vmos trace: %s: out of host memory for the working-set window\n",
					tp->t->path);
				proc_exit(k, p, 0, 9);
				rc = -1;
				break;
			}
	}
	if (rc == 0)
		tp->pos = end;
	tp->hits += hits;
	tp->misses += misses;
	return rc;
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
	if (th + tm > refs)
		fprintf(out, "tlb lookups: %llu = %llu references + %llu retried (a reference that faults is "
			"translated again once the fault is served, so TLB misses can exceed references)\n",
			(unsigned long long)(th + tm), (unsigned long long)refs,
			(unsigned long long)(th + tm - refs));
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
		/* Re-faults: misses on a page referenced before (its contents
		 * had to come back), known when the working-set map counts the
		 * distinct pages; else the swap-ins. */
		uint64_t refaults = o->window && tp->misses >= tp->last.used ? tp->misses - tp->last.used
									    : tp->p->st.faults_swapin;
		if (thrash_judge(tp->pos, refaults))
			fprintf(out, "  [thrashing: %llu re-faults, one every %.0f references]",
				(unsigned long long)refaults, (double)tp->pos / (double)refaults);
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
int trace_replay(struct trace *traces, int n, const struct trace_opts *o, struct replay_result *res,
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
		if (vm_map_insert(&tp->p->mm->map, PGSIZE, top, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC,
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
