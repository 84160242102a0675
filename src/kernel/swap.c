/*
 * swap.c - the swap device and page reclaim (see swap.h).
 */
#include "swap.h"
#include "exec.h"
#include "proc.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int swap_init(struct kernel *k, uint64_t bytes)
{
	if (bytes == 0)
		return 0;
	if (bytes > SWAP_MAX_BYTES || (bytes & PGMASK))
		return -EINVAL;
	uint64_t n = bytes >> PGSHIFT;
	void *data = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
			  MAP_NORESERVE, -1, 0);
	if (data == MAP_FAILED)
		return -ENOMEM;
	k->swap.refs = kzalloc(&k->km, n * sizeof(uint32_t));
	k->swap.free = kmalloc(&k->km, n * sizeof(uint32_t));
	if (!k->swap.refs || !k->swap.free) {
		kfree(&k->km, k->swap.refs);
		kfree(&k->km, k->swap.free);
		munmap(data, bytes);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++)         /* slot 0 on top: handed out first */
		k->swap.free[i] = (uint32_t)(n - 1 - i);
	k->swap.data = data;
	k->swap.nslots = n;
	k->swap.nfree = n;
	k->swap.share_max = k->cfg.swap_share_max ? k->cfg.swap_share_max : SWAP_SHARE_MAX;
	return 0;
}

void swap_destroy(struct kernel *k)
{
	if (!k->swap.data)
		return;
	munmap(k->swap.data, k->swap.nslots << PGSHIFT);
	kfree(&k->km, k->swap.refs);
	kfree(&k->km, k->swap.free);
	memset(&k->swap, 0, sizeof k->swap);
}

int64_t swap_alloc(struct kernel *k)
{
	if (k->swap.nfree == 0)
		return -ENOSPC;
	uint32_t slot = k->swap.free[--k->swap.nfree];
	k->swap.refs[slot] = 1;
	uint64_t used = k->swap.nslots - k->swap.nfree;
	if (used > k->swap.used_peak)
		k->swap.used_peak = used;
	return slot;
}

int swap_dup(struct kernel *k, uint64_t slot)
{
	if (slot >= k->swap.nslots || k->swap.refs[slot] == 0)
		kpanic("swap_dup: slot %llu not in use", (unsigned long long)slot);
	if (k->swap.refs[slot] >= k->swap.share_max)
		return -ENOMEM;
	k->swap.refs[slot]++;
	return 0;
}

void swap_put(struct kernel *k, uint64_t slot)
{
	if (slot >= k->swap.nslots || k->swap.refs[slot] == 0)
		kpanic("swap_put: slot %llu not in use", (unsigned long long)slot);
	if (--k->swap.refs[slot] == 0)
		k->swap.free[k->swap.nfree++] = (uint32_t)slot;
}

void swap_write(struct kernel *k, uint64_t slot, uint64_t pa)
{
	memcpy(k->swap.data + (slot << PGSHIFT), ram_ptr(&k->ram, pa), PGSIZE);
	k->swap.writes++;
}

void swap_read(struct kernel *k, uint64_t slot, uint64_t pa)
{
	memcpy(ram_ptr(&k->ram, pa), k->swap.data + (slot << PGSHIFT), PGSIZE);
	k->swap.reads++;
}

/* ---- checking ------------------------------------------------------------- */

struct swap_count_ctx { uint32_t *seen; uint64_t n; };

static int count_slot(void *arg, const struct pmap_page *pg)
{
	struct swap_count_ctx *c = arg;
	if (pg->swapped && pg->swap_slot < c->n)
		c->seen[pg->swap_slot]++;
	return 0;
}

const char *swap_check(struct kernel *k, const char *(*count_more)(struct kernel *k, uint32_t *seen))
{
	static char msg[160];
	if (!k->swap.data)
		return NULL;
	uint32_t *seen = kzalloc(&k->km, k->swap.nslots * sizeof(uint32_t));
	if (!seen)
		return NULL;
	struct swap_count_ctx c = { seen, k->swap.nslots };
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p))
			pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), count_slot, &c);
	const char *e = count_more ? count_more(k, seen) : NULL;
	uint64_t used = 0;
	for (uint64_t s = 0; s < k->swap.nslots && !e; s++) {
		used += k->swap.refs[s] != 0;
		if (seen[s] != k->swap.refs[s]) {
			snprintf(msg, sizeof msg, "swap slot %llu: refcount %u, %u page-table entries",
				 (unsigned long long)s, k->swap.refs[s], seen[s]);
			e = msg;
		}
	}
	for (uint64_t s = 0; s < k->swap.nslots && !e; s++)
		if (k->swap.refs[s] > k->swap.share_max) {
			snprintf(msg, sizeof msg, "swap slot %llu: %u sharers, more than %u",
				 (unsigned long long)s, k->swap.refs[s], k->swap.share_max);
			e = msg;
		}
	if (!e && used != k->swap.nslots - k->swap.nfree) {
		snprintf(msg, sizeof msg, "swap: %llu slots in use, free list says %llu",
			 (unsigned long long)used, (unsigned long long)(k->swap.nslots - k->swap.nfree));
		e = msg;
	}
	kfree(&k->km, seen);
	return e;
}
