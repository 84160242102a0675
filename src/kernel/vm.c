/*
 * vm.c - page faults and address-space system calls (see vm.h).
 *
 * The fault handler is the heart of demand paging.  For an access at va:
 *
 *   no region at va ............. stack growth if just below the stack and
 *                                 within the limit, else SIGSEGV
 *   region forbids the access ... SIGSEGV
 *   page present, write, COW .... copy the frame (or, if this PTE is its only
 *                                 user, make it writable without a copy)
 *   page absent, file-backed .... read-only: map the image's page-cache frame,
 *                                 shared by every process running the program;
 *                                 writable: a private copy of the file bytes
 *   page absent, anonymous ...... read: map the shared zero page, COW;
 *                                 write: a fresh zeroed frame
 */
#include "vm.h"
#include "exec.h"
#include "frame.h"
#include "pagecache.h"
#include "fs/vfs.h"
#include "proc.h"
#include "rmap.h"
#include "swap.h"

#include <errno.h>
#include <string.h>

/* A new user frame for p, zeroed or not; 0 if memory is exhausted. */
static inline __attribute__((always_inline)) uint64_t
user_frame(struct kernel *k, struct proc *p, bool zero)
{
	uint64_t pa = frame_alloc(k, p, FO_USER, p->tgid, zero);
	if (!pa)
		return 0;
	if (zero) {
		k->stats.pages_zeroed++;
		p->st.pages_zeroed++;
	}
	if (++k->user_frames > k->stats.user_frames_peak)
		k->stats.user_frames_peak = k->user_frames;
	return pa;
}

/* vm_enter's body (vm.h): maps frame pa, whose reference the caller hands
 * over, at va in p with prot (write withheld while cow), recording the
 * mapping in the reverse map first for user and file frames.  On failure
 * the reference is dropped and nothing stays recorded.  Returns 0 or
 * -ENOMEM (no rmap entry, no page table). */
static inline __attribute__((always_inline)) int
enter(struct kernel *k, struct proc *p, uint64_t va, uint64_t pa, unsigned prot, bool cow)
{
	bool tracked = frame_tracked(pa_frame(&k->pa, pa));
	int rc = tracked ? rmap_add(k, pa, p, va) : 0;
	if (rc == 0) {
		rc = pmap_enter(&p->mm->pmap, va, pa, prot, cow);
		if (rc < 0 && tracked)
			rmap_del(k, pa, p, va);
	}
	if (rc < 0) {
		frame_release(k, pa);
		return rc;
	}
	struct proc *o = p->mm->owner;     /* the address space's peak */
	if (o->mm->pmap.resident > o->st.resident_peak)
		o->st.resident_peak = o->mm->pmap.resident;
	return 0;
}

/* vm.h: enter, out of line. */
int vm_enter(struct kernel *k, struct proc *p, uint64_t va, uint64_t pa, unsigned prot,
	     bool cow)
{
	return enter(k, p, va, pa, prot, cow);
}

/* ---- the fault handler ---------------------------------------------------- */

static const unsigned access_prot[3] = { VM_PROT_EXEC, VM_PROT_READ, VM_PROT_WRITE };

/* Grows the stack region down to cover va if va is within the stack limit
 * (RLIMIT_STACK, at most --stack-limit: its hard limit) and nothing else is
 * in the way.  Returns the region or NULL. */
static struct vm_region *grow_stack(struct kernel *k, struct proc *p, uint64_t va)
{
	struct vm_region *stack = vm_map_lookup(&p->mm->map, p->mm->stack_top - 1);
	if (!stack || stack->kind != VMK_STACK || va >= stack->start ||
	    va < p->mm->stack_top - p->res.rlim[LX_RLIMIT_STACK].rlim_cur)
		return NULL;
	uint64_t start = PGROUNDDOWN(va);
	struct vm_region *below = vm_map_lookup(&p->mm->map, start);
	if (below)
		return NULL;
	/* nothing may sit between the new bottom and the old one */
	uint64_t gap;
	if (vm_map_find_gap(&p->mm->map, stack->start - start, start, stack->start, false, &gap) < 0 ||
	    gap != start)
		return NULL;
	if (vm_map_insert(&p->mm->map, start, stack->start, stack->prot, VMK_STACK, NULL, 0, 0,
			  NULL) < 0)
		return NULL;
	struct vm_region *r = vm_map_lookup(&p->mm->map, start);
	vm_map_try_merge(&p->mm->map, r);
	k->stats.faults_stack++;
	p->st.faults_stack++;
	k->fault_kind = "stack";
	return vm_map_lookup(&p->mm->map, start);
}

