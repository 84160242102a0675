/*
 * vm.h - the machine-independent virtual memory of a process: page faults
 * (demand zero, file pages, copy-on-write, stack growth) and the system
 * calls that shape an address space (brk, mmap, munmap, mprotect).  Speaks
 * in regions (vm_map) and pages (pmap); never in PTE bits.  Frames
 * come from frame.h (frame_alloc, frame_ref, frame_release).
 */
#ifndef VMOS_KERNEL_VM_H
#define VMOS_KERNEL_VM_H

#include "kernel.h"
#include "frame.h"

#define VM_STACK_INITIAL   (128 * 1024ULL)     /* stack region at exec */
#define VM_STACK_GUARD_GAP (1024 * 1024ULL)    /* kept free below the stack limit */

/* What a region protection allows: pmap_effective_prot (write implies read,
 * as on Linux/riscv64, where PROT_WRITE alone gives a readable mapping). */
static inline unsigned vm_effective_prot(unsigned prot)
{
	return pmap_effective_prot(prot);
}

/* Sets up an empty address space for p (page tables + region map). */
int vm_space_init(struct kernel *k, struct proc *p);
/* Releases every page, region and page-table page of p. */
void vm_space_destroy(struct kernel *k, struct proc *p);

/* Serves a fault at va for an access of type acc by p.  Returns 0 if the
 * access can be retried, -EFAULT if it is a real violation (with *why set to
 * a reason when why != NULL), or -ENOMEM if memory ran out. */
int vm_fault(struct kernel *k, struct proc *p, uint64_t va, enum mmu_access acc,
	     const char **why);

/* Maps frame pa (whose reference the caller hands over) at va in p and
 * records the mapping in the reverse map.  On failure the reference is
 * dropped.  Returns 0 or -ENOMEM. */
int vm_enter(struct kernel *k, struct proc *p, uint64_t va, uint64_t pa, unsigned prot,
	     bool cow);

/* System calls, Linux semantics; return the result or a negative errno. */
uint64_t vm_brk(struct kernel *k, struct proc *p, uint64_t addr);
int64_t vm_mmap(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int prot,
		int flags, int fd, uint64_t off);
int vm_munmap(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len);
int vm_mprotect(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, uint64_t prot);
int vm_madvise(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int advice);
int vm_msync(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int flags);
/* mmap of object o (a reference of the caller's, not consumed) at offset
 * off: the body of vm_mmap once the file is known (o NULL: anonymous;
 * MAP_SHARED anonymous memory gets a new shmem object here).  maxprot is
 * what mprotect may grant later (VM_PROT_*: an O_RDONLY file shared
 * cannot become writable).  Same returns as vm_mmap. */
int64_t vm_mmap_object(struct kernel *k, struct proc *p, uint64_t addr, uint64_t len, int prot,
		       int flags, struct vm_object *o, uint64_t off, unsigned maxprot);

/* vm_mmap, vm_mprotect and vm_madvise take the Linux values: LX_PROT_*,
 * LX_MAP_*, LX_MADV_* (src/abi/lx/mman.h). */
#include "abi/lx/mman.h"

/* Checks p's regions against its page tables: every present page lies in a
 * region and is mapped no more permissively than the region allows. */
const char *vm_check(struct kernel *k, struct proc *p);

#endif
