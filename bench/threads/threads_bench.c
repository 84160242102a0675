/* threads_bench - the cost of threads, one C source built for vmos (static
 * glibc, riscv64) and for the host (cc -pthread), run by bench/threads.sh:
 *   create  N: pthread_create + pthread_join of a thread that returns at
 *              once, N times; prints create_join_ns=<ns per cycle>
 *   wake    N: two threads hand a futex word back and forth, each waking
 *              the other (FUTEX_WAKE) and sleeping (FUTEX_WAIT) until it is
 *              its turn, N round trips; prints wake_ns=<ns per wake-up>
 *              (half a round trip: one wake and one switch to the woken)
 * Time is CLOCK_MONOTONIC as the program sees it: the host's, under vmos. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *nothing(void *arg) { return arg; }

static volatile uint32_t turn;        /* 0: ping's turn, 1: pong's */
static long rounds;

static void futex_wait(volatile uint32_t *w, uint32_t v)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void futex_wake(volatile uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *pong(void *arg)
{
	for (long i = 0; i < rounds; i++) {
		while (turn != 1)
			futex_wait(&turn, 0);
		turn = 0;
		futex_wake(&turn);
	}
	return arg;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s create|wake N\n", argv[0]);
		return 2;
	}
	long n = atol(argv[2]);
	if (!strcmp(argv[1], "create")) {
		uint64_t t0 = now_ns();
		for (long i = 0; i < n; i++) {
			pthread_t t;
			if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
				return 1;
		}
		printf("create_join_ns=%.0f\n", (double)(now_ns() - t0) / (double)n);
		return 0;
	}
	rounds = n;
	pthread_t t;
	pthread_create(&t, NULL, pong, NULL);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		turn = 1;
		futex_wake(&turn);
		while (turn != 0)
			futex_wait(&turn, 1);
	}
	uint64_t dt = now_ns() - t0;
	pthread_join(t, NULL);
	printf("wake_ns=%.0f\n", (double)dt / (double)(2 * n));
	return 0;
}
