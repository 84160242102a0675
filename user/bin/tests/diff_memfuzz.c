/*
 * diff_memfuzz - random memory system-call sequences with a model, for the
 * differential fuzzer (tests/fuzz/diff_run; docs/fuzzing.md).  Runs the
 * same way under vmos, qemu-riscv64 and Linux, so the logs must be equal.
 *
 * Usage: diff_memfuzz SEED [OPS [FLAGS]]   OPS operations (default 200);
 *        FLAGS: a string of letters that leave things out: "m"
 *        madvise(MADV_DONTNEED) (qemu-user 7.2 returns 0 and does nothing),
 *        "n" MAP_FIXED_NOREPLACE (qemu-user 7.2 takes it as a hint and maps
 *        elsewhere), "s" MAP_SHARED (vmos has no shared anonymous memory
 *        yet: EINVAL), "b" brk (qemu-user 7.2 keeps the pages of a shrunk
 *        break mapped); "p" changes the model: an mprotect whose
 *        range has a hole changes nothing (vmos and qemu-user 7.2; Linux
 *        changes the pages before the hole); "h" gives mprotect only
 *        mapped ranges (qemu-user 7.2 may let the host's mprotect change
 *        pages before a hole without knowing it, and then crash on an
 *        access it believes allowed); "t" traces each operation
 *        before it runs (flushed at once, for a run that hangs or dies)
 *
 * A xorshift generator seeded by SEED picks each operation:
 *   mmap     MAP_FIXED (private or shared anonymous) into a 24-page window
 *            at 0x1000000000, or a MAP_FIXED_NOREPLACE there, or a
 *            placement-free mmap (a "floating" area of up to 6 pages: its
 *            address differs between machines, so only offsets are printed)
 *   munmap, mprotect, madvise(MADV_DONTNEED)   on random page ranges,
 *            holes included
 *   brk      grow and shrink (printed as offsets from the first break)
 *   write    fill a page with a pattern; read: print a page's hash
 *   probe    touch a page the model says faults, in a forked child; print
 *            the child's wait status (SIGSEGV = 11): vmos has no signal
 *            handlers yet, so faults are observed through fork + wait
 *   fork     a child writes private and shared pages and checks what it
 *            sees; the parent checks its private pages did not change and
 *            that it sees the child's writes to shared pages
 *   bad      a call with an invalid argument (unaligned, zero length, ...)
 * Every operation prints one line with its arguments and result (-errno on
 * failure).  A model of every page (mapped, protection, shared, contents)
 * predicts each result by Linux semantics; a disagreement prints a line
 * starting "MISMATCH".  Last line: "memfuzz: N ops, M mismatches"; exit
 * status 1 if M > 0.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE      4096UL
#define WIN       0x1000000000UL
#define WIN_PAGES 24
#define NFLOAT    3
#define FLOAT_MAX 6
#define BRK_PAGES 32
#define NAREA     (2 + NFLOAT)     /* window, brk, floating areas */
#define AREA_MAX  (BRK_PAGES + 1)  /* the break may end inside a page */

struct page {
	uint8_t mapped, prot, shared;
	uint64_t v;                  /* content pattern; 0 = all zero */
};

struct area {
	uintptr_t base;              /* 0: a floating area not in use */
	unsigned npages;
	struct page pg[AREA_MAX];
};

static struct area areas[NAREA];  /* 0 = window, 1 = brk, 2.. floating */
static uintptr_t brk0;
static uint64_t rng;
static long mismatches;
static int no_madvise, no_brk, no_shared, no_noreplace, mprotect_atomic, mprotect_no_holes;
static int trace;

static char out[8192];
static size_t outn;

