/*
 * signals.c - signal handling against qemu-riscv64 (tests/glibc/glibc.sh):
 * siginfo for SEGV_MAPERR and SEGV_ACCERR, a handler that changes the
 * registers in its ucontext, SA_RESETHAND, SA_NODEFER, masks during a
 * handler, sigaltstack, an interval timer, kill of itself and of a child,
 * SIGCHLD, EINTR against SA_RESTART on nanosleep and wait4, sigsuspend,
 * sigpending, a child killed by SIGSEGV.  Prints one line per check.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jb;
static void *volatile fault_addr;
static volatile int fault_code, fault_signo, hits, usr2_blocked, usr1_blocked, depth, maxdepth;
static volatile uintptr_t local_at;

static void on_segv_jump(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_signo = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static char *page;
static void on_segv_unprotect(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	hits++;
	mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	(void)sig; (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.__gregs[REG_PC] += 4;          /* past the ebreak */
	uc->uc_mcontext.__gregs[REG_A0] = 42;          /* the "result" */
}

static void on_usr1(int sig)
{
	(void)sig;
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	if (hits == 0 || hits == 10) {         /* the first run: raised by main */
		usr1_blocked = sigismember(&now, SIGUSR1);
		usr2_blocked = sigismember(&now, SIGUSR2);
	}
	hits++;
	if (++depth > maxdepth)
		maxdepth = depth;
	if (hits < 3)
		raise(SIGUSR1);         /* nests only under SA_NODEFER */
	depth--;
}

static void on_stack(int sig)
{
	(void)sig;
	volatile char here;
	local_at = (uintptr_t)&here;
	stack_t ss;
	sigaltstack(NULL, &ss);
	fault_code = ss.ss_flags;
}

static volatile int alarms, chlds, chld_status, chld_code;
static void on_alarm(int sig) { (void)sig; alarms++; }
static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	chlds++;
	chld_status = si->si_status;
	chld_code = si->si_code;
}

