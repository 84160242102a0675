/*
 * page_alloc.c - buddy allocator over the machine's page frames.
 *
 * The algorithm (Knowlton 1965; Knuth, TAOCP 1, 2.5): free memory is a set of
 * blocks of 2^k frames, each aligned to 2^k frames.  The buddy of the block
 * at frame f of order k is the block at f ^ 2^k.  Allocation of order k takes
 * a block from the first non-empty free list of order >= k and splits it,
 * putting the upper halves back on the lists below.  Freeing coalesces with
 * the buddy as long as the buddy is a whole free block of the same order.
 * Neither walks memory: both are O(PA_MAX_ORDER).
 *
 * Fragmentation: a request of order k fails only if no free block of order
 * >= k exists even though free frames may add up to more than 2^k; the
 * fragmentation index below measures how much of a failure is due to that.
 *
 * Hot list: freeing a single frame and allocating one again is what every
 * page fault under memory pressure does; a small LIFO of recently freed
 * single frames in front of the buddy lists (as Linux's per-CPU page lists)
 * serves that pair without a merge and a split.  Its frames are free
 * (FRAME_FREE | FRAME_HOT) but on no buddy list, so they never merge; an
 * allocation that the buddy lists cannot serve drains it first.
 *
 * Metadata: struct frame for every frame, in an array placed in the first
 * frames of RAM (owner FO_BOOT).  The head frame of every block - free or
 * allocated - carries FRAME_HEAD and the block's order, so the whole of RAM
 * can be walked block by block; that walk is the invariant checker.
 */
#include "page_alloc.h"
#include "panic.h"

#include <errno.h>
#include <string.h>

#define POISON_FREE_PAGE 0x5a

static void buddy_free(struct page_alloc *pa, uint32_t fn, unsigned order);
static uint64_t take_block(struct page_alloc *pa, uint32_t fn, unsigned order, unsigned flags,
			   enum frame_owner owner, uint32_t owner_id);

static void list_push(struct page_alloc *pa, unsigned order, uint32_t fn)
{
	struct frame *f = &pa->frames[fn];
	f->prev = FRAME_NONE;
	f->next = pa->free_head[order];
	if (f->next != FRAME_NONE)
		pa->frames[f->next].prev = fn;
	pa->free_head[order] = fn;
	f->flags = (uint16_t)((f->flags & FRAME_KNOWN_ZERO) | FRAME_HEAD | FRAME_FREE);
	f->order = (uint8_t)order;
	f->owner = FO_FREE;
	pa->nfree[order]++;
}

static void list_remove(struct page_alloc *pa, unsigned order, uint32_t fn)
{
	struct frame *f = &pa->frames[fn];
	if (f->prev != FRAME_NONE)
		pa->frames[f->prev].next = f->next;
	else
		pa->free_head[order] = f->next;
	if (f->next != FRAME_NONE)
		pa->frames[f->next].prev = f->prev;
	f->flags &= (uint16_t)~FRAME_FREE;
	pa->nfree[order]--;
}

int page_alloc_init(struct page_alloc *pa, struct ram *ram)
{
	memset(pa, 0, sizeof(*pa));
	pa->ram = ram;
	pa->base = ram->base;
	pa->nframes = (uint32_t)(ram->size >> PGSHIFT);
	uint64_t meta = (uint64_t)pa->nframes * sizeof(struct frame);
	pa->first_usable = (uint32_t)(PGROUNDUP(meta) >> PGSHIFT);
	if (pa->first_usable + 1 > pa->nframes)
		return -ENOMEM;
	pa->frames = ram_ptr(ram, ram->base);
	memset(pa->frames, 0, meta);
	for (unsigned o = 0; o < PA_NORDERS; o++)
		pa->free_head[o] = FRAME_NONE;
	/* The metadata frames are allocated order-0 blocks owned by the boot. */
	for (uint32_t fn = 0; fn < pa->first_usable; fn++) {
		struct frame *f = &pa->frames[fn];
		f->flags = FRAME_HEAD;
		f->owner = FO_BOOT;
		f->refcount = 1;
		f->next = f->prev = FRAME_NONE;
	}
	pa->by_owner[FO_BOOT] = pa->first_usable;
	/* RAM starts all zeros (ram_init): no frame needs clearing before its
	 * first PA_ZERO allocation. */
	for (uint32_t fn = pa->first_usable; fn < pa->nframes; fn++)
		pa->frames[fn].flags = FRAME_KNOWN_ZERO;
	/* Free the rest as the largest aligned blocks that fit. */
	uint32_t fn = pa->first_usable;
	while (fn < pa->nframes) {
		unsigned order = PA_MAX_ORDER;
		while (order > 0 && ((fn & ((1u << order) - 1)) ||
				     (uint64_t)fn + (1u << order) > pa->nframes))
			order--;
		list_push(pa, order, fn);
		pa->free_frames += 1u << order;
		fn += 1u << order;
	}
	return 0;
}