/* A write to present copy-on-write page pg at va in region r of p: the
 * last FO_USER mapping takes its frame over; otherwise a new frame gets a
 * copy (zeros for the zero page) and replaces the old one in the PTE and
 * the reverse map, dropping the old reference.  Returns 0 (done, or
 * reclaim took the page meanwhile: the access faults again) or -ENOMEM. */
static int fault_cow(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va,
		     const struct pmap_page *pg)
{
	struct frame *f = pa_frame(&k->pa, pg->pa);
	k->stats.faults_cow++;
	p->st.faults_cow++;
	k->fault_kind = "cow";
	if (f->owner == FO_USER && f->refcount == 1) {
		/* the only mapping left: take the frame over, no copy */
		k->fault_kind = "cow-reuse";
		k->stats.faults_copy_avoided++;
		return pmap_enter(&p->mm->pmap, va, pg->pa, r->prot, false);
	}
	bool zero = f->owner == FO_ZERO;
	uint64_t pa = user_frame(k, p, zero);
	if (!pa)
		return -ENOMEM;
	/* Getting the frame may have reclaimed the very page being copied
	 * (swapped out, or dropped): then let the access fault again. */
	struct pmap_page now;
	if (!pmap_extract(&p->mm->pmap, va, &now) || !now.present || now.pa != pg->pa || !now.cow) {
		frame_release(k, pa);
		return 0;
	}
	if (!zero) {
		memcpy(ram_ptr(&k->ram, pa), ram_ptr(&k->ram, pg->pa), PGSIZE);
		k->stats.pages_copied++;
		p->st.pages_copied++;
	}
	if (!frame_tracked(f)) {             /* the zero page */
		int rc = vm_enter(k, p, va, pa, r->prot, false);
		if (rc == 0)
			frame_release(k, pg->pa);
		return rc;
	}
	if (now.modified)                    /* the old frame's data is real */
		f->flags &= (uint16_t)~FRAME_ZEROFILL;
	/* the PTE slot exists, so this replacement allocates nothing */
	int rc = pmap_enter(&p->mm->pmap, va, pa, r->prot, false);
	if (rc < 0) {
		frame_release(k, pa);
		return rc;
	}
	rmap_move(k, pg->pa, pa, p, va);
	frame_release(k, pg->pa);         /* after the PTE no longer points at it */
	return 0;
}

/* A fault on absent page va of region r backed by an object (an exec
 * image's segment, a mapped file, shared memory).  A page wholly past the
 * object's end is a bus error (-EIO: SIGBUS).  MAP_SHARED regions map the
 * page-cache frame itself, writable if the region is.  Private regions map
 * it copy-on-write where the whole page comes from the object and the
 * access is a read (or the region is read-only; exec segments other than
 * mmap regions copy writable pages at once, as they always have); else
 * they get a private copy, the bytes past file_end zeroed (the bss tail of
 * a data segment).  Returns 0, -ENOMEM, -EIO or another pager error. */
static int fault_file(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va,
		      enum mmu_access acc, const char **why)
{
	struct vm_object *o = r->object;
	uint64_t off = r->obj_offset + (va - r->start), index = off >> PGSHIFT;
	k->stats.faults_file++;
	p->st.faults_file++;
	k->fault_kind = "file";
	if (off >= o->size) {
		k->fault_kind = "sigbus";
		k->stats.faults_sigbus++;
		*why = "beyond the end of the mapped file";
		return -EIO;
	}
	int err = 0;
	bool whole = va + PGSIZE <= r->file_end || PGROUNDUP(r->file_end) == r->end;
	bool shared = r->flags & VMR_SHARED;
	bool share_read = !(r->prot & VM_PROT_WRITE) || (r->kind == VMK_ANON && acc != ACC_STORE);
	if (shared || (whole && share_read)) {
		uint64_t cpa = pagecache_get(k, p, o, index, &err);
		if (!cpa)
			return err;
		frame_ref(k, cpa);           /* shared with every process mapping it */
		return vm_enter(k, p, va, cpa, r->prot, !shared);
	}
	/* the cache page first, held while the private frame is found (reclaim
	 * passes over a cache page with an extra reference), so that the room
	 * reclaim makes is the private frame's */
	uint64_t cpa = pagecache_get(k, p, o, index, &err);
	if (!cpa)
		return err;
	frame_ref(k, cpa);
	uint64_t pa = user_frame(k, p, false);
	if (!pa) {
		frame_release(k, cpa);
		return -ENOMEM;
	}
	uint8_t *dst = ram_ptr(&k->ram, pa);
	memcpy(dst, ram_ptr(&k->ram, cpa), PGSIZE);
	frame_release(k, cpa);
	if (r->file_end < va + PGSIZE)   /* the tail of the last file page is bss */
		memset(dst + (r->file_end > va ? r->file_end - va : 0), 0,
		       PGSIZE - (r->file_end > va ? r->file_end - va : 0));
	k->stats.pages_copied++;
	p->st.pages_copied++;
	return vm_enter(k, p, va, pa, r->prot, false);
}

