/*
 * iso_prot_elf - ELF segments with unusual flags, loaded by exec: a
 * write-only (W) segment, a write+execute (W|X) one, an execute-only (X)
 * one and one with no flags at all.  Linked with user/bin/tests/iso_prot_elf.ld
 * (mk/prot.mk), whose PHDRS give each its own PT_LOAD:
 *   wonly  W    .wonly (a page and 256 bytes of data) + .bss.wonly (2 pages)
 *   wx     W X  wx_func, wx_data + .bss.wx
 *   xonly  X    x_func
 *   none   -    none_data
 * Linux/riscv64 maps W as RW and W|X as RWX (W without R cannot be encoded
 * in a PTE), X as execute-only and no flags as PROT_NONE.  Before vmos
 * fixed its encoding, the first load of a W or W|X page that was not yet
 * written (a bss page, or any page after fork) faulted forever.
 *
 * Usage: iso_prot_elf [user|kernel|exec-only]
 *   user       the program's loads, stores and calls (the default; the same
 *              under qemu-riscv64)
 *   kernel     system calls reading and writing the W segment (qemu-user
 *              refuses those: in its page flags write does not imply read)
 *   exec-only  loads from the X segment (qemu-user maps it readable)
 * Each case runs in a child of its own, plain and then again after writing
 * 64 other pages (in little memory that swaps the segment's pages out);
 * its outcome comes from the wait status.  Prints "ok CASE: OUTCOME" or
 * "FAIL CASE: got X, want Y", then a count; exit status 0 if all passed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

__attribute__((section(".wonly"), aligned(4096)))
unsigned char w_data[PAGE + 256] = { [0] = 0x11, [PAGE] = 0x12, [PAGE + 255] = 0x13 };
__attribute__((section(".bss.wonly"), aligned(4096))) unsigned char w_bss[2 * PAGE];

__attribute__((section(".wx.text"), noinline)) int wx_func(int x) { return x * 3 + 1; }
__attribute__((section(".wx.data"))) unsigned char wx_data[256] = { 0x21, 0x22 };
__attribute__((section(".bss.wx"), aligned(4096))) unsigned char wx_bss[PAGE];

__attribute__((section(".xonly.text"), noinline)) int x_func(int x) { return x + 7; }

__attribute__((section(".none"), aligned(4096))) unsigned char none_data[64] = { 0x31 };

#define SIGSEGV_OUT (128 + 11)
#define EFAULT_OUT 14

static unsigned char *churn;
static int do_churn;

static int load(volatile unsigned char *p, int want) { return *p == want ? 0 : 20; }
static int store(volatile unsigned char *p) { *p = 0x77; return *p == 0x77 ? 0 : 21; }

/* Forks a child that runs fn; the parent's page at p must keep `want`
 * (the child's stores stay in the child).  Returns the child's outcome. */
