/*
 * boot.c - booting and shutting down a machine, and the system-wide
 * invariant checker (kernel.h).  It sits above every other room of the
 * kernel: it sets them all up and checks them all; none calls it but the
 * process exit path's optional check (cfg.check_invariants).
 *
 * Boot order: RAM, the frame allocator (its metadata carved from RAM), the
 * slab allocator, the MMU and hart, the kernel half of the page tables (the
 * direct map), the shared zero page, and the process cache.
 */
#include "fs/pipe.h"
#include "kernel.h"
#include "pagecache.h"
#include "exec.h"
#include "fs/vfs.h"
#include "proc.h"
#include "rmap.h"
#include "swap.h"
#include "vm.h"
#include "vdso.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int kernel_boot(struct kernel *k, const struct kernel_config *cfg)
{
	memset(k, 0, sizeof *k);
	k->cfg = *cfg;
	k->faults.countdown = -1;
	FILE *err = cfg->err;
	int rc = ram_init(&k->ram, cfg->ram_size);
	if (rc < 0) {
		fprintf(err, "vmos: cannot create %llu bytes of RAM (must be a multiple of 4K from 1M to 64G)\n",
			(unsigned long long)cfg->ram_size);
		return rc;
	}
	if ((rc = page_alloc_init(&k->pa, &k->ram)) < 0 ||
	    (rc = kmem_init(&k->km, &k->pa, cfg->debug)) < 0) {
		fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
		ram_destroy(&k->ram);
		return rc;
	}
	k->pa.debug = cfg->debug;
	k->pa.faults = &k->faults;
	k->km.faults = &k->faults;
	rc = mmu_init(&k->mmu, &k->ram, cfg->tlb_entries, cfg->tlb_ways);
	if (rc < 0) {
		fprintf(err, "vmos: bad TLB geometry %u:%u (entries and ways must be powers of two, ways <= entries)\n",
			cfg->tlb_entries, cfg->tlb_ways);
		goto fail_alloc;
	}
	cpu_init(&k->cpu, &k->mmu);
	if ((rc = pmap_kernel_init(&k->pk, &k->pa, &k->mmu, cfg->levels)) < 0)
		goto fail_mmu;
	if (cfg->use_asids &&
	    (rc = asid_space_init(&k->pk.asids, &k->km, &k->mmu, cfg->asid_bits)) < 0) {
		if (rc == -EINVAL)
			fprintf(err, "vmos: bad ASID width %u (1 to %d bits)\n", cfg->asid_bits,
				ASID_BITS_MAX);
		else
			fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
		goto fail_mmu;
	}
	k->zero_page = page_alloc_frames(&k->pa, 0, PA_ZERO, FO_ZERO, 0);
	k->proc_cache = kmem_cache_create(&k->km, "proc", sizeof(struct proc), 16);
	k->mm_cache = kmem_cache_create(&k->km, "mm", sizeof(struct mm), 16);
	k->rmap_cache = kmem_cache_create(&k->km, "rmap", sizeof(struct rmap_entry), 8);
	k->sighand_cache = kmem_cache_create(&k->km, "sighand", sizeof(struct sighand), 8);
	k->sigshared_cache = kmem_cache_create(&k->km, "sigshared", sizeof(struct sigshared), 8);
	k->sigqueue_cache = kmem_cache_create(&k->km, "sigqueue", sizeof(struct sigqueue), 8);
	if (!k->zero_page || !k->proc_cache || !k->mm_cache || !k->rmap_cache || !k->sighand_cache ||
	    !k->sigshared_cache || !k->sigqueue_cache || vdso_boot(k) < 0 ||
	    vm_map_bootstrap(&k->km) < 0 || pagecache_init(k) < 0 || pipe_boot(k) < 0) {
		rc = -ENOMEM;
		fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
		goto fail_mmu;
	}
	const struct repl_ops *ops = repl_find(cfg->policy ? cfg->policy : "clock");
	if (!ops) {
		rc = -EINVAL;
		fprintf(err, "vmos: unknown replacement policy '%s' (one of: %s)\n", cfg->policy,
			repl_names());
		goto fail_mmu;
	}
	/* Reclaim keeps a reserve free, as Linux's min_free_kbytes does, so
	 * that page tables and kernel objects can still be allocated. */
	k->reserve_frames = 16 + k->pa.nframes / 128;
	uint64_t capacity = cfg->frames_limit && !cfg->local_frames ? cfg->frames_limit :
		k->pa.free_frames > k->reserve_frames ? k->pa.free_frames - k->reserve_frames : 1;
	if ((rc = repl_init(&k->repl, ops, &k->km, capacity)) < 0) {
		fprintf(err, "vmos: cannot set up the %s policy for %llu frames\n", ops->name,
			(unsigned long long)capacity);
		goto fail_mmu;
	}
	k->repl.test_and_clear_ref = kernel_clock_test;
	k->repl.ctx = k;
	if ((rc = swap_init(k, cfg->swap_size)) < 0) {
		fprintf(err, "vmos: cannot create %llu bytes of swap (a multiple of 4K up to 4G)\n",
			(unsigned long long)cfg->swap_size);
		repl_destroy(&k->repl);
		goto fail_mmu;
	}
	if ((rc = thp_init(k)) < 0) {
		fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
		swap_destroy(k);
		repl_destroy(&k->repl);
		goto fail_mmu;
	}
	k->next_pid = 1;
	k->stdin_fd = STDIN_FILENO;
	k->rng = 0x853c49e6748fea9bULL;
	struct timespec boot;
	clock_gettime(CLOCK_MONOTONIC, &boot);
	k->boot_ns = (uint64_t)boot.tv_sec * 1000000000ULL + (uint64_t)boot.tv_nsec;
	k->next_tick = cfg->tick_interval;
	k->next_wss = cfg->wss_interval;
	if ((rc = vfs_init(k)) < 0) {
		vfs_shutdown(k);
		swap_destroy(k);
		repl_destroy(&k->repl);
		goto fail_mmu;
	}
	return 0;
fail_mmu:
	mmu_destroy(&k->mmu);
fail_alloc:
	kmem_destroy(&k->km);
	ram_destroy(&k->ram);
	return rc;
}

