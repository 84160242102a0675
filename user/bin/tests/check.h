/*
 * check.h - self-checking helpers for the test programs in user/bin/tests.
 *
 * Each check prints one line, "ok <what> = <value>" or "FAIL <what>: got
 * <x>, want <y>", so a difference between vmos, qemu and the expected
 * output shows which operation diverged.  check_done() prints the totals
 * and returns the exit status: 0 if everything passed, 1 otherwise.
 * Only deterministic values are printed (no addresses, pids or times).
 */
#ifndef USER_BIN_CHECK_H
#define USER_BIN_CHECK_H

#include <stdio.h>
#include <stdint.h>

static int check_total, check_failed;

static inline int check_u64(const char *what, uint64_t got, uint64_t want)
{
	check_total++;
	if (got == want) {
		printf("ok %s = 0x%llx\n", what, (unsigned long long)got);
		return 1;
	}
	check_failed++;
	printf("FAIL %s: got 0x%llx, want 0x%llx\n", what,
	       (unsigned long long)got, (unsigned long long)want);
	return 0;
}

static inline int check_true(const char *what, int cond)
{
	check_total++;
	if (cond) {
		printf("ok %s\n", what);
		return 1;
	}
	check_failed++;
	printf("FAIL %s\n", what);
	return 0;
}

static inline int check_str(const char *what, const char *got, const char *want)
{
	const char *g = got, *w = want;

	check_total++;
	while (*g && *g == *w)
		g++, w++;
	if (*g == *w) {
		printf("ok %s = \"%s\"\n", what, got);
		return 1;
	}
	check_failed++;
	printf("FAIL %s: got \"%s\", want \"%s\"\n", what, got, want);
	return 0;
}

static inline int check_done(const char *prog)
{
	printf("%s: %d checks, %d failed\n", prog, check_total, check_failed);
	return check_failed ? 1 : 0;
}

#endif