/* A fault on absent page va of anonymous region r: a read or fetch maps
 * the shared zero page copy-on-write (unless p->no_zero_page), a write a
 * fresh zeroed frame.  Returns 0 or -ENOMEM. */
static inline __attribute__((always_inline)) int
fault_anon(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va, enum mmu_access acc)
{
	k->stats.faults_zero++;
	p->st.faults_zero++;
	k->fault_kind = "zero";
	if (acc != ACC_STORE && !p->no_zero_page) {
		frame_ref(k, k->zero_page);
		return enter(k, p, va, k->zero_page, r->prot, true);
	}
	uint64_t pa = user_frame(k, p, true);
	if (!pa)
		return -ENOMEM;
	return enter(k, p, va, pa, r->prot, false);
}

/* A fault on page va of region r that is in swap slot `slot`: reads it
 * into a new frame, maps it, and drops the PTE's reference to the slot.
 * Returns 0 (done, or the PTE changed while the frame was found: the
 * access faults again) or -ENOMEM. */
static int fault_swapin(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va,
			uint64_t slot)
{
	k->fault_kind = "swap-in";
	uint64_t pa = user_frame(k, p, false);
	if (!pa)
		return -ENOMEM;
	/* the PTE may have changed while reclaim ran: it is ours to check again */
	struct pmap_page pg;
	if (!pmap_extract(&p->mm->pmap, va, &pg) || !pg.swapped || pg.swap_slot != slot) {
		frame_release(k, pa);
		return 0;                /* retry the access */
	}
	swap_read(k, slot, pa);
	int rc = vm_enter(k, p, va, pa, r->prot, false);
	if (rc < 0)
		return rc;
	swap_put(k, slot);
	k->stats.pages_swapped_in++;
	p->st.faults_swapin++;
	return 0;
}

int vm_fault(struct kernel *k, struct proc *p, uint64_t va, enum mmu_access acc,
	     const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	k->fault_kind = "segv";
	if (va >= user_top(k->cfg.levels)) {
		*why = "kernel or non-canonical address";
		return -EFAULT;
	}
	va = PGROUNDDOWN(va);
	struct vm_region *r = vm_map_lookup(&p->mm->map, va);
	if (!r && !(r = grow_stack(k, p, va))) {
		*why = "no region";
		return -EFAULT;
	}
	if (!(vm_effective_prot(r->prot) & access_prot[acc])) {
		*why = acc == ACC_FETCH ? "region not executable" :
		       acc == ACC_LOAD ? "region not readable" : "region not writable";
		return -EFAULT;
	}
	struct pmap_page pg;
	bool recorded = pmap_extract(&p->mm->pmap, va, &pg);
	if (recorded && pg.swapped)
		return fault_swapin(k, p, r, va, pg.swap_slot);
	if (recorded && pg.present) {
		if (acc == ACC_STORE && pg.cow && pg.super) {
			int rc = thp_cow_fault(k, p, r, va);   /* --thp-cow copy: 2 MiB */
			if (rc <= 0)
				return rc;
		}
		if (acc == ACC_STORE && pg.cow)
			return fault_cow(k, p, r, va, &pg);
		/* the PTE lags behind the region (cannot happen today): resync */
		int rc = pmap_enter(&p->mm->pmap, va, pg.pa, r->prot, pg.cow);
		if (rc == 0 && !(pmap_extract(&p->mm->pmap, va, &pg) && (pg.prot & access_prot[acc])))
			kpanic("vm_fault: pid %u va 0x%llx: the region allows the access but its "
			       "page cannot be mapped so (it would fault forever)", p->pid,
			       (unsigned long long)va);
		return rc;
	}
	if (r->object && va < r->file_end)
		return fault_file(k, p, r, va, acc, why);
	if (k->cfg.thp != THP_NEVER && !r->object) {
		int rc = thp_fault(k, p, r, va);       /* a superpage's share, if eligible */
		if (rc <= 0) {
			k->stats.faults_zero++;
			p->st.faults_zero++;
			return rc;
		}
	}
	return fault_anon(k, p, r, va, acc);
}

