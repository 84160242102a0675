/*
 * malloc_core.c - the C library's malloc interface over the heaps:
 * requests below the mmap threshold go to the heap of the current policy
 * (the boundary-tag heap with a fit index, or the buddy arenas), larger ones
 * get their own mmap'ed region (malloc_large.c; default threshold 1 MiB:
 * glibc starts at 128 KiB and raises it as large blocks are freed, since a
 * mapping per block costs mmap + fault + munmap).  Aligned requests over-allocate and put an
 * "offset header" just before the aligned payload, pointing back at the
 * real block.
 *
 * Hardening, always on: every pointer handed to free/realloc/
 * malloc_usable_size is checked (16-aligned, a header whose check bits
 * match, in the heap or marked mmap'ed, in use) and a failure aborts with
 * "vmos malloc: free(): <pointer>: <reason>" (malloc_internal.h explains the
 * check bits).  Sizes are checked for overflow.
 */
#include "malloc_internal.h"

#define DEFAULT_SPEC "segfit,lifo,deferred"
/* fit, ao, deferred, mmap= given, mmap / trim thresholds, top pad (as glibc) */
#define DEFAULT_POLICY { 0, 0, 0, 0, 1 << 20, 1 << 20, 128 << 10 }

struct mal_state mal;
GLUE_DEFINITIONS

/* --- messages ---------------------------------------------------------- */
void mal_write_str(int fd, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	if (fd == 2)
		glue_write_err(s, n);
	else
		while (n > 0) {
			long w = write(fd, s, n);
			if (w <= 0)
				return;
			s += w;
			n -= (size_t)w;
		}
}

void mal_write_num(int fd, uint64_t v, int hex)
{
	char buf[24], *p = buf + sizeof buf;
	*--p = 0;
	do {
		*--p = "0123456789abcdef"[v % (hex ? 16 : 10)];
		v /= hex ? 16 : 10;
	} while (v);
	if (hex) {
		*--p = 'x';
		*--p = '0';
	}
	mal_write_str(fd, p);
}

void mal_fail(const char *what, const void *p, const char *why)
{
	mal_write_str(2, "vmos malloc: ");
	mal_write_str(2, what);
	mal_write_str(2, "(): ");
	mal_write_num(2, (uintptr_t)p, 1);
	mal_write_str(2, ": ");
	mal_write_str(2, why);
	mal_write_str(2, "\n");
	glue_die();
	for (;;)
		;
}

static void set_enomem(void)
{
#ifdef ENOMEM
	errno = ENOMEM;
#endif
}

/* --- policy ------------------------------------------------------------ */
static const char *const fit_names[] = { "first", "next", "best", "worst", "segfit", "buddy" };

static int same(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	while (i < n && b[i] && a[i] == b[i])
		i++;
	return i == n && !b[i];
}

/* Parses "NUM[K|M]" of n characters; returns 0 on success. */
static int parse_size(const char *s, size_t n, size_t *out)
{
	size_t v = 0, i = 0;
	if (!n)
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > ((size_t)1 << 40))
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	if (i + 1 == n && (s[i] == 'K' || s[i] == 'k'))
		v <<= 10, i++;
	else if (i + 1 == n && (s[i] == 'M' || s[i] == 'm'))
		v <<= 20, i++;
	if (i != n)
		return -1;
	*out = v;
	return 0;
}

struct policy {
	int fit, ao, deferred, mmap_fixed;
	size_t mmap_threshold, trim_threshold, top_pad;
};

/* Parses a specification over *p (unchanged fields keep their values).
 * Returns 0, or -1 on an unknown word. */
static int parse_spec(const char *spec, struct policy *p)
{
	while (*spec) {
		size_t n = 0;
		while (spec[n] && spec[n] != ',')
			n++;
		int known = 0;
		for (int i = 0; i < 6; i++)
			if (same(spec, n, fit_names[i]))
				p->fit = i, known = 1;
		if (same(spec, n, "ao"))
			p->ao = 1, known = 1;
		else if (same(spec, n, "lifo"))
			p->ao = 0, known = 1;
		else if (same(spec, n, "immediate"))
			p->deferred = 0, known = 1;
		else if (same(spec, n, "deferred"))
			p->deferred = 1, known = 1;
		else if (n > 5 && same(spec, 5, "mmap="))
			known = !parse_size(spec + 5, n - 5, &p->mmap_threshold), p->mmap_fixed = 1;
		else if (n > 5 && same(spec, 5, "trim="))
			known = !parse_size(spec + 5, n - 5, &p->trim_threshold);
		else if (n > 4 && same(spec, 4, "pad="))
			known = !parse_size(spec + 4, n - 4, &p->top_pad);
		if (!known && n)
			return -1;
		spec += n;
		if (*spec == ',')
			spec++;
	}
	if (p->mmap_threshold > MAL_MAX_REQ || p->top_pad > ((size_t)1 << 30))
		return -1;
	return 0;
}

