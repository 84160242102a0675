/* threads - POSIX threads over vmos's clone and futex: create and join
 * with return values, thread ids against the process id, thread-local
 * storage through tp (__thread), a detached thread, 64 threads
 * incrementing one counter under a mutex, a condition variable between a
 * producer and consumers, a barrier, a read-write lock, pthread_once,
 * fork from a thread, waitpid of children whose threads end them, one
 * descriptor table for all threads (CLONE_FILES), and a
 * main thread that leaves with pthread_exit while the others finish the
 * work (the process ends with the last). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>

static __thread int tls_counter = 7;          /* each thread starts with 7 */
static __thread char tls_name[16];
static pid_t main_pid;

static void *ids(void *arg)
{
	long n = (long)arg;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	tls_counter += (int)n;
	snprintf(tls_name, sizeof tls_name, "thread %ld", n);
	int ok = getpid() == main_pid && tid != main_pid && tid > 0;
	return (void *)(long)(ok ? tls_counter * 100 + (int)strlen(tls_name) : -1);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *incr(void *arg)
{
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 50 == 0)
			sched_yield();           /* a switch inside the critical section */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

#define NITEMS 300
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, nonfull = PTHREAD_COND_INITIALIZER;
static int queue[8], qhead, qlen, produced_done;
static long consumed_sum[3];

static void *producer(void *arg)
{
	for (int i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&qlock);
		while (qlen == 8)
			pthread_cond_wait(&nonfull, &qlock);
		queue[(qhead + qlen++) % 8] = i;
		pthread_cond_signal(&nonempty);
		pthread_mutex_unlock(&qlock);
	}
	pthread_mutex_lock(&qlock);
	produced_done = 1;
	pthread_cond_broadcast(&nonempty);
	pthread_mutex_unlock(&qlock);
	return arg;
}

static void *consumer(void *arg)
{
	long id = (long)arg;
	for (;;) {
		pthread_mutex_lock(&qlock);
		while (qlen == 0 && !produced_done)
			pthread_cond_wait(&nonempty, &qlock);
		if (qlen == 0) {
			pthread_mutex_unlock(&qlock);
			return NULL;
		}
		int v = queue[qhead];
		qhead = (qhead + 1) % 8, qlen--;
		pthread_cond_signal(&nonfull);
		pthread_mutex_unlock(&qlock);
		consumed_sum[id] += v;
	}
}

static pthread_barrier_t barrier;
static int arrived[4];

static void *at_barrier(void *arg)
{
	long id = (long)arg;
	arrived[id] = 1;
	int serial = pthread_barrier_wait(&barrier);
	int all = arrived[0] + arrived[1] + arrived[2] + arrived[3];
	return (void *)(long)(all * 10 + (serial == PTHREAD_BARRIER_SERIAL_THREAD));
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_value;

static void *writer(void *arg)
{
	for (int i = 0; i < 50; i++) {
		pthread_rwlock_wrlock(&rw);
		shared_value++;
		pthread_rwlock_unlock(&rw);
		if (i % 10 == 0)
			sched_yield();
	}
	return arg;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_fn(void) { once_runs++; }
static void *call_once(void *arg) { pthread_once(&once, once_fn); return arg; }

static void *forker(void *arg)
{
	(void)arg;
	pid_t c = fork();
	if (c == 0)
		_exit(getpid() != main_pid ? 42 : 1);
	int st = 0;
	pid_t w = waitpid(c, &st, 0);
	return (void *)(long)(w == c && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* A child process whose main thread leaves first (pthread_exit): its
 * parent's waitpid must not return before the last thread ends, and the
 * status is then the main thread's own (0).  Another child ends with a
 * thread's exit(9) while its main thread is blocked in a join. */
static void *child_last(void *arg)
{
	for (int i = 0; i < 20; i++)
		sched_yield();
	printf("child: last thread done\n");
	fflush(stdout);
	return arg;
}

static void *child_exit9(void *arg)
{
	(void)arg;
	exit(9);
}

static void wait_children(void)
{
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, child_last, NULL);
		pthread_exit(NULL);
	}
	int st = 0;
	waitpid(c, &st, 0);
	printf("parent: child whose main thread left first: status %d (exited %d)\n",
	       WEXITSTATUS(st), WIFEXITED(st));
	fflush(stdout);
	c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, child_exit9, NULL);
		pthread_join(t, NULL);
		_exit(1);
	}
	waitpid(c, &st, 0);
	printf("parent: child whose thread called exit(9): status %d\n", WEXITSTATUS(st));
}

