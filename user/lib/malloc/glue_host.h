/*
 * glue_host.h - the allocator's OS glue on a Linux host (see malloc_glue.h).
 *
 * Two breaks:
 *   - default: the process break itself (sbrk), as the LD_PRELOAD library
 *     must use, being the only malloc of the process;
 *   - MALLOC_SIM_BRK: a break simulated inside one PROT_NONE reservation.
 *     The prefixed test/benchmark archive lives in the same process as glibc
 *     malloc, which owns the real break; the simulated one behaves like brk
 *     (contiguous, grows and shrinks, shrunk pages come back zeroed).
 *
 * The lock is taken only once the process has more than one thread
 * (glibc's __libc_single_threaded), so single-threaded programs pay nothing.
 */
#ifndef GLUE_HOST_H
#define GLUE_HOST_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sched.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

extern char __libc_single_threaded;

static inline void *glue_mmap(size_t len)
{
	void *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? GLUE_FAIL : p;
}

static inline void glue_munmap(void *p, size_t len)
{
	munmap(p, len);
}

#ifndef GLUE_SIM_BRK_COST
#define GLUE_SIM_BRK_COST() ((void)syscall(SYS_brk, 0))
#endif
#ifdef MALLOC_SIM_BRK
void *glue_sim_sbrk(intptr_t inc);
static inline void *glue_sbrk(intptr_t inc) { return glue_sim_sbrk(inc); }
/*
 * The simulated break: 64 GiB of address space reserved once, readable and
 * writable but never committed (MAP_NORESERVE), so that, as with brk(2),
 * moving the break up only moves a pointer and pages are faulted in on
 * first touch.  Moving it down frees the pages past the new break
 * (madvise MADV_DONTNEED: they read back as zeros, as brk gives them), as
 * the kernel frees them when the break shrinks.  Each call that moves the
 * break costs one system call, as a real brk does (a brk(0) query: same
 * entry and exit, no change); queries (inc 0) cost none (glibc caches its
 * break too).  Only the allocator's own accounting says where the break is,
 * so pages past it are not protected (a real break's are unmapped).
 */
#define GLUE_SIM_BRK_IMPL                                                  \
	static char *sim_base, *sim_brk;                                    \
	static const size_t sim_size = (size_t)64 << 30;                    \
	void *glue_sim_sbrk(intptr_t inc)                                   \
	{                                                                   \
		if (!sim_base) {                                            \
			void *p = mmap(0, sim_size, PROT_READ | PROT_WRITE,  \
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, \
				-1, 0);                                     \
			if (p == MAP_FAILED)                                \
				return GLUE_FAIL;                           \
			sim_base = sim_brk = p;                             \
		}                                                           \
		char *old = sim_brk;                                        \
		if (inc > 0 && (size_t)inc > sim_size - (size_t)(old - sim_base)) { \
			errno = ENOMEM;                                     \
			return GLUE_FAIL;                                   \
		}                                                           \
		if (inc < 0 && (size_t)-inc > (size_t)(old - sim_base))     \
			return GLUE_FAIL;                                   \
		if (!inc)                                                   \
			return old;                                         \
		uintptr_t pg = GLUE_PAGE - 1;                               \
		uintptr_t lo = ((uintptr_t)old + pg) & ~pg;                 \
		uintptr_t hi = ((uintptr_t)old + inc + pg) & ~pg;           \
		if (inc < 0 && lo > hi)                                     \
			madvise((void *)hi, lo - hi, MADV_DONTNEED);        \
		else                                                        \
			GLUE_SIM_BRK_COST();                                \
		sim_brk = old + inc;                                        \
		return old;                                                 \
	}
#else
static inline void *glue_sbrk(intptr_t inc)
{
	return sbrk(inc);
}
#define GLUE_SIM_BRK_IMPL
#endif

/* Definitions the glue needs once per program (expanded by malloc_core.c). */
#define GLUE_DEFINITIONS                                                    \
	GLUE_SIM_BRK_IMPL                                                   \
	int glue_lock_word;                                                 \
	static void glue_fork_prepare(void) { glue_lock(); }                \
	static void glue_fork_parent(void) { glue_unlock(1); }              \
	static void glue_fork_child(void) { glue_lock_word = 0; }           \
	/* called once after the allocator is usable (atfork may malloc) */ \
	static void glue_init(void)                                         \
	{                                                                   \
		pthread_atfork(glue_fork_prepare, glue_fork_parent,         \
			       glue_fork_child);                            \
	}

static inline void glue_write_err(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(2, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static inline void glue_die(void)
{
	abort();
}

extern int glue_lock_word;
/* Waits for the lock and takes it; out of line, so that the callers'
 * uncontended paths make no call (and save no registers for one). */
static __attribute__((noinline, cold)) void glue_lock_wait(void)
{
	while (__atomic_exchange_n(&glue_lock_word, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&glue_lock_word, __ATOMIC_RELAXED))
			sched_yield();
}

/* Returns 1 if the lock was taken (pass it to glue_unlock). */
static inline int glue_lock(void)
{
	if (__libc_single_threaded)
		return 0;
	if (__atomic_exchange_n(&glue_lock_word, 1, __ATOMIC_ACQUIRE))
		glue_lock_wait();
	return 1;
}

static inline void glue_unlock(int taken)
{
	if (taken)
		__atomic_store_n(&glue_lock_word, 0, __ATOMIC_RELEASE);
}

static inline const char *glue_env_policy(void)
{
	return getenv("VMOS_MALLOC");
}

static inline uint64_t glue_entropy(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() << 32 ^
	       (uint64_t)(uintptr_t)&ts;
}

#endif