static void handle(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void handle_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void timer_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* SEGV_MAPERR: an address with nothing mapped */
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	handle_info(SIGSEGV, on_segv_jump, 0);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)(gone + 12) = 1;
	printf("maperr: signo %d code %d addr %s\n", fault_signo, fault_code,
	       fault_addr == gone + 12 ? "exact" : "WRONG");

	/* SEGV_ACCERR: a read-only page; the handler unprotects, the store is retried */
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	handle_info(SIGSEGV, on_segv_unprotect, 0);
	hits = 0;
	*(volatile char *)&page[100] = 7;
	printf("accerr: code %d addr %s hits %d value %d\n", fault_code,
	       fault_addr == page + 100 ? "exact" : "WRONG", hits, page[100]);

	/* a handler that changes registers through its ucontext */
	handle_info(SIGTRAP, on_trap, 0);
	long r;
	__asm__ volatile(".option push\n.option norvc\nli a0, 1\nebreak\n.option pop\nmv %0, a0"
			 : "=r"(r) : : "a0");
	printf("ucontext: a0 after ebreak %ld\n", r);

	/* masks during a handler: sa_mask and the signal itself */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	hits = 0, maxdepth = 0;
	raise(SIGUSR1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	/* (usr2_blocked, sa_mask's SIGUSR2, is 1 on vmos and Linux; qemu-riscv64 7.2
	 * reports 0, so it is not printed) */
	printf("mask: in handler usr1 %d, runs %d depth %d, after usr1 %d usr2 %d\n",
	       usr1_blocked, hits, maxdepth, sigismember(&now, SIGUSR1),
	       sigismember(&now, SIGUSR2));

	/* SA_NODEFER: the handler can be re-entered */
	handle(SIGUSR1, on_usr1, SA_NODEFER);
	hits = 0, maxdepth = 0;
	raise(SIGUSR1);
	printf("nodefer: in handler usr1 %d, runs %d depth %d\n", usr1_blocked, hits, maxdepth);

	/* SA_RESETHAND: the action goes back to SIG_DFL on delivery */
	handle(SIGUSR1, on_usr1, SA_RESETHAND);
	hits = 10, maxdepth = 0;               /* >= 3: the handler raises nothing */
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	printf("resethand: runs %d, now %s\n", hits - 10, old.sa_handler == SIG_DFL ? "SIG_DFL" : "handler");

	/* sigaltstack: SA_ONSTACK runs the handler there */
	static char alt[16384];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
	int rc = sigaltstack(&ss, NULL);
	handle(SIGUSR2, on_stack, SA_ONSTACK);
	raise(SIGUSR2);
	printf("altstack: set %d, handler on it %d, ss_flags inside %d\n", rc,
	       local_at >= (uintptr_t)alt && local_at < (uintptr_t)alt + sizeof alt, fault_code);
	stack_t tiny = { .ss_sp = alt, .ss_size = 100, .ss_flags = 0 };
	errno = 0;
	printf("altstack: too small %d errno %s\n", sigaltstack(&tiny, NULL), errno == ENOMEM ? "ENOMEM" : "?");

	/* an interval timer and sigsuspend */
	handle(SIGALRM, on_alarm, 0);
	sigset_t block, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	timer_ms(30);
	sigemptyset(&empty);
	rc = sigsuspend(&empty);
	printf("itimer: sigsuspend %d errno %s alarms %d\n", rc, errno == EINTR ? "EINTR" : "?", alarms);
	timer_ms(10);
	struct timespec ten_ms = { 0, 30000000 };
	nanosleep(&ten_ms, NULL);
	sigset_t pend;
	sigpending(&pend);
	printf("sigpending: alarm pending while blocked %d, alarms %d\n", sigismember(&pend, SIGALRM), alarms);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("unblocked: alarms %d\n", alarms);

	/* EINTR: nanosleep interrupted, with the time left */
	timer_ms(20);
	struct timespec req = { 2, 0 }, rem = { 0, 0 };
	errno = 0;
	rc = nanosleep(&req, &rem);
	printf("nanosleep: %d %s, rem in (1s, 2s) %d\n", rc, errno == EINTR ? "EINTR" : "?",
	       rem.tv_sec == 1 && rem.tv_nsec > 0);

	/* kill of itself */
	handle(SIGUSR2, on_alarm, 0);
	alarms = 0;
	kill(getpid(), SIGUSR2);
	printf("kill self: handled %d\n", alarms);

	/* SIGCHLD, and wait4 restarted under SA_RESTART */
	handle_info(SIGCHLD, on_chld, SA_RESTART);
	handle(SIGALRM, on_alarm, SA_RESTART);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		struct timespec t = { 0, 100000000 };
		nanosleep(&t, NULL);
		_exit(3);
	}
	timer_ms(20);
	int st;
	alarms = 0;
	pid_t w = waitpid(c, &st, 0);
	printf("wait4 SA_RESTART: same child %d, exit %d, alarms %d, sigchld %d code %s status %d\n",
	       w == c, WEXITSTATUS(st), alarms, chlds, chld_code == CLD_EXITED ? "CLD_EXITED" : "?",
	       chld_status);

	/* wait4 interrupted without SA_RESTART */
	handle(SIGALRM, on_alarm, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		struct timespec t = { 0, 100000000 };
		nanosleep(&t, NULL);
		_exit(4);
	}
	timer_ms(20);
	errno = 0;
	w = waitpid(c, &st, 0);
	printf("wait4 no SA_RESTART: %d %s\n", (int)(w == -1 ? -1 : 0), errno == EINTR ? "EINTR" : "?");
	w = waitpid(c, &st, 0);
	printf("then: exit %d\n", WEXITSTATUS(st));

	/* kill of a child, and a child that dies of SIGSEGV */
	handle(SIGCHLD, SIG_DFL, 0);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	kill(c, SIGTERM);
	waitpid(c, &st, 0);
	printf("kill child: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_DFL);
		volatile uintptr_t bad = 16;
		*(volatile int *)bad = 1;
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("segv child: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));

	/* bad arguments */
	errno = 0;
	printf("sigaction SIGKILL: %d %s\n", sigaction(SIGKILL, &sa, NULL), errno == EINVAL ? "EINVAL" : "?");
	errno = 0;
	printf("kill bad signal: %d %s\n", kill(getpid(), 99), errno == EINVAL ? "EINVAL" : "?");
	return 0;
}
