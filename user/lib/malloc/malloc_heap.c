/*
 * malloc_heap.c - the boundary-tag heap: blocks, splitting, coalescing, the
 * top block, deferred coalescing; the choice of a free block is the policy's
 * (struct mal_index: policy_fit.c, policy_segfit.c).
 *
 * Algorithm (Knuth TAOCP 1 §2.5 "boundary tags"; Wilson et al., "Dynamic
 * Storage Allocation: A Survey and Critical Review", 1995):
 *   malloc: a quick list of the exact size (deferred mode), else the policy
 *     finds a free block, which is split when the rest is a whole block;
 *     else the block is carved from the top, which grows with sbrk.
 *   free: immediate mode merges the block with free neighbours at once (the
 *     footer of the block before, the header of the block after) and
 *     indexes the result; a block next to the top joins the top, and a top
 *     larger than the trim threshold is given back with sbrk.  Deferred mode
 *     parks small blocks on quick lists (still marked in use, so nothing
 *     merges with them) and coalesces them all when the policy finds nothing
 *     and the top cannot serve without growing, or many are parked (the
 *     dlmalloc "fastbin" scheme; CONSOLIDATE_* below).
 *
 * Layout and header format: malloc_internal.h.  Every header is checked
 * before use; a bad one aborts with a message (mal_fail).
 */
#include "malloc_internal.h"
#include "policy_segfit.h"

/* The free-block index of the policy; segregated fits (the default) is
 * called directly, inline. */
static inline void idx_insert(struct mal_free *b)
{
	if (mal.fit == FIT_SEGFIT)
		mal_seg_insert(b);
	else
		mal.index->insert(b);
}

static inline void idx_remove(struct mal_free *b)
{
	if (mal.fit == FIT_SEGFIT)
		mal_seg_remove(b);
	else
		mal.index->remove(b);
}

static inline struct mal_free *idx_find(size_t size)
{
	return mal.fit == FIT_SEGFIT ? mal_seg_find(size) : mal.index->find(size);
}

/* Deferred coalescing: parked blocks are merged (mal_bt_consolidate) when
 * no free block fits a request and either the top cannot serve it without
 * growing the break or at least CONSOLIDATE_COUNT blocks are parked (else
 * the top serves it and the quick lists keep their blocks for reuse: a
 * merge after every miss emptied them), and when a block of at least
 * CONSOLIDATE_GROW bytes cannot grow in place (parked neighbours are what
 * keeps a growing vector from extending). */
#define CONSOLIDATE_COUNT	64
#define CONSOLIDATE_GROW	(4 << 10)
/* The heap grows by what is needed plus 1/PAD_DIV of its size (at most the
 * pad= setting): the overshoot at the peak footprint stays under 1%. */
#define PAD_DIV			128

static uintptr_t max_u(uintptr_t a, uintptr_t b) { return a > b ? a : b; }

static void set_footer(uintptr_t b, size_t size)
{
	*mal_at(b + size - 8) = size;
}

/* Marks a free block (header + footer); the block after must have PI clear. */
static void make_free(uintptr_t b, size_t size, mal_word pi)
{
	*mal_at(b) = mal_hdr(b, size, pi);
	set_footer(b, size);
}

static void set_pi(uintptr_t b) { *mal_at(b) |= MAL_PI; }
static void clear_pi(uintptr_t b) { *mal_at(b) &= ~MAL_PI; }

static struct mal_segment *last_seg(void) { return &mal.seg[mal.nseg - 1]; }

/* Writes the fence header at f, the end of a segment the top has left.
 * The segment holding the top has no fence written: the top is last, so
 * nothing reads past it, and leaving the segment's last word alone means
 * growing the break does not touch (fault in) the page at its new end. */
static void write_fence(uintptr_t f)
{
	*mal_at(f) = mal_hdr(f, 0, MAL_IU);
}

/* Makes the segment just added the home of the top block. */
static void start_segment(void)
{
	struct mal_segment *s = last_seg();
	uintptr_t t = s->start + 8;
	mal.top = t;
	*mal_at(t) = mal_hdr(t, mal_seg_end(s) - 8 - t, MAL_PI);
	mal.zero_from = max_u((s->start + GLUE_PAGE - 1) & ~(uintptr_t)(GLUE_PAGE - 1), t + 8);
}

/* The old top becomes an ordinary free block when the heap moves on to a
 * new segment; its segment gets its fence now. */
static void retire_top(void)
{
	uintptr_t t = mal.top;
	mal_word h = *mal_at(t);
	size_t size = mal_size(h);
	write_fence(t + size);
	if (size >= MAL_MIN) {
		make_free(t, size, h & MAL_PI);
		idx_insert((struct mal_free *)t);
	}
	mal.top = 0;
}

/* The slack kept at the top when growing or trimming: in proportion to
 * the heap (small heaps stay tight), at most the pad setting. */
static size_t pad(void)
{
	return mal.heap_bytes / PAD_DIV < mal.top_pad ? mal.heap_bytes / PAD_DIV : mal.top_pad;
}