/* ---- address spaces -------------------------------------------------------- */

int vm_space_init(struct kernel *k, struct proc *p)
{
	int rc = pmap_create(&p->mm->pmap, &k->pk, 0, p->pid);    /* its ASID: asid.h */
	if (rc < 0)
		return rc;
	rc = vm_map_init(&p->mm->map, &k->km, PGSIZE, user_top(k->cfg.levels));
	if (rc < 0) {
		pmap_destroy(&p->mm->pmap);
		return rc;
	}
	return 0;
}

/* Writes back what the shared file mappings of [start, end) wrote, once
 * their pages are gone (pmap_remove has folded each PTE's D bit into the
 * page cache, frame_release_pte): a MAP_SHARED mapping that ends - munmap,
 * exit, exec, a mapping replaced - leaves its bytes in the file, as Linux's
 * writeback does sooner or later; here at once, so that the cache of a
 * --rw host file never holds the only copy of a write (hostfs.c).  A page
 * whose write fails stays dirty in the cache, and the object's last
 * reference tries again (vm_object_put).  Objects without a pager that
 * writes (shmem, tmpfs) have nothing to do. */
static void writeback_shared(struct kernel *k, struct proc *p, uint64_t start, uint64_t end)
{
	struct vm_region *r = vm_map_lookup(&p->mm->map, start);
	if (!r)
		r = vm_map_next_after(&p->mm->map, start);
	for (; r && r->start < end; r = vm_map_next(&p->mm->map, r)) {
		if (!r->object || !(r->flags & VMR_SHARED) || !r->object->ops->write_page)
			continue;
		uint64_t lo = r->start > start ? r->start : start;
		uint64_t hi = r->end < end ? r->end : end;
		(void)vm_object_sync_range(k, r->object, r->obj_offset + (lo - r->start), hi - lo);
	}
}

void vm_space_destroy(struct kernel *k, struct proc *p)
{
	if (!p->mm->pmap.root)
		return;
	thp_break_range(k, p->mm, 0, UINT64_MAX);
	pmap_remove(&p->mm->pmap, 0, user_top(k->cfg.levels), frame_release_pte, p);
	writeback_shared(k, p, 0, user_top(k->cfg.levels));
	pmap_destroy(&p->mm->pmap);
	vm_map_destroy(&p->mm->map);
}

/* Removes the pages and regions of [start, end): the pages first, so that
 * a region's object (whose last reference may go with the region) is
 * mapped by no one when it goes; what shared file mappings wrote goes to
 * the file before the regions go. */
static int unmap_range(struct kernel *k, struct proc *p, uint64_t start, uint64_t end)
{
	int rc = vm_map_clip(&p->mm->map, start, end);
	if (rc < 0)
		return rc;
	thp_break_range(k, p->mm, start, end);
	pmap_remove(&p->mm->pmap, start, end, frame_release_pte, p);   /* splits superpages cut */
	writeback_shared(k, p, start, end);
	struct vm_region *r = vm_map_lookup(&p->mm->map, start);
	if (!r)
		r = vm_map_next_after(&p->mm->map, start);
	while (r && r->start < end) {
		struct vm_region *next = vm_map_next(&p->mm->map, r);
		vm_map_remove_region(&p->mm->map, r);
		r = next;
	}
	return 0;
}

/* Linux's may_expand_vm: may p map [start, end) - replacing what it maps
 * there now - within RLIMIT_AS (all mappings) and, for private writable
 * memory (data), RLIMIT_DATA (private writable mappings but the stack)?
 * Walks the regions only when a limit is set. */
static bool rlimit_allows(struct proc *p, uint64_t start, uint64_t end, bool data)
{
	uint64_t as_max = p->res.rlim[LX_RLIMIT_AS].rlim_cur;
	uint64_t data_max = data ? p->res.rlim[LX_RLIMIT_DATA].rlim_cur : LX_RLIM_INFINITY;
	if (as_max == LX_RLIM_INFINITY && data_max == LX_RLIM_INFINITY)
		return true;
	uint64_t total = end - start, data_total = data ? end - start : 0;
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
		uint64_t size = r->end - r->start;
		if (r->start < end && start < r->end)    /* the part that stays mapped */
			size -= (r->end < end ? r->end : end) - (r->start > start ? r->start : start);
		total += size;
		if ((r->prot & VM_PROT_WRITE) && r->kind != VMK_STACK)
			data_total += size;
	}
	return total <= as_max && data_total <= data_max;
}