static int in_child(int (*fn)(void), volatile unsigned char *p, int want)
{
	pid_t c = fork();
	if (c == 0)
		_exit(fn());
	int st;
	if (c < 0 || waitpid(c, &st, 0) != c)
		return 40;
	if (*p != want)
		return 41;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* ---- the cases ---- */
static int w_load_first(void) { return load(w_data, 0x11); }
static int w_load_partial(void) { return load(w_data + PAGE, 0x12) | load(w_data + PAGE + 255, 0x13); }
static int w_load_tail(void) { return load(w_data + PAGE + 256, 0); }	/* bss in the last file page */
static int w_load_bss(void) { return load(w_bss + PAGE, 0); }
static int w_store_load(void) { return store(w_data + 5) | store(w_bss + 7) | load(w_data, 0x11); }
static int w_bss_load_store(void) { return load(w_bss, 0) | store(w_bss) | load(w_bss + 1, 0); }
static int w_fetch(void) { ((void (*)(void))(void *)w_data)(); return 0; }
static int w_child_store(void) { return store(w_data) | store(w_bss); }
static int w_fork_store(void) { return in_child(w_child_store, w_data, 0x11); }
static int w_fork_load(void) { return in_child(w_load_first, w_data, 0x11); }
static int w_fork_bss(void) { return in_child(w_bss_load_store, w_bss, 0); }
static int w_parent_after_fork(void)
{
	int r = in_child(w_load_first, w_data, 0x11);
	return r | load(w_bss, 0) | store(w_data) | store(w_bss);
}
static int wx_call(void) { return wx_func(5) == 16 ? 0 : 22; }
static int wx_load(void) { return load(wx_data, 0x21) | load(wx_bss, 0); }
static int wx_store(void) { return store(wx_data + 1) | store(wx_bss) | (wx_func(1) == 4 ? 0 : 23); }
static int wx_fork_call(void) { return in_child(wx_call, wx_data, 0x21); }
static int wx_fork_store(void) { return in_child(wx_store, wx_data + 1, 0x22); }
static int x_call(void) { return x_func(1) == 8 ? 0 : 24; }
static int x_store(void) { return store((volatile unsigned char *)(void *)x_func); }
static int x_fork_call(void) { return in_child(x_call, wx_data, 0x21); }
static int x_load(void) { return *(volatile unsigned char *)(void *)x_func == 0 ? 25 : 0; }
static int none_load(void) { return load(none_data, 0x31); }
static int none_store(void) { return store(none_data); }
static int none_call(void) { ((void (*)(void))(void *)none_data)(); return 0; }

/* the kernel reads (writev's iovec) and writes (clock_gettime) the W segment */
static int k_read(void)
{
	long r = syscall(SYS_writev, 1, w_bss + 64, 1);	/* a zero iovec: writes nothing */
	return r == 0 ? 0 : r < 0 && errno == EFAULT ? EFAULT_OUT : 26;
}
static int k_write(void)
{
	if (clock_gettime(CLOCK_MONOTONIC, (struct timespec *)(void *)(w_bss + 128)) != 0)
		return errno == EFAULT ? EFAULT_OUT : 27;
	return w_bss[128] | w_bss[129] | w_bss[130] | w_bss[136] ? 0 : 28;
}
static int k_fork_write(void) { return in_child(k_write, w_bss + 128, 0); }
static int k_read_x(void)
{
	/* a zero iovec in the padding at the end of x_func's page */
	void *iov = (void *)(((unsigned long)(void *)x_func & ~(PAGE - 1)) + PAGE - 16);
	long r = syscall(SYS_writev, 1, iov, 1);
	return r == 0 ? 0 : r < 0 && errno == EFAULT ? EFAULT_OUT : 29;
}

struct test {
	const char *mode, *name;
	int (*fn)(void);
	int want;
};
static const struct test tests[] = {
	{ "user", "W: first load of a data page", w_load_first, 0 },
	{ "user", "W: load of the last file page", w_load_partial, 0 },
	{ "user", "W: load of the bss tail of that page", w_load_tail, 0 },
	{ "user", "W: load of a bss page", w_load_bss, 0 },
	{ "user", "W: store, then load", w_store_load, 0 },
	{ "user", "W: bss load, store, load", w_bss_load_store, 0 },
	{ "user", "W: call into it", w_fetch, SIGSEGV_OUT },
	{ "user", "W: load in a child after fork", w_fork_load, 0 },
	{ "user", "W: stores in a child after fork", w_fork_store, 0 },
	{ "user", "W: bss in a child after fork", w_fork_bss, 0 },
	{ "user", "W: the parent after fork", w_parent_after_fork, 0 },
	{ "user", "WX: call", wx_call, 0 },
	{ "user", "WX: load data and bss", wx_load, 0 },
	{ "user", "WX: store data and bss", wx_store, 0 },
	{ "user", "WX: call in a child after fork", wx_fork_call, 0 },
	{ "user", "WX: stores in a child after fork", wx_fork_store, 0 },
	{ "user", "X: call", x_call, 0 },
	{ "user", "X: store", x_store, SIGSEGV_OUT },
	{ "user", "X: call in a child after fork", x_fork_call, 0 },
	{ "user", "none: load", none_load, SIGSEGV_OUT },
	{ "user", "none: store", none_store, SIGSEGV_OUT },
	{ "user", "none: call", none_call, SIGSEGV_OUT },
	{ "kernel", "W: the kernel reads it", k_read, 0 },
	{ "kernel", "W: the kernel writes it", k_write, 0 },
	{ "kernel", "W: the kernel writes it in a child after fork", k_fork_write, 0 },
	{ "exec-only", "X: load", x_load, SIGSEGV_OUT },
	{ "exec-only", "X: the kernel reads it", k_read_x, EFAULT_OUT },
};

static const char *outcome(int o, char *buf)
{
	if (o == 0)
		return "allowed";
	if (o == SIGSEGV_OUT)
		return "SIGSEGV";
	if (o == EFAULT_OUT)
		return "EFAULT";
	sprintf(buf, "status %d", o);
	return buf;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "user";
	if (strcmp(mode, "user") && strcmp(mode, "kernel") && strcmp(mode, "exec-only")) {
		printf("usage: iso_prot_elf [user|kernel|exec-only]\n");
		return 2;
	}
	churn = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (churn == MAP_FAILED)
		return 3;
	int n = 0, failed = 0;
	for (do_churn = 0; do_churn < 2; do_churn++)
		for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
			const struct test *t = &tests[i];
			if (strcmp(t->mode, mode))
				continue;
			fflush(stdout);
			pid_t pid = fork();
			if (pid == 0) {
				for (unsigned long j = 0; do_churn && j < 64; j++)
					churn[j * PAGE] = (unsigned char)j;
				_exit(t->fn());
			}
			int st;
			if (pid < 0 || waitpid(pid, &st, 0) != pid) {
				printf("FAIL fork/wait: errno %d\n", errno);
				return 1;
			}
			int got = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
			char b1[24], b2[24];
			n++;
			if (got == t->want) {
				printf("ok %s%s: %s\n", t->name, do_churn ? " (churned)" : "", outcome(got, b1));
			} else {
				failed++;
				printf("FAIL %s%s: got %s, want %s\n", t->name, do_churn ? " (churned)" : "",
				       outcome(got, b1), outcome(t->want, b2));
			}
		}
	printf("iso_prot_elf: %d cases, %d failed\n", n, failed);
	return failed ? 1 : 0;
}