static void append(char **at, char *end, const char *s)
{
	while (*s && *at < end - 1)
		*(*at)++ = *s++;
	**at = 0;
}

/* Installs policy p over an empty heap. */
static void install(const struct policy *p)
{
	mal_large_flush();
	mal_seg_release_all();
	mal_bt_reset();
	mal_buddy_reset();
	mal.fit = p->fit;
	mal.ao = p->ao;
	mal.deferred = p->deferred;
	mal.quick_on = p->deferred && p->fit != FIT_BUDDY;
	mal.mmap_fixed = p->mmap_fixed;
	mal.mmap_threshold = p->mmap_threshold;
	mal.trim_threshold = p->trim_threshold;
	mal.top_pad = p->top_pad;
	mal.index = p->fit == FIT_SEGFIT ? &mal_index_segfit : &mal_index_list;
	mal_bt_reset();
	mal.used_bytes = mal.used_blocks = 0;
	char *at = mal.spec, *end = mal.spec + sizeof mal.spec;
	append(&at, end, fit_names[p->fit]);
	append(&at, end, p->ao ? ",ao" : ",lifo");
	append(&at, end, p->deferred ? ",deferred" : ",immediate");
}

static void init(void)
{
	struct policy p = DEFAULT_POLICY;
	mal.secret = glue_entropy() | 1;
	parse_spec(DEFAULT_SPEC, &p);
	const char *env = glue_env_policy();
	if (env && parse_spec(env, &p) != 0) {
		mal_write_str(2, "vmos malloc: VMOS_MALLOC=");
		mal_write_str(2, env);
		mal_write_str(2, ": not a policy (see docs/malloc.md); using " DEFAULT_SPEC "\n");
		p = (struct policy)DEFAULT_POLICY;
		parse_spec(DEFAULT_SPEC, &p);
	}
	install(&p);
	mal.ready = 1;
	glue_init();
}

static inline void ensure_init(void)
{
	if (__builtin_expect(!mal.ready, 0))
		init();
}

static void consolidate(void)
{
	if (mal.fit == FIT_BUDDY)
		mal_buddy_consolidate();
	else
		mal_bt_consolidate();
}

int MALLOC_API(malloc_set_policy)(const char *spec)
{
	int t = glue_lock();
	ensure_init();
	struct policy p = DEFAULT_POLICY;	/* what the text omits: defaults */
	int rc = -1;
	parse_spec(DEFAULT_SPEC, &p);
	if (spec && parse_spec(spec, &p) == 0) {
		consolidate();
		if (mal.used_blocks == 0) {
			install(&p);
			rc = 0;
		}
	}
	glue_unlock(t);
	return rc;
}

const char *MALLOC_API(malloc_get_policy)(void)
{
	ensure_init();
	return mal.spec;
}

/* --- checking a pointer ------------------------------------------------ */
/* Returns the header of the in-use block whose payload is p, or aborts
 * naming the caller 'what'. */
static inline mal_word checked(const char *what, void *p)
{
	uintptr_t a = (uintptr_t)p;
	if (a & 15)
		mal_fail(what, p, "invalid pointer (not 16-aligned: not from malloc)");
	uintptr_t b = a - 8;
	int in_heap = b >= mal.lo && b < mal.hi;
	if (!in_heap && (a < 4096))
		mal_fail(what, p, "invalid pointer");
	mal_word h = *mal_at(b);
	if (!mal_hdr_ok(b, h))
		mal_fail(what, p, "invalid pointer or corrupted block header");
	mal_word kind = mal_kind(h);
	if (kind == MAL_K_QUICK || !(h & MAL_IU))
		mal_fail(what, p, "double free (the block is already free)");
	if (kind == MAL_K_HEAP && !in_heap)
		mal_fail(what, p, "invalid pointer (not in the heap)");
	return h;
}

static size_t usable(void *p, mal_word h)
{
	switch (mal_kind(h)) {
	case MAL_K_MMAP:
		return mal_size(h) - 16;
	case MAL_K_OFFSET: {
		void *base = (char *)p - mal_size(h);
		return usable(base, checked("malloc_usable_size", base)) - mal_size(h);
	}
	default:
		return mal_size(h) - 8;
	}
}

/* --- the calls ------------------------------------------------------------ */
/* Allocates n bytes; *clean_from: payload bytes from there on are zero. */
static inline __attribute__((always_inline)) void *alloc(size_t n, uintptr_t *clean_from)
{
	void *p = 0;
	*clean_from = UINTPTR_MAX;
	if (n > MAL_MAX_REQ) {
		set_enomem();
		return 0;
	}
	mal.n_malloc++;
	if (n < mal.mmap_threshold) {
		if (mal.fit == FIT_BUDDY)
			p = mal_buddy_alloc(n);
		else
			p = mal_bt_alloc(mal_block_size(n), clean_from);
		if (p)
			return p;
	}
	int clean;
	p = mal_large_alloc(n, &clean);
	if (!p)
		set_enomem();
	else if (clean)
		*clean_from = 0;
	return p;
}

