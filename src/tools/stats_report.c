/*
 * stats_report.c - the counters of a run, as text (--stats) and JSON
 * (--stats-json).  Counters are kept where events happen (mmu, vm, syscall,
 * allocators); this file only prints them.
 */
#include "pagecache.h"
#include "stats_report.h"
#include "signals.h"
#include "proc.h"
#include "thrash.h"

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static const char *status_text(const struct proc *p, char *buf, size_t n)
{
	if (p->term_signal)
		snprintf(buf, n, "killed by signal %d (status %d)", p->term_signal, 128 + p->term_signal);
	else
		snprintf(buf, n, "exit %d", p->exit_code);
	return buf;
}

void stats_print(struct kernel *k, struct proc **procs, int n, FILE *out)
{
	uint64_t instr = 0, hits = k->mmu.stats.tlb_hits, misses = k->mmu.stats.tlb_misses;
	for (struct proc *p = k->procs; p; p = p->next)
		instr += p->st.instret;
	fprintf(out, "--- vmos stats ---\n");
	char asids[32] = "off";
	if (k->cfg.use_asids)
		snprintf(asids, sizeof asids, "%u-bit", k->pk.asids.bits);
	fprintf(out, "machine: %s, %llu MiB RAM, TLB %u entries %u-way, ASIDs %s, quantum %llu\n",
		k->cfg.levels == 4 ? "Sv48" : "Sv39", (unsigned long long)(k->ram.size >> 20),
		k->cfg.tlb_entries, k->cfg.tlb_ways, asids, (unsigned long long)k->cfg.quantum);
	fprintf(out, "instructions: %llu\n", (unsigned long long)k->cpu.instret);
	fprintf(out, "tlb hits: %llu\ntlb misses: %llu\ntlb hit rate: %.4f%%\n",
		(unsigned long long)hits, (unsigned long long)misses, pct(hits, hits + misses));
	fprintf(out, "page walks: %llu (PTE reads %llu, A/D updates %llu), sfence.vma: %llu\n",
		(unsigned long long)k->mmu.stats.walks, (unsigned long long)k->mmu.stats.pte_reads,
		(unsigned long long)k->mmu.stats.ad_updates, (unsigned long long)k->mmu.stats.flushes);
	fprintf(out, "faults: demand-zero %llu, file %llu, copy-on-write %llu (no copy needed %llu), stack growth %llu, segv %llu\n",
		(unsigned long long)k->stats.faults_zero, (unsigned long long)k->stats.faults_file,
		(unsigned long long)k->stats.faults_cow, (unsigned long long)k->stats.faults_copy_avoided,
		(unsigned long long)k->stats.faults_stack, (unsigned long long)k->stats.faults_segv);
	fprintf(out, "pages zeroed: %llu, copied: %llu\n", (unsigned long long)k->stats.pages_zeroed,
		(unsigned long long)k->stats.pages_copied);
	fprintf(out, "out-of-memory kills: %llu, forks refused: %llu, vforks: %llu\n",
		(unsigned long long)k->stats.oom_kills, (unsigned long long)k->stats.fork_refused,
		(unsigned long long)k->stats.vforks);
	fprintf(out, "progress guard: most faults of one instruction %llu (bound %d), victims kept for the faulting instruction %llu, no-progress kills %llu\n",
		(unsigned long long)k->stats.fault_run_max, FAULT_GUARD_MAX,
		(unsigned long long)k->stats.pinned_skips, (unsigned long long)k->stats.progress_kills);
	{
		uint64_t total = 0;
		char by[512];
		size_t n = 0;
		by[0] = 0;
		for (int sig = 1; sig <= 64; sig++) {
			uint64_t c = k->stats.signals_delivered[sig];
			total += c;
			if (c && n < sizeof by - 40)
				n += (size_t)snprintf(by + n, sizeof by - n, "%s%s %llu", n ? ", " : " (",
						      signal_abbrev(sig), (unsigned long long)c);
		}
		fprintf(out, "signals: delivered %llu%s%s, user-handled faults %llu, sigreturns %llu\n",
			(unsigned long long)total, by, n ? ")" : "",
			(unsigned long long)k->stats.faults_user_handled,
			(unsigned long long)k->stats.sigreturns);
	}
	if (k->cfg.thp != THP_NEVER) {
		const struct thp_state *t = &k->thp;
		fprintf(out, "thp: %s, %s; reservations made %llu, completed %llu, broken %llu (%llu frames returned), "
			"not made %llu (no room or no free 2 MiB block), held now %llu (%llu frames unmapped)\n",
			thp_mode_name(k->cfg.thp), thp_strategy_name(k->cfg.thp_strategy),
			(unsigned long long)t->resv_made, (unsigned long long)t->resv_completed,
			(unsigned long long)t->resv_broken, (unsigned long long)t->frames_returned,
			(unsigned long long)t->resv_failed, (unsigned long long)t->count,
			(unsigned long long)t->free_frames);
		fprintf(out, "thp: promotions %llu (refused %llu), eager 2 MiB maps %llu, demotions (splits) %llu, "
			"TLB hits on superpage entries %llu\n",
			(unsigned long long)t->promotions, (unsigned long long)t->promotion_failed,
			(unsigned long long)t->eager_maps, (unsigned long long)k->pk.demotions,
			(unsigned long long)k->mmu.stats.tlb_super_hits);
		if (k->cfg.thp_collapse)
			fprintf(out, "thp: collapse passes %llu (every %llu instructions), ranges collapsed %llu\n",
				(unsigned long long)t->collapse_passes, (unsigned long long)k->cfg.thp_collapse,
				(unsigned long long)t->collapses);
		fprintf(out, "thp: after fork (--thp-cow %s): shared whole %llu; copy-on-write faults on superpages: "
			"2 MiB copies %llu, taken over %llu, split %llu\n", thp_cow_name(k->cfg.thp_cow),
			(unsigned long long)t->fork_shared, (unsigned long long)t->cow_copies,
			(unsigned long long)t->cow_reuses, (unsigned long long)t->cow_split);
	}
	fprintf(out, "replacement: %s over %llu frames; swapped out %llu, swapped in %llu, dropped %llu; swap slots %llu, peak used %llu\n",
		k->repl.ops->name, (unsigned long long)k->repl.capacity,
		(unsigned long long)k->stats.pages_swapped_out, (unsigned long long)k->stats.pages_swapped_in,
		(unsigned long long)k->stats.pages_dropped, (unsigned long long)k->swap.nslots,
		(unsigned long long)k->swap.used_peak);
	struct pagecache_info pci;
	pagecache_info(k, &pci);
	fprintf(out, "page cache: %llu hits, %llu misses, %llu pages read in (%llu ahead), %llu dropped, %llu written back, %llu swapped out, %llu swapped in, %llu SIGBUS; now %llu objects, %llu pages cached (%llu mapped, %llu shared, %llu dirty, %llu shmem/tmpfs), %llu in swap\n",
		(unsigned long long)k->stats.file_page_hits, (unsigned long long)k->stats.file_page_misses,
		(unsigned long long)k->stats.file_pages_read, (unsigned long long)k->stats.file_pages_readahead,
		(unsigned long long)k->stats.file_pages_dropped,
		(unsigned long long)k->stats.file_pages_written,
		(unsigned long long)k->stats.file_pages_swapped_out,
		(unsigned long long)k->stats.file_pages_swapped_in, (unsigned long long)k->stats.faults_sigbus,
		(unsigned long long)pci.objects, (unsigned long long)pci.cached,
		(unsigned long long)pci.mapped, (unsigned long long)pci.shared, (unsigned long long)pci.dirty,
		(unsigned long long)pci.shmem, (unsigned long long)pci.swapped);
	fprintf(out, "syscalls: %llu, context switches: %llu, TLB flushes on switch: %llu\n",
		(unsigned long long)k->stats.syscalls, (unsigned long long)k->stats.context_switches,
		(unsigned long long)k->stats.tlb_flushes_on_switch);
	if (k->cpu.time_reads)
		fprintf(out, "vDSO: %llu clock reads in user mode (rdtime), system calls saved\n",
			(unsigned long long)k->cpu.time_reads);
	if (k->cfg.use_asids)
		fprintf(out, "asids: %llu assigned, %llu rollovers (generation %llu), %llu sfence.vma for rollovers\n",
			(unsigned long long)k->pk.asids.assigned, (unsigned long long)k->pk.asids.rollovers,
			(unsigned long long)k->pk.asids.gen, (unsigned long long)k->pk.asids.rollover_flushes);
	fprintf(out, "frames: %u total, %llu in use now, peak %llu; user frames peak %llu; page-table frames now %llu\n",
		k->pa.nframes, (unsigned long long)(k->pa.nframes - k->pa.free_frames),
		(unsigned long long)k->pa.in_use_peak, (unsigned long long)k->stats.user_frames_peak,
		(unsigned long long)k->pa.by_owner[FO_PAGE_TABLE]);
	(void)instr;
	for (int i = 0; i < n; i++) {
		struct proc *p = procs[i];
		char st[64];
		fprintf(out, "process %u (%s): %s\n", p->pid, p->name, status_text(p, st, sizeof st));
		fprintf(out, "  instructions %llu, tlb hits %llu, misses %llu (hit rate %.4f%%), walks %llu\n",
			(unsigned long long)p->st.instret, (unsigned long long)p->st.tlb_hits,
			(unsigned long long)p->st.tlb_misses, pct(p->st.tlb_hits, p->st.tlb_hits + p->st.tlb_misses),
			(unsigned long long)p->st.walks);
		fprintf(out, "  faults: demand-zero %llu, file %llu, cow %llu, stack %llu; pages zeroed %llu, copied %llu\n",
			(unsigned long long)p->st.faults_zero, (unsigned long long)p->st.faults_file,
			(unsigned long long)p->st.faults_cow, (unsigned long long)p->st.faults_stack,
			(unsigned long long)p->st.pages_zeroed, (unsigned long long)p->st.pages_copied);
		double per_m = p->st.instret ? 1e6 * (double)p->st.faults_swapin / (double)p->st.instret : 0;
		fprintf(out, "  swap: in %llu, out %llu (%.1f swap-ins per million instructions%s)\n",
			(unsigned long long)p->st.faults_swapin, (unsigned long long)p->st.pages_swapped_out,
			per_m, thrash_judge(p->st.instret, p->st.faults_swapin) ?
			": thrashing (a swap-in every < 10,000 instructions)" : "");
		if (p->st.wss_samples)
			fprintf(out, "  working set: %.1f pages on average, %llu at most, %llu at the last of %llu samples\n",
				(double)p->st.wss_sum / (double)p->st.wss_samples,
				(unsigned long long)p->st.wss_max, (unsigned long long)p->st.wss_last,
				(unsigned long long)p->st.wss_samples);
		fprintf(out, "  syscalls %llu (brk %llu, mmap %llu, munmap %llu, mprotect %llu), resident peak %llu pages, page-table pages peak %llu\n",
			(unsigned long long)p->st.syscalls, (unsigned long long)p->st.brk_calls,
			(unsigned long long)p->st.mmap_calls, (unsigned long long)p->st.munmap_calls,
			(unsigned long long)p->st.mprotect_calls, (unsigned long long)p->st.resident_peak,
			(unsigned long long)p->mm->pmap.pt_pages_peak);
		if (p->st.time_reads)
			fprintf(out, "  vDSO clock reads %llu: clock_gettime/gettimeofday answered in user mode (rdtime), each a system call saved\n",
				(unsigned long long)p->st.time_reads);
	}
}

