/*
 * glue_vmos.h - the allocator's OS glue inside vmos (see malloc_glue.h).
 *
 * Only the standard declarations of the vmos user library are used:
 * sbrk (unistd.h), mmap/munmap (sys/mman.h), write and _exit (unistd.h).
 * Programs in vmos are single-threaded, so the lock is empty.
 *
 * VMOS_MALLOC is read with getenv (the user library's, over the environ
 * its start-up code records); a program can also call malloc_set_policy().
 */
#ifndef GLUE_VMOS_H
#define GLUE_VMOS_H

#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#if defined(__has_include)
#if __has_include(<errno.h>)
#include <errno.h>
#endif
#endif

static inline void *glue_sbrk(intptr_t inc)
{
	return sbrk(inc);
}

static inline void *glue_mmap(size_t len)
{
	void *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? GLUE_FAIL : p;
}

static inline void glue_munmap(void *p, size_t len)
{
	munmap(p, len);
}

static inline void glue_write_err(const char *s, size_t n)
{
	while (n > 0) {
		long w = write(2, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* 134 = 128 + SIGABRT: what a shell reports for an aborted program */
static inline void glue_die(void)
{
	_exit(134);
}

static inline int glue_lock(void) { return 0; }
static inline void glue_unlock(int taken) { (void)taken; }

static inline const char *glue_env_policy(void)
{
	return getenv("VMOS_MALLOC");
}

static inline uint64_t glue_entropy(void)
{
	uint64_t x = (uint64_t)(uintptr_t)&x;	/* the stack address */
	return x * 0x9e3779b97f4a7c15ull;
}

#define GLUE_DEFINITIONS static void glue_init(void) {}

#endif