uint64_t vm_brk(struct kernel *k, struct proc *p, uint64_t addr)
{
	p->st.brk_calls++;
	if (addr < p->mm->brk_start || addr >= user_top(k->cfg.levels))
		return p->mm->brk;
	uint64_t old_end = PGROUNDUP(p->mm->brk), new_end = PGROUNDUP(addr);
	if (new_end > old_end) {
		/* refuse to run into another region or the stack's reserve */
		if (new_end > p->mm->mmap_base && new_end > p->mm->stack_top - k->cfg.stack_limit -
							VM_STACK_GUARD_GAP)
			return p->mm->brk;
		uint64_t gap;
		if (vm_map_find_gap(&p->mm->map, new_end - old_end, old_end, new_end, false, &gap) < 0 ||
		    gap != old_end || !rlimit_allows(p, old_end, new_end, true))
			return p->mm->brk;
		if (vm_map_insert(&p->mm->map, old_end, new_end, VM_PROT_READ | VM_PROT_WRITE, VMK_HEAP,
				  NULL, 0, 0, NULL) < 0)
			return p->mm->brk;
		vm_map_try_merge(&p->mm->map, vm_map_lookup(&p->mm->map, old_end));
	} else if (new_end < old_end) {
		if (unmap_range(k, p, new_end, old_end) < 0)
			return p->mm->brk;
	}
	p->mm->brk = addr;
	return p->mm->brk;
}

static unsigned lx_to_vm_prot(int prot)
{
	return ((prot & LX_PROT_READ) ? VM_PROT_READ : 0) |
	       ((prot & LX_PROT_WRITE) ? VM_PROT_WRITE : 0) |
	       ((prot & LX_PROT_EXEC) ? VM_PROT_EXEC : 0);
}

/* The object behind fd for mmap and the protections its open mode allows
 * (vfs.h: vfs_file_object).  Returns 0 with *o (a new reference) and
 * *maxprot, or Linux's errno: EBADF (not open), EACCES (not open for
 * reading, or MAP_SHARED with PROT_WRITE on a file not open for writing),
 * ENODEV (cannot be mapped: a directory, a pipe, a device). */
static int mmap_file(struct kernel *k, struct proc *p, int fd, int prot, bool shared,
		     struct vm_object **o, unsigned *maxprot)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	if (f->flags & LX_O_PATH)
		return -EBADF;                /* as Linux: an O_PATH fd has no file ops */
	/* Linux's do_mmap, in its order: reading needs FMODE_READ, MAP_SHARED
	 * writing FMODE_WRITE (else it may never become writable: maxprot);
	 * then a file without mmap is ENODEV */
	if (!file_readable(f) || (shared && (prot & LX_PROT_WRITE) && !file_writable(f)))
		return -EACCES;
	if (!(*o = vfs_file_object(k, f)))
		return -ENODEV;               /* a directory, a pipe, a device */
	vm_object_ref(*o);                    /* borrowed from the inode: ours now */
	if (shared && !file_writable(f))
		*maxprot &= ~(unsigned)VM_PROT_WRITE;
	return 0;
}

int64_t vm_mmap(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int prot,
		int flags, int fd, uint64_t off)
{
	p->st.mmap_calls++;
	if (len == 0 || (off & PGMASK))
		return -EINVAL;
	int type = flags & LX_MAP_TYPE;
	if (type != LX_MAP_PRIVATE && type != LX_MAP_SHARED && type != LX_MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC | LX_PROT_SEM))
		return -EINVAL;
	if (flags & LX_MAP_ANONYMOUS)
		return vm_mmap_object(k, p, addr, len, prot, flags, NULL, 0, VM_PROT_ALL);
	struct vm_object *o = NULL;
	unsigned maxprot = VM_PROT_ALL;
	int rc = mmap_file(k, p, fd, prot, type != LX_MAP_PRIVATE, &o, &maxprot);
	if (rc < 0)
		return rc;
	int64_t r = vm_mmap_object(k, p, addr, len, prot, flags, o, off, maxprot);
	vm_object_put(k, o);
	return r;
}