#define J(name, v) fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", name, (unsigned long long)(v)), first = 0

int stats_write_json(struct kernel *k, struct proc **procs, int n, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int first = 1;
	fprintf(f, "{\"machine\": {\"paging\": \"%s\", ", k->cfg.levels == 4 ? "sv48" : "sv39");
	first = 1;
	J("ram_bytes", k->ram.size); J("tlb_entries", k->cfg.tlb_entries);
	J("tlb_ways", k->cfg.tlb_ways); J("asids", k->cfg.use_asids);
	J("instructions", k->cpu.instret); J("tlb_hits", k->mmu.stats.tlb_hits);
	J("tlb_misses", k->mmu.stats.tlb_misses); J("walks", k->mmu.stats.walks);
	J("pte_reads", k->mmu.stats.pte_reads); J("ad_updates", k->mmu.stats.ad_updates);
	J("sfence", k->mmu.stats.flushes); J("faults_zero", k->stats.faults_zero);
	J("faults_file", k->stats.faults_file); J("faults_cow", k->stats.faults_cow);
	J("faults_cow_no_copy", k->stats.faults_copy_avoided);
	J("faults_stack", k->stats.faults_stack); J("faults_segv", k->stats.faults_segv);
	J("pages_zeroed", k->stats.pages_zeroed); J("pages_copied", k->stats.pages_copied);
	J("swapped_out", k->stats.pages_swapped_out); J("swapped_in", k->stats.pages_swapped_in);
	J("pages_dropped", k->stats.pages_dropped); J("swap_slots", k->swap.nslots);
	J("swap_used_peak", k->swap.used_peak);
	J("oom_kills", k->stats.oom_kills); J("fork_refused", k->stats.fork_refused);
	J("vforks", k->stats.vforks);
	J("fault_run_max", k->stats.fault_run_max); J("pinned_skips", k->stats.pinned_skips);
	J("progress_kills", k->stats.progress_kills);
	struct pagecache_info pci;
	pagecache_info(k, &pci);
	J("file_page_hits", k->stats.file_page_hits); J("file_page_misses", k->stats.file_page_misses);
	J("file_pages_read", k->stats.file_pages_read);
	J("file_pages_readahead", k->stats.file_pages_readahead);
	J("file_pages_dropped", k->stats.file_pages_dropped);
	J("file_pages_written", k->stats.file_pages_written);
	J("file_pages_swapped_out", k->stats.file_pages_swapped_out);
	J("file_pages_swapped_in", k->stats.file_pages_swapped_in);
	J("faults_sigbus", k->stats.faults_sigbus);
	J("file_objects", pci.objects); J("file_pages_cached", pci.cached);
	J("file_pages_mapped", pci.mapped); J("file_pages_shared", pci.shared);
	J("file_pages_dirty", pci.dirty); J("file_pages_shmem", pci.shmem);
	J("file_pages_in_swap", pci.swapped);
	{
		uint64_t total = 0;
		for (int sig = 1; sig <= 64; sig++)
			total += k->stats.signals_delivered[sig];
		J("signals_delivered", total); J("faults_user_handled", k->stats.faults_user_handled);
		J("sigreturns", k->stats.sigreturns);
	}
	J("syscalls", k->stats.syscalls); J("context_switches", k->stats.context_switches);
	J("vdso_clock_reads", k->cpu.time_reads);
	J("tlb_flushes_on_switch", k->stats.tlb_flushes_on_switch);
	J("asid_bits", k->pk.asids.bits); J("asids_assigned", k->pk.asids.assigned);
	J("asid_rollovers", k->pk.asids.rollovers);
	J("asid_rollover_flushes", k->pk.asids.rollover_flushes);
	J("frames_total", k->pa.nframes); J("frames_in_use_peak", k->pa.in_use_peak);
	J("user_frames_peak", k->stats.user_frames_peak);
	J("page_table_frames", k->pa.by_owner[FO_PAGE_TABLE]);
	if (k->cfg.thp != THP_NEVER) {
		fprintf(f, ", \"thp\": \"%s\", \"thp_strategy\": \"%s\"", thp_mode_name(k->cfg.thp),
			thp_strategy_name(k->cfg.thp_strategy));
		J("thp_reservations_made", k->thp.resv_made);
		J("thp_reservations_completed", k->thp.resv_completed);
		J("thp_reservations_broken", k->thp.resv_broken);
		J("thp_reservations_failed", k->thp.resv_failed);
		J("thp_frames_returned", k->thp.frames_returned);
		J("thp_promotions", k->thp.promotions);
		J("thp_promotions_refused", k->thp.promotion_failed);
		J("thp_eager_maps", k->thp.eager_maps);
		J("thp_demotions", k->pk.demotions);
		J("thp_fork_shared", k->thp.fork_shared); J("thp_cow_copies", k->thp.cow_copies);
		J("thp_cow_reuses", k->thp.cow_reuses); J("thp_cow_split", k->thp.cow_split);
		J("thp_collapse_passes", k->thp.collapse_passes); J("thp_collapses", k->thp.collapses);
		J("tlb_super_hits", k->mmu.stats.tlb_super_hits);
	}
	fprintf(f, "}, \"processes\": [");
	for (int i = 0; i < n; i++) {
		struct proc *p = procs[i];
		fprintf(f, "%s{\"pid\": %u, \"name\": \"", i ? ", " : "", p->pid);
		for (const char *c = p->name; *c; c++)
			fprintf(f, (*c == '"' || *c == '\\') ? "\\%c" : (*c < 32 ? "?" : "%c"), *c);
		fprintf(f, "\", ");
		first = 1;
		J("exit_code", p->exit_code); J("signal", p->term_signal);
		J("instructions", p->st.instret); J("tlb_hits", p->st.tlb_hits);
		J("tlb_misses", p->st.tlb_misses); J("walks", p->st.walks);
		J("faults_zero", p->st.faults_zero); J("faults_file", p->st.faults_file);
		J("faults_cow", p->st.faults_cow); J("faults_stack", p->st.faults_stack);
		J("pages_zeroed", p->st.pages_zeroed); J("pages_copied", p->st.pages_copied);
		J("syscalls", p->st.syscalls); J("brk_calls", p->st.brk_calls);
		J("vdso_clock_reads", p->st.time_reads);
		J("mmap_calls", p->st.mmap_calls); J("munmap_calls", p->st.munmap_calls);
		J("mprotect_calls", p->st.mprotect_calls); J("swap_ins", p->st.faults_swapin);
		J("swapped_out", p->st.pages_swapped_out); J("wss_max", p->st.wss_max);
		J("wss_samples", p->st.wss_samples);
		J("wss_sum", p->st.wss_sum); J("resident_peak_pages", p->st.resident_peak);
		J("page_table_pages_peak", p->mm->pmap.pt_pages_peak);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
	return fclose(f) == 0 ? 0 : -1;
}