uint64_t page_alloc_block(struct page_alloc *pa, unsigned order, unsigned flags,
			  enum frame_owner owner, uint32_t owner_id)
{
	if (order > PA_MAX_ORDER)
		return 0;
	if (pa->faults && pa->faults->countdown >= 0 && pa->faults->countdown-- == 0) {
		pa->faults->injected++;
		pa->failed++;
		return 0;
	}
	uint32_t fn;
	if (order == 0 && pa->nhot) {
		fn = pa->hot[--pa->nhot];
		pa->frames[fn].flags &= (uint16_t)~(FRAME_FREE | FRAME_HOT);
	} else {
		unsigned o = order;
		while (o < PA_NORDERS && pa->free_head[o] == FRAME_NONE)
			o++;
		if (o == PA_NORDERS && pa->nhot) {   /* the hot frames may merge into one */
			page_alloc_drain(pa);
			for (o = order; o < PA_NORDERS && pa->free_head[o] == FRAME_NONE; o++)
				;
		}
		if (o == PA_NORDERS) {
			pa->failed++;
			return 0;
		}
		fn = pa->free_head[o];
		list_remove(pa, o, fn);
		while (o > order) {          /* split: give back the upper halves */
			o--;
			list_push(pa, o, fn + (1u << o));
		}
	}
	return order == 0 ? pa_take_frame(pa, fn, flags, owner, owner_id) :
			    take_block(pa, fn, order, flags, owner, owner_id);
}

/* Hands out the block fn of order (> 0; single frames: pa_take_frame),
 * taken off the free structures: zeroes it if asked, sets its metadata and
 * the counters.  Returns its address. */
static uint64_t take_block(struct page_alloc *pa, uint32_t fn, unsigned order, unsigned flags,
			   enum frame_owner owner, uint32_t owner_id)
{
	uint32_t n = 1u << order;
	struct frame *f = &pa->frames[fn];
	uint64_t addr = frame_to_pa(pa, fn);
	/* zero what is not known to be zero already (frames freed clean) */
	for (uint32_t i = 0; i < n; i++) {
		if ((flags & PA_ZERO) && !(f[i].flags & FRAME_KNOWN_ZERO))
			memset(ram_ptr(pa->ram, addr + ((uint64_t)i << PGSHIFT)), 0, PGSIZE);
		f[i].flags &= (uint16_t)~FRAME_KNOWN_ZERO;
	}
	f->flags = FRAME_HEAD;
	f->order = (uint8_t)order;
	f->refcount = 1;
	f->next = f->prev = FRAME_NONE;
	f->priv = 0;
	for (uint32_t i = 0; i < n; i++) {
		f[i].owner = (uint8_t)owner;
		f[i].owner_id = owner_id;
	}
	pa->free_frames -= n;
	pa->by_owner[owner] += n;
	pa->allocs++;
	uint64_t in_use = pa->nframes - pa->free_frames;
	if (in_use > pa->in_use_peak)
		pa->in_use_peak = in_use;
	return addr;
}

void pa_bad_free(const struct page_alloc *pa, uint64_t addr, unsigned order)
{
	if (!ram_contains(pa->ram, addr, PGSIZE) || (addr & PGMASK))
		kpanic("page_free_frames: bad address 0x%llx", (unsigned long long)addr);
	uint32_t fn = pa_to_frame(pa, addr);
	const struct frame *f = &pa->frames[fn];
	if (fn < pa->first_usable)
		kpanic("page_free_frames: free of boot frame 0x%llx", (unsigned long long)addr);
	if (!(f->flags & FRAME_HEAD) || (f->flags & FRAME_FREE))
		kpanic("page_free_frames: %s of 0x%llx",
		       (f->flags & FRAME_FREE) ? "double free" : "free of a non-block address",
		       (unsigned long long)addr);
	kpanic("page_free_frames: 0x%llx freed with order %u, allocated with %u",
	       (unsigned long long)addr, order, f->order);
}

void page_free_block(struct page_alloc *pa, uint64_t addr, unsigned order, bool zeroed)
{
	struct frame *f = pa_release(pa, addr, order, zeroed);
	uint32_t fn = (uint32_t)(f - pa->frames);
	if (pa->debug)
		memset(ram_ptr(pa->ram, addr), POISON_FREE_PAGE, PGSIZE << order);
	if (order == 0 && pa->nhot < PA_HOT_MAX) {
		f->flags |= FRAME_HEAD | FRAME_FREE | FRAME_HOT;
		f->order = 0;
		pa->hot[pa->nhot++] = fn;
		return;
	}
	buddy_free(pa, fn, order);
}

