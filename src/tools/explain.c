/*
 * explain.c - a virtual address translated step by step, on the page tables
 * the kernel really built (RISC-V privileged spec 4.3.2, "Virtual Address
 * Translation Process"; the layout of the VA and PTE is drawn in riscv.h).
 *
 * The walk itself is the MMU's: mmu_walk_explain() runs the hardware's walker
 * without touching the TLB, the counters or the A/D bits, and records every
 * PTE it read.  This file only turns that record into words: for each level
 * the VPN field that indexes the table, the PTE's physical address
 * (table base + VPN * 8), its raw value and decoded flags, whether it points
 * to the next table or is a leaf (and then the page size: 4 KiB, 2 MiB,
 * 1 GiB, 512 GiB), and finally PA = leaf PPN | the VA's bits below the leaf's
 * level - or the level and reason of the fault.  explain_proc adds what the
 * kernel knows: the region, and what the fault handler would do.
 */
#include "explain.h"
#include "proc.h"
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *size_name(int level)
{
	static const char *const n[] = { "4 KiB page", "2 MiB superpage", "1 GiB superpage",
					 "512 GiB superpage" };
	return level >= 0 && level < 4 ? n[level] : "?";
}

/* Prints the VA split into its fields: sign extension, VPN[levels-1..0],
 * offset. */
static void print_va_fields(uint64_t va, int levels, const char *indent, FILE *out)
{
	fprintf(out, "%sva 0x%016llx = ", indent, (unsigned long long)va);
	int top = PGSHIFT + VPN_BITS * levels;
	fprintf(out, "[63:%d] 0x%llx | ", top, (unsigned long long)(va >> top));
	for (int i = levels - 1; i >= 0; i--)
		fprintf(out, "VPN[%d] 0x%03llx (%llu) | ", i, (unsigned long long)VA_VPN(va, i),
			(unsigned long long)VA_VPN(va, i));
	fprintf(out, "offset 0x%03llx\n", (unsigned long long)(va & PGMASK));
}

/* One line for a PTE that was read: what it is and what it leads to. */
static void print_step(const struct mmu_walk_step *s, const struct mmu_walk *w, uint64_t va,
		       int writable, const char *indent, FILE *out)
{
	char fl[9];
	explain_pte_flags(s->pte, fl);
	fprintf(out, "%slevel %d: PTE at 0x%llx (table 0x%llx + VPN[%d] %llu * 8) = 0x%016llx  %s",
		indent, s->level, (unsigned long long)s->pte_pa,
		(unsigned long long)(s->pte_pa & ~PGMASK), s->level,
		(unsigned long long)VA_VPN(va, s->level), (unsigned long long)s->pte, fl);
	if (s->pte & (PTE_SW_COW | PTE_SW_NONE))
		fprintf(out, " rsw=%llu", (unsigned long long)((s->pte >> PTE_RSW_SHIFT) & 3));
	if (!(s->pte & PTE_V)) {
		if (s->pte & PTE_SW_NONE)
			fprintf(out, "  invalid (V=0; software: PROT_NONE page, frame 0x%llx kept)\n",
				(unsigned long long)PTE_PA(s->pte));
		else if (s->pte & 2)
			fprintf(out, "  invalid (V=0; software: swapped out, slot %llu)\n",
				(unsigned long long)PTE_PPN(s->pte));
		else
			fprintf(out, "  invalid (V=0)\n");
	} else if (!PTE_IS_LEAF(s->pte)) {
		fprintf(out, "  pointer to next table, PPN 0x%llx -> PA 0x%llx\n",
			(unsigned long long)PTE_PPN(s->pte), (unsigned long long)PTE_PA(s->pte));
	} else {
		/* The software COW bit marks a private page whose frame may be
		 * shared; it is copy-on-write only where the region lets the
		 * process write.  A page that can never be written (text,
		 * rodata) is simply shared. */
		bool cowbit = w->leaf_level == s->level && (s->pte & PTE_SW_COW);
		fprintf(out, "  leaf: %s, PPN 0x%llx%s%s\n", size_name(s->level),
			(unsigned long long)PTE_PPN(s->pte), (s->pte & PTE_G) ? ", global" : "",
			!cowbit ? "" : writable == 0 ? ", shared (read-only: never copied)"
						     : ", copy-on-write");
	}
}

