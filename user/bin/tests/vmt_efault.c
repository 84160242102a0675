/*
 * vmt_efault - every system call that takes a user pointer refuses a bad one
 * with EFAULT and does not crash the process (Linux semantics; the same
 * results under qemu-riscv64): a kernel address (the direct map of RAM in
 * the upper half), an unmapped user address, and - for calls that write to
 * memory - a read-only address (rodata).  Afterwards the process still runs
 * and its memory is intact.
 * (nanosleep is left out: qemu-riscv64 7.2 ignores a bad request pointer
 * and sleeps, where Linux returns EFAULT.)
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define KADDR   0xffffffc080000000UL    /* RAM through the kernel's direct map (Sv39) */
#define KADDR2  0xffffffffffff0000UL    /* the top page of the address space */
#define UNMAPPED 0x0000003000000000UL   /* far from every mapping */
#define SYS_getrandom_ 278

static const char rodata[64] = "read-only data that no system call may overwrite";

static int efault(const char *what, long rc)
{
	char buf[96];
	int e = errno;
	snprintf(buf, sizeof buf, "%s -> EFAULT", what);
	errno = 0;
	return check_true(buf, rc == -1 && e == EFAULT);
}

struct iov { const void *base; size_t len; };

int main(void)
{
	const unsigned long bad[] = { KADDR, KADDR2, UNMAPPED, 8 };
	const char *names[] = { "kernel", "top page", "unmapped", "null page" };
	char msg[80];

	for (int i = 0; i < 4; i++) {
		void *p = (void *)bad[i];
		struct iov *piv = p;

		snprintf(msg, sizeof msg, "write(%s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_write, 1, p, 4));
		snprintf(msg, sizeof msg, "writev(iovec array at %s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_writev, 1, piv, 1));
		snprintf(msg, sizeof msg, "clock_gettime(%s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p));
		snprintf(msg, sizeof msg, "uname(%s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_uname, p));
		snprintf(msg, sizeof msg, "getrandom(%s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_getrandom_, p, 16, 0));
		snprintf(msg, sizeof msg, "execve(path at %s)", names[i]);
		errno = 0; efault(msg, syscall(SYS_execve, p, 0, 0));
	}

	/* writes into read-only memory */
	errno = 0; efault("clock_gettime(rodata)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, rodata));
	errno = 0; efault("uname(rodata)", syscall(SYS_uname, rodata));
	errno = 0; efault("getrandom(rodata)", syscall(SYS_getrandom_, rodata, 16, 0));
	/* ... and into text */
	errno = 0; efault("getrandom(text)", syscall(SYS_getrandom_, (void *)main, 8, 0));

	/* a buffer that starts mapped and runs into an unmapped page */
	char *two = mmap(0, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap two pages", two != MAP_FAILED);
	check_true("munmap the second", munmap(two + 4096, 4096) == 0);
	errno = 0; efault("clock_gettime(struct across into a hole)",
			  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, two + 4096 - 8));
	/* a PROT_NONE page is not accessible to the kernel either */
	check_true("mprotect PROT_NONE", mprotect(two, 4096, PROT_NONE) == 0);
	errno = 0; efault("write(PROT_NONE page)", syscall(SYS_write, 1, two, 4));
	errno = 0; efault("uname(PROT_NONE page)", syscall(SYS_uname, two));
	/* read-only anonymous memory */
	check_true("mprotect PROT_READ", mprotect(two, 4096, PROT_READ) == 0);
	errno = 0; efault("getrandom(PROT_READ page)", syscall(SYS_getrandom_, two, 16, 0));
	errno = 0; efault("clock_gettime(PROT_READ page)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, two));
	check_true("writing from a PROT_READ page works",
		   syscall(SYS_write, 1, "", 0) == 0 && syscall(SYS_write, 1, two, 0) == 0);

	check_str("rodata intact", rodata, "read-only data that no system call may overwrite");
	struct timespec ts;
	check_true("good pointers still work", clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return check_done("vmt_efault");
}