int64_t vm_mmap_object(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int prot,
		       int flags, struct vm_object *o, uint64_t off, unsigned maxprot)
{
	uint64_t top = user_top(k->cfg.levels);
	bool shared = (flags & LX_MAP_TYPE) != LX_MAP_PRIVATE;
	if (len > top)
		return -ENOMEM;
	len = PGROUNDUP(len);
	if (o && off + len < off)
		return -EOVERFLOW;           /* as Linux: the page offset would wrap */
	bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
	uint64_t start = 0;
	if (fixed) {
		if (addr & PGMASK)
			return -EINVAL;
		if (addr < PGSIZE || addr > top || len > top - addr)
			return -ENOMEM;
		start = addr;
		if (!rlimit_allows(p, start, start + len, prot & LX_PROT_WRITE))
			return -ENOMEM;          /* before anything is replaced */
		bool busy = false;
		for (struct vm_region *r = vm_map_lookup(&p->mm->map, start) ?
			vm_map_lookup(&p->mm->map, start) : vm_map_next_after(&p->mm->map, start);
		     r && r->start < start + len; r = vm_map_next(&p->mm->map, r))
			busy = true;
		if (busy) {
			if (flags & LX_MAP_FIXED_NOREPLACE)
				return -EEXIST;
			int rc = unmap_range(k, p, start, start + len);
			if (rc < 0)
				return rc;
		}
	} else {
		uint64_t hint = PGROUNDDOWN(addr), gap;
		if (hint >= PGSIZE && hint <= top && len <= top - hint &&
		    vm_map_find_gap(&p->mm->map, len, hint, hint + len, false, &gap) == 0)
			start = gap;
		else if (vm_map_find_gap(&p->mm->map, len, PGSIZE, p->mm->mmap_base, true, &gap) == 0)
			start = gap;
		else
			return -ENOMEM;
		if (!rlimit_allows(p, start, start + len, (prot & LX_PROT_WRITE) && !shared))
			return -ENOMEM;
	}
	struct vm_object *shm = NULL;
	if (!o && shared) {                  /* MAP_SHARED|MAP_ANONYMOUS: shmem */
		if (!(o = shm = vm_object_shmem(k, len)))
			return -ENOMEM;
		off = 0;
	}
	struct vm_region *r;
	int rc = vm_map_insert(&p->mm->map, start, start + len, lx_to_vm_prot(prot), VMK_ANON, o,
			       o ? off : 0, start + len, &r);
	vm_object_put(k, shm);               /* the region holds its own reference */
	if (rc < 0)
		return rc;
	r->maxprot = maxprot;
	if (shared && o)
		r->flags |= VMR_SHARED;
	vm_map_try_merge(&p->mm->map, r);
	return (int64_t)start;
}

/* Linux's checks, in its order: an unaligned addr, a zero length, or a
 * range that does not fit below the top of the user half is EINVAL.  The
 * length is compared before it is rounded up to pages, so lengths near
 * 2^64 (which would round to 0) fail instead of unmapping nothing. */
int vm_munmap(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len)
{
	p->st.munmap_calls++;
	uint64_t top = user_top(k->cfg.levels);
	if ((addr & PGMASK) || len == 0 || addr > top || len > top - addr)
		return -EINVAL;
	return unmap_range(k, p, addr, addr + PGROUNDUP(len));   /* cannot pass top */
}

/* True if every page of [addr, end) lies in some region (Linux answers
 * ENOMEM for a hole in an mprotect or madvise range). */
/* The end of the mapped run that starts at addr, at most end: addr itself
 * if addr is in a hole, end if [addr, end) is wholly mapped. */
static uint64_t mapped_run_end(struct proc *p, uint64_t addr, uint64_t end)
{
	uint64_t a = addr;
	while (a < end) {
		struct vm_region *r = vm_map_lookup(&p->mm->map, a);
		if (!r)
			break;
		a = r->end;
	}
	return a < end ? a : end;
}

static bool range_mapped(struct proc *p, uint64_t addr, uint64_t end)
{
	return mapped_run_end(p, addr, end) == end;
}

/* Linux's order (do_mprotect_pkey): unaligned addr EINVAL; zero length 0
 * whatever prot says; a length that rounds past 2^64 (to 0 or beyond)
 * ENOMEM; then prot (64 bits: a stray high bit is EINVAL, PROT_SEM is
 * accepted and means nothing here); a range above the user half, or whose
 * first page is unmapped, ENOMEM with nothing changed; a range with a hole
 * further on: the mapped run before the hole changes, then ENOMEM (as
 * Linux, which changes region after region until it meets the hole). */