/* Puts the free block fn of order on the lists, merged with its buddies. */
static void buddy_free(struct page_alloc *pa, uint32_t fn, unsigned order)
{
	/* Coalesce with the buddy while it is a free block of the same order. */
	while (order < PA_MAX_ORDER) {
		uint32_t buddy = fn ^ (1u << order);
		if (buddy < pa->first_usable || buddy >= pa->nframes)
			break;
		struct frame *b = &pa->frames[buddy];
		if ((b->flags & (FRAME_HEAD | FRAME_FREE | FRAME_HOT)) != (FRAME_HEAD | FRAME_FREE) ||
		    b->order != order)
			break;
		/* a block reaching past the end cannot be a buddy: it was never made */
		list_remove(pa, order, buddy);
		b->flags &= FRAME_KNOWN_ZERO;
		pa->frames[fn].flags &= FRAME_KNOWN_ZERO;
		fn &= buddy;
		order++;
	}
	list_push(pa, order, fn);
}

void page_alloc_drain(struct page_alloc *pa)
{
	while (pa->nhot) {
		uint32_t fn = pa->hot[--pa->nhot];
		pa->frames[fn].flags &= (uint16_t)~(FRAME_HOT | FRAME_FREE);
		buddy_free(pa, fn, 0);
	}
}

uint64_t page_alloc_free_count(const struct page_alloc *pa)
{
	return pa->free_frames;
}

double page_alloc_frag_index(const struct page_alloc *pa, unsigned order)
{
	uint64_t blocks = pa->nhot;          /* hot frames are free single frames */
	if (order == 0 && pa->nhot)
		return -1.0;
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		if (pa->nfree[o] && o >= order)
			return -1.0;
		blocks += pa->nfree[o];
	}
	if (blocks == 0)
		return 0.0;
	double requested = (double)(1u << order);
	return 1.0 - (1.0 + (double)pa->free_frames / requested) / (double)blocks;
}

const char *page_alloc_check(const struct page_alloc *pa)
{
	static char msg[160];
	uint64_t nfree[PA_NORDERS] = { 0 }, free_frames = 0;
	uint64_t by_owner[FO_NKINDS] = { 0 }, hot = 0;
	for (uint32_t fn = 0; fn < pa->nframes;) {
		const struct frame *f = &pa->frames[fn];
		if (!(f->flags & FRAME_HEAD)) {
			snprintf(msg, sizeof msg, "frame %u is in no block", fn);
			return msg;
		}
		unsigned order = f->order;
		uint32_t n = 1u << order;
		if (order > PA_MAX_ORDER || (fn & (n - 1)) || (uint64_t)fn + n > pa->nframes) {
			snprintf(msg, sizeof msg, "block at frame %u has bad order %u", fn, order);
			return msg;
		}
		for (uint32_t i = 1; i < n; i++)
			if (f[i].flags & FRAME_HEAD) {
				snprintf(msg, sizeof msg, "blocks overlap at frame %u", fn + i);
				return msg;
			}
		if (f->flags & FRAME_HOT) {
			if (!(f->flags & FRAME_FREE) || order != 0 || f->owner != FO_FREE) {
				snprintf(msg, sizeof msg, "hot frame %u is not a free single frame", fn);
				return msg;
			}
			hot++;
			free_frames++;
		} else if (f->flags & FRAME_FREE) {
			nfree[order]++;
			free_frames += n;
			for (uint32_t i = 0; i < n; i++)
				if (f[i].owner != FO_FREE) {
					snprintf(msg, sizeof msg, "free frame %u has an owner", fn + i);
					return msg;
				}
			uint32_t buddy = fn ^ n;
			if (order < PA_MAX_ORDER && buddy < pa->nframes && buddy >= pa->first_usable &&
			    (pa->frames[buddy].flags & (FRAME_FREE | FRAME_HOT)) == FRAME_FREE &&
			    pa->frames[buddy].order == order) {
				snprintf(msg, sizeof msg, "free buddies %u and %u of order %u not merged",
					 fn, buddy, order);
				return msg;
			}
		} else {
			if (f->owner == FO_FREE || f->owner >= FO_NKINDS) {
				snprintf(msg, sizeof msg, "allocated frame %u has no owner", fn);
				return msg;
			}
			for (uint32_t i = 0; i < n; i++)
				by_owner[f[i].owner]++;
		}
		fn += n;
	}
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		uint64_t count = 0;
		uint32_t prev = FRAME_NONE;
		for (uint32_t fn = pa->free_head[o]; fn != FRAME_NONE; fn = pa->frames[fn].next) {
			const struct frame *f = &pa->frames[fn];
			if (fn >= pa->nframes || !(f->flags & FRAME_FREE) || f->order != o ||
			    f->prev != prev || ++count > pa->nframes) {
				snprintf(msg, sizeof msg, "free list of order %u corrupt at frame %u", o, fn);
				return msg;
			}
			prev = fn;
		}
		if (count != nfree[o] || count != pa->nfree[o]) {
			snprintf(msg, sizeof msg, "order %u: %llu blocks on list, %llu free in map, counter %llu",
				 o, (unsigned long long)count, (unsigned long long)nfree[o],
				 (unsigned long long)pa->nfree[o]);
			return msg;
		}
	}
	if (hot != pa->nhot) {
		snprintf(msg, sizeof msg, "%llu frames flagged hot, hot list holds %u",
			 (unsigned long long)hot, pa->nhot);
		return msg;
	}
	for (uint32_t i = 0; i < pa->nhot; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < i; j++)          /* at most 32 entries */
			dup |= pa->hot[j] == pa->hot[i];
		if (pa->hot[i] >= pa->nframes || !(pa->frames[pa->hot[i]].flags & FRAME_HOT) || dup) {
			snprintf(msg, sizeof msg, "hot list entry %u (frame %u) is not a distinct hot frame",
				 i, pa->hot[i]);
			return msg;
		}
	}
	if (free_frames != pa->free_frames) {
		snprintf(msg, sizeof msg, "free frame count %llu, map says %llu",
			 (unsigned long long)pa->free_frames, (unsigned long long)free_frames);
		return msg;
	}
	for (unsigned k = 1; k < FO_NKINDS; k++)
		if (by_owner[k] != pa->by_owner[k]) {
			snprintf(msg, sizeof msg, "owner %u: counter %llu frames, map %llu", k,
				 (unsigned long long)pa->by_owner[k], (unsigned long long)by_owner[k]);
			return msg;
		}
	return NULL;
}

