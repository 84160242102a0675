/*
 * vdso.h - the vDSO in the kernel: the frames that hold its code (built
 * from src/vdso/ at build time, embedded as a C array) and its data page
 * [vvar], mapped into every process by exec, and the clocks the vDSO and
 * the clock_gettime system call share (src/vdso/vvar.h has the formulas).
 */
#ifndef VMOS_KERNEL_VDSO_H
#define VMOS_KERNEL_VDSO_H

#include "kernel.h"

/* At boot: a frame for [vvar] and one for the code (FO_VDSO, one
 * reference each held by the kernel forever, like the zero page).
 * Returns 0 or -ENOMEM. */
int vdso_boot(struct kernel *k);
/* Maps [vvar] (read-only) at base and [vdso] (read, execute) at base +
 * PGSIZE into p, and records base + PGSIZE as p's vDSO (AT_SYSINFO_EHDR).
 * Returns 0 or -ENOMEM. */
int vdso_map(struct kernel *k, struct proc *p, uint64_t base);
/* The offset of __vdso_rt_sigreturn from the vDSO's ELF header. */
uint64_t vdso_sigreturn_offset(void);
/* The host-monotonic clock the CPU's rdtime counts, in ns (tick-exact). */
uint64_t vdso_monotonic_ns(void);
/* clock clk (0 REALTIME, 1 MONOTONIC, 4 MONOTONIC_RAW, 7 BOOTTIME) in ns,
 * by the formula the vDSO uses. */
uint64_t vdso_clock_ns(struct kernel *k, int clk);
/* Rewrites [vvar]'s offset of CLOCK_REALTIME from the host's clock. */
void vdso_update(struct kernel *k);

#endif
