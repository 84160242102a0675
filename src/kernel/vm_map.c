/*
 * vm_map.c - the region map: an AVL tree of regions ordered by start, with
 * parent pointers, threaded by an address-ordered doubly linked list (see
 * vm_map.h for the representation and the backing rule).
 *
 * AVL invariant (Adelson-Velsky and Landis 1962): at every node the heights
 * of the two subtrees differ by at most one, so the height is below
 * 1.44 log2(n + 2).  After an insert or a removal the heights on the path
 * to the root are recomputed and every node whose balance has become +-2 is
 * restored by a single or double rotation (Knuth TAOCP vol. 3, 6.2.3;
 * the parent-pointer formulation as in CLRS ch. 13 for removal).  The list
 * is maintained beside the tree: a new node is linked next to its in-order
 * neighbour, found from where it lands in the tree.
 */
#include "vm_map.h"
#include "pagecache.h"

#include <errno.h>
#include <string.h>

static const char *const kind_names[VMK_NKINDS] = {
	"text", "rodata", "data", "bss", "heap", "stack", "mmap", "vdso", "vvar",
};

const char *vm_kind_name(enum vm_kind kind)
{
	return kind < VMK_NKINDS ? kind_names[kind] : "?";
}

/* --- AVL tree ----------------------------------------------------------------- */

static int height(const struct vm_region *n) { return n ? n->height : 0; }

static void fix_height(struct vm_region *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = 1 + (l > r ? l : r);
}

/* Makes v take u's place under u's parent (v may be NULL). */
static void replace_child(struct vm_map *map, struct vm_region *u, struct vm_region *v)
{
	struct vm_region *p = u->parent;
	if (!p)
		map->root = v;
	else if (p->left == u)
		p->left = v;
	else
		p->right = v;
	if (v)
		v->parent = p;
}

/*      x                y
 *     / \              / \
 *    a   y    ==>     x   c
 *       / \          / \
 *      b   c        a   b          Returns y, the new subtree root. */
static struct vm_region *rotate_left(struct vm_map *map, struct vm_region *x)
{
	struct vm_region *y = x->right;
	replace_child(map, x, y);
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->left = x;
	x->parent = y;
	fix_height(x);
	fix_height(y);
	return y;
}

/* The mirror image of rotate_left.  Returns the new subtree root. */
static struct vm_region *rotate_right(struct vm_map *map, struct vm_region *x)
{
	struct vm_region *y = x->left;
	replace_child(map, x, y);
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->right = x;
	x->parent = y;
	fix_height(x);
	fix_height(y);
	return y;
}

/* Recomputes heights from n up to the root, rotating where a node is out of
 * balance.  Called after any change below n. */
static void rebalance(struct vm_map *map, struct vm_region *n)
{
	while (n) {
		fix_height(n);
		int bf = height(n->left) - height(n->right);
		if (bf > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(map, n->left);
			n = rotate_right(map, n);
		} else if (bf < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(map, n->right);
			n = rotate_left(map, n);
		}
		n = n->parent;
	}
}

/* Links the new record r (fields set, links not) into tree and list.
 * Assumes r overlaps no region. */
static void link_region(struct vm_map *map, struct vm_region *r)
{
	struct vm_region *parent = NULL, **slot = &map->root;
	while (*slot) {
		parent = *slot;
		slot = r->start < parent->start ? &parent->left : &parent->right;
	}
	r->left = r->right = NULL;
	r->parent = parent;
	r->height = 1;
	*slot = r;
	/* a new leaf's in-order neighbour is its parent, on one side */
	if (!parent) {
		r->prev = r->next = NULL;
	} else if (slot == &parent->left) {
		r->next = parent;
		r->prev = parent->prev;
	} else {
		r->prev = parent;
		r->next = parent->next;
	}
	if (r->prev)
		r->prev->next = r;
	else
		map->first = r;
	if (r->next)
		r->next->prev = r;
	else
		map->last = r;
	map->nregions++;
	map->size += r->end - r->start;
	if (map->size > map->size_peak)
		map->size_peak = map->size;
	rebalance(map, parent);
}

