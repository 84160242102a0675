/*
 * pipebench - pipe throughput and latency between two processes:
 *   stream: the child writes MIB MiB in 64 KiB writes, the parent reads them
 *           in 64 KiB reads; time from the fork to the last byte read:
 *           stream_ns_per_mib = elapsed / MIB.
 *   pingpong: ROUNDS round trips of one byte over two pipes (parent writes,
 *           child echoes); each round trip is two sleeps and two wake-ups:
 *           rtt_ns = elapsed / ROUNDS.
 * The same source is built for riscv64 and natively (bench/native/).
 * Output, one line of key=value figures for bench/pipe.sh:
 *   pipebench: mib=M stream_ns_per_mib=T rounds=R rtt_ns=T
 * Usage: pipebench [MIB [ROUNDS]]   (default 16 MiB, 2000 rounds)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536

static char buf[CHUNK];

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t stream(long mib)
{
	int fds[2];
	if (pipe(fds) < 0)
		exit(1);
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (long i = 0; i < mib * (1024 * 1024 / CHUNK); i++)
			if (write(fds[1], buf, CHUNK) != CHUNK)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	long long total = 0;
	ssize_t n;
	while ((n = read(fds[0], buf, CHUNK)) > 0)
		total += n;
	uint64_t t = now_ns() - t0;
	close(fds[0]);
	int st;
	waitpid(pid, &st, 0);
	if (total != mib * 1024LL * 1024)
		exit(2);
	return t;
}

static uint64_t pingpong(long rounds)
{
	int down[2], up[2];
	if (pipe(down) < 0 || pipe(up) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(down[1]);           /* else its own write end keeps EOF away */
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			write(up[1], &c, 1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	char c = 'x';
	uint64_t t0 = now_ns();
	for (long i = 0; i < rounds; i++)
		if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1)
			exit(3);
	uint64_t t = now_ns() - t0;
	close(down[1]);
	int st;
	waitpid(pid, &st, 0);
	return t;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 16, rounds = argc > 2 ? atol(argv[2]) : 2000;
	if (mib < 1 || rounds < 1)
		return 2;
	uint64_t s = stream(mib), r = pingpong(rounds);
	printf("pipebench: mib=%ld stream_ns_per_mib=%llu rounds=%ld rtt_ns=%llu\n", mib,
	       (unsigned long long)(s / (uint64_t)mib), rounds, (unsigned long long)(r / (uint64_t)rounds));
	return 0;
}
