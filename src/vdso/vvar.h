/*
 * vvar.h - the vDSO's data page ([vvar]), which the kernel writes and every
 * process reads, mapped read-only one page below the vDSO's code
 * ([vdso]).  Shared by the kernel (src/kernel/vdso.c) and the vDSO
 * (src/vdso/vdso.c), so one definition of the layout serves both.
 *
 * The clocks: the hart's rdtime counts VVAR_TICK_NS-nanosecond ticks of the
 * host's CLOCK_MONOTONIC (src/hw/cpu.h, CPU_TIMEBASE_HZ), so
 *
 *   CLOCK_MONOTONIC (and _RAW, BOOTTIME) = rdtime * tick_ns
 *   CLOCK_REALTIME                       = that + real_offset_ns
 *
 * the same formulas the clock_gettime system call uses (vdso_clock_ns),
 * so a program sees one clock whichever way it asks.  The kernel changes
 * real_offset_ns under a sequence count (odd while it writes), the
 * seqlock of Linux's vdso_data.
 */
#ifndef VMOS_VDSO_VVAR_H
#define VMOS_VDSO_VVAR_H

#include <stdint.h>

#define VVAR_TICK_NS 100              /* 1e9 / CPU_TIMEBASE_HZ */

struct vmos_vvar {
	uint32_t seq;                 /* even: stable; odd: being written */
	uint32_t version;             /* VVAR_VERSION */
	int64_t real_offset_ns;       /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t tick_ns;             /* nanoseconds per rdtime tick */
	uint64_t updates;             /* how many times the kernel wrote it */
};
#define VVAR_VERSION 1

#endif
