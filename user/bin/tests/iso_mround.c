/*
 * iso_mround - mmap, munmap, mprotect and madvise with lengths that are not
 * a multiple of the page size: the range covers every page the length
 * touches, and not one more.  A rounding one page short (len / 4096 pages)
 * or one page long ((len + 4096) & ~4095) fails here.
 *
 * Usage: iso_mround [common|linux]
 *   common  the cases qemu-riscv64 answers as Linux does (the default)
 *   linux   madvise(MADV_DONTNEED) over a partial page, and mmap without
 *           MAP_FIXED into a hole just big enough (where a kernel places
 *           a mapping, qemu-user places it elsewhere; qemu ignores madvise)
 *
 * Every test works inside a reservation R of 8 pages mapped PROT_NONE, so
 * the pages around a range are known: each case first maps R with MAP_FIXED
 * as it needs it, then probes single bytes, each probe in a child of its
 * own whose wait status says whether the access was allowed or SIGSEGV.
 * Prints "ok CASE: PROBE = OUTCOME" or "FAIL ...: got X, want Y", then a
 * count; exit status 0 if all are as expected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define NPAGES 8
#define OK 0
#define SEGV (128 + 11)

static unsigned char *R;
static int total, failed;
static const char *cur;          /* the case being checked */

enum { LOAD, STORE };

/* Runs one access of R[off] in a child; its outcome (OK or SEGV). */
static int probe(unsigned long off, int kind)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		volatile unsigned char *v = R + off;
		if (kind == STORE)
			*v = 1;
		else
			(void)*v;
		_exit(0);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void expect_probe(unsigned long off, int kind, int want)
{
	int got = probe(off, kind);
	total++;
	const char *k = kind == STORE ? "store" : "load";
	if (got == want) {
		printf("ok %s: %s at page %lu + %lu = %s\n", cur, k, off / PAGE, off % PAGE,
		       got == OK ? "allowed" : "SIGSEGV");
	} else {
		failed++;
		printf("FAIL %s: %s at page %lu + %lu = status %d, want %s\n", cur, k, off / PAGE,
		       off % PAGE, got, want == OK ? "allowed" : "SIGSEGV");
	}
}

static void expect_rc(const char *what, long got, long want)
{
	total++;
	if (got == want) {
		printf("ok %s = %ld\n", what, got);
	} else {
		failed++;
		printf("FAIL %s = %ld, want %ld\n", what, got, want);
	}
}

/* The result of a call returning -1/errno, as 0 or -errno. */
static long rc(int r) { return r == -1 ? -errno : r; }

/* R back to 8 PROT_NONE pages, then [first, first + n) pages RW with a
 * marker byte at each page start. */
