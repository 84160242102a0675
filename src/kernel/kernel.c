/*
 * kernel.c - what every room of the kernel may call on struct kernel: the
 * default configuration and event reporting.  Booting, shutting down and
 * the system-wide checker sit at the top, in boot.c.
 */
#include "kernel.h"
#include "proc.h"

#include <string.h>

void kernel_config_default(struct kernel_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->ram_size = RAM_DEFAULT_SIZE;
	cfg->levels = 3;
	cfg->tlb_entries = 64;
	cfg->tlb_ways = 4;
	cfg->quantum = 100000;
	cfg->use_asids = true;
	cfg->asid_bits = ASID_BITS_MAX;
	cfg->stack_limit = 8ULL << 20;
	cfg->readahead = 32;           /* PAGECACHE_RA_MAX pages: 128 KiB */
	cfg->max_procs = 256;          /* processes and threads, as RLIMIT_NPROC */
#ifdef VMOS_DEBUG
	cfg->debug = true;
#endif
	cfg->out = stdout;
	cfg->err = stderr;
}

void kernel_event_emit(struct kernel *k, struct proc *p, enum kevent_kind kind, uint64_t va,
		       uint64_t cause, int64_t result, const char *what)
{
	struct kevent ev = { kind, p ? p->pid : 0, k->cpu.instret, va, p ? p->pc : 0, cause, result,
			     what, NULL };
	k->cfg.on_event(k, p, &ev);
}

void kernel_event_syscall(struct kernel *k, struct proc *p, uint64_t nr, int64_t result,
			  const uint64_t args[6])
{
	if (!k->cfg.on_event)
		return;
	struct kevent ev = { KEV_SYSCALL, p ? p->pid : 0, k->cpu.instret, 0, p ? p->pc : 0, nr, result,
			     NULL, args };
	k->cfg.on_event(k, p, &ev);
}
