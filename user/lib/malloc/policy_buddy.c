/*
 * policy_buddy.c - the binary buddy system (Knowlton 1965; Knuth TAOCP 1
 * §2.5, Algorithms R and S).
 *
 * The heap is a row of arenas of 2^MAL_BUDDY_MAX bytes taken from the break
 * one at a time (they must stay contiguous).  A block of order k is 2^k
 * bytes at an offset from the heap base that is a multiple of 2^k; its
 * buddy is at offset ^ 2^k.  Allocation rounds the request plus its 8-byte
 * header up to a power of two, takes the smallest free block that large
 * and halves it down, the upper halves going to the free lists; freeing
 * merges a block with its buddy for as long as the buddy is free and whole.
 *
 * The base is 8 modulo 16 so that every payload, 8 bytes into its block, is
 * 16-aligned.  Internal fragmentation is up to 50% (the price of O(log n)
 * splitting and merging without boundary tags or searching); the last arena
 * is given back when it and the one before it are entirely free.
 * Deferred mode parks blocks up to 512 bytes on quick lists like the
 * boundary-tag heap.
 */
#include "malloc_internal.h"

#define ARENA ((size_t)1 << MAL_BUDDY_MAX)
#define QUICK_ORDER 9

/* The order of the block for a request of n bytes (n + header rounded up). */
static int order_of(size_t n)
{
	size_t s = n + MAL_HDR;
	int k = s <= 32 ? MAL_BUDDY_MIN : 64 - __builtin_clzll((unsigned long long)(s - 1));
	return k;
}

static int order_of_size(size_t size)
{
	return 63 - __builtin_clzll((unsigned long long)size);
}

static void push(uintptr_t a, int k)
{
	struct mal_free *b = (struct mal_free *)a;
	b->hdr = mal_hdr(a, (size_t)1 << k, MAL_PI);
	mal_list_insert(&mal.bfree[k], b, 0);
}

/* Adds one arena at the end.  Returns 0, or -1 if the break cannot grow
 * contiguously. */
static int add_arena(void)
{
	int contig;
	if (!mal.buddy_arenas) {
		uintptr_t s = mal_seg_grow(ARENA + 32, &contig);
		if (!s)
			return -1;
		mal.buddy_base = s + 8;
	} else {
		uintptr_t want = mal.buddy_base + (mal.buddy_arenas + 1) * ARENA;
		uintptr_t end = mal.seg[mal.nseg - 1].end;
		if (want > end) {
			size_t inc = (want - end + GLUE_PAGE - 1) & ~(size_t)(GLUE_PAGE - 1);
			if (!mal_seg_grow(inc, &contig))
				return -1;
			if (!contig) {
				mal_seg_drop_last();
				return -1;
			}
		}
	}
	push(mal.buddy_base + mal.buddy_arenas * ARENA, MAL_BUDDY_MAX);
	mal.buddy_arenas++;
	return 0;
}

/* Gives back trailing free arenas, keeping one free arena as a pad. */
static void trim(void)
{
	while (mal.buddy_arenas >= 2) {
		uintptr_t last = mal.buddy_base + (mal.buddy_arenas - 1) * ARENA;
		uintptr_t prev = last - ARENA;
		mal_word lh = *mal_at(last), ph = *mal_at(prev);
		if ((lh & MAL_IU) || mal_size(lh) != ARENA || (ph & MAL_IU) || mal_size(ph) != ARENA)
			return;
		struct mal_segment *s = &mal.seg[mal.nseg - 1];
		if (mal_seg_shrink(s->end - last) != 0)
			return;
		mal_list_unlink(&mal.bfree[MAL_BUDDY_MAX], (struct mal_free *)last);
		mal.buddy_arenas--;
	}
}

/* Frees block a of order k, merging with free buddies. */
static void release(uintptr_t a, int k)
{
	*mal_at(a) = mal_hdr(a, (size_t)1 << k, MAL_PI);	/* a 2nd free aborts */
	while (k < MAL_BUDDY_MAX) {
		uintptr_t bud = mal.buddy_base + ((a - mal.buddy_base) ^ ((uintptr_t)1 << k));
		mal_word bh = *mal_at(bud);
		if (!mal_hdr_ok(bud, bh))
			mal_fail("free", (void *)(a + 8), "corrupted header of the buddy block (overflow?)");
		if ((bh & MAL_IU) || mal_size(bh) != ((size_t)1 << k))
			break;
		mal_list_unlink(&mal.bfree[k], (struct mal_free *)bud);
		if (bud < a)
			a = bud;
		k++;
	}
	push(a, k);
	if (k == MAL_BUDDY_MAX)
		trim();
}

