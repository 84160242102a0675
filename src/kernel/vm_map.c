/*
 * vm_map.c - a sorted array of region pointers (see vm_map.h).
 */
#include "vm_map.h"
#include "pmap.h"

#include <errno.h>
#include <string.h>

static const char *const kind_names[VMK_NKINDS] = {
	"text", "rodata", "data", "bss", "heap", "stack", "mmap", "vdso",
};

const char *vm_kind_name(enum vm_kind kind)
{
	return kind < VMK_NKINDS ? kind_names[kind] : "?";
}

int vm_map_bootstrap(struct kmem *km)
{
	if (kmem_cache_find(km, "vm_region"))
		return 0;
	return kmem_cache_create(km, "vm_region", sizeof(struct vm_region), 8) ? 0 : -ENOMEM;
}

int vm_map_init(struct vm_map *map, struct kmem *km, uint64_t min, uint64_t max)
{
	memset(map, 0, sizeof *map);
	map->km = km;
	map->min = min;
	map->max = max;
	/* every map of a kernel shares one cache of region records */
	map->cache = kmem_cache_find(km, "vm_region");
	if (!map->cache)
		map->cache = kmem_cache_create(km, "vm_region", sizeof(struct vm_region), 8);
	if (!map->cache)
		return -ENOMEM;
	map->cap = 16;
	map->v = kmalloc(km, map->cap * sizeof *map->v);
	return map->v ? 0 : -ENOMEM;
}

void vm_map_destroy(struct vm_map *map)
{
	for (uint32_t i = 0; i < map->n; i++)
		kmem_cache_free(map->cache, map->v[i]);
	map->n = 0;
	kfree(map->km, map->v);
	map->v = NULL;
}