static void flush(void)
{
	size_t off = 0;
	while (off < outn) {
		ssize_t w = write(1, out + off, outn - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	outn = 0;
}

/* Appends formatted text to the output buffer (written at flush). */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	if (outn > sizeof out - 512)
		flush();
	va_start(ap, fmt);
	int n = vsnprintf(out + outn, sizeof out - outn, fmt, ap);
	va_end(ap);
	if (n > 0)
		outn += (size_t)n < sizeof out - outn ? (size_t)n : sizeof out - outn - 1;
	if (trace)
		flush();
}

static uint64_t next(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned below(unsigned n) { return (unsigned)(next() % n); }

static void mismatch(const char *what, long want, long got)
{
	say("MISMATCH %s: model says %ld, machine %ld\n", what, want, got);
	mismatches++;
}

/* A raw system call's result: the value, or -errno. */
static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(n, a, b, c, d, e, f);
	return r == -1 ? -errno : r;
}

/* ---- page contents ---- */

static uint64_t word_of(uint64_t v, unsigned i) { return v ? v * (2 * i + 1) ^ (v >> 7) : 0; }

static void fill(uintptr_t addr, uint64_t v)
{
	volatile uint64_t *p = (volatile uint64_t *)addr;
	for (unsigned i = 0; i < PAGE / 8; i++)
		p[i] = word_of(v, i);
}

/* A page's contents as the pattern that wrote it: v if every word matches
 * word_of(v, .) for v = the first word's pattern, else a hash | 1 << 63. */
static uint64_t hash_page(uintptr_t addr, uint64_t expect)
{
	const volatile uint64_t *p = (const volatile uint64_t *)addr;
	uint64_t h = 1469598103934665603ULL;
	int same = 1;
	for (unsigned i = 0; i < PAGE / 8; i++) {
		uint64_t w = p[i];
		same &= w == word_of(expect, i);
		h = (h ^ w) * 1099511628211ULL;
	}
	return same ? expect : h | 1ULL << 63;
}

/* ---- the model ---- */

static int readable(const struct page *p) { return p->mapped && (p->prot & (PROT_READ | PROT_WRITE)); }
static int writable(const struct page *p) { return p->mapped && (p->prot & PROT_WRITE); }

static const char *area_name(int a)
{
	static const char *const n[NAREA] = { "win", "brk", "f0", "f1", "f2" };
	return n[a];
}

/* Linux mprotect: if the first page is unmapped nothing changes; else the
 * protection changes page by page up to the first hole (-ENOMEM).  With
 * flag "p", a range with a hole changes nothing (-ENOMEM), as in vmos and
 * qemu-user 7.2, which check the whole range first. */
static long model_mprotect(struct area *ar, unsigned p, unsigned n, int prot)
{
	for (unsigned k = p; k < p + n && mprotect_atomic; k++)
		if (!ar->pg[k].mapped)
			return -ENOMEM;
	for (unsigned k = p; k < p + n; k++) {
		if (!ar->pg[k].mapped)
			return -ENOMEM;
		ar->pg[k].prot = (uint8_t)prot;
	}
	return 0;
}

/* Linux madvise(MADV_DONTNEED): every mapped page in the range is dropped
 * (private anonymous pages read back as zero, shared ones keep their
 * contents); -ENOMEM if the range had a hole. */
static long model_dontneed(struct area *ar, unsigned p, unsigned n)
{
	long r = 0;
	for (unsigned k = p; k < p + n; k++) {
		if (!ar->pg[k].mapped)
			r = -ENOMEM;
		else if (!ar->pg[k].shared)
			ar->pg[k].v = 0;
	}
	return r;
}

static void check(const char *what, long want, long got)
{
	if (want != got)
		mismatch(what, want, got);
}

static void range(struct area *ar, unsigned *p, unsigned *n)
{
	*p = below(ar->npages);
	*n = 1 + below(ar->npages - *p);
}

static int random_prot(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE };
	return prots[below(sizeof prots / sizeof prots[0])];
}

/* ---- operations ---- */