void *mal_buddy_alloc(size_t n)
{
	int k = order_of(n);
	if (k > MAL_BUDDY_MAX)
		return 0;
	if (mal.deferred && k <= QUICK_ORDER && mal.quick[k]) {
		struct mal_free *q = mal.quick[k];
		uintptr_t a = (uintptr_t)q;
		mal_word h = q->hdr;
		if (!mal_hdr_ok(a, h) || mal_kind(h) != MAL_K_QUICK || mal_size(h) != ((size_t)1 << k))
			mal_fail("malloc", (void *)(a + 8), "corrupted quick list (write after free?)");
		mal.quick[k] = q->next;
		mal.nquick--;
		q->hdr = mal_hdr(a, (size_t)1 << k, MAL_IU | MAL_PI);
		mal.used_bytes += (size_t)1 << k;
		mal.used_blocks++;
		return (void *)(a + 8);
	}
	int j = k;
	while (j <= MAL_BUDDY_MAX && !mal.bfree[j])
		j++;
	if (j > MAL_BUDDY_MAX && mal.nquick) {
		mal_buddy_consolidate();
		for (j = k; j <= MAL_BUDDY_MAX && !mal.bfree[j]; j++)
			;
	}
	if (j > MAL_BUDDY_MAX) {
		if (add_arena() != 0)
			return 0;
		j = MAL_BUDDY_MAX;
	}
	struct mal_free *b = mal.bfree[j];
	uintptr_t a = (uintptr_t)b;
	if (!mal_hdr_ok(a, b->hdr) || (b->hdr & MAL_IU))
		mal_fail("malloc", (void *)(a + 8), "corrupted free block (write after free?)");
	mal_list_unlink(&mal.bfree[j], b);
	while (j > k) {
		j--;
		push(a + ((uintptr_t)1 << j), j);
	}
	*mal_at(a) = mal_hdr(a, (size_t)1 << k, MAL_IU | MAL_PI);
	mal.used_bytes += (size_t)1 << k;
	mal.used_blocks++;
	return (void *)(a + 8);
}

void mal_buddy_free(uintptr_t a, mal_word h)
{
	size_t size = mal_size(h);
	int k = order_of_size(size);
	if (size != ((size_t)1 << k) || ((a - mal.buddy_base) & (size - 1)))
		mal_fail("free", (void *)(a + 8), "invalid pointer (not a buddy block)");
	mal.used_bytes -= size;
	mal.used_blocks--;
	if (mal.deferred && k <= QUICK_ORDER) {
		struct mal_free *q = (struct mal_free *)a;
		q->hdr = mal_hdr(a, size, MAL_IU | MAL_PI | MAL_K_QUICK);
		q->next = mal.quick[k];
		mal.quick[k] = q;
		mal.nquick++;
		return;
	}
	release(a, k);
}

void mal_buddy_consolidate(void)
{
	for (int k = 0; k <= QUICK_ORDER; k++)
		while (mal.quick[k]) {
			struct mal_free *q = mal.quick[k];
			uintptr_t a = (uintptr_t)q;
			if (!mal_hdr_ok(a, q->hdr) || mal_kind(q->hdr) != MAL_K_QUICK)
				mal_fail("malloc", (void *)(a + 8), "corrupted quick list (write after free?)");
			mal.quick[k] = q->next;
			mal.nquick--;
			release(a, k);
		}
}

int mal_buddy_resize(uintptr_t a, mal_word h, size_t n)
{
	int k = order_of_size(mal_size(h)), want = order_of(n);
	if (want <= k) {
		while (k > want) {	/* give the upper halves back */
			k--;
			push(a + ((uintptr_t)1 << k), k);
		}
		mal.used_bytes -= mal_size(h) - ((size_t)1 << k);
		*mal_at(a) = mal_hdr(a, (size_t)1 << k, MAL_IU | MAL_PI);
		return 1;
	}
	if (want > MAL_BUDDY_MAX)
		return 0;
	uintptr_t off = a - mal.buddy_base;
	for (int j = k; j < want; j++) {	/* every upper buddy free and whole? */
		uintptr_t bud = a + ((uintptr_t)1 << j);
		if (off & ((uintptr_t)1 << j))
			return 0;
		mal_word bh = *mal_at(bud);
		if (!mal_hdr_ok(bud, bh) || (bh & MAL_IU) || mal_size(bh) != ((size_t)1 << j))
			return 0;
	}
	for (int j = k; j < want; j++)
		mal_list_unlink(&mal.bfree[j], (struct mal_free *)(a + ((uintptr_t)1 << j)));
	mal.used_bytes += ((size_t)1 << want) - mal_size(h);
	*mal_at(a) = mal_hdr(a, (size_t)1 << want, MAL_IU | MAL_PI);
	return 1;
}