/* Index of the first region with start > va. */
static uint32_t upper_bound(const struct vm_map *map, uint64_t va)
{
	uint32_t lo = 0, hi = map->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (map->v[mid]->start <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vm_region *vm_map_lookup(const struct vm_map *map, uint64_t va)
{
	uint32_t i = upper_bound(map, va);
	if (i == 0)
		return NULL;
	struct vm_region *r = map->v[i - 1];
	return va < r->end ? r : NULL;
}

struct vm_region *vm_map_next_after(const struct vm_map *map, uint64_t va)
{
	uint32_t i = upper_bound(map, va);
	if (i > 0 && map->v[i - 1]->start == va)
		return map->v[i - 1];
	return i < map->n ? map->v[i] : NULL;
}

struct vm_region *vm_map_first(const struct vm_map *map)
{
	return map->n ? map->v[0] : NULL;
}

struct vm_region *vm_map_next(const struct vm_map *map, const struct vm_region *r)
{
	return r->index + 1 < map->n ? map->v[r->index + 1] : NULL;
}

static void reindex(struct vm_map *map, uint32_t from)
{
	for (uint32_t i = from; i < map->n; i++)
		map->v[i]->index = i;
}

/* Makes room for one more pointer.  Returns 0 or -ENOMEM. */
static int reserve(struct vm_map *map)
{
	if (map->n < map->cap)
		return 0;
	uint32_t cap = map->cap * 2;
	struct vm_region **v = kmalloc(map->km, cap * sizeof *v);
	if (!v)
		return -ENOMEM;
	memcpy(v, map->v, map->n * sizeof *v);
	kfree(map->km, map->v);
	map->v = v;
	map->cap = cap;
	return 0;
}

static void place(struct vm_map *map, uint32_t i, struct vm_region *r)
{
	memmove(&map->v[i + 1], &map->v[i], (map->n - i) * sizeof *map->v);
	map->v[i] = r;
	map->n++;
	reindex(map, i);
}

int vm_map_insert(struct vm_map *map, uint64_t start, uint64_t end, uint32_t prot,
		  enum vm_kind kind, void *object, uint64_t obj_offset, uint64_t file_end,
		  struct vm_region **out)
{
	if ((start & PGMASK) || (end & PGMASK) || start >= end || start < map->min ||
	    end > map->max)
		return -EINVAL;
	uint32_t i = upper_bound(map, start);
	if ((i > 0 && map->v[i - 1]->end > start) || (i < map->n && map->v[i]->start < end))
		return -EEXIST;
	if (reserve(map) < 0)
		return -ENOMEM;
	struct vm_region *r = kmem_cache_alloc(map->cache);
	if (!r)
		return -ENOMEM;
	*r = (struct vm_region){ start, end, prot, kind, object, obj_offset, file_end, 0 };
	place(map, i, r);
	if (out)
		*out = r;
	return 0;
}

/* Splits the region containing va at va (if va is strictly inside one). */
static int split_at(struct vm_map *map, uint64_t va)
{
	struct vm_region *r = vm_map_lookup(map, va);
	if (!r || r->start == va)
		return 0;
	if (reserve(map) < 0)
		return -ENOMEM;
	struct vm_region *hi = kmem_cache_alloc(map->cache);
	if (!hi)
		return -ENOMEM;
	*hi = *r;
	hi->start = va;
	if (hi->object)
		hi->obj_offset = r->obj_offset + (va - r->start);
	r->end = va;
	place(map, r->index + 1, hi);
	return 0;
}

int vm_map_clip(struct vm_map *map, uint64_t start, uint64_t end)
{
	int rc = split_at(map, start);
	if (rc == 0 && end < map->max)
		rc = split_at(map, end);
	return rc;
}

void vm_map_remove_region(struct vm_map *map, struct vm_region *r)
{
	uint32_t i = r->index;
	memmove(&map->v[i], &map->v[i + 1], (map->n - i - 1) * sizeof *map->v);
	map->n--;
	reindex(map, i);
	kmem_cache_free(map->cache, r);
}

int vm_map_find_gap(const struct vm_map *map, uint64_t len, uint64_t lo, uint64_t hi,
		    bool topdown, uint64_t *addr)
{
	if (lo < map->min)
		lo = map->min;
	if (hi > map->max)
		hi = map->max;
	if (len == 0 || lo >= hi || len > hi - lo)
		return -ENOMEM;
	/* gaps are [prev.end, next.start); walk them in the wanted direction */
	if (!topdown) {
		uint64_t cur = lo;
		for (uint32_t i = upper_bound(map, lo) ? upper_bound(map, lo) - 1 : 0; i <= map->n; i++) {
			uint64_t gap_end = i < map->n ? map->v[i]->start : hi;
			if (i < map->n && map->v[i]->end <= cur)
				continue;
			if (gap_end > hi)
				gap_end = hi;
			if (gap_end >= cur && gap_end - cur >= len) {
				*addr = cur;
				return 0;
			}
			if (i == map->n || map->v[i]->start >= hi)
				break;
			if (map->v[i]->end > cur)
				cur = map->v[i]->end;
		}
		return -ENOMEM;
	}
	uint64_t cur = hi;
	for (int64_t i = (int64_t)upper_bound(map, hi - 1) - 1; i >= -1; i--) {
		uint64_t gap_start = i >= 0 ? map->v[i]->end : lo;
		if (gap_start < lo)
			gap_start = lo;
		if (i >= 0 && map->v[i]->start >= cur)
			continue;
		if (cur >= gap_start && cur - gap_start >= len) {
			*addr = cur - len;
			return 0;
		}
		if (i < 0 || map->v[i]->end <= lo)
			break;
		if (map->v[i]->start < cur)
			cur = map->v[i]->start;
	}
	return -ENOMEM;
}

static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
	if (a->end != b->start || a->prot != b->prot || a->kind != b->kind ||
	    a->object != b->object)
		return false;
	if (!a->object)
		return true;
	return b->obj_offset == a->obj_offset + (a->end - a->start) && a->file_end == b->file_end;
}

void vm_map_try_merge(struct vm_map *map, struct vm_region *r)
{
	if (!r)
		return;
	if (r->index + 1 < map->n && mergeable(r, map->v[r->index + 1])) {
		struct vm_region *next = map->v[r->index + 1];
		r->end = next->end;
		vm_map_remove_region(map, next);
	}
	if (r->index > 0 && mergeable(map->v[r->index - 1], r)) {
		struct vm_region *prev = map->v[r->index - 1];
		prev->end = r->end;
		vm_map_remove_region(map, r);
	}
}

const char *vm_map_check(const struct vm_map *map)
{
	static char msg[160];
	for (uint32_t i = 0; i < map->n; i++) {
		const struct vm_region *r = map->v[i];
		if (r->index != i || (r->start & PGMASK) || (r->end & PGMASK) || r->start >= r->end ||
		    r->start < map->min || r->end > map->max || r->kind >= VMK_NKINDS ||
		    (i > 0 && map->v[i - 1]->end > r->start)) {
			snprintf(msg, sizeof msg, "region %u [0x%llx, 0x%llx) out of order or malformed",
				 i, (unsigned long long)r->start, (unsigned long long)r->end);
			return msg;
		}
	}
	return NULL;
}
