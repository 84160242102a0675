/*
 * pshared - futexes shared between processes: a PTHREAD_PROCESS_SHARED
 * mutex and condition variable and a shared semaphore in MAP_SHARED |
 * MAP_ANONYMOUS memory that fork shares, and a raw FUTEX_WAIT/FUTEX_WAKE
 * pair on one word of a MAP_SHARED file that the two processes map at
 * different addresses.  Shared futexes are keyed by what both processes
 * see - the frame (or the file page) - not by the address, as Linux keys
 * them; a private wake of the same word finds no sleeper of another
 * process.  The output depends on no scheduling order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	sem_t sem;
	int counter;
	int go;
	int woken;
};

static long fx(uint32_t *uaddr, int op, uint32_t val)
{
	long r = syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
	return r < 0 ? -errno : r;
}

static int wait_all(int n)
{
	int ok = 0, st;
	for (int i = 0; i < n; i++)
		if (wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	return ok;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return 1;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->lock, &ma);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_cond_init(&s->cond, &ca);
	sem_init(&s->sem, 1, 0);

	/* four processes count under one shared mutex */
	for (int c = 0; c < 4; c++)
		if (fork() == 0) {
			for (int i = 0; i < 2000; i++) {
				pthread_mutex_lock(&s->lock);
				int v = s->counter;
				if (i % 97 == 0)
					sched_yield();     /* hold the lock across a switch */
				s->counter = v + 1;
				pthread_mutex_unlock(&s->lock);
			}
			_exit(0);
		}
	printf("shared mutex: %d children ok, counter %d\n", wait_all(4), s->counter);

	/* children wait on a shared condition variable until the parent says go */
	for (int c = 0; c < 3; c++)
		if (fork() == 0) {
			pthread_mutex_lock(&s->lock);
			while (!s->go)
				pthread_cond_wait(&s->cond, &s->lock);
			s->woken++;
			pthread_mutex_unlock(&s->lock);
			sem_post(&s->sem);
			_exit(0);
		}
	usleep(20000);
	pthread_mutex_lock(&s->lock);
	s->go = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	for (int c = 0; c < 3; c++)
		sem_wait(&s->sem);
	printf("shared condvar and semaphore: %d children ok, woken %d\n", wait_all(3), s->woken);

	/* a word of a shared file, mapped at two addresses */
	char path[] = "/tmp/vmos-pshared-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 8192) < 0)
		return 2;
	uint32_t *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pid_t child = fork();
	if (child == 0) {
		/* another address for the same page: a second mapping, the first
		 * one kept so that the addresses surely differ */
		uint32_t *b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (b == MAP_FAILED || b == a)
			_exit(3);
		b[1] = 1;                            /* "I am about to sleep" */
		long r = fx(&b[0], FUTEX_WAIT, 0);   /* shared: keyed by the page */
		_exit(r == 0 ? 0 : 4);
	}
	while (__atomic_load_n(&a[1], __ATOMIC_SEQ_CST) == 0)
		usleep(1000);
	long priv = 0, shared = 0;
	for (int tries = 0; tries < 1000 && shared == 0; tries++) {
		priv += fx(&a[0], FUTEX_WAKE_PRIVATE, 1);   /* another process's sleeper: never */
		shared = fx(&a[0], FUTEX_WAKE, 1);
		if (shared == 0)
			usleep(1000);
	}
	int st;
	waitpid(child, &st, 0);
	printf("file word at two addresses: private wakes %ld, shared wake %ld, child %s\n", priv,
	       shared, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "woken" : "failed");
	unlink(path);
	return 0;
}