int vm_mprotect(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, uint64_t prot)
{
	p->st.mprotect_calls++;
	uint64_t top = user_top(k->cfg.levels);
	if (addr & PGMASK)
		return -EINVAL;
	if (len == 0)
		return 0;
	uint64_t end = addr + PGROUNDUP(len);
	if (end <= addr)
		return -ENOMEM;
	if (prot & ~(uint64_t)(LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC | LX_PROT_SEM))
		return -EINVAL;
	if (end > top)
		return -ENOMEM;
	uint64_t run_end = mapped_run_end(p, addr, end);
	if (run_end == addr)
		return -ENOMEM;
	int hole = run_end < end ? -ENOMEM : 0;
	end = run_end;
	unsigned vprot = lx_to_vm_prot((int)prot);
	/* a shared mapping of a file not open for writing never becomes
	 * writable (Linux: VM_MAYWRITE) */
	for (struct vm_region *r = vm_map_lookup(&p->mm->map, addr); r && r->start < end;
	     r = vm_map_next(&p->mm->map, r))
		if (vprot & ~r->maxprot)
			return -EACCES;
	int rc = vm_map_clip(&p->mm->map, addr, end);
	if (rc < 0)
		return rc;
	for (struct vm_region *r = vm_map_lookup(&p->mm->map, addr); r && r->start < end;
	     r = vm_map_next(&p->mm->map, r))
		r->prot = vprot;
	thp_break_range(k, p->mm, addr, end);
	pmap_protect(&p->mm->pmap, addr, end, vprot);   /* splits superpages cut */
	/* merging may free the next region: continue from the survivor */
	for (struct vm_region *r = vm_map_lookup(&p->mm->map, addr); r && r->start < end;
	     r = vm_map_next(&p->mm->map, r))
		r = vm_map_try_merge(&p->mm->map, r);
	return hole;
}

/* madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) on [addr, end): marks the
 * regions of the range (clipped to it; merged again where they can) as
 * wanting or refusing superpages (thp.h).  NOHUGEPAGE also breaks the
 * range's reservations; superpages already mapped stay (as Linux).
 * Returns 0 or -ENOMEM (no memory to clip). */
static int madvise_hugepage(struct kernel *k, struct proc *p, uint64_t addr, uint64_t end, bool huge)
{
	uint64_t a = addr;
	while (a < end) {
		struct vm_region *r = vm_map_lookup(&p->mm->map, a);
		if (!r && !(r = vm_map_next_after(&p->mm->map, a)))
			break;
		if (r->start >= end)
			break;
		uint64_t lo = r->start > addr ? r->start : addr, hi = r->end < end ? r->end : end;
		int rc = vm_map_clip(&p->mm->map, lo, hi);
		if (rc < 0)
			return rc;
		r = vm_map_lookup(&p->mm->map, lo);
		r->flags &= ~(uint32_t)(VMR_HUGEPAGE | VMR_NOHUGEPAGE);
		r->flags |= huge ? VMR_HUGEPAGE : VMR_NOHUGEPAGE;
		a = r->end;
		vm_map_try_merge(&p->mm->map, r);
	}
	if (!huge)
		thp_break_range(k, p->mm, addr, end);
	return 0;
}

/* Linux's order (do_madvise): an unknown advice or unaligned addr EINVAL; a
 * length that rounds up past 2^64 (to 0, or wrapping) EINVAL; a zero length
 * 0; a range with a hole, or reaching above the user half, ENOMEM. */
int vm_madvise(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int advice)
{
	if (advice != LX_MADV_NORMAL && advice != LX_MADV_RANDOM && advice != LX_MADV_SEQUENTIAL &&
	    advice != LX_MADV_WILLNEED && advice != LX_MADV_DONTNEED && advice != LX_MADV_FREE &&
	    advice != LX_MADV_HUGEPAGE && advice != LX_MADV_NOHUGEPAGE)
		return -EINVAL;
	if (addr & PGMASK)
		return -EINVAL;
	uint64_t end = addr + PGROUNDUP(len);
	if ((len && !PGROUNDUP(len)) || end < addr)
		return -EINVAL;
	if (end == addr)
		return 0;
	if (end > user_top(k->cfg.levels))
		return -ENOMEM;
	/* as Linux: a hole in the range is reported (-ENOMEM) after the advice
	 * has been applied to every mapped page of it */
	int rc = range_mapped(p, addr, end) ? 0 : -ENOMEM;
	if (advice == LX_MADV_FREE)          /* anonymous private memory only (Linux) */
		for (uint64_t a = addr; a < end;) {
			struct vm_region *r = vm_map_lookup(&p->mm->map, a);
			if (!r && !(r = vm_map_next_after(&p->mm->map, a)))
				break;
			if (r->start >= end)
				break;
			if (r->object)
				return -EINVAL;
			a = r->end;
		}
	if (advice == LX_MADV_DONTNEED || advice == LX_MADV_FREE) {
		/* private pages are dropped: anonymous memory reads back as zeros,
		 * file-backed memory as the file's bytes (a hole has no pages) */
		thp_break_range(k, p->mm, addr, end);
		pmap_remove(&p->mm->pmap, addr, end, frame_release_pte, p);   /* splits superpages cut */
	}
	if (advice == LX_MADV_HUGEPAGE || advice == LX_MADV_NOHUGEPAGE) {
		int e = madvise_hugepage(k, p, addr, end, advice == LX_MADV_HUGEPAGE);
		if (e < 0)
			return e;
	}
	return rc;
}

