/*
 * pipe - pipes between processes with Linux semantics (pipe(7)): a parent
 * and child talking both ways, a reader that blocks while the writer
 * computes, EOF once every writer is gone, EPIPE (SIGPIPE blocked) and
 * death by SIGPIPE, O_NONBLOCK's EAGAIN and the 64 KiB capacity, fcntl
 * F_GETFL/F_SETFL, fstat's S_IFIFO, 1 MiB through a pipe with a checksum,
 * PIPE_BUF-sized writes of three writers never interleaved, and pipe2's
 * errors.  Output is deterministic: only values, no pids.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#ifndef F_GETFL
#define F_GETFL 3
#define F_SETFL 4
#endif
#define SIG_BLOCK 0
#define FIONREAD 0x541B

static int pipe2_(int fds[2], int flags) { return (int)syscall(SYS_pipe2, fds, flags); }
static int fcntl_(int fd, int cmd, long arg) { return (int)syscall(SYS_fcntl, fd, cmd, arg); }

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static pid_t spawn(void)
{
	fflush(stdout);
	return fork();
}

/* Reads exactly n bytes (or until EOF); returns the count. */
static size_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static int wait_status(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void talk(void)
{
	int down[2], up[2];
	check_u64("pipe down", (uint64_t)pipe(down), 0);
	check_u64("pipe up", (uint64_t)pipe(up), 0);
	pid_t pid = spawn();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		char buf[64] = { 0 };
		ssize_t n = read(down[0], buf, sizeof buf - 1);
		char reply[80];
		snprintf(reply, sizeof reply, "child got %d bytes: %s", (int)n, buf);
		write(up[1], reply, strlen(reply));
		_exit(7);
	}
	close(down[0]);
	close(up[1]);
	write(down[1], "ping", 4);
	char buf[100] = { 0 };
	ssize_t n = read(up[0], buf, sizeof buf - 1);
	check_true("reply arrived", n > 0);
	check_str("reply", buf, "child got 4 bytes: ping");
	check_u64("read after the child exited: EOF", (uint64_t)read(up[0], buf, 10), 0);
	int st = wait_status(pid);
	check_u64("child exit status", (uint64_t)WEXITSTATUS(st), 7);
	close(down[1]);
	close(up[0]);
}

/* The parent blocks in read while the child computes; the child's result
 * proves it ran meanwhile. */
static void blocking_read(void)
{
	int fds[2];
	pipe(fds);
	pid_t pid = spawn();
	if (pid == 0) {
		close(fds[0]);
		volatile uint64_t sum = 0;
		for (uint64_t i = 1; i <= 3000000; i++)
			sum += i;
		uint64_t s = sum;
		write(fds[1], &s, sizeof s);
		_exit(0);
	}
	close(fds[1]);
	uint64_t s = 0;
	check_u64("blocked read gets the writer's result", (uint64_t)read(fds[0], &s, sizeof s), 8);
	check_u64("sum computed by the writer", s, 3000000ULL * 3000001ULL / 2);
	check_u64("then EOF", (uint64_t)read(fds[0], &s, sizeof s), 0);
	wait_status(pid);
	close(fds[0]);
}

static void eof_and_epipe(void)
{
	int fds[2];
	pipe(fds);
	write(fds[1], "abc", 3);
	close(fds[1]);
	char buf[8];
	check_u64("data before EOF", (uint64_t)read(fds[0], buf, 8), 3);
	check_u64("EOF with no writer", (uint64_t)read(fds[0], buf, 8), 0);
	close(fds[0]);

	/* EPIPE with SIGPIPE blocked: the write fails, the process lives */
	pipe(fds);
	close(fds[0]);
	pid_t pid = spawn();
	if (pid == 0) {
		uint64_t set = 1ULL << (SIGPIPE - 1);
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, 0, 8);
		errno = 0;
		ssize_t r = write(fds[1], "x", 1);
		_exit(r == -1 && errno == EPIPE ? 42 : 1);
	}
	int st = wait_status(pid);
	check_u64("write with no reader, SIGPIPE blocked: EPIPE", (uint64_t)WEXITSTATUS(st), 42);
	/* otherwise SIGPIPE ends the writer */
	pid = spawn();
	if (pid == 0) {
		write(fds[1], "x", 1);
		_exit(3);
	}
	st = wait_status(pid);
	check_true("write with no reader: killed by a signal", WIFSIGNALED(st));
	check_u64("the signal is SIGPIPE", (uint64_t)WTERMSIG(st), SIGPIPE);
	check_u64("a null write needs no reader", (uint64_t)write(fds[1], "", 0), 0);
	close(fds[1]);
}