static void op_mmap_window(void)
{
	struct area *ar = &areas[0];
	unsigned p, n;
	range(ar, &p, &n);
	int prot = random_prot(), shared = below(4) == 0, noreplace = below(5) == 0;
	shared &= !no_shared;
	noreplace &= !no_noreplace;
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
		    (noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED);
	uintptr_t a = ar->base + p * PAGE;
	long r = sys(SYS_mmap, (long)a, (long)(n * PAGE), prot, flags, -1, 0);
	long want = (long)a;
	if (noreplace)
		for (unsigned k = p; k < p + n; k++)
			if (ar->pg[k].mapped)
				want = -EEXIST;
	say("mmap win+%u x%u prot %d %s%s -> %s%ld\n", p, n, prot, shared ? "shared" : "private",
	    noreplace ? " noreplace" : "", r == (long)a ? "ok " : "", r == (long)a ? 0 : r);
	check("mmap", want == (long)a ? 0 : want, r == (long)a ? 0 : r);
	if (r == (long)a)
		for (unsigned k = p; k < p + n; k++)
			ar->pg[k] = (struct page){ 1, (uint8_t)prot, (uint8_t)shared, 0 };
}

static void op_mmap_float(void)
{
	int a = 2 + (int)below(NFLOAT);
	struct area *ar = &areas[a];
	if (ar->base) {  /* unmap it whole */
		long r = sys(SYS_munmap, (long)ar->base, (long)(ar->npages * PAGE), 0, 0, 0, 0);
		say("munmap %s x%u -> %ld\n", area_name(a), ar->npages, r);
		check("munmap float", 0, r);
		ar->base = 0;
		return;
	}
	unsigned n = 1 + below(FLOAT_MAX);
	int prot = random_prot(), shared = below(4) == 0 && !no_shared;
	long r = sys(SYS_mmap, 0, (long)(n * PAGE), prot,
		     (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	int ok = r > 0 && (r & (PAGE - 1)) == 0 &&
		 ((uintptr_t)r + n * PAGE <= WIN || (uintptr_t)r >= WIN + WIN_PAGES * PAGE);
	say("mmap %s x%u prot %d %s -> %s\n", area_name(a), n, prot,
	    shared ? "shared" : "private", ok ? "ok" : "bad");
	if (!ok) {
		mismatch("mmap float (address or error)", 0, r);
		return;
	}
	ar->base = (uintptr_t)r;
	ar->npages = n;
	for (unsigned k = 0; k < n; k++)
		ar->pg[k] = (struct page){ 1, (uint8_t)prot, (uint8_t)shared, 0 };
}

/* An area in use, other than brk; -1 if none. */
static int pick_area(void)
{
	int a = below(3) ? 0 : 2 + (int)below(NFLOAT);
	if (!no_brk && below(6) == 0)
		a = 1;
	return areas[a].base && areas[a].npages ? a : 0;
}

static void op_munmap(void)
{
	struct area *ar = &areas[0];
	unsigned p, n;
	range(ar, &p, &n);
	long r = sys(SYS_munmap, (long)(ar->base + p * PAGE), (long)(n * PAGE), 0, 0, 0, 0);
	say("munmap win+%u x%u -> %ld\n", p, n, r);
	check("munmap", 0, r);
	for (unsigned k = p; k < p + n; k++)
		ar->pg[k].mapped = 0;
}

static void op_mprotect(void)
{
	int a = pick_area();
	struct area *ar = &areas[a];
	if (a == 1)
		return;  /* the break's pages keep RW */
	unsigned p, n;
	range(ar, &p, &n);
	int prot = random_prot();
	if (mprotect_no_holes) {   /* only the mapped run at p, if any */
		unsigned k = p;
		while (k < p + n && ar->pg[k].mapped)
			k++;
		if (k == p)
			return;
		n = k - p;
	}
	long r = sys(SYS_mprotect, (long)(ar->base + p * PAGE), (long)(n * PAGE), prot, 0, 0, 0);
	say("mprotect %s+%u x%u prot %d -> %ld\n", area_name(a), p, n, prot, r);
	check("mprotect", model_mprotect(ar, p, n, prot), r);
}

static void op_madvise(void)
{
	int a = pick_area();
	struct area *ar = &areas[a];
	unsigned p, n;
	range(ar, &p, &n);
	long r = sys(SYS_madvise, (long)(ar->base + p * PAGE), (long)(n * PAGE), MADV_DONTNEED,
		     0, 0, 0);
	say("madvise %s+%u x%u dontneed -> %ld\n", area_name(a), p, n, r);
	check("madvise", model_dontneed(ar, p, n), r);
}

/* The break moves within [brk0, brk0 + BRK_PAGES pages); area 1 holds the
 * whole pages between the first page boundary at or above brk0 and it. */
static void op_brk(void)
{
	uintptr_t lo = (brk0 + PAGE - 1) & ~(PAGE - 1);
	uintptr_t target = lo + below(BRK_PAGES) * PAGE + (below(2) ? below(PAGE) : 0);
	long r = sys(SYS_brk, (long)target, 0, 0, 0, 0, 0);
	say("brk +%lu -> +%ld\n", (unsigned long)(target - brk0), r - (long)brk0);
	check("brk", (long)target, r);
	if (r != (long)target)
		return;
	struct area *ar = &areas[1];
	unsigned n = (unsigned)((((uintptr_t)r + PAGE - 1) & ~(PAGE - 1)) - lo) / PAGE;
	for (unsigned k = n; k < ar->npages; k++)
		ar->pg[k] = (struct page){ 0, 0, 0, 0 };   /* released: zero if regrown */
	for (unsigned k = ar->npages; k < n; k++)
		ar->pg[k] = (struct page){ 1, PROT_READ | PROT_WRITE, 0, 0 };
	for (unsigned k = 0; k < n; k++)
		ar->pg[k].mapped = 1;
	ar->npages = n;
}

/* Writes or reads a page the model says is accessible (direct), or probes
 * one it says is not in a child (the child must die of SIGSEGV). */
static void op_touch(void)
{
	int a = pick_area();
	struct area *ar = &areas[a];
	if (!ar->npages)
		return;
	unsigned p = below(ar->npages), wr = below(2);
	struct page *pg = &ar->pg[p];
	uintptr_t addr = ar->base + p * PAGE;
	if (trace)
		say("  touch %s %s+%u (model: mapped %d prot %d)\n", wr ? "write" : "read",
		    area_name(a), p, pg->mapped, pg->prot);
	if (wr ? writable(pg) : readable(pg)) {
		if (wr) {
			uint64_t v = next() | 1;
			fill(addr, v);
			pg->v = v;
			say("write %s+%u\n", area_name(a), p);
		} else {
			uint64_t h = hash_page(addr, pg->v);
			say("read %s+%u -> %s\n", area_name(a), p, h == pg->v ? "as written" : "other");
			if (h != pg->v)
				mismatch("page contents", (long)pg->v, (long)h);
		}
		return;
	}
	flush();
	pid_t pid = fork();
	if (pid == 0) {
		if (wr)
			*(volatile uint64_t *)(addr + 8 * below(512)) = 1;
		else
			(void)*(volatile uint64_t *)(addr + 8 * below(512));
		_exit(0);
	}
	int st = 0;
	long w = waitpid(pid, &st, 0);
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	say("probe %s %s+%u -> %s %d\n", wr ? "write" : "read", area_name(a), p,
	    w != pid ? "waitpid failed" : sig ? "signal" : "exit", sig ? sig : WEXITSTATUS(st));
	check("probe signal", 11, w == pid ? sig : -1);
}

/* fork: the child writes some pages and reads others, exits with the number
 * of surprises; afterwards the parent sees the child's shared writes only. */
static void op_fork(void)
{
	uint64_t seed = next();
	flush();
	pid_t pid = fork();
	if (pid < 0) {
		say("fork -> %d\n", -errno);
		mismatch("fork", 0, -errno);
		return;
	}
	/* Both sides walk the same choices from seed. */
	uint64_t saved = rng;
	rng = seed;
	int bad = 0;
	for (int k = 0; k < 6; k++) {
		int a = pick_area();
		struct area *ar = &areas[a];
		if (!ar->npages)
			continue;
		unsigned p = below(ar->npages);
		struct page *pg = &ar->pg[p];
		uint64_t v = next() | 1;
		if (below(2) && writable(pg)) {
			if (pid == 0)
				fill(ar->base + p * PAGE, v);
			if (pid == 0 || pg->shared)
				pg->v = v;
		} else if (pid == 0 && readable(pg)) {
			bad += hash_page(ar->base + p * PAGE, pg->v) != pg->v;
		}
	}
	if (pid == 0)
		_exit(bad);
	rng = saved;
	int st = 0;
	long w = waitpid(pid, &st, 0);
	say("fork -> child %s %d\n", w != pid ? "lost" : WIFSIGNALED(st) ? "signal" : "exit",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	check("fork child status", 0, w == pid ? st : -1);
}

static void op_bad(void)
{
	uintptr_t a = WIN + below(WIN_PAGES) * PAGE;
	long r;
	switch (below(6)) {
	case 0:
		r = sys(SYS_mmap, (long)a + 100, (long)PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			MAP_FIXED, -1, 0);
		say("mmap unaligned fixed -> %ld\n", r);
		check("mmap unaligned", -EINVAL, r);
		break;
	case 1:
		r = sys(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		say("mmap len 0 -> %ld\n", r);
		check("mmap len 0", -EINVAL, r);
		break;
	case 2:
		r = sys(SYS_munmap, (long)a + 8, (long)PAGE, 0, 0, 0, 0);
		say("munmap unaligned -> %ld\n", r);
		check("munmap unaligned", -EINVAL, r);
		break;
	case 3:
		r = sys(SYS_mprotect, (long)a + 8, (long)PAGE, PROT_READ, 0, 0, 0);
		say("mprotect unaligned -> %ld\n", r);
		check("mprotect unaligned", -EINVAL, r);
		break;
	case 4:
		r = sys(SYS_mmap, 0, (long)PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0);
		say("mmap neither private nor shared -> %ld\n", r);
		check("mmap no type", -EINVAL, r);
		break;
	default:
		r = sys(SYS_munmap, (long)a, 0, 0, 0, 0, 0);
		say("munmap len 0 -> %ld\n", r);
		check("munmap len 0", -EINVAL, r);
		break;
	}
}

static const struct {
	void (*op)(void);
	unsigned weight;
} ops[] = {
	{ op_mmap_window, 12 }, { op_mmap_float, 4 }, { op_munmap, 6 }, { op_mprotect, 8 },
	{ op_madvise, 4 },      { op_brk, 5 },         { op_touch, 30 }, { op_fork, 3 },
	{ op_bad, 2 },
};

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: diff_memfuzz SEED [OPS [FLAGS]]\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 0);
	long nops = argc > 2 ? atol(argv[2]) : 200;
	if (argc > 3) {
		no_madvise = strchr(argv[3], 'm') != NULL;
		no_brk = strchr(argv[3], 'b') != NULL;
		no_shared = strchr(argv[3], 's') != NULL;
		no_noreplace = strchr(argv[3], 'n') != NULL;
		mprotect_atomic = strchr(argv[3], 'p') != NULL;
		mprotect_no_holes = strchr(argv[3], 'h') != NULL;
		trace = strchr(argv[3], 't') != NULL;
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + 0x51ed;
	areas[0].base = WIN;
	areas[0].npages = WIN_PAGES;
	brk0 = (uintptr_t)sys(SYS_brk, 0, 0, 0, 0, 0, 0);
	areas[1].base = (brk0 + PAGE - 1) & ~(PAGE - 1);
	unsigned wsum = 0;
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		wsum += ops[k].weight;
	long done = 0;
	for (; done < nops; done++) {
		unsigned w = below(wsum);
		size_t k = 0;
		while (w >= ops[k].weight)
			w -= ops[k++].weight;
		if ((ops[k].op == op_madvise && no_madvise) || (ops[k].op == op_brk && no_brk))
			continue;
		if (trace) {
			say("op %ld: %d\n", done, (int)k);
			flush();
		}
		ops[k].op();
	}
	say("memfuzz: %ld ops, %ld mismatches\n", done, mismatches);
	flush();
	return mismatches ? 1 : 0;
}
