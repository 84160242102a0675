/*
 * malloc_segment.c - the heap's memory from the OS: the break.
 *
 * The heap is grown with sbrk like a Unix malloc (K&R §8.7, dlmalloc).  When
 * the break cannot grow or someone else moved it, the new memory does not
 * continue the heap: it becomes a new segment (and when sbrk fails entirely,
 * a segment is mapped with mmap, as glibc does for a non-contiguous main
 * arena).  Only the last segment, when it still ends at the break, can be
 * shrunk: that is how the top of the heap is given back.
 */
#include "malloc_internal.h"

/* Records [start, end) as a new segment.  Returns 0 if the table is full. */
static int seg_add(uintptr_t start, uintptr_t end, int from_mmap)
{
	if (mal.nseg == MAL_NSEG)
		return 0;
	struct mal_segment *s = &mal.seg[mal.nseg++];
	s->start = start;
	s->end = end;
	s->from_mmap = from_mmap;
	if (!mal.lo || start < mal.lo)
		mal.lo = start;
	if (end > mal.hi)
		mal.hi = end;
	return 1;
}

uintptr_t mal_seg_grow(size_t inc, int *contig)
{
	struct mal_segment *last = mal.nseg ? &mal.seg[mal.nseg - 1] : 0;
	*contig = 0;
	if ((intptr_t)inc < 0)
		return 0;
	mal_large_reserve(inc);
	void *p = glue_sbrk((intptr_t)inc);
	if (p != GLUE_FAIL) {
		mal.n_sbrk++;
		mal.heap_bytes += inc;
		mal_footprint_changed();
		if (last && !last->from_mmap && (uintptr_t)p == last->end) {
			last->end += inc;
			if (last->end > mal.hi)
				mal.hi = last->end;
			*contig = 1;
			return (uintptr_t)p;
		}
		/* a new segment; its blocks start 16-aligned */
		uintptr_t s = ((uintptr_t)p + 15) & ~(uintptr_t)15;
		if (seg_add(s, (uintptr_t)p + inc, 0))
			return s;
		return 0;	/* table full: the bytes stay lost to the heap */
	}
	if (mal.nseg == MAL_NSEG)
		return 0;
	p = glue_mmap(inc);
	if (p == GLUE_FAIL)
		return 0;
	mal.n_mmap++;
	mal.heap_bytes += inc;
	mal_footprint_changed();
	seg_add((uintptr_t)p, (uintptr_t)p + inc, 1);
	return (uintptr_t)p;
}

int mal_seg_shrink(size_t inc)
{
	if (!mal.nseg)
		return -1;
	struct mal_segment *last = &mal.seg[mal.nseg - 1];
	if (last->from_mmap || inc > last->end - last->start)
		return -1;
	if ((uintptr_t)glue_sbrk(0) != last->end)
		return -1;	/* the break moved under us: keep the memory */
	if (glue_sbrk(-(intptr_t)inc) == GLUE_FAIL)
		return -1;
	last->end -= inc;
	mal.heap_bytes -= inc;
	mal.n_trim++;
	return 0;
}

void mal_seg_release_all(void)
{
	while (mal.nseg > 0)
		mal_seg_drop_last();
	/* bytes lost to alignment at segment starts are gone with them */
	mal.heap_bytes = 0;
	mal.lo = mal.hi = 0;
}

void mal_seg_drop_last(void)
{
	if (!mal.nseg)
		return;
	struct mal_segment *s = &mal.seg[mal.nseg - 1];
	size_t len = s->end - s->start;
	if (s->from_mmap) {
		glue_munmap((void *)s->start, len);
		mal.n_munmap++;
		mal.heap_bytes -= len;
	} else if (mal_seg_shrink(len) != 0) {
		mal.heap_bytes -= len;	/* unreachable now: forget it */
	}
	mal.nseg--;
}
