/*
 * vdso.c - the vDSO's frames, its mapping into each process, and the
 * clocks it shares with the system calls (vdso.h).
 *
 * Layout in every process, at mmap_base (the bottom of the gap kept free
 * below the stack's limit, so no mmap address moves):
 *
 *   mmap_base           [vvar]  one frame, read-only: struct vmos_vvar
 *   mmap_base + 4 KiB   [vdso]  the shared object, read + execute
 *                               (AT_SYSINFO_EHDR points here)
 *
 * Both frames are the kernel's (FO_VDSO) and shared by every process, as
 * Linux maps one vdso image; a process's mapping holds a reference, like
 * the zero page's (fork shares it copy-on-write; it is never written).
 */
#include "vdso.h"
#include "proc.h"
#include "vm.h"
#include "cpu.h"
#include "vdso/vvar.h"

#include <errno.h>
#include <string.h>
#include <time.h>

extern const unsigned char vdso_image[];
extern const size_t vdso_image_size;
extern const uint64_t vdso_sym_rt_sigreturn;

uint64_t vdso_sigreturn_offset(void)
{
	return vdso_sym_rt_sigreturn;
}

uint64_t vdso_monotonic_ns(void)
{
	return cpu_time() * VVAR_TICK_NS;
}

static struct vmos_vvar *vvar(struct kernel *k)
{
	return ram_ptr(&k->ram, k->vdso_vvar);
}

void vdso_update(struct kernel *k)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t real = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	struct vmos_vvar *v = vvar(k);
	v->seq++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	v->real_offset_ns = (int64_t)(real - vdso_monotonic_ns());
	v->tick_ns = VVAR_TICK_NS;
	v->version = VVAR_VERSION;
	v->updates++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	v->seq++;
}

uint64_t vdso_clock_ns(struct kernel *k, int clk)
{
	uint64_t ns = vdso_monotonic_ns();
	return clk == 0 ? ns + (uint64_t)vvar(k)->real_offset_ns : ns;
}

int vdso_boot(struct kernel *k)
{
	_Static_assert(sizeof(struct vmos_vvar) <= PGSIZE, "vvar fits a page");
	if (vdso_image_size > PGSIZE)
		return -ENOMEM;          /* the build keeps it to one page */
	k->vdso_vvar = page_alloc_frames(&k->pa, 0, PA_ZERO, FO_VDSO, 0);
	k->vdso_text = page_alloc_frames(&k->pa, 0, PA_ZERO, FO_VDSO, 0);
	if (!k->vdso_vvar || !k->vdso_text)
		return -ENOMEM;
	pa_frame(&k->pa, k->vdso_vvar)->refcount = 1;
	pa_frame(&k->pa, k->vdso_text)->refcount = 1;
	memcpy(ram_ptr(&k->ram, k->vdso_text), vdso_image, vdso_image_size);
	vdso_update(k);
	return 0;
}

int vdso_map(struct kernel *k, struct proc *p, uint64_t base)
{
	if (!k->vdso_text)
		return 0;
	int rc = vm_map_insert(&p->mm->map, base, base + PGSIZE, VM_PROT_READ, VMK_VVAR, NULL, 0, 0,
			       NULL);
	if (rc == 0)
		rc = vm_map_insert(&p->mm->map, base + PGSIZE, base + 2 * PGSIZE,
				   VM_PROT_READ | VM_PROT_EXEC, VMK_VDSO, NULL, 0, 0, NULL);
	if (rc < 0)
		return rc;
	pa_frame(&k->pa, k->vdso_vvar)->refcount++;
	if ((rc = vm_enter(k, p, base, k->vdso_vvar, VM_PROT_READ, false)) < 0)
		return rc;
	pa_frame(&k->pa, k->vdso_text)->refcount++;
	if ((rc = vm_enter(k, p, base + PGSIZE, k->vdso_text, VM_PROT_READ | VM_PROT_EXEC, false)) < 0)
		return rc;
	p->mm->vdso_base = base + PGSIZE;
	return 0;
}
