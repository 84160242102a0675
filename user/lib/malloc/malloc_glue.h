/*
 * malloc_glue.h - the only door from the allocator to the operating system
 * (the musl mallocng glue.h idea): the allocator sources include this file
 * and nothing else from the platform, so the same source builds
 *
 *   - inside vmos (riscv64, freestanding, user/include headers): glue_vmos.h
 *   - on the host (Linux, glibc): glue_host.h, either over the real break
 *     (the LD_PRELOAD library) or over a simulated break in a private
 *     reservation (MALLOC_SIM_BRK: the prefixed archive used by tests and
 *     benchmarks, so it never fights glibc malloc for the real break).
 *
 * Every glue provides:
 *   void *glue_sbrk(intptr_t inc)    old break, or GLUE_FAIL on failure
 *   void *glue_mmap(size_t len)      fresh zeroed RW pages, or GLUE_FAIL
 *   void  glue_munmap(void *, size_t)
 *   void  glue_write_err(const char *, size_t)   write to standard error
 *   void  glue_die(void)             abnormal termination (never returns)
 *   void  glue_lock(void) / glue_unlock(void)    the allocator's lock
 *   const char *glue_env_policy(void)  VMOS_MALLOC's value, or 0
 *   uint64_t glue_entropy(void)      a value that differs between runs
 *   GLUE_PAGE                        the page size
 */
#ifndef MALLOC_GLUE_H
#define MALLOC_GLUE_H

#include <stddef.h>
#include <stdint.h>

#define GLUE_FAIL ((void *)-1)
#define GLUE_PAGE 4096u

#if defined(VMOS_USER) || (defined(__riscv) && !defined(__linux__))
#include "glue_vmos.h"
#else
#include "glue_host.h"
#endif

#endif