static void release(void *p)
{
	mal_word h = checked("free", p);
	uintptr_t b = (uintptr_t)p - 8;
	mal.n_free++;
	switch (mal_kind(h)) {
	case MAL_K_MMAP:
		mal_large_free(b, h);
		break;
	case MAL_K_OFFSET:
		*mal_at(b) = 0;
		release((char *)p - mal_size(h));
		mal.n_free--;
		break;
	default:
		if (mal.fit == FIT_BUDDY)
			mal_buddy_free(b, h);
		else
			mal_bt_free(b, h);
	}
}

/*
 * Fast paths for small blocks under deferred coalescing (the quick lists of
 * malloc_heap.c, which behave like a per-size cache: singly linked, exact
 * size, never coalesced while parked): malloc pops the quick list of the
 * request's size and free pushes onto it, here in the public calls, without
 * the calls into the heap code.  The checks are those of the slow path:
 * the quick block's header (check bits, kind QUICK, size) before it is
 * handed out; the freed pointer's alignment, its place in the heap, its
 * header's check bits, and that it is in use and not already parked (a
 * double free goes to the slow path, which reports it).
 */
static inline void *quick_pop(size_t n)
{
	void *p = mal_quick_take(mal_block_size(n));
	if (p)
		mal.n_malloc++;
	return p;
}

/* Returns 1 when p was freed here: parked on its quick list, or, a heap
 * block too large for the lists that passed the same checks as checked(),
 * given to the heap at once (not checked twice); 0 for the slow path. */
static inline int quick_push(void *p)
{
	uintptr_t b = (uintptr_t)p - 8;
	if (!mal.quick_on || ((uintptr_t)p & 15) || b < mal.lo || b >= mal.hi)
		return 0;
	mal_word h = *mal_at(b);
	size_t size = mal_size(h);
	if ((h & (MAL_IU | MAL_KIND_MASK)) != (MAL_IU | MAL_K_HEAP) || !mal_hdr_ok(b, h))
		return 0;
	if (size > MAL_QUICK_MAX) {
		mal.n_free++;
		mal_bt_free(b, h);
		return 1;
	}
	struct mal_free *q = (struct mal_free *)b;
	q->hdr = mal_hdr(b, size, MAL_IU | MAL_K_QUICK | (h & MAL_PI));
	q->next = mal.quick[size >> 4];
	mal.quick[size >> 4] = q;
	mal.nquick++;
	mal.used_bytes -= size;
	mal.used_blocks--;
	mal.n_free++;
	return 1;
}

void *MALLOC_API(malloc)(size_t n)
{
	int t = glue_lock();
	void *p = 0;
	if (n <= MAL_QUICK_MAX - MAL_HDR && mal.quick_on)
		p = quick_pop(n);
	if (!p) {
		uintptr_t clean;
		ensure_init();
		p = alloc(n, &clean);
	}
	glue_unlock(t);
	return p;
}

void MALLOC_API(free)(void *p)
{
	if (!p)
		return;
	int t = glue_lock();
	if (!quick_push(p)) {
		ensure_init();
		release(p);
	}
	glue_unlock(t);
}

void *MALLOC_API(calloc)(size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		set_enomem();
		return 0;
	}
	int t = glue_lock();
	ensure_init();
	uintptr_t clean;
	char *p = alloc(total, &clean);
	glue_unlock(t);
	if (p && (uintptr_t)p < clean) {
		uintptr_t end = (uintptr_t)p + total;
		__builtin_memset(p, 0, (clean < end ? clean : end) - (uintptr_t)p);
	}
	return p;
}

/* Resizes in place when the heap allows; returns 1 if done. */
static int resize(void *p, mal_word h, size_t n)
{
	uintptr_t b = (uintptr_t)p - 8;
	switch (mal_kind(h)) {
	case MAL_K_MMAP:
		if (n > mal_size(h) - 16 || n < mal.mmap_threshold || n < (mal_size(h) - 16) / 2)
			return 0;
		mal_large_resized(b, n);
		return 1;
	case MAL_K_OFFSET:
		return n <= usable(p, h) && n >= usable(p, h) / 2;
	default:
		if (n >= mal.mmap_threshold)
			return 0;
		if (mal.fit == FIT_BUDDY)
			return mal_buddy_resize(b, h, n);
		return mal_bt_resize(b, h, mal_block_size(n));
	}
}

