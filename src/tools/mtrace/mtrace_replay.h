/*
 * mtrace_replay.h - allocation traces in the malloc-lab format (CS:APP
 * malloc lab, Bryant & O'Hallaron) and their replay against an allocator.
 *
 *   <suggested heap size> <number of ids> <number of operations> <weight>
 *   a ID BYTES      allocate BYTES for block ID
 *   f ID            free block ID
 *   r ID BYTES      reallocate block ID to BYTES
 *
 * Utilization = peak live payload / peak footprint, the footprint being
 * the brk extent plus live mmap bytes of the allocator under test;
 * throughput = operations per second.
 */
#ifndef MTRACE_REPLAY_H
#define MTRACE_REPLAY_H

#include <stddef.h>

struct mtrace_op {
	char kind;		/* 'a', 'f' or 'r' */
	unsigned id;
	size_t size;
};

struct mtrace {
	char name[256];
	size_t heap_hint;
	unsigned nids, nops, weight;
	struct mtrace_op *ops;	/* mmap'ed: not from the allocators measured */
};

/* An allocator under test. */
struct allocator {
	const char *name;
	const char *policy;	/* for vmos: the policy specification */
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	/* Prepares a measurement (policy, baselines). Returns 0 or -1. */
	int (*begin)(const struct allocator *a);
	/* The footprint now, in bytes (cheap: called around big operations). */
	size_t (*footprint)(int big_op);
	/* The peak footprint since begin, or 0 if the replay must track it. */
	size_t (*peak)(void);
	/* Optional: checks the heap, returns the number of problems. */
	int (*check)(void);
};

struct replay_result {
	double seconds;
	double ops_per_sec;
	size_t peak_live;
	size_t peak_footprint;
	double utilization;	/* peak_live / peak_footprint */
	unsigned long errors;	/* data or consistency errors found */
};

enum { REPLAY_VERIFY = 1, REPLAY_FOOTPRINT = 2, REPLAY_CHECK = 4 };

/* Reads a trace file.  Returns 0, or -1 with a message in err
 * ("file:line: why"). */
int mtrace_load(const char *path, struct mtrace *t, char *err, size_t errlen);
/* Parses a trace held in memory (same contract). */
int mtrace_parse(const char *text, size_t len, const char *name, struct mtrace *t,
		char *err, size_t errlen);
void mtrace_free(struct mtrace *t);

/* Replays t once against a.  flags: REPLAY_VERIFY fills every block with a
 * pattern and checks it survives (realloc included), REPLAY_FOOTPRINT
 * tracks the footprint after every operation, REPLAY_CHECK runs a->check
 * after every operation.  Every block is freed at the end.  Returns 0, or
 * -1 if the allocator failed an allocation or a check. */
int mtrace_replay(const struct mtrace *t, const struct allocator *a, int flags,
		 struct replay_result *r);

/* mtrace_replay in a new child process forked from the caller (the same
 * contract); the caller's heaps are not touched. */
int mtrace_replay_child(const struct mtrace *t, const struct allocator *a, int flags,
		       struct replay_result *r);

/* The same, each replay in a new child process forked from the caller, so
 * every replay of every allocator starts from the same state: a cold heap
 * (no pages faulted in yet) and nothing learned by earlier replays (glibc's
 * dynamic mmap threshold, the vmos large-mapping cache).  The first replay
 * tracks the footprint (utilization); runs > 0 more are timed and the
 * median throughput reported. */
int mtrace_replay_isolated(const struct mtrace *t, const struct allocator *a, int flags,
			  int runs, struct replay_result *r);

/* The allocators: glibc malloc and the vmos malloc (prefixed vm_). */
extern const struct allocator replay_glibc;
struct allocator replay_vmos(const char *policy);

#endif