uint64_t explain_walk_print(const struct mmu *m, uint64_t satp, uint64_t va,
			    enum mmu_access acc, const char *indent, FILE *out)
{
	return explain_walk_print_prot(m, satp, va, acc, -1, indent, out);
}

uint64_t explain_walk_print_prot(const struct mmu *m, uint64_t satp, uint64_t va,
				 enum mmu_access acc, int writable, const char *indent, FILE *out)
{
	int levels = satp_levels(SATP_MODE(satp));
	struct mmu_walk w;
	mmu_walk_explain(m, satp, va, acc, &w);
	if (levels == 0) {
		fprintf(out, "%sBare mode: no translation, PA = VA 0x%llx\n", indent,
			(unsigned long long)va);
	} else {
		print_va_fields(va, levels, indent, out);
		fprintf(out, "%sroot table at PA 0x%llx (satp.PPN 0x%llx), %s, %d levels\n", indent,
			(unsigned long long)(SATP_PPN(satp) << PGSHIFT),
			(unsigned long long)SATP_PPN(satp), levels == 3 ? "Sv39" : "Sv48", levels);
		for (int i = 0; i < w.nsteps; i++)
			print_step(&w.step[i], &w, va, writable, indent, out);
	}
	if (w.cause == 0) {
		int lv = w.leaf_level < 0 ? 0 : w.leaf_level;
		uint64_t span = LEVEL_SIZE(lv) - 1;
		fprintf(out, "%sresult: %s 0x%llx -> PA 0x%llx (page 0x%llx + offset 0x%llx), %s at level %d\n",
			indent, explain_access_name(acc), (unsigned long long)va,
			(unsigned long long)w.pa, (unsigned long long)(w.pa & ~span),
			(unsigned long long)(va & span), size_name(lv), lv);
	} else {
		int at = w.nsteps ? w.step[w.nsteps - 1].level : levels - 1;
		fprintf(out, "%sresult: %s 0x%llx FAULTS: %s (cause %llu) at level %d: %s\n", indent,
			explain_access_name(acc), (unsigned long long)va, explain_cause_name(w.cause),
			(unsigned long long)w.cause, w.nsteps ? at : levels - 1,
			w.why ? w.why : "?");
	}
	return w.cause;
}

/* What the fault handler would make of a faulting access at va (mirrors
 * the cases of docs/running.md "What page faults do"). */
static const char *fault_outcome(struct proc *p, uint64_t va, enum mmu_access acc,
				 const struct vm_region *r, const struct pmap_page *pg, bool have_pg)
{
	if (va >= user_top(p->mm->pmap.pk->levels))
		return "not a user address: the process would be killed (SIGSEGV)";
	if (!r) {
		const struct vm_region *n = vm_map_next_after(&p->mm->map, va);
		if (n && (n->flags & VMR_GROWSDOWN))
			return "below the stack: the stack would grow if within --stack-limit, else SIGSEGV";
		return "no region: the process would be killed (SIGSEGV)";
	}
	unsigned need = acc == ACC_FETCH ? VM_PROT_EXEC : acc == ACC_LOAD ? VM_PROT_READ : VM_PROT_WRITE;
	if (!(r->prot & need))
		return "the region does not allow this access: the process would be killed (SIGSEGV)";
	if (have_pg && pg->swapped)
		return "swapped out: the kernel would read it back (swap-in)";
	if (have_pg && pg->present && pg->cow && acc == ACC_STORE)
		return "copy-on-write: the kernel would copy the frame (or take it over if unshared)";
	if (have_pg && pg->present)
		return "present but the PTE denies it: the kernel would bring the PTE up to the region's protection";
	return r->object ? "not touched yet: the kernel would map the file page (demand paging)"
			 : "not touched yet: the kernel would map a zero page (demand zero)";
}

