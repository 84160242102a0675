/*
 * tlbview.c - the TLB as text (tlbview.h).  Entries are read from the
 * model's arrays (tlb.h: tags apart from the rest); a process is named by
 * the ASID its satp carries now, so an entry left by an address space that
 * has since lost its ASID (a rollover, an exit) shows pid "-".
 */
#include "tlbview.h"
#include "explain_notation.h"
#include "proc.h"

static uint32_t pid_holding(struct kernel *k, uint16_t asid)
{
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->state != P_ZOMBIE && SATP_ASID(pmap_satp(&p->mm->pmap)) == asid)
			return p->pid;
	return 0;
}

void tlbview_print(struct kernel *k, FILE *out)
{
	const struct tlb *t = &k->mmu.tlb;
	fprintf(out, "TLB: %u entries, %u sets x %u ways, %u valid; current ASID %u%s\n",
		t->nentries, t->nsets, t->nways, tlb_count(t), (unsigned)k->mmu.asid,
		k->cfg.use_asids ? "" : " (--no-asid: flushed on every switch)");
	fprintf(out, "%5s %3s %5s %5s %18s    %-14s %4s %s\n", "set", "way", "asid", "pid",
		"VA page", "PA page", "size", "flags");
	for (unsigned s = 0; s < t->nsets; s++)
		for (unsigned w = 0; w < t->nways; w++) {
			size_t i = (size_t)s * t->nways + w;
			uint64_t tag = t->tag[i];
			if (!tlb_tag_valid(tag))
				continue;
			const struct tlb_entry *e = &t->e[i];
			int lv = tlb_tag_level(tag);
			uint64_t va = tlb_tag_vpn(tag) << (PGSHIFT + VPN_BITS * lv);
			char fl[9], pid[12];
			explain_pte_flags(e->pte, fl);
			uint32_t holder = e->global ? 0 : pid_holding(k, e->asid);
			if (e->global)
				snprintf(pid, sizeof pid, "all");
			else if (holder)
				snprintf(pid, sizeof pid, "%u", holder);
			else
				snprintf(pid, sizeof pid, "-");
			fprintf(out, "%5u %3u %5u %5s 0x%016llx -> 0x%-12llx %4s %s%s\n", s, w,
				(unsigned)e->asid, pid, (unsigned long long)va,
				(unsigned long long)PTE_PA(e->pte),
				lv == 0 ? "4K" : lv == 1 ? "2M" : lv == 2 ? "1G" : "512G", fl,
				e->global ? " global" : "");
		}
}