/* Ensures the top block has at least size bytes.  Returns 1 when the top
 * that existed on entry grew (or was big enough), 0 when the heap had to
 * move to a new segment (its top is then large enough) and -1 when the OS
 * gave nothing. */
static int grow_top(size_t size)
{
	int moved = 0;
	for (int tries = 0; tries < 3; tries++) {
		size_t have = mal.top ? mal_size(*mal_at(mal.top)) : 0;
		if (mal.top && have >= size)
			return moved ? 0 : 1;
		size_t need = mal.top ? size - have : size + 32;
		size_t inc = (need + pad() + GLUE_PAGE - 1) & ~(size_t)(GLUE_PAGE - 1);
		if (inc < need)
			return -1;
		int contig;
		if (!mal_seg_grow(inc, &contig))
			return -1;
		if (contig && mal.top) {
			mal_word h = *mal_at(mal.top);
			*mal_at(mal.top) = mal_hdr(mal.top,
				mal_seg_end(last_seg()) - 8 - mal.top, h & MAL_PI);
		} else {
			if (mal.top)
				retire_top();
			start_segment();
			moved = 1;
		}
	}
	return -1;
}

/* Gives the top back to the OS down to the pad when it exceeds the pad by
 * the trim threshold (the gap keeps sbrk from see-sawing). */
static void maybe_trim(void)
{
	uintptr_t t = mal.top;
	size_t size = mal_size(*mal_at(t));
	if (size < mal.trim_threshold)
		return;		/* the usual case, without pad()'s division */
	size_t slack = pad();
	if (size < mal.trim_threshold + slack || last_seg()->from_mmap)
		return;
	uintptr_t keep = t + 8 + MAL_MIN + slack + 8;
	keep = (keep + GLUE_PAGE - 1) & ~(uintptr_t)(GLUE_PAGE - 1);
	uintptr_t end = last_seg()->end;
	if (keep >= end || end - keep < GLUE_PAGE)
		return;
	if (mal_seg_shrink(end - keep) != 0)
		return;
	mal_word h = *mal_at(t);
	*mal_at(t) = mal_hdr(t, mal_seg_end(last_seg()) - 8 - t, h & MAL_PI);
	if (mal.zero_from > mal_seg_end(last_seg()))
		mal.zero_from = mal_seg_end(last_seg());
}

/* Hands out block b (already out of every free structure) for size bytes,
 * splitting off the rest when it is a whole block. */
static void *take(uintptr_t b, size_t size)
{
	mal_word h = *mal_at(b);
	size_t have = mal_size(h);
	if (have - size >= MAL_MIN) {
		uintptr_t r = b + size;
		make_free(r, have - size, MAL_PI);
		idx_insert((struct mal_free *)r);
		have = size;
	} else {
		set_pi(b + have);
	}
	*mal_at(b) = mal_hdr(b, have, MAL_IU | (h & MAL_PI));
	mal.used_bytes += have;
	mal.used_blocks++;
	return (void *)(b + 8);
}

/* Carves size bytes from the top.  *clean_from: payload bytes from there on
 * are known to be zero (fresh from the OS). */
static void *carve_top(size_t size, uintptr_t *clean_from)
{
	uintptr_t b = mal.top;
	mal_word h = b ? *mal_at(b) : 0;
	if (!b || mal_size(h) < size + MAL_MIN) {
		if (grow_top(size + MAL_MIN) < 0)
			return 0;
		b = mal.top;
		h = *mal_at(b);
	}
	size_t have = mal_size(h);
	uintptr_t t = b + size;
	*mal_at(t) = mal_hdr(t, have - size, MAL_PI);
	*mal_at(b) = mal_hdr(b, size, MAL_IU | (h & MAL_PI));
	mal.top = t;
	*clean_from = max_u(b + 8, mal.zero_from);
	mal.zero_from = max_u(mal.zero_from, t + 8);
	mal.used_bytes += size;
	mal.used_blocks++;
	return (void *)(b + 8);
}

void *mal_bt_alloc_top(size_t size)
{
	uintptr_t clean;
	if (!mal.top || mal_size(*mal_at(mal.top)) < size + MAL_MIN)
		return 0;
	return carve_top(size, &clean);
}

void *mal_bt_alloc(size_t size, uintptr_t *clean_from)
{
	*clean_from = UINTPTR_MAX;
	if (mal.deferred && size <= MAL_QUICK_MAX) {
		void *p = mal_quick_take(size);
		if (p)
			return p;
	}
	struct mal_free *b = idx_find(size);
	if (!b && mal.nquick &&
	    (mal.nquick >= CONSOLIDATE_COUNT || !(mal.top && mal_size(*mal_at(mal.top)) >= size + MAL_MIN))) {
		mal_bt_consolidate();
		b = idx_find(size);
	}
	if (b) {
		idx_remove(b);
		return take((uintptr_t)b, size);
	}
	return carve_top(size, clean_from);
}

