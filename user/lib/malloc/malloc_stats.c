/*
 * malloc_stats.c - looking inside the allocator: the mallinfo-like
 * statistics, a readable dump of the heap and its free lists (in the spirit
 * of SQLite's Memsys5Dump), and the invariant checker that the tests run
 * after every operation (FreeBSD's _vm_map_assert_consistent, Lua's
 * lua_checkmemory): it walks every heap block and every free structure and
 * cross-checks them.
 */
#include "malloc_internal.h"

struct tally {
	size_t blocks, bytes, bad;
};

static void count_free(struct mal_free *b, int list, void *arg)
{
	struct tally *t = arg;
	t->blocks++;
	t->bytes += mal_size(b->hdr);
	(void)list;
}

void MALLOC_API(malloc_statistics)(struct malloc_statistics *st)
{
	int lk = glue_lock();
	if (!mal.ready) {
		glue_unlock(lk);
		MALLOC_API(free)(MALLOC_API(malloc)(1));	/* initialise */
		lk = glue_lock();
	}
	struct malloc_statistics s = { 0 };
	s.policy = mal.spec;
	s.heap_bytes = mal.heap_bytes;
	s.heap_segments = (size_t)mal.nseg;
	s.mmap_bytes = mal.mmap_bytes;
	s.mmap_blocks = mal.mmap_blocks;
	s.mmap_cached = mal.cache_bytes;
	s.footprint = mal_footprint();
	s.peak_footprint = mal.peak_footprint;
	s.used_bytes = mal.used_bytes;
	s.used_blocks = mal.used_blocks;
	s.quick_blocks = mal.nquick;
	if (mal.fit == FIT_BUDDY) {
		s.free_bytes = mal_buddy_free_bytes(&s.free_blocks);
	} else {
		struct tally t = { 0, 0, 0 };
		mal.index->walk(count_free, &t);
		s.free_blocks = t.blocks;
		s.free_bytes = t.bytes;
		if (mal.top) {
			s.top_bytes = mal_size(*mal_at(mal.top));
			s.free_bytes += s.top_bytes;
			s.free_blocks++;
		}
	}
	s.n_malloc = mal.n_malloc;
	s.n_free = mal.n_free;
	s.n_realloc = mal.n_realloc;
	s.n_realloc_inplace = mal.n_realloc_inplace;
	s.n_sbrk = mal.n_sbrk;
	s.n_trim = mal.n_trim;
	s.n_mmap = mal.n_mmap;
	s.n_munmap = mal.n_munmap;
	*st = s;
	glue_unlock(lk);
}

void MALLOC_API(malloc_reset_peak)(void)
{
	mal.peak_footprint = mal_footprint();
}

/* --- dump ------------------------------------------------------------- */
struct dump_state {
	int fd, list, count, shown;
};

static void dump_one(struct mal_free *b, int list, void *arg)
{
	struct dump_state *d = arg;
	if (list != d->list) {
		if (d->count)
			mal_write_str(d->fd, d->count > d->shown ? " ...\n" : "\n");
		d->list = list;
		d->count = d->shown = 0;
		mal_write_str(d->fd, "  list ");
		mal_write_num(d->fd, (uint64_t)list, 0);
		mal_write_str(d->fd, ":");
	}
	d->count++;
	if (d->shown < 12) {
		d->shown++;
		mal_write_str(d->fd, " ");
		mal_write_num(d->fd, (uintptr_t)b, 1);
		mal_write_str(d->fd, "/");
		mal_write_num(d->fd, mal_size(b->hdr), 0);
	}
}

void MALLOC_API(malloc_dump)(int fd)
{
	struct malloc_statistics s;
	MALLOC_API(malloc_statistics)(&s);
	int lk = glue_lock();
	mal_write_str(fd, "vmos malloc: policy ");
	mal_write_str(fd, mal.spec);
	mal_write_str(fd, "\n  heap ");
	mal_write_num(fd, s.heap_bytes, 0);
	mal_write_str(fd, " B in ");
	mal_write_num(fd, s.heap_segments, 0);
	mal_write_str(fd, " segment(s), used ");
	mal_write_num(fd, s.used_bytes, 0);
	mal_write_str(fd, " B in ");
	mal_write_num(fd, s.used_blocks, 0);
	mal_write_str(fd, " blocks, free ");
	mal_write_num(fd, s.free_bytes, 0);
	mal_write_str(fd, " B in ");
	mal_write_num(fd, s.free_blocks, 0);
	mal_write_str(fd, " blocks (top ");
	mal_write_num(fd, s.top_bytes, 0);
	mal_write_str(fd, " B), quick ");
	mal_write_num(fd, s.quick_blocks, 0);
	mal_write_str(fd, "\n  mmap ");
	mal_write_num(fd, s.mmap_bytes, 0);
	mal_write_str(fd, " B in ");
	mal_write_num(fd, s.mmap_blocks, 0);
	mal_write_str(fd, " blocks, cached ");
	mal_write_num(fd, s.mmap_cached, 0);
	mal_write_str(fd, " B; peak footprint ");
	mal_write_num(fd, s.peak_footprint, 0);
	mal_write_str(fd, " B\n");
	for (int i = 0; i < mal.nseg; i++) {
		mal_write_str(fd, "  segment ");
		mal_write_num(fd, mal.seg[i].start, 1);
		mal_write_str(fd, "-");
		mal_write_num(fd, mal.seg[i].end, 1);
		mal_write_str(fd, mal.seg[i].from_mmap ? " (mmap)\n" : " (brk)\n");
	}
	if (mal.fit == FIT_BUDDY) {
		mal_buddy_dump(fd);
	} else {
		struct dump_state d = { fd, -1, 0, 0 };
		mal_write_str(fd, mal.fit == FIT_SEGFIT ? "free lists by size class (address/size):\n"
							: "free list (address/size):\n");
		mal.index->walk(dump_one, &d);
		if (d.count)
			mal_write_str(fd, d.count > d.shown ? " ...\n" : "\n");
	}
	for (int i = 0; i <= MAL_NQUICK; i++) {
		int n = 0;
		for (struct mal_free *q = mal.quick[i]; q && n < 1000000; q = q->next)
			n++;
		if (!n)
			continue;
		mal_write_str(fd, "  quick list ");
		mal_write_num(fd, (uint64_t)i, 0);
		mal_write_str(fd, ": ");
		mal_write_num(fd, (uint64_t)n, 0);
		mal_write_str(fd, " blocks\n");
	}
	glue_unlock(lk);
}