static const char *const owner_names[FO_NKINDS] = {
	"free", "frame-meta", "page-table", "slab", "kernel", "user", "zero-page", "vdso", "file",
	"reserved",
};

const char *frame_owner_name(enum frame_owner o)
{
	return o < FO_NKINDS ? owner_names[o] : "?";
}

void page_alloc_print(const struct page_alloc *pa, FILE *out)
{
	fprintf(out, "buddyinfo: free blocks per order (order k = 2^k frames of 4 KiB)\n");
	fprintf(out, "  order      ");
	for (unsigned o = 0; o < PA_NORDERS; o++)
		fprintf(out, "%7u", o);
	fprintf(out, "\n  free       ");
	for (unsigned o = 0; o < PA_NORDERS; o++)
		fprintf(out, "%7llu", (unsigned long long)pa->nfree[o]);
	fprintf(out, "\n  frag index ");
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		double fi = page_alloc_frag_index(pa, o);
		if (fi < 0)
			fprintf(out, "%7s", "-");
		else
			fprintf(out, "%7.3f", fi);
	}
	uint64_t meta = (uint64_t)pa->nframes * sizeof(struct frame);
	fprintf(out, "\n  frames: %u total, %llu free with %u on the hot list, %llu in use (peak %llu)\n",
		pa->nframes, (unsigned long long)pa->free_frames, pa->nhot,
		(unsigned long long)(pa->nframes - pa->free_frames),
		(unsigned long long)pa->in_use_peak);
	fprintf(out, "  frame metadata: %zu bytes/frame, %llu KiB = %.2f%% of RAM\n",
		sizeof(struct frame), (unsigned long long)(meta >> 10),
		100.0 * (double)meta / (double)pa->ram->size);
	fprintf(out, "  frames by owner:");
	for (unsigned k = 1; k < FO_NKINDS; k++)
		if (pa->by_owner[k])
			fprintf(out, " %s=%llu", owner_names[k], (unsigned long long)pa->by_owner[k]);
	fprintf(out, "\n  calls: %llu allocs, %llu frees, %llu failed", (unsigned long long)pa->allocs,
		(unsigned long long)pa->frees, (unsigned long long)pa->failed);
	if (pa->handed_over)
		fprintf(out, "; %llu frames handed from reclaim to an allocation",
			(unsigned long long)pa->handed_over);
	fputc('\n', out);
}
