/*
 * iso_asid - isolation while ASIDs are reused: many processes alive at
 * once, each writing its own values into the same private virtual pages and
 * reading them back after every switch, while forks and exits keep handing
 * out ASIDs.  Run with a small ASID width (vmos run --asid-bits 2: three
 * ASIDs) so the allocator runs out and starts new generations many times;
 * a kernel that gave one ASID to two live processes would let one hit the
 * other's TLB entries, and read or write the other's page.
 *
 *   iso_asid [CHILDREN [AT_ONCE [ROUNDS]]]   (default 40 children, 6 at
 *   once, 30 rounds each)
 *
 * Every process (the parent too) does rounds of: write tag*1000003+round
 * into a word of each of PAGES pages of a bss array (the same VAs in every
 * process: each has its own frames after the copy-on-write faults), yield,
 * read every word back.  A mismatch prints
 *   iso_asid: LEAK pid P page I: got X, want Y
 * and the process exits 1; a child that failed makes the parent fail.
 * Output on success (deterministic, compared by tests/kernel/asid.sh):
 *   iso_asid: ok children=N at_once=M rounds=R
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE  4096L
#define PAGES 6
#define WORDS (PAGE / 8)

static volatile uint64_t area[PAGES * WORDS] __attribute__((aligned(4096)));

/* One round: write this process's values, yield, check them.  Returns 0,
 * or 1 after printing what leaked. */
static int round_trip(uint64_t tag, long r)
{
	uint64_t want = tag * 1000003u + (uint64_t)r;
	long w = r % WORDS;
	for (int i = 0; i < PAGES; i++)
		area[i * WORDS + w] = want + (uint64_t)i;
	sched_yield();
	for (int i = 0; i < PAGES; i++) {
		uint64_t got = area[i * WORDS + w];
		if (got != want + (uint64_t)i) {
			printf("iso_asid: LEAK pid %d page %d: got %llu, want %llu\n", (int)getpid(), i,
			       (unsigned long long)got, (unsigned long long)(want + (uint64_t)i));
			return 1;
		}
	}
	return 0;
}

static int rounds_of(uint64_t tag, long rounds)
{
	for (long r = 0; r < rounds; r++)
		if (round_trip(tag, r))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	long children = argc > 1 ? atol(argv[1]) : 40;
	long at_once = argc > 2 ? atol(argv[2]) : 6;
	long rounds = argc > 3 ? atol(argv[3]) : 30;
	if (children < 1 || at_once < 1 || rounds < 1) {
		printf("usage: iso_asid [CHILDREN [AT_ONCE [ROUNDS]]]\n");
		return 2;
	}
	int failed = rounds_of(1, 2);
	long started = 0, live = 0;
	while ((started < children || live > 0) && !failed) {
		while (started < children && live < at_once) {
			pid_t pid = fork();
			if (pid < 0) {
				printf("iso_asid: fork failed\n");
				return 1;
			}
			if (pid == 0)
				_exit(rounds_of((uint64_t)(started + 2), rounds));
			started++;
			live++;
		}
		failed |= round_trip(1, started);       /* the parent's own pages */
		int st;
		if (wait(&st) < 0) {
			printf("iso_asid: wait failed\n");
			return 1;
		}
		live--;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	}
	while (live > 0 && wait(NULL) > 0)
		live--;
	if (failed) {
		printf("iso_asid: FAILED\n");
		return 1;
	}
	printf("iso_asid: ok children=%ld at_once=%ld rounds=%ld\n", children, at_once, rounds);
	return 0;
}