/* --- the invariant checker ---------------------------------------------- */
int mal_check_report(const char *who, const char *why, uintptr_t a)
{
	mal_write_str(2, "malloc_check: ");
	mal_write_str(2, who);
	mal_write_str(2, why);
	mal_write_str(2, " at ");
	mal_write_num(2, a, 1);
	mal_write_str(2, "\n");
	return 1;
}

static int bad(const char *why, uintptr_t a)
{
	return mal_check_report("", why, a);
}

static void check_indexed(struct mal_free *b, int list, void *arg)
{
	struct tally *t = arg;
	uintptr_t a = (uintptr_t)b;
	t->blocks++;
	(void)list;
	if (a < mal.lo || a >= mal.hi || !mal_hdr_ok(a, b->hdr) || (b->hdr & MAL_IU) ||
	    a == mal.top)
		t->bad += bad("free list holds a block that is not free", a);
	else
		t->bytes += mal_size(b->hdr);
}

/* Walks one segment; adds what it finds to the totals. */
static int check_segment(const struct mal_segment *s, struct tally *free_t,
			 struct tally *used_t, size_t *quick)
{
	int errors = 0;
	uintptr_t a = s->start + 8, end = mal_seg_end(s) - 8;
	int prev_iu = 1;
	while (a < end) {
		mal_word h = *mal_at(a);
		size_t size = mal_size(h);
		if (!mal_hdr_ok(a, h) || size < MAL_MIN || a + size > end ||
		    mal_kind(h) == MAL_K_MMAP || mal_kind(h) == MAL_K_OFFSET)
			return errors + bad("bad block header", a);
		if (!!(h & MAL_PI) != prev_iu)
			errors += bad("previous-in-use bit wrong", a);
		int iu = !!(h & MAL_IU);
		if (!iu && a != mal.top) {
			if (*mal_at(a + size - 8) != size)
				errors += bad("free block footer wrong", a);
			if (!prev_iu)
				errors += bad("two free blocks side by side", a);
			free_t->blocks++;
			free_t->bytes += size;
		} else if (a == mal.top) {
			if (iu || a + size != end)
				errors += bad("top block not free or not last", a);
		} else if (mal_kind(h) == MAL_K_QUICK) {
			++*quick;
		} else {
			used_t->blocks++;
			used_t->bytes += size;
		}
		prev_iu = iu;
		a += size;
	}
	if (mal.top >= s->start && mal.top < end) {
		/* the top's segment: its fence is implicit (malloc_heap.c) */
		if (a != end)
			errors += bad("segment does not end after its top block", a);
		return errors;
	}
	mal_word fh = *mal_at(end);
	if (a != end || !mal_hdr_ok(end, fh) || mal_size(fh) != 0 || !(fh & MAL_IU))
		errors += bad("segment does not end with its fence", end);
	else if (!!(fh & MAL_PI) != prev_iu)
		errors += bad("previous-in-use bit wrong on the fence", end);
	return errors;
}

int MALLOC_API(malloc_check)(void)
{
	if (!mal.ready)
		return 0;
	int lk = glue_lock();
	int errors;
	if (mal.fit == FIT_BUDDY) {
		errors = mal_buddy_check();
	} else {
		struct tally f = { 0, 0, 0 }, u = { 0, 0, 0 }, idx = { 0, 0, 0 };
		size_t quick = 0;
		errors = 0;
		for (int i = 0; i < mal.nseg; i++)
			errors += check_segment(&mal.seg[i], &f, &u, &quick);
		if (mal.top && (mal.top < mal.seg[mal.nseg - 1].start ||
				mal.top >= mal.seg[mal.nseg - 1].end))
			errors += bad("top block outside the last segment", mal.top);
		mal.index->walk(check_indexed, &idx);
		errors += (int)idx.bad;
		if (idx.blocks != f.blocks || idx.bytes != f.bytes)
			errors += bad("free lists and free blocks disagree", mal.lo);
		if (quick != mal.nquick)
			errors += bad("quick lists and quick blocks disagree", mal.lo);
		if (u.bytes != mal.used_bytes || u.blocks != mal.used_blocks)
			errors += bad("in-use counters disagree with the heap", mal.lo);
	}
	errors += mal_large_check(2);
	glue_unlock(lk);
	return errors;
}