void mal_buddy_reset(void)
{
	for (int k = 0; k <= MAL_BUDDY_MAX; k++)
		mal.bfree[k] = 0;
	for (int i = 0; i <= MAL_NQUICK; i++)
		mal.quick[i] = 0;
	mal.nquick = 0;
	mal.buddy_arenas = 0;
	mal.buddy_base = 0;
}

size_t mal_buddy_free_bytes(size_t *blocks)
{
	size_t bytes = 0;
	*blocks = 0;
	for (int k = MAL_BUDDY_MIN; k <= MAL_BUDDY_MAX; k++)
		for (struct mal_free *b = mal.bfree[k]; b; b = b->next) {
			bytes += (size_t)1 << k;
			++*blocks;
		}
	return bytes;
}

/* Reports one inconsistency; returns 1 (to be added to an error count). */
static int bad(const char *why, uintptr_t a)
{
	return mal_check_report("buddy: ", why, a);
}

int mal_buddy_check(void)
{
	int errors = 0;
	size_t nfree = 0, used = 0, nused = 0, nquick = 0;
	uintptr_t end = mal.buddy_base + mal.buddy_arenas * ARENA;
	for (uintptr_t a = mal.buddy_base; a < end;) {
		mal_word h = *mal_at(a);
		size_t size = mal_size(h);
		int k = size ? order_of_size(size) : 0;
		if (!mal_hdr_ok(a, h) || size != ((size_t)1 << k) || k < MAL_BUDDY_MIN ||
		    k > MAL_BUDDY_MAX || ((a - mal.buddy_base) & (size - 1)))
			return errors + bad("bad block header", a);
		if (!(h & MAL_IU)) {
			nfree++;
			uintptr_t bud = mal.buddy_base + ((a - mal.buddy_base) ^ size);
			mal_word bh = *mal_at(bud);
			if (k < MAL_BUDDY_MAX && !(bh & MAL_IU) && mal_size(bh) == size)
				errors += bad("free buddies not merged", a);
		} else if (mal_kind(h) == MAL_K_QUICK) {
			nquick++;
		} else {
			used += size;
			nused++;
		}
		a += size;
	}
	size_t listed = 0;
	for (int k = 0; k <= MAL_BUDDY_MAX; k++)
		for (struct mal_free *b = mal.bfree[k]; b; b = b->next) {
			listed++;
			if (k < MAL_BUDDY_MIN || mal_size(b->hdr) != ((size_t)1 << k) || (b->hdr & MAL_IU))
				errors += bad("free list holds a wrong block", (uintptr_t)b);
		}
	if (listed != nfree)
		errors += bad("free blocks and free lists disagree", mal.buddy_base);
	if (nquick != mal.nquick)
		errors += bad("quick lists and quick blocks disagree", mal.buddy_base);
	if (used != mal.used_bytes || nused != mal.used_blocks)
		errors += bad("in-use counters disagree with the heap", mal.buddy_base);
	return errors;
}

void mal_buddy_dump(int fd)
{
	mal_write_str(fd, "buddy arenas: ");
	mal_write_num(fd, mal.buddy_arenas, 0);
	mal_write_str(fd, " x ");
	mal_write_num(fd, ARENA, 0);
	mal_write_str(fd, " bytes from ");
	mal_write_num(fd, mal.buddy_base, 1);
	mal_write_str(fd, "\n");
	for (int k = MAL_BUDDY_MIN; k <= MAL_BUDDY_MAX; k++) {
		int count = 0;
		for (struct mal_free *b = mal.bfree[k]; b; b = b->next)
			count++;
		if (!count)
			continue;
		mal_write_str(fd, "  order ");
		mal_write_num(fd, (uint64_t)k, 0);
		mal_write_str(fd, " (");
		mal_write_num(fd, (uint64_t)1 << k, 0);
		mal_write_str(fd, " B): ");
		mal_write_num(fd, (uint64_t)count, 0);
		mal_write_str(fd, " free:");
		int shown = 0;
		for (struct mal_free *b = mal.bfree[k]; b && shown < 8; b = b->next, shown++) {
			mal_write_str(fd, " ");
			mal_write_num(fd, (uintptr_t)b, 1);
		}
		mal_write_str(fd, count > 8 ? " ...\n" : "\n");
	}
}