void *MALLOC_API(realloc)(void *p, size_t n)
{
	if (!p)
		return MALLOC_API(malloc)(n);
	if (n == 0) {
		MALLOC_API(free)(p);
		return 0;
	}
	if (n > MAL_MAX_REQ) {
		set_enomem();
		return 0;
	}
	int t = glue_lock();
	ensure_init();
	mal_word h = checked("realloc", p);
	mal.n_realloc++;
	if ((mal_kind(h) == MAL_K_HEAP && mal.fit != FIT_BUDDY && n < mal.mmap_threshold &&
	     mal_bt_resize_fast((uintptr_t)p - 8, h, mal_block_size(n))) || resize(p, h, n)) {
		mal.n_realloc_inplace++;
		glue_unlock(t);
		return p;
	}
	uintptr_t clean;
	void *q = 0;
	/* A small heap block (below 1 KiB: the exact size classes) growing by
	 * less than a quarter (an append) that must move goes to the top when
	 * the top holds it without growing the break: there its next appends
	 * grow it in place, where an exact-fit hole would make it move again
	 * at the next one (realloc-strings moved 1343 times, 650 so).  Blocks
	 * growing by a factor (vectors) keep taking holes: at the top, their
	 * old places are left as holes that their next, larger size cannot
	 * use (realloc-vectors lost 2-7 points of utilization over five
	 * seeds, compiler up to 8). */
	size_t have = usable(p, h);
	if (mal_kind(h) == MAL_K_HEAP && mal.fit != FIT_BUDDY && n > have && n - have < have / 4 &&
	    n < MAL_GROW_TOP_MAX && n < mal.mmap_threshold && (q = mal_bt_alloc_top(mal_block_size(n))))
		mal.n_malloc++;
	if (!q && n <= MAL_QUICK_MAX - MAL_HDR && mal.quick_on)
		q = quick_pop(n);
	if (!q)
		q = alloc(n, &clean);
	if (q) {
		/* after alloc: making room may have trimmed p's slack */
		size_t old = usable(p, *mal_at((uintptr_t)p - 8));
		__builtin_memcpy(q, p, old < n ? old : n);
		if (!quick_push(p))
			release(p);
	}
	glue_unlock(t);
	return q;
}

void *MALLOC_API(reallocarray)(void *p, size_t n, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total)) {
		set_enomem();
		return 0;
	}
	return MALLOC_API(realloc)(p, total);
}

size_t MALLOC_API(malloc_usable_size)(void *p)
{
	if (!p)
		return 0;
	int t = glue_lock();
	ensure_init();
	size_t n = usable(p, checked("malloc_usable_size", p));
	glue_unlock(t);
	return n;
}

/* Allocates n bytes aligned to align (a power of two).  Returns 0 with
 * errno ENOMEM when out of memory. */
static void *aligned(size_t align, size_t n)
{
	if (align <= MAL_ALIGN)
		return MALLOC_API(malloc)(n);
	if (n > MAL_MAX_REQ || align > MAL_MAX_REQ) {
		set_enomem();
		return 0;
	}
	int t = glue_lock();
	ensure_init();
	uintptr_t clean;
	char *q = alloc(n + align, &clean);
	if (q && ((uintptr_t)q & (align - 1))) {
		uintptr_t a = ((uintptr_t)q + align - 1) & ~(uintptr_t)(align - 1);
		*mal_at(a - 8) = mal_hdr(a - 8, a - (uintptr_t)q, MAL_IU | MAL_K_OFFSET);
		q = (char *)a;
	}
	glue_unlock(t);
	return q;
}

static int pow2(size_t x) { return x && !(x & (x - 1)); }

int MALLOC_API(posix_memalign)(void **out, size_t align, size_t n)
{
	if (!pow2(align) || align % sizeof(void *))
		return 22;	/* EINVAL */
	void *p = aligned(align, n);
	if (!p)
		return 12;	/* ENOMEM */
	*out = p;
	return 0;
}

void *MALLOC_API(aligned_alloc)(size_t align, size_t n)
{
	if (!pow2(align)) {
#ifdef EINVAL
		errno = EINVAL;
#endif
		return 0;
	}
	return aligned(align, n);
}

void *MALLOC_API(memalign)(size_t align, size_t n)
{
	size_t a = MAL_ALIGN;
	while (a < align && a < ((size_t)1 << 40))
		a <<= 1;	/* as glibc: round up to a power of two */
	return aligned(a, n);
}

void *MALLOC_API(valloc)(size_t n)
{
	return aligned(GLUE_PAGE, n);
}

void *MALLOC_API(pvalloc)(size_t n)
{
	size_t r = (n + GLUE_PAGE - 1) & ~(size_t)(GLUE_PAGE - 1);
	if (r < n) {
		set_enomem();
		return 0;
	}
	return aligned(GLUE_PAGE, r ? r : GLUE_PAGE);
}