/* One descriptor table (CLONE_FILES): a descriptor a thread opens is the
 * process's, and one the main thread closes is gone for every thread. */
static void *dup_stdout(void *arg) { (void)arg; return (void *)(long)dup(1); }
static void *fd_flags(void *arg) { return (void *)(long)(fcntl((int)(long)arg, F_GETFD) < 0 ? -errno : 0); }

static void shared_fds(void)
{
	pthread_t t;
	void *rv;
	pthread_create(&t, NULL, dup_stdout, NULL);
	pthread_join(t, &rv);
	int fd = (int)(long)rv;
	fflush(stdout);
	dprintf(fd, "written through fd %d, which a thread opened\n", fd);
	close(fd);
	pthread_create(&t, NULL, fd_flags, (void *)(long)fd);
	pthread_join(t, &rv);
	printf("after the main thread closed it, a thread's fcntl: %s\n",
	       (long)rv == -EBADF ? "EBADF" : "still open");
}

static volatile int detached_ran;
static void *detached(void *arg) { detached_ran = 1; return arg; }

static long late_sum;
static void *late_worker(void *arg)
{
	for (int i = 0; i < 1000; i++)
		late_sum += i;
	sched_yield();
	printf("late worker: sum %ld, main thread gone\n", late_sum);
	fflush(stdout);
	return arg;
}

int main(void)
{
	main_pid = getpid();
	pthread_t t[64];
	void *rv;

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, ids, (void *)i);
	for (long i = 0; i < 4; i++) {
		pthread_join(t[i], &rv);
		printf("ids %ld: %ld\n", i, (long)rv);
	}
	printf("main tls_counter %d (untouched by the threads), gettid==getpid %d\n", tls_counter,
	       (pid_t)syscall(SYS_gettid) == getpid());

	for (long i = 0; i < 64; i++)
		if (pthread_create(&t[i], NULL, incr, (void *)i) != 0)
			printf("create %ld failed\n", i);
	for (long i = 0; i < 64; i++)
		pthread_join(t[i], NULL);
	printf("64 threads x 200 increments under a mutex: %ld\n", counter);

	pthread_create(&t[0], NULL, producer, NULL);
	for (long i = 0; i < 3; i++)
		pthread_create(&t[1 + i], NULL, consumer, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("condvar queue: consumed %ld (want %d)\n",
	       consumed_sum[0] + consumed_sum[1] + consumed_sum[2], NITEMS * (NITEMS + 1) / 2);

	pthread_barrier_init(&barrier, NULL, 4);
	int serials = 0, alls = 0;
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, at_barrier, (void *)i);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &rv);
		alls += (long)rv / 10 == 4;
		serials += (long)rv % 10;
	}
	printf("barrier: %d threads saw all 4 arrive, %d serial thread\n", alls, serials);

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, writer, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_rwlock_rdlock(&rw);
	printf("rwlock: %d\n", shared_value);
	pthread_rwlock_unlock(&rw);

	for (long i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, call_once, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("pthread_once ran %d time(s)\n", once_runs);

	pthread_create(&t[0], NULL, forker, NULL);
	pthread_join(t[0], &rv);
	printf("fork from a thread: child status %ld\n", (long)rv);

	fflush(stdout);
	wait_children();
	shared_fds();

	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_create(&t[0], &a, detached, NULL);
	while (!detached_ran)
		sched_yield();
	printf("detached thread ran\n");

	cpu_set_t set;
	CPU_ZERO(&set);
	printf("sched_getaffinity: %d, cpu 0 set %d\n", sched_getaffinity(0, sizeof set, &set),
	       CPU_ISSET(0, &set));

	pthread_create(&t[0], NULL, late_worker, NULL);
	fflush(stdout);
	pthread_exit(NULL);     /* the process ends when late_worker does, status 0 */
}
