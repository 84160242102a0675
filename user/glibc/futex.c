/* futex - futex(2) itself, through syscall(): the value check (EAGAIN),
 * timeouts (ETIMEDOUT, relative for FUTEX_WAIT, absolute for
 * FUTEX_WAIT_BITSET), bad arguments (EINVAL, EFAULT, ENOSYS), FUTEX_WAKE's
 * count, WAKE_BITSET choosing by bitset, REQUEUE and CMP_REQUEUE moving
 * sleepers to another word, WAKE_OP, and private keys apart from shared
 * ones.
 * Sleepers are counted before each wake by a requeue of a word onto
 * itself (0 woken, every sleeper "moved": the return value is their
 * number), so the output does not depend on the scheduler. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long fx(uint32_t *uaddr, int op, uint32_t val, const void *t, uint32_t *uaddr2, uint32_t val3)
{
	long r = syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
	return r < 0 ? -errno : r;
}

static const char *err(long r)
{
	static char buf[32];
	switch (r) {
	case -EAGAIN: return "EAGAIN";
	case -ETIMEDOUT: return "ETIMEDOUT";
	case -EINVAL: return "EINVAL";
	case -EFAULT: return "EFAULT";
	case -ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof buf, "%ld", r);
	return buf;
}

/* Sleepers on w now: requeued onto w itself, none woken. */
static long sleepers(uint32_t *w)
{
	return fx(w, FUTEX_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, w, 0);
}

static void wait_for_sleepers(uint32_t *w, long n)
{
	while (sleepers(w) < n)
		sched_yield();
}

static uint32_t word, word2;
struct waiter { uint32_t *w; uint32_t bitset; long rc; int id; };

static void *wait_private(void *arg)
{
	struct waiter *s = arg;
	s->rc = fx(s->w, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, s->bitset);
	return NULL;
}

static void start(pthread_t *t, struct waiter *s, int n, uint32_t *w, const uint32_t *bits)
{
	for (int i = 0; i < n; i++) {
		s[i] = (struct waiter){ w, bits ? bits[i] : FUTEX_BITSET_MATCH_ANY, 99, i };
		pthread_create(&t[i], NULL, wait_private, &s[i]);
	}
}