void kernel_shutdown(struct kernel *k)
{
	while (k->procs) {
		struct proc *p = k->procs;
		proc_exit(k, p, 0, 9);
		proc_reap(k, p);
	}
	thp_shutdown(k);
	vfs_shutdown(k);          /* its inodes hold vm_objects */
	pagecache_shutdown(k);
	swap_destroy(k);
	repl_destroy(&k->repl);
	pmap_kernel_destroy(&k->pk);
	mmu_destroy(&k->mmu);
	kmem_destroy(&k->km);
	ram_destroy(&k->ram);
}

/* Counts, for every frame, the references the system can account for:
 * PTEs of every live process, the page caches, the zero page's own. */
struct ref_count_ctx {
	struct kernel *k;
	uint32_t *refs;
};

static int count_ref(void *ctx, const struct pmap_page *pg)
{
	struct ref_count_ctx *c = ctx;
	if (pg->present)
		c->refs[pa_to_frame(&c->k->pa, pg->pa)]++;
	return 0;
}

/* ASIDs: no two live address spaces hold one in the current generation,
 * the allocator's map is exactly what they hold, every non-global TLB entry
 * has a held ASID, and the MMU runs with the current process's. */
static const char *check_asids(struct kernel *k)
{
	static char msg[160];
	struct asid_space *a = &k->pk.asids;
	if (!a->gen)
		return NULL;
	uint64_t *seen = kzalloc(&k->km, asid_check_words(a) * sizeof(uint64_t));
	if (!seen)
		return NULL;    /* cannot check without memory; not a violation */
	const char *e = NULL;
	for (struct proc *p = k->procs; p && !e; p = p->next)
		if (proc_space_live(p))
			e = asid_check_one(a, seen, p->pid, &p->mm->pmap.asid);
	if (!e)
		e = asid_check_end(a, seen);
	kfree(&k->km, seen);
	struct proc *c = k->current;
	if (!e && c && c->state != P_ZOMBIE &&
	    (!asid_is_current(a, &c->mm->pmap.asid) || k->mmu.asid != c->mm->pmap.asid.id)) {
		snprintf(msg, sizeof msg, "asid: current pid %u holds ASID %u (generation %llu of %llu), the MMU runs with %u",
			 c->pid, c->mm->pmap.asid.id, (unsigned long long)c->mm->pmap.asid.gen,
			 (unsigned long long)a->gen, k->mmu.asid);
		e = msg;
	}
	return e;
}

