/*
 * malloc_hardening.c - misuse is caught: each case runs in a grandchild
 * that must die of SIGABRT after printing the allocator's message.
 */
#include "test.h"
#include "malloc_api.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static const char *const pols[] = { "segfit,lifo,deferred", "best,ao,immediate", "buddy,lifo,immediate" };

/* Runs fn in a child; checks it aborted with a message containing want. */
static void expect_abort(void (*fn)(void), const char *pol, const char *want)
{
	int fd[2];
	REQUIRE(pipe(fd) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 2);
		if (vm_malloc_set_policy(pol))
			_exit(3);
		fn();
		_exit(0);	/* survived: the misuse went unnoticed */
	}
	close(fd[1]);
	char msg[1024] = { 0 };
	size_t got = 0;
	ssize_t n;
	while (got < sizeof msg - 1 && (n = read(fd[0], msg + got, sizeof msg - 1 - got)) > 0)
		got += (size_t)n;
	close(fd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT || !strstr(msg, want) ||
	    !strstr(msg, "vmos malloc: "))
		test_fail(__FILE__, __LINE__, "policy %s: wanted an abort with \"%s\", got status 0x%x, message \"%s\"",
			  pol, want, st, msg);
}

static void double_free(void)
{
	void *p = vm_malloc(40), *q = vm_malloc(40);
	vm_free(p);
	vm_free(p);
	vm_free(q);
}

static void double_free_after_merge(void)
{
	char *a = vm_malloc(300), *b = vm_malloc(300), *c = vm_malloc(300);
	vm_free(a);
	vm_free(b);	/* merges into a */
	vm_free(b);
	vm_free(c);
}

static void double_free_large(void)
{
	void *p = vm_malloc(1 << 20);
	vm_free(p);
	vm_malloc(1 << 20);	/* likely the same address again */
	char *q = vm_malloc(100);
	vm_free(q);
	vm_free(q);
}

static void double_free_cached_large(void)
{
	void *p = 0;
	for (int i = 0; i < 10; i++) {	/* enough frees to start the cache */
		p = vm_malloc(200 << 10);
		vm_free(p);
	}
	vm_free(p);	/* its mapping is cached, still mapped */
}

static void misaligned_free(void)
{
	char *p = vm_malloc(100);
	vm_free(p + 4);
}

static void interior_free(void)
{
	char *p = vm_malloc(1000);
	memset(p, 0x11, 1000);
	vm_free(p + 256);
}

static void stack_free(void)
{
	long x[8] __attribute__((aligned(16))) = { 0 };
	vm_free(&x[2]);
}

static void overflow_into_next(void)
{
	char *p = vm_malloc(24), *q = vm_malloc(24);
	memset(p, 0x41, 40);	/* runs over q's header */
	vm_free(p);
	vm_free(q);
}

static void header_smashed(void)
{
	char *p = vm_malloc(64);
	memset(p - 8, 0, 8);
	vm_free(p);
}

static void realloc_of_freed(void)
{
	char *p = vm_malloc(64), *q = vm_malloc(64);
	vm_free(p);
	p = vm_realloc(p, 128);
	vm_free(q);
}

static void usable_size_of_garbage(void)
{
	char *p = vm_malloc(4096);
	memset(p, 0x77, 4096);
	vm_malloc_usable_size(p + 1024);
}

TEST(hardening_double_free)
{
	for (int i = 0; i < 3; i++) {
		expect_abort(double_free, pols[i], "double free");
		expect_abort(double_free_after_merge, pols[i], "free(): 0x");
		expect_abort(double_free_large, pols[i], "double free");
		expect_abort(double_free_cached_large, pols[i], "double free");
		expect_abort(realloc_of_freed, pols[i], "realloc(): 0x");
	}
}

TEST(hardening_invalid_free)
{
	for (int i = 0; i < 3; i++) {
		expect_abort(misaligned_free, pols[i], "not 16-aligned");
		expect_abort(interior_free, pols[i], "invalid pointer");
		expect_abort(stack_free, pols[i], "free(): 0x");
		expect_abort(usable_size_of_garbage, pols[i], "malloc_usable_size(): 0x");
	}
}

TEST(hardening_corrupted_headers)
{
	for (int i = 0; i < 3; i++) {
		expect_abort(header_smashed, pols[i], "corrupted");
		if (i != 2)	/* the buddy has no next-header check on every free */
			expect_abort(overflow_into_next, pols[i], "corrupted");
	}
}