uint64_t explain_proc(struct kernel *k, struct proc *p, uint64_t va, enum mmu_access acc,
		      const char *when, FILE *out)
{
	uint64_t satp = pmap_satp(&p->mm->pmap);
	fprintf(out, "explain pid %u (%s) %s 0x%llx%s%s: satp 0x%016llx (mode %llu, ASID %llu, root PPN 0x%llx)\n",
		p->pid, p->name, explain_access_name(acc), (unsigned long long)va,
		when ? " " : "", when ? when : "", (unsigned long long)satp,
		(unsigned long long)SATP_MODE(satp), (unsigned long long)SATP_ASID(satp),
		(unsigned long long)SATP_PPN(satp));
	struct vm_region *r = va < user_top(k->cfg.levels) ? vm_map_lookup(&p->mm->map, va) : NULL;
	uint64_t cause = explain_walk_print_prot(&k->mmu, satp, va, acc,
						 r ? (r->prot & VM_PROT_WRITE) != 0 : -1, "  ", out);
	struct pmap_page pg;
	bool have = va < user_top(k->cfg.levels) && pmap_extract(&p->mm->pmap, va & ~PGMASK, &pg);
	if (r)
		fprintf(out, "  region: %s [0x%llx, 0x%llx) %c%c%c%s\n", vm_kind_name(r->kind),
			(unsigned long long)r->start, (unsigned long long)r->end,
			(r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
			(r->prot & VM_PROT_EXEC) ? 'x' : '-', r->object ? " (file)" : "");
	else if (va >= kernel_base(k->cfg.levels))
		fprintf(out, "  region: kernel direct map (PA 0x%llx if in RAM)\n",
			(unsigned long long)(va - kernel_base(k->cfg.levels)));
	else
		fprintf(out, "  region: none\n");
	if (cause == 0 && have && pg.present) {
		struct frame *f = pa_frame(&k->pa, pg.pa);
		fprintf(out, "  frame: 0x%llx owner %s", (unsigned long long)pg.pa,
			frame_owner_name((enum frame_owner)f->owner));
		if (f->owner == FO_USER)
			fprintf(out, " (pid %u)", f->owner_id);
		fprintf(out, ", refcount %u%s\n", f->refcount, f->refcount > 1 ? " (shared)" : "");
	} else if (cause != 0) {
		fprintf(out, "  kernel: %s\n", fault_outcome(p, va, acc, r, &pg, have));
	}
	return cause;
}

/* ---- vmos run options -------------------------------------------------- */

static int va_item(const char *t, void *ctx)
{
	struct explain_opts *o = ctx;
	uint64_t v;
	if (options_parse_u64(t, &v) < 0 || o->nva >= EXPLAIN_MAX_VAS) {
		fprintf(stderr, "vmos run: bad --explain address '%s' (hex or decimal, at most %d)\n",
			t, EXPLAIN_MAX_VAS);
		return -2;
	}
	o->va[o->nva++] = v;
	return 0;
}

int explain_parse_vas(struct explain_opts *o, const char *s)
{
	int rc = options_each(s, va_item, o);
	if (rc == -1)
		fprintf(stderr, "vmos run: bad --explain '%s' (an empty address)\n", s);
	if (rc < 0)
		return -1;
	if (!o->at)
		o->at = EXPLAIN_AT_EXIT;
	return o->nva ? 0 : -1;
}

struct when { unsigned at; uint64_t instret; };

static int when_item(const char *t, void *ctx)
{
	struct when *w = ctx;
	if (!strcmp(t, "exit"))
		w->at |= EXPLAIN_AT_EXIT;
	else if (!strcmp(t, "marker"))
		w->at |= EXPLAIN_AT_MARKER;
	else if (!strncmp(t, "instret:", 8) && options_parse_u64(t + 8, &w->instret) == 0 &&
		 w->instret > 0)
		w->at |= EXPLAIN_AT_INSTRET;
	else
		return -1;
	return 0;
}

int explain_parse_when(const char *s, unsigned *at, uint64_t *instret)
{
	struct when w = { 0, *instret };
	if (options_each(s, when_item, &w) < 0)
		return -1;
	*at = w.at;
	*instret = w.instret;
	return 0;
}

int explain_parse_at(struct explain_opts *o, const char *s)
{
	if (explain_parse_when(s, &o->at, &o->instret) < 0) {
		fprintf(stderr, "vmos run: bad --explain-at '%s' (exit, marker or instret:N with N > 0; "
			"comma separated)\n", s);
		return -1;
	}
	return 0;
}

static int access_item(const char *t, void *ctx)
{
	unsigned *accesses = ctx;
	enum mmu_access a;
	if (explain_parse_access(t, &a) < 0)
		return -1;
	*accesses |= 1u << a;
	return 0;
}

int explain_parse_accesses(struct explain_opts *o, const char *s)
{
	o->accesses = 0;
	if (options_each(s, access_item, &o->accesses) < 0) {
		fprintf(stderr, "vmos run: bad --explain-access '%s' (load, store, fetch; comma "
			"separated)\n", s);
		return -1;
	}
	return 0;
}

/* Explains every requested VA (and extra, if not ~0) for every requested
 * access type. */
static void explain_all(struct explain_opts *o, struct kernel *k, struct proc *p,
			uint64_t extra, const char *when)
{
	unsigned acc = o->accesses ? o->accesses : 1u << ACC_LOAD;
	FILE *out = o->out ? o->out : stderr;
	fflush(k->cfg.out);
	for (int i = 0; i <= o->nva; i++) {
		uint64_t va = i < o->nva ? o->va[i] : extra;
		if (i == o->nva && extra == ~0ULL)
			break;
		static const enum mmu_access order[] = { ACC_LOAD, ACC_STORE, ACC_FETCH };
		for (int a = 0; a < 3; a++)
			if (acc & (1u << order[a])) {
				explain_proc(k, p, va, order[a], when, out);
				o->explained++;
			}
	}
}

void explain_on_exit(struct explain_opts *o, struct kernel *k, struct proc *p)
{
	if (o->pid && o->pid == p->pid)
		o->pid_seen = true;
	if (!(o->at & EXPLAIN_AT_EXIT) || (o->pid && o->pid != p->pid) || !o->nva)
		return;
	explain_all(o, k, p, ~0ULL, "at exit");
}

void explain_on_event(struct explain_opts *o, struct kernel *k, struct proc *p,
		      const struct kevent *ev)
{
	char when[64];
	if (ev->kind == KEV_MARKER && (o->at & EXPLAIN_AT_MARKER) && p &&
	    (!o->pid || o->pid == p->pid)) {
		snprintf(when, sizeof when, "at marker %llu (instret %llu)",
			 (unsigned long long)ev->cause, (unsigned long long)ev->instret);
		explain_all(o, k, p, ev->va, when);
	} else if (ev->kind == KEV_TICK && (o->at & EXPLAIN_AT_INSTRET) && !o->instret_done &&
		   ev->instret >= o->instret && o->nva) {
		struct proc *q = o->pid ? proc_find(k, o->pid) : p;
		if (!q || q->state == P_ZOMBIE)
			return;
		o->instret_done = true;
		snprintf(when, sizeof when, "at instret %llu", (unsigned long long)ev->instret);
		explain_all(o, k, q, ~0ULL, when);
	}
}

/* ---- vmos explain ------------------------------------------------------ */

int explain_check_done(const struct explain_opts *o, const char *cmd, uint32_t next_pid)
{
	if (o->pid && !o->pid_seen) {
		fprintf(stderr, "%s: no process with pid %u ran (this run had pids 1..%u): nothing explained for it\n",
			cmd, o->pid, next_pid > 1 ? next_pid - 1 : 1);
		return 2;
	}
	if (!o->at || o->explained)
		return 0;
	if (o->defaulted)
		fprintf(stderr, "%s: nothing to explain: no process called vmos_marker (syscall 1000, a0 = an\n"
			"address).  Give the addresses with --va VA[,VA...] (explained at exit, or --at\n"
			"instret:N), or mark them in the program with vmos_marker(addr) (docs/guide.md).\n", cmd);
	else if ((o->at & EXPLAIN_AT_INSTRET) && !o->instret_done)
		fprintf(stderr, "%s: nothing explained: %s reached instret %llu\n", cmd,
			o->pid ? "the process never" : "the run ended before it",
			(unsigned long long)o->instret);
	else if (o->at & EXPLAIN_AT_MARKER)
		fprintf(stderr, "%s: nothing explained: no %sprocess called vmos_marker (syscall 1000)\n", cmd,
			o->pid ? "such " : "");
	else
		fprintf(stderr, "%s: nothing explained\n", cmd);
	return 1;
}