const char *kernel_check(struct kernel *k)
{
	static char msg[240];
	const char *e = page_alloc_check(&k->pa);
	if (!e)
		e = kmem_check(&k->km);
	if (e)
		return e;
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p) && (e = vm_check(k, p)))
			return e;
	/* threads: each address space's refs are the records that point at
	 * it, its users the threads alive in it, and its owner one of them */
	for (struct proc *p = k->procs; p; p = p->next) {
		if (p->mm->owner != p)
			continue;
		int refs = 0, users = 0;
		for (struct proc *q = k->procs; q; q = q->next)
			if (q->mm == p->mm) {
				refs++;
				users += q->state != P_ZOMBIE;
			}
		if (refs != p->mm->refs || users != p->mm->users) {
			snprintf(msg, sizeof msg, "pid %u: its address space has refs %d users %d, "
				 "but %d records and %d live threads use it",
				 p->pid, p->mm->refs, p->mm->users, refs, users);
			return msg;
		}
	}
	for (struct proc *p = k->procs; p; p = p->next)
		if (!proc_find(k, p->mm->owner->pid) || p->mm->owner->mm != p->mm) {
			snprintf(msg, sizeof msg, "pid %u: its address space's owner is gone", p->pid);
			return msg;
		}
	if ((e = check_asids(k)))
		return e;
	if ((e = thp_check(k)))
		return e;
	if ((e = vfs_check(k)))
		return e;
	/* frame reference counts == mappings + caches */
	uint32_t *refs = kzalloc(&k->km, (size_t)k->pa.nframes * sizeof(uint32_t));
	if (!refs)
		return NULL;    /* cannot check without memory; not a violation */
	struct ref_count_ctx c = { k, refs };
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p))     /* each address space once */
			pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), count_ref, &c);
	if ((e = pagecache_check(k, refs, NULL))) {
		kfree(&k->km, refs);
		return e;
	}
	refs[pa_to_frame(&k->pa, k->zero_page)]++;
	if (k->vdso_text) {
		refs[pa_to_frame(&k->pa, k->vdso_vvar)]++;
		refs[pa_to_frame(&k->pa, k->vdso_text)]++;
	}
	uint64_t user = 0, resident = 0;
	for (uint32_t fn = 0; fn < k->pa.nframes && !e; fn++) {
		struct frame *f = &k->pa.frames[fn];
		bool tracked = f->owner == FO_USER || f->owner == FO_FILE || f->owner == FO_ZERO ||
			       f->owner == FO_VDSO;
		if (f->owner == FO_USER)
			user++;
		if (frame_tracked(f) && (f->flags & FRAME_HEAD)) {
			/* a cached frame: resident under its cache key, mapped or not */
			bool file = f->owner == FO_FILE;
			uint32_t mapped = refs[fn] - (file && refs[fn] ? 1 : 0);
			unsigned n = rmap_count(k, frame_to_pa(&k->pa, fn));
			bool keyed = f->key != REPL_NONE;
			if (n != mapped || (file ? !keyed || !refs[fn] : (n > 0) != keyed)) {
				snprintf(msg, sizeof msg, "frame 0x%llx: %u reverse mappings for %u mappings, key 0x%llx",
					 (unsigned long long)frame_to_pa(&k->pa, fn), n, mapped,
					 (unsigned long long)f->key);
				e = msg;
				break;
			}
			resident += file || n > 0;
		}
		if (tracked && f->refcount != refs[fn]) {
			snprintf(msg, sizeof msg, "frame 0x%llx (%s of pid %u): refcount %u, %u references found",
				 (unsigned long long)frame_to_pa(&k->pa, fn), frame_owner_name(f->owner),
				 f->owner_id, f->refcount, refs[fn]);
			e = msg;
		} else if (!tracked && refs[fn]) {
			snprintf(msg, sizeof msg, "frame 0x%llx (%s) is mapped into user space",
				 (unsigned long long)frame_to_pa(&k->pa, fn), frame_owner_name(f->owner));
			e = msg;
		}
	}
	uint64_t held = k->repl.resident;
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->repl.ops) {
			held += p->repl.resident;
			if (!e)
				e = repl_check(&p->repl);
		}
	if (!e && resident != held) {
		snprintf(msg, sizeof msg, "%llu mapped frames, the %s policy holds %llu",
			 (unsigned long long)resident, k->repl.ops->name, (unsigned long long)held);
		e = msg;
	}
	if (!e)
		e = repl_check(&k->repl);
	if (!e)
		e = swap_check(k, pagecache_check_swap);
	if (!e && user != k->user_frames) {
		snprintf(msg, sizeof msg, "%llu user frames allocated, counter says %llu",
			 (unsigned long long)user, (unsigned long long)k->user_frames);
		e = msg;
	}
	kfree(&k->km, refs);
	return e;
}
