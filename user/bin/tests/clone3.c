/*
 * clone3 - threads from the raw system calls, with vmos's own libc (no
 * pthreads): clone3 with struct clone_args and a few lines of assembly for
 * the new thread's first steps, then futex to join it - the tid words the
 * kernel writes (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID) and clears at the
 * thread's exit (CLONE_CHILD_CLEARTID, with a futex wake), memory shared
 * both ways, getpid against gettid, and clone3's argument checks (EINVAL,
 * E2BIG).  qemu-riscv64 7.2 has no clone3 (ENOSYS): vmos is compared with
 * Linux's semantics (tests/user/expected/clone3.noqemu).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID   0x01000000
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/* clone3(args, size); in the new thread, fn(arg) on its own stack, then
 * exit(0) - the thread never comes back into this function's frame. */
static long clone3_run(struct clone_args *args, size_t size, void (*fn)(void *), void *arg)
{
	register long a0 __asm__("a0") = (long)args;
	register long a1 __asm__("a1") = (long)size;
	register long a2 __asm__("a2") = (long)fn;
	register long a3 __asm__("a3") = (long)arg;
	register long a7 __asm__("a7") = SYS_clone3;
	__asm__ volatile("ecall\n\t"
			 "bnez a0, 1f\n\t"
			 "mv a0, a3\n\t"
			 "jalr a2\n\t"
			 "li a0, 0\n\t"
			 "li a7, 93\n\t"        /* exit: this thread only */
			 "ecall\n"
			 "1:"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a7)
			 : "memory");
	return a0;
}

static volatile int32_t parent_tid, child_tid;
static volatile int shared_value;
static volatile long seen_tid, seen_pid;
static unsigned char stack[64 * 1024] __attribute__((aligned(16)));

static void thread_fn(void *arg)
{
	seen_tid = syscall(SYS_gettid);
	seen_pid = getpid();
	shared_value += (int)(long)arg;      /* the parent sees it: one address space */
}

int main(void)
{
	struct clone_args a;
	memset(&a, 0, sizeof a);
	a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		  CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
	a.parent_tid = (uint64_t)(uintptr_t)&parent_tid;
	a.child_tid = (uint64_t)(uintptr_t)&child_tid;
	a.stack = (uint64_t)(uintptr_t)stack;
	a.stack_size = sizeof stack;
	shared_value = 5;
	long tid = clone3_run(&a, sizeof a, thread_fn, (void *)37L);
	check_true("clone3 made a thread (tid > 0)", tid > 0);
	check_true("the tid differs from the pid", tid != getpid());
	check_true("CLONE_PARENT_SETTID wrote the tid", parent_tid == tid);
	/* join: wait while the tid word still holds the tid */
	int32_t t;
	while ((t = child_tid) != 0)
		syscall(SYS_futex, &child_tid, FUTEX_WAIT, t, 0, 0, 0);
	check_true("CLONE_CHILD_CLEARTID cleared the tid word at the thread's exit", child_tid == 0);
	check_u64("the thread's write, seen by the parent", (uint64_t)shared_value, 42);
	check_true("gettid in the thread was its tid", seen_tid == tid);
	check_true("getpid in the thread was the process's", seen_pid == getpid());

	/* the checks */
	errno = 0;
	check_u64("size 32: EINVAL", (uint64_t)(syscall(SYS_clone3, &a, 32) == -1 ? errno : 0), EINVAL);
	check_u64("size 4097: E2BIG", (uint64_t)(syscall(SYS_clone3, &a, 4097) == -1 ? errno : 0), E2BIG);
	unsigned char big[128];
	memset(big, 0, sizeof big);
	memcpy(big, &a, sizeof a);
	big[100] = 1;
	check_u64("a non-zero byte past the known fields: E2BIG",
		  (uint64_t)(syscall(SYS_clone3, big, sizeof big) == -1 ? errno : 0), E2BIG);
	struct clone_args b = a;
	b.stack_size = 0;
	check_u64("a stack without a size: EINVAL", (uint64_t)(syscall(SYS_clone3, &b, sizeof b) == -1 ? errno : 0), EINVAL);
	b = a;
	b.exit_signal = 17;
	check_u64("CLONE_THREAD with an exit signal: EINVAL",
		  (uint64_t)(syscall(SYS_clone3, &b, sizeof b) == -1 ? errno : 0), EINVAL);
	b = a;
	b.flags = CLONE_THREAD | CLONE_VM;
	check_u64("CLONE_THREAD without CLONE_SIGHAND: EINVAL",
		  (uint64_t)(syscall(SYS_clone3, &b, sizeof b) == -1 ? errno : 0), EINVAL);
	b = a;
	b.exit_signal = 65;
	b.flags = 0;
	check_u64("exit signal 65: EINVAL", (uint64_t)(syscall(SYS_clone3, &b, sizeof b) == -1 ? errno : 0), EINVAL);
	check_u64("bad pointer: EFAULT", (uint64_t)(syscall(SYS_clone3, (void *)8, sizeof a) == -1 ? errno : 0), EFAULT);
	return check_done("clone3");
}
