/*
 * sigwait - taking signals synchronously (rt_sigtimedwait: sigwait,
 * sigwaitinfo, sigtimedwait), compared with qemu-riscv64:
 *   - a blocked signal already pending is taken at once, with its siginfo;
 *     two pending ones come lowest first; a real-time signal sent twice is
 *     taken twice;
 *   - nothing pending: a zero timeout and a 50 ms timeout give EAGAIN;
 *   - a thread waiting for a signal every thread blocks gets the one sent
 *     to the process; a child's kill reaches a parent waiting with a
 *     timeout (si_pid is the child);
 *   - a handler for another signal ends the wait with EINTR (even under
 *     SA_RESTART);
 *   - errors: a sigsetsize other than 8 EINVAL, a bad set or timeout
 *     pointer EFAULT, tv_nsec out of range EINVAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(int rc)
{
	return rc >= 0 ? "ok" : strerrorname_np(errno);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void *waiter(void *arg)
{
	sigset_t *set = arg;
	siginfo_t si;
	int sig = sigwaitinfo(set, &si);
	printf("thread: sigwaitinfo -> %s, si_code SI_USER %d, from our pid %d\n", sigabbrev_np(sig),
	       si.si_code == SI_USER, si.si_pid == getpid());
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	sigset_t set, all;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* pending already */
	raise(SIGUSR2);
	raise(SIGUSR1);
	siginfo_t si;
	int sig = sigwaitinfo(&set, &si);
	printf("first: %s (si_signo %d, SI_TKILL %d)\n", sigabbrev_np(sig), si.si_signo == sig,
	       si.si_code == SI_TKILL);
	int s2;
	sigwait(&set, &s2);
	printf("second: %s\n", sigabbrev_np(s2));
	kill(getpid(), SIGRTMIN);
	kill(getpid(), SIGRTMIN);
	int a = sigwaitinfo(&set, NULL), b = sigwaitinfo(&set, NULL);
	printf("real-time twice: %d %d\n", a == SIGRTMIN, b == SIGRTMIN);

	/* nothing pending */
	struct timespec zero = { 0, 0 }, short_ = { 0, 50000000 };
	printf("zero timeout: %s\n", err(sigtimedwait(&set, &si, &zero)));
	printf("50 ms timeout: %s\n", err(sigtimedwait(&set, &si, &short_)));

	/* a thread waits; the process gets the signal */
	pthread_t t;
	pthread_create(&t, NULL, waiter, &set);
	usleep(30000);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);

	/* a child's kill reaches the waiting parent */
	pid_t c = fork();
	if (c == 0) {
		usleep(30000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	struct timespec two = { 2, 0 };
	sig = sigtimedwait(&set, &si, &two);
	printf("from the child: %s, si_pid is the child %d\n", sigabbrev_np(sig), si.si_pid == c);
	waitpid(c, NULL, 0);

	/* a handler for another signal: EINTR */
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &sa, NULL);
	ualarm(30000, 0);
	int rc = sigtimedwait(&set, &si, &two);
	printf("SIGALRM handled while waiting: %s, %d handler run\n", err(rc), (int)alarms);

	/* errors */
	sigfillset(&all);
	errno = 0;
	printf("sigsetsize 4: %s\n", err((int)syscall(SYS_rt_sigtimedwait, &set, NULL, &zero, 4)));
	printf("bad set: %s\n", err((int)syscall(SYS_rt_sigtimedwait, (void *)8, NULL, &zero, 8)));
	printf("bad timeout: %s\n", err((int)syscall(SYS_rt_sigtimedwait, &set, NULL, (void *)8, 8)));
	struct timespec bad = { 0, 2000000000 };
	printf("tv_nsec 2e9: %s\n", err(sigtimedwait(&set, &si, &bad)));
	return 0;
}
