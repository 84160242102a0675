/*
 * iso_cow - copy-on-write isolation after fork, in every kind of private
 * memory: the stack, the heap (brk), an anonymous mmap, initialised data
 * and bss.  fork(2) on Linux gives the child a copy of the parent's address
 * space; a write on either side after fork is never seen by the other.
 * argv[1] picks the case:
 *   child-writes   the child checks it sees the parent's values, overwrites
 *                  every region and exits; the parent's values are intact
 *   parent-writes  the parent overwrites every region right after fork; the
 *                  child (which sleeps 20 ms first, so the parent's writes
 *                  come first) still sees the values from before fork
 *   grandchild     parent P writes 1s, child C writes 2s and forks G, G sees
 *                  2s and writes 3s; C still sees 2s, P still sees 1s
 * Children report through their exit status (a bit per region that
 * differed) or print before they exit; a parent prints only after waitpid,
 * so the output order is deterministic.  Exit 0 if all checks passed, else 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define LEN (3 * 4096 + 100)	/* spans 4 pages: several COW breaks per region */
#define NREG 5

static unsigned char data_area[LEN] = { 1 };	/* .data (initialised) */
static unsigned char bss_area[LEN];		/* .bss */
static const char *const names[NREG] = { "stack", "heap", "mmap", "data", "bss" };
static unsigned char *reg[NREG];

/* fill writes value v (varied per byte) to every region. */
static void fill(int v)
{
	for (int r = 0; r < NREG; r++)
		for (size_t i = 0; i < LEN; i++)
			reg[r][i] = (unsigned char)(v * 37 + r + i * 7);
}

/* differs returns a bitmask of the regions whose bytes are not fill(v). */
static int differs(int v)
{
	int mask = 0;
	for (int r = 0; r < NREG; r++)
		for (size_t i = 0; i < LEN; i++)
			if (reg[r][i] != (unsigned char)(v * 37 + r + i * 7)) {
				mask |= 1 << r;
				break;
			}
	return mask;
}

/* reap waits for pid; returns its exit status, or 255 if it did not exit. */
static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 255;
	return WEXITSTATUS(st);
}

/* report prints one check per region: "WHAT: REGION" passes if the
 * region's bit in mask is clear. */
static void report(const char *what_prefix, int mask)
{
	char what[128];
	for (int r = 0; r < NREG; r++) {
		snprintf(what, sizeof what, "%s: %s", what_prefix, names[r]);
		check_true(what, !(mask & (1 << r)));
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

static int child_writes(void)
{
	fill(1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int saw = differs(1);	/* must see the parent's values */
		fill(2);
		_exit(saw | differs(2) << NREG);
	}
	int st = reap(pid);
	check_u64("child saw the parent's values in every region (mask)", (uint64_t)(st & 31), 0);
	check_u64("child's own writes stuck (mask)", (uint64_t)(st >> NREG), 0);
	report("parent's values unchanged after the child wrote", differs(1));
	return check_done("iso_cow child-writes");
}

static int parent_writes(void)
{
	fill(1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		sleep_ms(20);
		_exit(differs(1));
	}
	fill(3);
	int st = reap(pid);
	report("child still sees the values from before fork after the parent wrote", st);
	check_u64("parent's own writes stuck (mask)", (uint64_t)differs(3), 0);
	return check_done("iso_cow parent-writes");
}

static int grandchild(void)
{
	fill(1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fill(2);
		fflush(stdout);
		pid_t g = fork();
		if (g == 0) {
			report("grandchild sees the child's values", differs(2));
			fill(3);
			report("grandchild's own writes stuck", differs(3));
			fflush(stdout);
			_exit(check_failed ? 1 : 0);
		}
		check_u64("child: grandchild's status", (uint64_t)reap(g), 0);
		report("child's values unchanged after the grandchild wrote", differs(2));
		fflush(stdout);
		_exit(check_failed ? 1 : 0);
	}
	check_u64("parent: child's status", (uint64_t)reap(pid), 0);
	report("parent's values unchanged after child and grandchild wrote", differs(1));
	return check_done("iso_cow grandchild");
}

int main(int argc, char **argv)
{
	unsigned char stack_area[LEN];
	const char *m = argc > 1 ? argv[1] : "";

	reg[0] = stack_area;
	reg[1] = sbrk(LEN);
	reg[2] = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg[3] = data_area;
	reg[4] = bss_area;
	if (reg[1] == (void *)-1 || reg[2] == MAP_FAILED) {
		printf("iso_cow: sbrk/mmap failed\n");
		return 1;
	}
	printf("iso_cow: %s\n", m);
	if (!strcmp(m, "child-writes"))
		return child_writes();
	if (!strcmp(m, "parent-writes"))
		return parent_writes();
	if (!strcmp(m, "grandchild"))
		return grandchild();
	printf("usage: iso_cow child-writes|parent-writes|grandchild\n");
	return 2;
}