static void nonblock_and_flags(void)
{
	int fds[2];
	check_u64("pipe2 O_NONBLOCK", (uint64_t)pipe2_(fds, O_NONBLOCK | O_CLOEXEC), 0);
	char buf[4096];
	errno = 0;
	check_u64("empty nonblocking read", (uint64_t)read(fds[0], buf, 10), (uint64_t)-1);
	check_u64("errno EAGAIN", (uint64_t)errno, EAGAIN);
	check_u64("F_GETFL read end", (uint64_t)fcntl_(fds[0], F_GETFL, 0), O_RDONLY | O_NONBLOCK);
	check_u64("F_GETFL write end", (uint64_t)fcntl_(fds[1], F_GETFL, 0), O_WRONLY | O_NONBLOCK);
	memset(buf, 'z', sizeof buf);
	size_t total = 0;
	for (;;) {
		ssize_t w = write(fds[1], buf, sizeof buf);
		if (w < 0)
			break;
		total += (size_t)w;
	}
	check_u64("full pipe: EAGAIN", (uint64_t)errno, EAGAIN);
	check_u64("capacity", total, 65536);
	int avail = -1;
	syscall(SYS_ioctl, fds[0], FIONREAD, &avail);
	check_u64("FIONREAD", (uint64_t)avail, 65536);
	check_u64("a 1-byte write into a full pipe", (uint64_t)write(fds[1], "q", 1), (uint64_t)-1);
	check_u64("F_SETFL clears O_NONBLOCK", (uint64_t)fcntl_(fds[0], F_SETFL, 0), 0);
	check_u64("F_GETFL after", (uint64_t)fcntl_(fds[0], F_GETFL, 0), O_RDONLY);
	check_u64("blocking read of a full pipe", (uint64_t)read(fds[0], buf, 100), 100);
	struct stat st;
	check_u64("fstat", (uint64_t)fstat(fds[0], &st), 0);
	check_true("S_IFIFO", (st.st_mode & S_IFMT) == S_IFIFO);
	check_u64("lseek on a pipe: ESPIPE", (uint64_t)lseek(fds[0], 0, SEEK_SET), (uint64_t)-1);
	check_u64("errno ESPIPE", (uint64_t)errno, ESPIPE);
	close(fds[0]);
	close(fds[1]);
	errno = 0;
	check_u64("pipe2 bad flags", (uint64_t)pipe2_(fds, 0x1), (uint64_t)-1);
	check_u64("errno EINVAL", (uint64_t)errno, EINVAL);
	check_u64("pipe2 bad pointer", (uint64_t)pipe2_((int *)8, 0), (uint64_t)-1);
	check_u64("errno EFAULT", (uint64_t)errno, EFAULT);
}

#define BIGN (1 << 20)
static unsigned char bigbuf[65536];

static void large_transfer(void)
{
	int fds[2];
	pipe(fds);
	pid_t pid = spawn();
	if (pid == 0) {
		close(fds[0]);
		/* 1 MiB of a pattern in uneven pieces, some larger than the pipe */
		static unsigned char src[BIGN];
		for (size_t i = 0; i < BIGN; i++)
			src[i] = (unsigned char)(i * 31 + (i >> 12));
		size_t off = 0, step = 1;
		while (off < BIGN) {
			size_t n = step % 100003 + 1;
			if (n > BIGN - off)
				n = BIGN - off;
			ssize_t w = write(fds[1], src + off, n);
			if (w != (ssize_t)n)
				_exit(9);
			off += n;
			step = step * 7 + 13;
		}
		_exit(0);
	}
	close(fds[1]);
	uint64_t h = 1469598103934665603ULL, want = 1469598103934665603ULL;
	size_t total = 0;
	for (;;) {
		ssize_t r = read(fds[0], bigbuf, sizeof bigbuf);
		if (r <= 0)
			break;
		h = fnv(h, bigbuf, (size_t)r);
		total += (size_t)r;
	}
	for (size_t i = 0; i < BIGN; i++) {
		unsigned char c = (unsigned char)(i * 31 + (i >> 12));
		want = fnv(want, &c, 1);
	}
	check_u64("bytes through the pipe", total, BIGN);
	check_u64("checksum", h, want);
	int st = wait_status(pid);
	check_u64("writer wrote every piece whole", (uint64_t)WEXITSTATUS(st), 0);
	close(fds[0]);
}

/* Three writers, 4096-byte messages each filled with its own letter: no
 * message is split or mixed with another (PIPE_BUF). */
static void atomic_writes(void)
{
	int fds[2];
	pipe(fds);
	pid_t pids[3];
	for (int w = 0; w < 3; w++) {
		pids[w] = spawn();
		if (pids[w] == 0) {
			close(fds[0]);
			static char msg[4096];
			memset(msg, 'A' + w, sizeof msg);
			for (int i = 0; i < 40; i++)
				if (write(fds[1], msg, sizeof msg) != (ssize_t)sizeof msg)
					_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	static char msg[4096];
	int whole = 0, count[3] = { 0, 0, 0 };
	for (;;) {
		size_t n = read_full(fds[0], msg, sizeof msg);
		if (n == 0)
			break;
		int same = n == sizeof msg && msg[0] >= 'A' && msg[0] <= 'C';
		for (size_t i = 1; same && i < n; i++)
			same = msg[i] == msg[0];
		if (same) {
			whole++;
			count[msg[0] - 'A']++;
		}
	}
	check_u64("whole messages", (uint64_t)whole, 120);
	check_u64("from writer A", (uint64_t)count[0], 40);
	check_u64("from writer B", (uint64_t)count[1], 40);
	check_u64("from writer C", (uint64_t)count[2], 40);
	for (int w = 0; w < 3; w++)
		wait_status(pids[w]);
	close(fds[0]);
}

int main(void)
{
	talk();
	blocking_read();
	eof_and_epipe();
	nonblock_and_flags();
	large_transfer();
	atomic_writes();
	return check_done("pipe");
}
