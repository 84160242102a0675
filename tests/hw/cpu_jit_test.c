/*
 * cpu_jit_test.c - the JIT engine (cpu_jit.c) against the interpreter: every
 * test of cpu_fast_test.c (random RV64GC programs in random time slices
 * with faults, self-modifying stores, kernel rewrites of code and cache
 * flushes; stores into the running block; code rewritten or remapped
 * between runs; slices ending inside blocks; instructions across pages;
 * a full code cache), run with the JIT as the engine under test, plus the
 * random programs again with the smallest code cache, so that it fills
 * and is emptied (links and all) many times in the middle of runs.
 */
#define UNDER_TEST CPU_ENGINE_JIT
/* without a JIT (not x86-64 Linux, or -DVMOS_NO_JIT) "jit" is the fast engine */
#define ENGINE_FLUSH() (cpu_jit_available() ? cpu_jit_flush() : cpu_fast_flush())
#define ENGINE_FLUSHES() (cpu_jit_available() ? cpu_jit_stats().flushes : cpu_fast_flushes())
#define ENGINE_SMALL_CACHE() CHECK_EQ(cpu_jit_set_cache_size(JIT_MIN_CACHE), 0)
#include "cpu_fast_test.c"

TEST(random_programs_with_a_tiny_code_cache)
{
	if (!cpu_jit_available())
		return;      /* not an x86-64 host: the JIT is the fast engine */
	REQUIRE(cpu_jit_set_cache_size(JIT_MIN_CACHE) == 0);
	uint64_t before = cpu_jit_stats().flushes;
	test_random_programs_match_the_interpreter();
	CHECK(cpu_jit_stats().flushes > before + 100);
	CHECK(cpu_jit_stats().cache_bytes == JIT_MIN_CACHE);
	CHECK(cpu_jit_set_cache_size(JIT_MIN_CACHE - 1) == -1);
	CHECK(cpu_jit_set_cache_size(JIT_DEFAULT_CACHE) == 0);
}
