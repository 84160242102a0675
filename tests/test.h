/*
 * test.h - the host unit-test harness.  A test file defines tests with
 * TEST(name) { ... } and checks with CHECK / CHECK_EQ; tests/main.c runs
 * every registered test in its own fork (so a crash fails one test, not the
 * file) and prints one line per test and a closing "N passed, N failed".
 *
 * A failing CHECK records the file, line and expression, and the test goes
 * on (so one run shows every broken assertion); REQUIRE stops the test.
 */
#ifndef VMOS_TEST_H
#define VMOS_TEST_H

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

struct test_case {
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *t);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_abort(void) __attribute__((noreturn));
extern int test_failures;
/* Runs fn in a child process with stderr silenced; true if it died (an
 * abort from a kernel panic, a signal, or a non-zero exit). */
int test_dies(void (*fn)(void));

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	static struct test_case test_case_##name = { #name, test_##name, 0 }; \
	__attribute__((constructor)) static void test_reg_##name(void)    \
	{ test_register(&test_case_##name); }                             \
	static void test_##name(void)

#define CHECK(cond)                                                       \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)

#define REQUIRE(cond)                                                     \
	do { if (!(cond)) { test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); \
		test_abort(); } } while (0)

/* CHECK with a message naming the property that broke, printf-style:
 *   CHECK_MSG(ref == 2, "fork: shared frame refcount %u, want 2", ref); */
#define CHECK_MSG(cond, ...)                                              \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

#define CHECK_EQ(a, b)                                                    \
	do { uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);             \
		if (a_ != b_) test_fail(__FILE__, __LINE__,               \
			"CHECK_EQ(%s, %s): 0x%" PRIx64 " != 0x%" PRIx64,  \
			#a, #b, a_, b_); } while (0)

#define CHECK_STR(a, b)                                                   \
	do { const char *a_ = (a), *b_ = (b);                             \
		if (!a_ || !b_ || strcmp(a_, b_)) test_fail(__FILE__, __LINE__, \
			"CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a, #b,    \
			a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

#endif