/* Frees block b (header h, in use, checked) with immediate coalescing. */
static void release(uintptr_t b, mal_word h)
{
	size_t size = mal_size(h);
	uintptr_t n = b + size;
	mal_word nh = *mal_at(n);
	if (!mal_hdr_ok(n, nh) || !(nh & MAL_PI))
		mal_fail("free", (void *)(b + 8), "corrupted header of the next block (overflow?)");
	if (!(h & MAL_PI)) {
		size_t psize = *mal_at(b - 8);
		uintptr_t p = b - psize;
		mal_word ph = psize >= MAL_MIN && psize <= b - mal.lo ? *mal_at(p) : 0;
		if (!mal_hdr_ok(p, ph) || (ph & MAL_IU) || mal_size(ph) != psize)
			mal_fail("free", (void *)(b + 8), "corrupted free block before this one");
		/* b's header ends inside the merged block: not in use, so that a
		 * second free of b aborts (otherwise it is rewritten below) */
		*mal_at(b) = mal_hdr(b, size, h & MAL_PI);
		idx_remove((struct mal_free *)p);
		b = p;
		size += psize;
		h = ph;
	}
	if (n == mal.top) {
		mal.top = b;
		*mal_at(b) = mal_hdr(b, size + mal_size(nh), h & MAL_PI);
		maybe_trim();
		return;
	}
	if (!(nh & MAL_IU)) {
		idx_remove((struct mal_free *)n);
		size += mal_size(nh);
	} else {
		clear_pi(n);
	}
	make_free(b, size, h & MAL_PI);
	idx_insert((struct mal_free *)b);
}

void mal_bt_free(uintptr_t b, mal_word h)
{
	size_t size = mal_size(h);
	mal.used_bytes -= size;
	mal.used_blocks--;
	if (mal.deferred && size <= MAL_QUICK_MAX) {
		struct mal_free *q = (struct mal_free *)b;
		q->hdr = mal_hdr(b, size, MAL_IU | MAL_K_QUICK | (h & MAL_PI));
		q->next = mal.quick[size >> 4];
		mal.quick[size >> 4] = q;
		mal.nquick++;
		return;
	}
	release(b, h);
}

void mal_bt_consolidate(void)
{
	for (int i = 0; i <= MAL_NQUICK; i++) {
		while (mal.quick[i]) {
			struct mal_free *q = mal.quick[i];
			uintptr_t b = (uintptr_t)q;
			mal_word h = q->hdr;
			if (!mal_hdr_ok(b, h) || mal_kind(h) != MAL_K_QUICK)
				mal_fail("malloc", (void *)(b + 8), "corrupted quick list (write after free?)");
			mal.quick[i] = q->next;
			mal.nquick--;
			release(b, mal_hdr(b, mal_size(h), MAL_IU | (h & MAL_PI)));
		}
	}
}

static int resize(uintptr_t b, mal_word h, size_t size)
{
	size_t have = mal_size(h);
	mal_word pi = h & MAL_PI;
	if (size <= have) {
		if (have - size >= MAL_MIN) {
			uintptr_t r = b + size;
			*mal_at(b) = mal_hdr(b, size, MAL_IU | pi);
			mal_word rh = mal_hdr(r, have - size, MAL_IU | MAL_PI);
			*mal_at(r) = rh;
			mal.used_bytes -= have - size;
			release(r, rh);
		}
		return 1;
	}
	uintptr_t n = b + have;
	mal_word nh = *mal_at(n);
	if (!mal_hdr_ok(n, nh))
		mal_fail("realloc", (void *)(b + 8), "corrupted header of the next block (overflow?)");
	if (n == mal.top) {
		if (grow_top(size - have + MAL_MIN) != 1)
			return 0;
		size_t tsize = mal_size(*mal_at(n));
		uintptr_t t = b + size;
		*mal_at(t) = mal_hdr(t, tsize - (size - have), MAL_PI);
		*mal_at(b) = mal_hdr(b, size, MAL_IU | pi);
		mal.top = t;
		mal.zero_from = max_u(mal.zero_from, t + 8);
		mal.used_bytes += size - have;
		return 1;
	}
	if ((nh & MAL_IU) || have + mal_size(nh) < size)
		return 0;
	idx_remove((struct mal_free *)n);
	size_t total = have + mal_size(nh);
	if (total - size >= MAL_MIN) {
		make_free(b + size, total - size, MAL_PI);
		idx_insert((struct mal_free *)(b + size));
	} else {
		set_pi(b + total);
		size = total;
	}
	*mal_at(b) = mal_hdr(b, size, MAL_IU | pi);
	mal.used_bytes += size - have;
	return 1;
}

void mal_bt_reset(void)
{
	mal.top = 0;
	mal.nquick = 0;
	for (int i = 0; i <= MAL_NQUICK; i++)
		mal.quick[i] = 0;
	if (mal.index)
		mal.index->reset();
}

int mal_bt_resize(uintptr_t b, mal_word h, size_t size)
{
	if (resize(b, h, size))
		return 1;
	/* parked neighbours may be what keeps a large block from growing */
	if (!mal.nquick || size < CONSOLIDATE_GROW)
		return 0;
	mal_bt_consolidate();
	return resize(b, *mal_at(b), size);
}
