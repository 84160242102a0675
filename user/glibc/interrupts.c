/*
 * interrupts - waiting on several descriptors (poll, select, ppoll,
 * pselect) and blocking calls that meet signals: a pipe read restarted
 * under SA_RESTART or failing with EINTR, a pipe write that returns the
 * part it wrote, FUTEX_WAIT restarted (then finding the word changed:
 * EAGAIN) or EINTR, poll and select never restarted, the call's own
 * signal mask letting a blocked signal in, SIGPIPE with EPIPE, a sleeper
 * killed by a default action.  Output is the same under Linux, qemu-riscv64
 * and vmos: no pid, address or time is printed, only what the calls
 * returned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, usr1, pipes;
static uint32_t word;

static void on_alarm(int s) { (void)s; alarms++; }
static void on_alarm_word(int s) { (void)s; alarms++; __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST); }
static void on_usr1(int s) { (void)s; usr1++; }
static void on_pipe(int s) { (void)s; pipes++; }

static void handle(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void alarm_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *err(long rc)
{
	if (rc >= 0)
		return "ok";
	switch (errno) {
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EPIPE: return "EPIPE";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	default: return "other";
	}
}

static long futex_wait(uint32_t *w, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, ts, NULL, 0);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A child that writes one byte c to fd after ms milliseconds. */
static pid_t late_writer(int fd, char c, int ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		usleep((useconds_t)ms * 1000);
		_exit(write(fd, &c, 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void readiness(void)
{
	int p[2], q[2];
	int null = open("/dev/null", O_RDWR);
	pipe(p);
	struct pollfd f[5] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { -1, POLLIN, 0 },
			       { 99, POLLIN, 0 }, { null, POLLIN | POLLOUT, 0 } };
	int n = poll(f, 5, 0);
	printf("poll, empty pipe: %d: read end %#x, write end %#x, fd -1 %#x, fd 99 %#x, /dev/null %#x\n",
	       n, f[0].revents, f[1].revents, f[2].revents, f[3].revents, f[4].revents);
	write(p[1], "ab", 2);
	n = poll(f, 1, 0);
	printf("poll, 2 bytes in: %d: read end %#x\n", n, f[0].revents);
	f[0].events = POLLIN | POLLRDNORM;
	poll(f, 1, 0);
	printf("poll, POLLRDNORM asked too: %#x\n", f[0].revents);
	f[0].events = POLLIN;
	close(p[1]);
	n = poll(f, 1, 0);
	printf("poll, writer gone, data left: %d: %#x\n", n, f[0].revents);
	char buf[4];
	read(p[0], buf, 2);
	n = poll(f, 1, 0);
	printf("poll, writer gone, drained: %d: %#x\n", n, f[0].revents);
	close(p[0]);
	pipe(q);
	close(q[0]);
	struct pollfd w = { q[1], POLLOUT, 0 };
	n = poll(&w, 1, 0);
	printf("poll, reader gone: %d: write end %#x\n", n, w.revents);
	close(q[1]);
	close(null);
}

static void waiting(void)
{
	int p[2];
	pipe(p);
	struct pollfd f = { p[0], POLLIN, 0 };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = poll(&f, 1, 50);
	printf("poll, nothing comes: %d, waited 50 ms or more: %d\n", n, ms_since(&t0) >= 50);
	pid_t c = late_writer(p[1], 'x', 30);
	n = poll(&f, 1, -1);
	printf("poll, a child writes later: %d: %#x\n", n, f.revents);
	waitpid(c, NULL, 0);

	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	struct timeval tv = { 5, 0 };
	n = select(p[1] + 1, &r, &w, NULL, &tv);
	printf("select: %d: readable %d, writable %d, time left below 5 s: %d\n", n,
	       FD_ISSET(p[0], &r) != 0, FD_ISSET(p[1], &w) != 0,
	       tv.tv_sec < 5 || (tv.tv_sec == 5 && tv.tv_usec == 0));
	char ch;
	read(p[0], &ch, 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 40000 };
	n = select(p[0] + 1, &r, NULL, NULL, &tv);
	printf("select, nothing comes: %d: readable %d, time left %ld.%06ld\n", n,
	       FD_ISSET(p[0], &r) != 0, (long)tv.tv_sec, (long)tv.tv_usec);
	FD_ZERO(&r);
	FD_SET(50, &r);
	tv = (struct timeval){ 0, 0 };
	n = select(51, &r, NULL, NULL, &tv);
	printf("select, fd 50 not open: %d %s\n", n, err(n));
	struct pollfd bad = { p[0], POLLIN, 0 };
	n = (int)syscall(SYS_ppoll, &bad, 1UL << 30, NULL, NULL, 8);
	printf("poll, nfds over RLIMIT_NOFILE: %d %s\n", n, err(n));
	struct timespec neg = { -1, 0 };
	n = ppoll(&bad, 1, &neg, NULL);
	printf("ppoll, negative timeout: %d %s\n", n, err(n));
	close(p[0]);
	close(p[1]);
}

static void masks(void)
{
	int p[2];
	pipe(p);
	handle(SIGUSR1, on_usr1, SA_RESTART);
	sigset_t blk, none, cur;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	raise(SIGUSR1);
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	int n = pselect(p[0] + 1, &r, NULL, NULL, NULL, &none);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("pselect lets a blocked SIGUSR1 in: %d %s, handled %d, blocked again %d\n", n, err(n),
	       usr1, sigismember(&cur, SIGUSR1));
	raise(SIGUSR1);
	struct pollfd f = { p[0], POLLIN, 0 };
	n = ppoll(&f, 1, NULL, &none);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("ppoll lets a blocked SIGUSR1 in: %d %s, handled %d, blocked again %d\n", n, err(n),
	       usr1, sigismember(&cur, SIGUSR1));
	raise(SIGUSR1);
	write(p[1], "y", 1);
	n = ppoll(&f, 1, NULL, &none);
	printf("ppoll with data ready and SIGUSR1 pending: %d, handled %d\n", n, usr1);
	sigprocmask(SIG_UNBLOCK, &blk, NULL);
	printf("unblocked: handled %d\n", usr1);
	close(p[0]);
	close(p[1]);
}

static void interrupted(void)
{
	int p[2];
	pipe(p);
	struct pollfd f = { p[0], POLLIN, 0 };
	handle(SIGALRM, on_alarm, SA_RESTART);
	alarms = 0;
	alarm_ms(30);
	int n = poll(&f, 1, -1);
	printf("poll and SIGALRM (SA_RESTART): %d %s, alarms %d\n", n, err(n), alarms);
	alarm_ms(30);
	struct timespec ts = { 5, 0 };
	n = ppoll(&f, 1, &ts, NULL);
	printf("ppoll and SIGALRM: %d %s, time left below 5 s: %d\n", n, err(n),
	       ts.tv_sec < 5);

	char ch = 0;
	pid_t c = late_writer(p[1], 'z', 120);
	alarm_ms(30);
	long r = read(p[0], &ch, 1);
	printf("read and SIGALRM (SA_RESTART): %ld %s '%c', alarms %d\n", r, err(r), ch, alarms);
	waitpid(c, NULL, 0);
	handle(SIGALRM, on_alarm, 0);
	alarm_ms(30);
	r = read(p[0], &ch, 1);
	printf("read and SIGALRM (no SA_RESTART): %ld %s, alarms %d\n", r, err(r), alarms);

	static char big[100000];
	alarm_ms(30);
	r = write(p[1], big, sizeof big);
	printf("write of 100000 into an empty pipe, SIGALRM: %ld, alarms %d\n", r, alarms);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (read(p[0], big, sizeof big) > 0)
		;
	close(p[0]);
	close(p[1]);

	word = 0;
	handle(SIGALRM, on_alarm_word, SA_RESTART);
	alarm_ms(30);
	r = futex_wait(&word, 0, NULL);
	printf("FUTEX_WAIT and SIGALRM (SA_RESTART, the handler changes the word): %ld %s\n", r, err(r));
	word = 0;
	handle(SIGALRM, on_alarm_word, 0);
	alarm_ms(30);
	r = futex_wait(&word, 0, NULL);
	printf("FUTEX_WAIT and SIGALRM (no SA_RESTART): %ld %s\n", r, err(r));
}

static void broken_pipes(void)
{
	int p[2];
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	long r = write(p[1], "a", 1);
	printf("write, no reader, SIGPIPE ignored: %ld %s\n", r, err(r));
	handle(SIGPIPE, on_pipe, 0);
	r = write(p[1], "a", 1);
	printf("write, no reader, SIGPIPE handled: %ld %s, handler ran %d\n", r, err(r), pipes);
	close(p[1]);

	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		char ch;
		close(p[1]);
		read(p[0], &ch, 1);      /* nothing comes: the writer is the parent */
		_exit(3);
	}
	usleep(20000);
	kill(c, SIGTERM);
	int st;
	waitpid(c, &st, 0);
	printf("a child asleep in read, SIGTERM: signaled %d by %s\n", WIFSIGNALED(st),
	       WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "?");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	readiness();
	waiting();
	masks();
	interrupted();
	broken_pipes();
	return 0;
}