int main(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	uint32_t w = 5;

	/* the value check and timeouts, in one thread */
	printf("wait, value differs: %s\n", err(fx(&w, FUTEX_WAIT, 4, NULL, NULL, 0)));
	printf("wait 20 ms: %s\n", err(fx(&w, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0)));
	struct timespec now, abs;
	clock_gettime(CLOCK_MONOTONIC, &now);
	abs = now;
	abs.tv_nsec += 20 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000)
		abs.tv_sec++, abs.tv_nsec -= 1000000000;
	long r = fx(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	struct timespec after;
	clock_gettime(CLOCK_MONOTONIC, &after);
	printf("wait_bitset until now+20 ms: %s, woke after the deadline %d\n", err(r),
	       after.tv_sec > abs.tv_sec || (after.tv_sec == abs.tv_sec && after.tv_nsec >= abs.tv_nsec));
	clock_gettime(CLOCK_REALTIME, &abs);
	printf("wait_bitset realtime, deadline passed: %s\n",
	       err(fx(&w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &abs, NULL, ~0u)));
	struct timespec bad = { 0, 1000000000 };
	printf("wait, tv_nsec 1e9: %s\n", err(fx(&w, FUTEX_WAIT, 5, &bad, NULL, 0)));
	printf("wait, unaligned: %s\n", err(fx((uint32_t *)((char *)&w + 1), FUTEX_WAIT, 5, NULL, NULL, 0)));
	printf("wait_bitset, bitset 0: %s\n", err(fx(&w, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0)));
	printf("wake_bitset, bitset 0: %s\n", err(fx(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0)));
	printf("wait, NULL: %s\n", err(fx(NULL, FUTEX_WAIT, 0, NULL, NULL, 0)));
	printf("wait, kernel address: %s\n", err(fx((uint32_t *)-4096L, FUTEX_WAIT, 0, NULL, NULL, 0)));
	uint32_t *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	printf("wake, unmapped, shared key: %s\n", err(fx(gone, FUTEX_WAKE, 1, NULL, NULL, 0)));
	printf("wake, unmapped, private: %s\n", err(fx(gone, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0)));
	printf("wait, unmapped: %s\n", err(fx(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0)));
	printf("wake, nobody: %s\n", err(fx(&w, FUTEX_WAKE, 10, NULL, NULL, 0)));
	printf("wake with CLOCK_REALTIME: %s\n", err(fx(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0)));
	printf("op 99: %s\n", err(fx(&w, 99, 1, NULL, NULL, 0)));

	pthread_t t[8];
	struct waiter s[8];

	/* FUTEX_WAKE wakes as many as asked, oldest first */
	start(t, s, 5, &word, NULL);
	wait_for_sleepers(&word, 5);
	printf("5 asleep; wake 2: %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
	printf("still asleep: %ld\n", sleepers(&word));
	printf("wake 0 (wakes one, as Linux): %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0));
	printf("wake all: %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	printf("their waits returned %ld %ld %ld %ld %ld\n", s[0].rc, s[1].rc, s[2].rc, s[3].rc, s[4].rc);

	/* WAKE_BITSET wakes those whose bitset shares a bit */
	uint32_t bits[4] = { 1, 2, 3, 4 };
	start(t, s, 4, &word, bits);
	wait_for_sleepers(&word, 4);
	printf("bitsets 1 2 3 4 asleep; wake_bitset 2: %ld\n", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 2));
	printf("wake_bitset 8: %ld\n", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 8));
	printf("wake_bitset 5: %ld\n", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 5));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);

	/* REQUEUE and CMP_REQUEUE */
	start(t, s, 6, &word, NULL);
	wait_for_sleepers(&word, 6);
	printf("6 asleep; cmp_requeue, value differs: %s\n",
	       err(fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 7)));
	printf("cmp_requeue wake 1, move 2: %ld\n", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 0));
	printf("on word %ld, on word2 %ld\n", sleepers(&word), sleepers(&word2));
	printf("requeue wake 0, move all: %ld\n", fx(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, &word2, 0));
	printf("on word %ld, on word2 %ld\n", sleepers(&word), sleepers(&word2));
	printf("requeue, negative count: %s\n", err(fx(&word2, FUTEX_REQUEUE_PRIVATE, (uint32_t)-1, (void *)1L, &word, 0)));
	printf("wake on word: %ld, wake on word2: %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0),
	       fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);

	/* WAKE_OP: word2 += 3 (old 0), wake 1 on word, and 1 on word2 if old == 0 */
	start(t, s, 2, &word, NULL);
	start(t + 2, s + 2, 2, &word2, NULL);
	wait_for_sleepers(&word, 2);
	wait_for_sleepers(&word2, 2);
	word2 = 0;
	r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0));
	printf("wake_op add 3, cmp old == 0: %ld woken, word2 now %u\n", r, word2);
	r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_SET, 9, FUTEX_OP_CMP_GT, 5));
	printf("wake_op set 9, cmp old > 5 (old 3): %ld woken, word2 now %u\n", r, word2);
	printf("wake the rest: %ld\n", fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);

	/* a private sleeper is not found by a shared wake of the same word:
	 * Linux marks shared keys of private memory apart (FUT_OFF_MMSHARED) */
	start(t, s, 1, &word, NULL);
	wait_for_sleepers(&word, 1);
	printf("shared wake of a private sleeper: %ld\n", fx(&word, FUTEX_WAKE, 1, NULL, NULL, 0));
	printf("private wake of it: %ld\n", fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	pthread_join(t[0], NULL);
	printf("done\n");
	return 0;
}
