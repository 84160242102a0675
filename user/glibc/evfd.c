/*
 * evfd - event files and epoll, compared with qemu-riscv64:
 *   eventfd   counting, EFD_SEMAPHORE, EFD_NONBLOCK (EAGAIN), the limit
 *             2^64-2, short buffers and the value 2^64-1 (EINVAL), a read
 *             that waits for another process's write;
 *   signalfd  blocked signals read as signalfd_siginfo records (signal,
 *             code, sender, a child's exit status), none pending: EAGAIN,
 *             a read that waits for a kill, a new mask on the same fd,
 *             errors (not a sizemask other than 8: Linux's EINVAL, which
 *             qemu-riscv64 7.2 does not check);
 *   timerfd   disarmed, one-shot, periodic (expirations counted), absolute
 *             time in the past, gettime, a read that waits for the expiry,
 *             errors;
 *   epoll     level-triggered, EPOLLET, EPOLLONESHOT and MOD, DEL, a
 *             closed descriptor leaving the set, EPOLLHUP, a wait woken by
 *             another process, by a timerfd's expiry, by a signal (EINTR),
 *             an epoll inside an epoll, the errors (EEXIST, ENOENT, EPERM
 *             for a regular file, EINVAL, ELOOP).
 * Times are chosen so that a slow, shared machine gives the same output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *e(long rc)
{
	return rc >= 0 ? "ok" : strerrorname_np(errno);
}

static int readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void eventfds(void)
{
	int fd = eventfd(3, EFD_NONBLOCK);
	uint64_t v = 0;
	printf("eventfd: read %s %llu\n", e(read(fd, &v, 8)), (unsigned long long)v);
	printf("eventfd: empty read %s, readable %d\n", e(read(fd, &v, 8)), readable(fd));
	v = 5;
	write(fd, &v, 8);
	v = 7;
	write(fd, &v, 8);
	printf("eventfd: readable %d, read %s %llu\n", readable(fd), e(read(fd, &v, 8)),
	       (unsigned long long)v);
	printf("eventfd: 4-byte read %s\n", e(read(fd, &v, 4)));
	v = UINT64_MAX;
	printf("eventfd: write 2^64-1 %s\n", e(write(fd, &v, 8)));
	v = UINT64_MAX - 1;
	printf("eventfd: write 2^64-2 %s", e(write(fd, &v, 8)));
	v = 1;
	printf(", one more %s\n", e(write(fd, &v, 8)));
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t a = 0, b = 0;
	read(fd, &a, 8);
	read(fd, &b, 8);
	printf("semaphore: %llu %llu, then %s\n", (unsigned long long)a, (unsigned long long)b,
	       e(read(fd, &v, 8)));
	close(fd);
	printf("eventfd bad flags: %s\n", e(eventfd(0, 0x40000000)));

	fd = eventfd(0, 0);
	pid_t c = fork();
	if (c == 0) {
		usleep(30000);
		v = 42;
		write(fd, &v, 8);
		_exit(0);
	}
	v = 0;
	read(fd, &v, 8);                         /* waits for the child */
	printf("eventfd: waited for %llu from the child\n", (unsigned long long)v);
	waitpid(c, NULL, 0);
	close(fd);
}