/* Unlinks r from tree and list (does not free it). */
static void unlink_region(struct vm_map *map, struct vm_region *r)
{
	struct vm_region *from;
	if (r->left && r->right) {
		/* r's successor y (leftmost of the right subtree, = r->next)
		 * takes r's place in the tree */
		struct vm_region *y = r->next;
		if (y->parent == r) {
			from = y;
		} else {
			from = y->parent;
			replace_child(map, y, y->right);
			y->right = r->right;
			y->right->parent = y;
		}
		replace_child(map, r, y);
		y->left = r->left;
		y->left->parent = y;
		y->height = r->height;
	} else {
		from = r->parent;
		replace_child(map, r, r->left ? r->left : r->right);
	}
	rebalance(map, from);
	if (r->prev)
		r->prev->next = r->next;
	else
		map->first = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		map->last = r->prev;
	map->nregions--;
	map->size -= r->end - r->start;
}

/* --- lookups and iteration ------------------------------------------------------- */

struct vm_region *vm_map_next_after(const struct vm_map *map, uint64_t va)
{
	struct vm_region *n = map->root, *best = NULL;
	while (n) {
		if (n->start >= va) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* The last region starting below va, or NULL. */
static struct vm_region *last_below(const struct vm_map *map, uint64_t va)
{
	struct vm_region *n = map->root, *best = NULL;
	while (n) {
		if (n->start < va) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct vm_region *vm_map_first(const struct vm_map *map) { return map->first; }
struct vm_region *vm_map_last(const struct vm_map *map) { return map->last; }

struct vm_region *vm_map_next(const struct vm_map *map, const struct vm_region *r)
{
	return r->next;
}

struct vm_region *vm_map_prev(const struct vm_map *map, const struct vm_region *r)
{
	return r->prev;
}

/* --- life cycle ------------------------------------------------------------------- */

/* Frees record r (unlinked), dropping its reference to its object. */
static void region_free(struct vm_map *map, struct vm_region *r)
{
	if (r->object)
		vm_object_put(r->object->kernel, r->object);
	kmem_cache_free(map->cache, r);
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
	if ((min & PGMASK) || (max & PGMASK) || min >= max)
		return -EINVAL;
	map->km = km;
	map->min = min;
	map->max = max;
	map->cache = kmem_cache_find(km, "vm_region");
	if (!map->cache)
		map->cache = kmem_cache_create(km, "vm_region", sizeof(struct vm_region), 8);
	return map->cache ? 0 : -ENOMEM;
}

void vm_map_destroy(struct vm_map *map)
{
	struct vm_region *r = map->first;
	while (r) {
		struct vm_region *next = r->next;
		region_free(map, r);
		r = next;
	}
	map->root = map->first = map->last = NULL;
	map->nregions = 0;
	map->size = 0;
}

/* --- changes ----------------------------------------------------------------------- */

int vm_map_insert(struct vm_map *map, uint64_t start, uint64_t end, uint32_t prot,
		  enum vm_kind kind, struct vm_object *object, uint64_t obj_offset, uint64_t file_end,
		  struct vm_region **out)
{
	if ((start & PGMASK) || (end & PGMASK) || start >= end || start < map->min ||
	    end > map->max || kind >= VMK_NKINDS)
		return -EINVAL;
	if (object && (file_end < start || file_end > end))
		return -EINVAL;
	struct vm_region *below = last_below(map, end);
	if (below && below->end > start)
		return -EEXIST;
	struct vm_region *r = kmem_cache_alloc(map->cache);
	if (!r)
		return -ENOMEM;
	*r = (struct vm_region){
		.start = start, .end = end, .prot = prot, .maxprot = VM_PROT_ALL, .kind = kind,
		.object = object, .obj_offset = object ? obj_offset : 0,
		.file_end = object ? file_end : start,
	};
	if (object)
		vm_object_ref(object);
	link_region(map, r);
	if (out)
		*out = r;
	return 0;
}

/* Splits r at va (r->start < va < r->end) using the record hi for the
 * upper part [va, end). */
static void split(struct vm_map *map, struct vm_region *r, uint64_t va, struct vm_region *hi)
{
	*hi = *r;
	hi->start = va;
	if (r->object) {
		vm_object_ref(r->object);
		hi->obj_offset = r->obj_offset + (va - r->start);
		hi->file_end = r->file_end > va ? r->file_end : va;
		if (r->file_end > va)
			r->file_end = va;
	} else {
		hi->file_end = va;
	}
	r->end = va;
	map->size -= hi->end - hi->start;   /* r gave it up; linking hi adds it back */
	link_region(map, hi);
}

int vm_map_clip(struct vm_map *map, uint64_t start, uint64_t end)
{
	if ((start & PGMASK) || (end & PGMASK) || start > end)
		return -EINVAL;
	struct vm_region *a = vm_map_lookup(map, start), *b = vm_map_lookup(map, end);
	if (a && a->start == start)
		a = NULL;
	if ((b && b->start == end) || start == end)
		b = NULL;     /* with start == end, a alone makes the boundary */
	struct vm_region *ra = NULL, *rb = NULL;
	if ((a && !(ra = kmem_cache_alloc(map->cache))) ||
	    (b && !(rb = kmem_cache_alloc(map->cache)))) {
		kmem_cache_free(map->cache, ra);
		return -ENOMEM;
	}
	/* split at end first: if a == b, a keeps the lower part and still
	 * spans start */
	if (b)
		split(map, b, end, rb);
	if (a)
		split(map, a, start, ra);
	return 0;
}

void vm_map_remove_region(struct vm_map *map, struct vm_region *r)
{
	unlink_region(map, r);
	region_free(map, r);
}

/* True if b may be appended to a (a->end == b->start assumed). */
static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
	if (a->end != b->start || a->prot != b->prot || a->maxprot != b->maxprot ||
	    a->kind != b->kind || a->flags != b->flags || a->object != b->object)
		return false;
	if (!a->object)
		return true;
	/* contiguous in the object, and a has no zero fill below b's file part */
	return b->obj_offset == a->obj_offset + (a->end - a->start) &&
	       (a->file_end == a->end || b->file_end == b->start);
}

/* Appends b to a and frees b.  Returns a. */
static struct vm_region *absorb(struct vm_map *map, struct vm_region *a, struct vm_region *b)
{
	if (a->object && b->file_end > b->start)
		a->file_end = b->file_end;
	unlink_region(map, b);
	a->end = b->end;   /* a's start, hence its tree position, is unchanged */
	map->size += b->end - b->start;
	region_free(map, b);
	return a;
}

struct vm_region *vm_map_try_merge(struct vm_map *map, struct vm_region *r)
{
	if (!r)
		return NULL;
	if (r->next && mergeable(r, r->next))
		absorb(map, r, r->next);
	if (r->prev && mergeable(r->prev, r))
		r = absorb(map, r->prev, r);
	return r;
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
	if (!topdown) {
		/* gaps [cur, r->start) left to right, cur the end of the last region */
		uint64_t cur = lo;
		struct vm_region *r = last_below(map, lo + 1);   /* start <= lo */
		if (!r)
			r = map->first;
		else if (r->end <= lo)
			r = r->next;
		for (; r && r->start < hi; r = r->next) {
			if (r->start > cur && r->start - cur >= len) {
				*addr = cur;
				return 0;
			}
			if (r->end > cur)
				cur = r->end;
			if (cur >= hi)
				return -ENOMEM;
		}
		if (hi - cur >= len) {
			*addr = cur;
			return 0;
		}
		return -ENOMEM;
	}
	/* gaps [r->end, cur) right to left, cur the start of the last region */
	uint64_t cur = hi;
	for (struct vm_region *r = last_below(map, hi); r && r->end > lo; r = r->prev) {
		if (r->end < cur && cur - r->end >= len) {
			*addr = cur - len;
			return 0;
		}
		if (r->start < cur)
			cur = r->start;
		if (cur <= lo)
			return -ENOMEM;
	}
	if (cur - lo >= len) {
		*addr = cur - len;
		return 0;
	}
	return -ENOMEM;
}

/* --- checks and dumps ---------------------------------------------------------------- */

static char check_msg[200];

#define CHECK_FAIL(...) (snprintf(check_msg, sizeof check_msg, __VA_ARGS__), check_msg)

/* Checks the subtree at n (parent links, heights, balance) and returns its
 * height in *h.  Returns NULL or a message. */
static const char *check_subtree(const struct vm_region *n, const struct vm_region *parent,
				 int *h, uint64_t *count)
{
	if (!n) {
		*h = 0;
		return NULL;
	}
	if (n->parent != parent)
		return CHECK_FAIL("vm_map_check: region 0x%llx has a wrong parent link",
				  (unsigned long long)n->start);
	int hl, hr;
	const char *m = check_subtree(n->left, n, &hl, count);
	if (!m)
		m = check_subtree(n->right, n, &hr, count);
	if (m)
		return m;
	*h = 1 + (hl > hr ? hl : hr);
	if (n->height != *h)
		return CHECK_FAIL("vm_map_check: region 0x%llx has height %d, subtree is %d",
				  (unsigned long long)n->start, n->height, *h);
	if (hl - hr > 1 || hr - hl > 1)
		return CHECK_FAIL("vm_map_check: region 0x%llx out of balance (%d vs %d)",
				  (unsigned long long)n->start, hl, hr);
	if ((n->left && n->left->start >= n->start) || (n->right && n->right->start <= n->start))
		return CHECK_FAIL("vm_map_check: tree out of order at 0x%llx",
				  (unsigned long long)n->start);
	(*count)++;
	return NULL;
}

/* The leftmost node of the subtree at n. */
static const struct vm_region *leftmost(const struct vm_region *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

/* In-order successor through the tree links (independent of the list). */
static const struct vm_region *tree_next(const struct vm_region *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

/* Checks one region's own fields.  Returns NULL or a message. */
static const char *check_region(const struct vm_map *map, const struct vm_region *r)
{
	unsigned long long s = r->start, e = r->end;
	if ((r->start & PGMASK) || (r->end & PGMASK) || r->start >= r->end)
		return CHECK_FAIL("vm_map_check: region [0x%llx, 0x%llx) misaligned or empty", s, e);
	if (r->start < map->min || r->end > map->max)
		return CHECK_FAIL("vm_map_check: region [0x%llx, 0x%llx) outside the map", s, e);
	if (r->kind >= VMK_NKINDS || (r->prot & ~VM_PROT_ALL) || (r->maxprot & ~VM_PROT_ALL))
		return CHECK_FAIL("vm_map_check: region 0x%llx has a bad kind or protection", s);
	if (r->object ? (r->file_end < r->start || r->file_end > r->end)
		      : (r->file_end != r->start || r->obj_offset != 0))
		return CHECK_FAIL("vm_map_check: region 0x%llx has bad backing fields", s);
	return NULL;
}

const char *vm_map_check(const struct vm_map *map)
{
	int h;
	uint64_t count = 0;
	if (map->root && map->root->parent)
		return "vm_map_check: the root has a parent";
	const char *m = check_subtree(map->root, NULL, &h, &count);
	if (m)
		return m;
	if (count != map->nregions)
		return CHECK_FAIL("vm_map_check: %llu regions in the tree, count says %llu",
				  (unsigned long long)count, (unsigned long long)map->nregions);
	const struct vm_region *t = leftmost(map->root), *prev = NULL;
	uint64_t size = 0;
	for (const struct vm_region *r = map->first; r; r = r->next)
		size += r->end - r->start;
	if (size != map->size || map->size > map->size_peak)
		return CHECK_FAIL("vm_map_check: regions cover %llu bytes, size says %llu (peak %llu)",
				  (unsigned long long)size, (unsigned long long)map->size,
				  (unsigned long long)map->size_peak);
	if (map->first != t)
		return "vm_map_check: first is not the lowest region";
	for (const struct vm_region *r = map->first; r; prev = r, r = r->next, t = tree_next(t)) {
		if (r != t)
			return CHECK_FAIL("vm_map_check: list and tree disagree after 0x%llx",
					  prev ? (unsigned long long)prev->start : 0ULL);
		if (r->prev != prev)
			return CHECK_FAIL("vm_map_check: region 0x%llx has a wrong prev link",
					  (unsigned long long)r->start);
		if ((m = check_region(map, r)))
			return m;
		if (prev && prev->end > r->start)
			return CHECK_FAIL("vm_map_check: regions at 0x%llx and 0x%llx overlap",
					  (unsigned long long)prev->start,
					  (unsigned long long)r->start);
	}
	if (t)
		return "vm_map_check: the tree has regions beyond the end of the list";
	if (map->last != prev)
		return "vm_map_check: last is not the highest region";
	return NULL;
}

void vm_map_print(const struct vm_map *map, FILE *out)
{
	for (const struct vm_region *r = map->first; r; r = r->next) {
		fprintf(out, "%016llx-%016llx %c%c%cp %08llx %s",
			(unsigned long long)r->start, (unsigned long long)r->end,
			r->prot & VM_PROT_READ ? 'r' : '-', r->prot & VM_PROT_WRITE ? 'w' : '-',
			r->prot & VM_PROT_EXEC ? 'x' : '-', (unsigned long long)r->obj_offset,
			vm_kind_name(r->kind));
		if (r->object && r->file_end < r->end)
			fprintf(out, " file_end=%llx", (unsigned long long)r->file_end);
		fputc('\n', out);
	}
}