/* Linux's msync (mm/msync.c): unknown flags, an unaligned start, or both
 * MS_ASYNC and MS_SYNC are EINVAL; a length rounding past 2^64 ENOMEM;
 * zero length 0; then each region of the range in turn: MS_SYNC writes
 * back the dirty pages of a shared file mapping (tmpfs and shared
 * anonymous memory have nothing to write), MS_INVALIDATE drops clean
 * cached pages no one maps (the next access reads the file again); a hole
 * in the range is ENOMEM, reported after the rest was done. */
int vm_msync(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int flags)
{
	if (flags & ~(LX_MS_ASYNC | LX_MS_INVALIDATE | LX_MS_SYNC))
		return -EINVAL;
	if (addr & PGMASK)
		return -EINVAL;
	if ((flags & LX_MS_ASYNC) && (flags & LX_MS_SYNC))
		return -EINVAL;
	uint64_t end = addr + PGROUNDUP(len);
	if (end < addr || (len && !PGROUNDUP(len)))
		return -ENOMEM;
	if (end == addr)
		return 0;
	int rc = 0;
	for (uint64_t a = addr; a < end;) {
		struct vm_region *r = vm_map_lookup(&p->mm->map, a);
		if (!r) {
			rc = -ENOMEM;
			r = vm_map_next_after(&p->mm->map, a);
			if (!r || r->start >= end)
				break;
			a = r->start;
		}
		uint64_t hi = r->end < end ? r->end : end;
		if (r->object) {
			uint64_t off = r->obj_offset + (a - r->start), n = hi - a;
			if ((flags & LX_MS_SYNC) && (r->flags & VMR_SHARED)) {
				/* the D bits of every mapping are folded in */
				int e = vm_object_sync_range(k, r->object, off, n);
				if (e < 0 && rc == 0)
					rc = e;
			}
			if (flags & LX_MS_INVALIDATE)
				vm_object_invalidate(k, r->object, off, n);
		}
		a = hi;
	}
	return rc;
}

/* ---- checking --------------------------------------------------------------- */

struct vm_check_ctx {
	struct kernel *k;
	struct proc *p;
	char *msg;
};

static int check_page(void *ctx, const struct pmap_page *pg)
{
	struct vm_check_ctx *c = ctx;
	struct vm_region *r = vm_map_lookup(&c->p->mm->map, pg->va);
	if (!r) {
		snprintf(c->msg, 200, "pid %u: page 0x%llx mapped outside every region", c->p->pid,
			 (unsigned long long)pg->va);
		return 1;
	}
	if (pg->prot & ~vm_effective_prot(r->prot)) {
		snprintf(c->msg, 200, "pid %u: page 0x%llx mapped with more rights than its region",
			 c->p->pid, (unsigned long long)pg->va);
		return 1;
	}
	if (pg->present) {
		struct frame *f = pa_frame(&c->k->pa, pg->pa);
		if (f->owner != FO_USER && f->owner != FO_FILE && f->owner != FO_ZERO &&
		    f->owner != FO_VDSO) {
			snprintf(c->msg, 200, "pid %u: page 0x%llx maps a %s frame", c->p->pid,
				 (unsigned long long)pg->va, frame_owner_name(f->owner));
			return 1;
		}
	}
	return 0;
}

const char *vm_check(struct kernel *k, struct proc *p)
{
	static char msg[200];
	const char *e = pmap_check(&p->mm->pmap);
	if (!e)
		e = vm_map_check(&p->mm->map);
	if (e)
		return e;
	struct vm_check_ctx c = { k, p, msg };
	if (pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), check_page, &c))
		return msg;
	return thp_check_space(k, p);
}