static void signalfds(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	struct signalfd_siginfo s;
	printf("signalfd: empty %s, readable %d\n", e(read(fd, &s, sizeof s)), readable(fd));
	kill(getpid(), SIGUSR1);
	printf("signalfd: readable %d\n", readable(fd));
	long n = read(fd, &s, sizeof s);
	printf("signalfd: read %ld: %s, SI_USER %d, from us %d\n", n, sigabbrev_np((int)s.ssi_signo),
	       s.ssi_code == SI_USER, s.ssi_pid == (uint32_t)getpid());
	printf("signalfd: pending now %d\n", sigismember(&(sigset_t){ 0 }, SIGUSR1));
	pid_t c = fork();
	if (c == 0)
		_exit(7);
	struct pollfd pf = { fd, POLLIN, 0 };
	poll(&pf, 1, 5000);
	n = read(fd, &s, sizeof s);
	printf("signalfd: %s, CLD_EXITED %d, status %d, the child %d\n", sigabbrev_np((int)s.ssi_signo),
	       s.ssi_code == CLD_EXITED, s.ssi_status, s.ssi_pid == (uint32_t)c);
	waitpid(c, NULL, 0);
	printf("signalfd: short buffer %s\n", e(read(fd, &s, 100)));

	/* the same fd, a new mask; a blocking descriptor waits for a kill */
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	printf("signalfd: new mask on the same fd %d\n", signalfd(fd, &m, 0) == fd);
	int bfd = signalfd(-1, &m, 0);
	c = fork();
	if (c == 0) {
		usleep(30000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	n = read(bfd, &s, sizeof s);
	printf("signalfd: waited for %s from the child %d\n", sigabbrev_np((int)s.ssi_signo),
	       s.ssi_pid == (uint32_t)c);
	waitpid(c, NULL, 0);
	while (read(fd, &s, sizeof s) > 0)      /* the child's SIGCHLD */
		;
	int efd = eventfd(0, 0);
	printf("signalfd on an eventfd: %s\n", e(signalfd(efd, &m, 0)));
	close(efd);
	close(bfd);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static void timerfds(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec cur, it = { { 0, 0 }, { 0, 0 } };
	uint64_t n = 0;
	timerfd_gettime(fd, &cur);
	printf("timerfd: disarmed %d, read %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
	       e(read(fd, &n, 8)));
	it.it_value.tv_nsec = 20000000;
	it.it_interval.tv_nsec = 20000000;
	timerfd_settime(fd, 0, &it, NULL);
	timerfd_gettime(fd, &cur);
	printf("timerfd: armed, interval 20 ms %d, left <= 20 ms %d\n",
	       cur.it_interval.tv_nsec == 20000000 && cur.it_interval.tv_sec == 0,
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 20000000);
	usleep(110000);
	read(fd, &n, 8);
	printf("timerfd: after 110 ms, at least 4 expirations %d; then %s\n", n >= 4, e(read(fd, &n, 8)));
	it.it_interval.tv_nsec = 0;
	timerfd_settime(fd, 0, &it, NULL);
	int bfd = timerfd_create(CLOCK_MONOTONIC, 0);
	it.it_value.tv_nsec = 30000000;
	timerfd_settime(bfd, 0, &it, NULL);
	read(bfd, &n, 8);                        /* waits for the expiry */
	printf("timerfd: waited, %llu expiration\n", (unsigned long long)n);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int rfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	struct itimerspec past = { { 0, 0 }, { now.tv_sec - 5, 0 } };
	timerfd_settime(rfd, TFD_TIMER_ABSTIME, &past, NULL);
	n = 0;
	printf("timerfd: absolute time in the past: %s %llu\n", e(read(rfd, &n, 8)),
	       (unsigned long long)n);
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	printf("timerfd: tv_nsec 1e9 %s, clock 99 %s, bad flags %s\n", e(timerfd_settime(fd, 0, &bad, NULL)),
	       e(timerfd_create(99, 0)), e(timerfd_create(CLOCK_MONOTONIC, 0x100)));
	int efd = eventfd(0, 0);
	printf("timerfd_settime on an eventfd: %s, gettime: %s\n", e(timerfd_settime(efd, 0, &it, NULL)),
	       e(timerfd_gettime(efd, &cur)));
	close(efd);
	close(rfd);
	close(bfd);
	close(fd);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int ep_wait(int ep, int timeout, const char *what)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, timeout);
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [%llu:%s%s%s]", (unsigned long long)ev[i].data.u64, ev[i].events & EPOLLIN ? "in" : "",
		       ev[i].events & EPOLLOUT ? "out" : "", ev[i].events & EPOLLHUP ? "hup" : "");
	printf("\n");
	return n;
}

static void epolls(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2], q[2];
	pipe(p);
	pipe(q);
	struct epoll_event ev = { EPOLLIN, { .u64 = 1 } };
	printf("epoll: add %s, again %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev)),
	       e(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev)));
	ev = (struct epoll_event){ EPOLLIN | EPOLLET, { .u64 = 2 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
	ep_wait(ep, 0, "nothing yet");
	write(p[1], "ab", 2);
	write(q[1], "cd", 2);
	ep_wait(ep, 0, "both pipes");
	ep_wait(ep, 0, "again: level stays, edge does not");
	char buf[8];
	read(q[0], buf, sizeof buf);
	write(q[1], "e", 1);
	ep_wait(ep, 0, "new data after draining the edge one");
	read(p[0], buf, sizeof buf);
	read(q[0], buf, sizeof buf);
	ev = (struct epoll_event){ EPOLLIN | EPOLLONESHOT, { .u64 = 3 } };
	printf("epoll: mod %s\n", e(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev)));
	write(p[1], "x", 1);
	ep_wait(ep, 0, "oneshot");
	ep_wait(ep, 0, "oneshot, disabled");
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	ep_wait(ep, 0, "re-armed by mod");
	printf("epoll: del %s, del again %s, mod of none %s\n", e(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)),
	       e(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)), e(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev)));
	ev = (struct epoll_event){ EPOLLOUT, { .u64 = 4 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &ev);
	ep_wait(ep, 0, "a pipe's write end");
	close(q[1]);
	ep_wait(ep, 0, "closed: it left the set");
	ev = (struct epoll_event){ EPOLLIN, { .u64 = 5 } };
	epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev);
	ep_wait(ep, 0, "no writer left: hup");
	epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);
	close(q[0]);

	/* errors */
	int f = open("/proc/self/exe", O_RDONLY);
	struct epoll_event *none = NULL;
	printf("epoll: regular file %s, itself %s, not epoll %s, bad op %s, maxevents 0 %s, bad fd %s\n",
	       e(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev)), e(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev)),
	       e(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev)), e(epoll_ctl(ep, 9, p[0], &ev)),
	       e(epoll_wait(ep, &ev, 0, 0)), e(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev)));
	printf("epoll: bad event pointer %s, bad flags %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], none)),
	       e(epoll_create1(1)));
	close(f);

	/* waits: another process, a timer, a signal */
	ev = (struct epoll_event){ EPOLLIN, { .u64 = 6 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	pid_t c = fork();
	if (c == 0) {
		usleep(30000);
		write(p[1], "y", 1);
		_exit(0);
	}
	ep_wait(ep, 5000, "woken by the child's write");
	waitpid(c, NULL, 0);
	read(p[0], buf, sizeof buf);
	int t = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec it = { { 0, 0 }, { 0, 40000000 } };
	timerfd_settime(t, 0, &it, NULL);
	ev = (struct epoll_event){ EPOLLIN, { .u64 = 7 } };
	epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev);
	ep_wait(ep, 5000, "woken by the timer");
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	epoll_ctl(ep, EPOLL_CTL_DEL, t, NULL);
	ualarm(30000, 0);
	struct epoll_event out;
	printf("epoll: a handled signal: %s, %d handler run\n", e(epoll_wait(ep, &out, 1, 5000)),
	       (int)alarms);

	/* an epoll in an epoll, and a loop */
	int ep2 = epoll_create1(0);
	ev = (struct epoll_event){ EPOLLIN, { .u64 = 8 } };
	printf("epoll in epoll: %s", e(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev)));
	printf(", loop %s\n", e(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev)));
	ep_wait(ep2, 0, "inner has nothing");
	write(p[1], "z", 1);
	ep_wait(ep2, 0, "inner has a ready pipe");
	close(ep2);
	close(t);
	close(ep);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	eventfds();
	signalfds();
	timerfds();
	epolls();
	return 0;
}