static void reset(unsigned first, unsigned n)
{
	if (mmap(R, NPAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != R ||
	    (n && mmap(R + first * PAGE, n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != R + first * PAGE)) {
		printf("FAIL reset: errno %d\n", errno);
		failed++;
		return;
	}
	for (unsigned i = first; i < first + n; i++)
		R[i * PAGE] = (unsigned char)(i + 1);
}

/* mmap(R, len, RW, MAP_FIXED) over the PROT_NONE reservation: exactly
 * ceil(len / 4096) pages become RW. */
static void mmap_len(unsigned long len, unsigned pages)
{
	static char name[64];
	reset(0, 0);
	snprintf(name, sizeof name, "mmap(R, %lu, RW, MAP_FIXED)", len);
	cur = name;
	void *p = mmap(R, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect_rc(name, p == R ? 0 : p == MAP_FAILED ? -errno : 1, 0);
	expect_probe(0, STORE, OK);
	expect_probe(len - 1, STORE, OK);
	expect_probe(pages * PAGE - 1, STORE, OK);	/* the last page to its end */
	expect_probe(pages * PAGE, LOAD, SEGV);	/* the next page stayed PROT_NONE */
}

static void common(void)
{
	mmap_len(1, 1);
	mmap_len(4095, 1);
	mmap_len(4096, 1);
	mmap_len(4097, 2);
	mmap_len(8191, 2);
	mmap_len(8192, 2);
	mmap_len(3 * PAGE + 1, 4);

	/* munmap(addr, 1): the whole page, and only it */
	reset(0, 4);
	cur = "munmap(R + 1 page, 1)";
	expect_rc(cur, rc(munmap(R + PAGE, 1)), 0);
	expect_probe(PAGE - 1, STORE, OK);
	expect_probe(PAGE, LOAD, SEGV);
	expect_probe(2 * PAGE - 1, LOAD, SEGV);
	expect_probe(2 * PAGE, STORE, OK);
	expect_rc("mprotect(R + 1 page, 1, R) on the hole", rc(mprotect(R + PAGE, 1, PROT_READ)), -ENOMEM);

	/* munmap(addr, 4097): two pages */
	reset(0, 5);
	cur = "munmap(R + 1 page, 4097)";
	expect_rc(cur, rc(munmap(R + PAGE, 4097)), 0);
	expect_probe(PAGE - 1, STORE, OK);
	expect_probe(PAGE, LOAD, SEGV);
	expect_probe(3 * PAGE - 1, LOAD, SEGV);
	expect_probe(3 * PAGE, STORE, OK);
	expect_rc("mprotect(R + 3 pages, 4096, RW) after it", rc(mprotect(R + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE)), 0);
	expect_rc("mprotect(R + 2 pages, 4096, RW) in the hole", rc(mprotect(R + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE)), -ENOMEM);

	/* munmap(addr, 8192): two pages, not three */
	reset(0, 4);
	cur = "munmap(R, 8192)";
	expect_rc(cur, rc(munmap(R, 2 * PAGE)), 0);
	expect_probe(2 * PAGE - 1, LOAD, SEGV);
	expect_probe(2 * PAGE, STORE, OK);

	/* mprotect(addr, 4097): exactly two pages */
	reset(0, 4);
	cur = "mprotect(R, 4097, R)";
	expect_rc(cur, rc(mprotect(R, 4097, PROT_READ)), 0);
	expect_probe(0, STORE, SEGV);
	expect_probe(2 * PAGE - 1, STORE, SEGV);
	expect_probe(2 * PAGE - 1, LOAD, OK);
	expect_probe(2 * PAGE, STORE, OK);

	/* mprotect(addr, 1): one page */
	reset(0, 3);
	cur = "mprotect(R + 1 page, 1, NONE)";
	expect_rc(cur, rc(mprotect(R + PAGE, 1, PROT_NONE)), 0);
	expect_probe(PAGE - 1, STORE, OK);
	expect_probe(PAGE, LOAD, SEGV);
	expect_probe(2 * PAGE - 1, LOAD, SEGV);
	expect_probe(2 * PAGE, STORE, OK);

	/* mprotect(addr, 8192): two pages, not three */
	reset(0, 4);
	cur = "mprotect(R, 8192, R)";
	expect_rc(cur, rc(mprotect(R, 2 * PAGE, PROT_READ)), 0);
	expect_probe(2 * PAGE - 1, STORE, SEGV);
	expect_probe(2 * PAGE, STORE, OK);

	/* unaligned addresses */
	reset(0, 4);
	expect_rc("munmap(R + 1, 4096)", rc(munmap(R + 1, PAGE)), -EINVAL);
	expect_rc("munmap(R + 4095, 1)", rc(munmap(R + PAGE - 1, 1)), -EINVAL);
	expect_rc("mprotect(R + 1, 4096, R)", rc(mprotect(R + 1, PAGE, PROT_READ)), -EINVAL);
	expect_rc("mprotect(R + 4095, 1, R)", rc(mprotect(R + PAGE - 1, 1, PROT_READ)), -EINVAL);
	void *m = mmap(R + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	expect_rc("mmap(R + 1, 4096, MAP_FIXED)", m == MAP_FAILED ? -errno : 0, -EINVAL);
	cur = "after the refused calls";
	expect_probe(0, STORE, OK);
	expect_probe(4 * PAGE - 1, STORE, OK);
	expect_rc("page 3 kept its marker", R[3 * PAGE], 4);
}

static void linux_only(void)
{
	/* madvise(DONTNEED) over 4097 bytes drops two pages */
	reset(0, 4);
	cur = "madvise(R, 4097, DONTNEED)";
	expect_rc(cur, rc(madvise(R, 4097, MADV_DONTNEED)), 0);
	expect_rc("page 0 reads back zero", R[0], 0);
	expect_rc("page 1 reads back zero", R[PAGE], 0);
	expect_rc("page 2 kept its marker", R[2 * PAGE], 3);
	expect_rc("madvise(R + 1, 4096, DONTNEED)", rc(madvise(R + 1, PAGE, MADV_DONTNEED)), -EINVAL);
	reset(0, 4);
	cur = "madvise(R, 8192, DONTNEED)";
	expect_rc(cur, rc(madvise(R, 2 * PAGE, MADV_DONTNEED)), 0);
	expect_rc("page 1 reads back zero", R[PAGE], 0);
	expect_rc("page 2 kept its marker", R[2 * PAGE], 3);

	/* mmap(NULL, 4097) into a hole of exactly two pages below PROT_NONE
	 * pages: a kernel that allocates top-down puts it there; one page
	 * short and it lands a page higher, one page long and it does not fit */
	reset(0, 0);
	munmap(R, 2 * PAGE);
	cur = "mmap(NULL, 4097) into a 2-page hole";
	unsigned char *p = mmap(NULL, 4097, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_rc("mmap(NULL, 4097) lands at R", p == R ? 0 : 1, 0);
	expect_probe(2 * PAGE - 1, STORE, OK);
	expect_probe(2 * PAGE, LOAD, SEGV);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "common";
	if (strcmp(mode, "common") && strcmp(mode, "linux")) {
		printf("usage: iso_mround [common|linux]\n");
		return 2;
	}
	R = mmap(NULL, NPAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (R == MAP_FAILED)
		return 3;
	if (!strcmp(mode, "common"))
		common();
	else
		linux_only();
	printf("iso_mround: %d checks, %d failed\n", total, failed);
	return failed ? 1 : 0;
}
