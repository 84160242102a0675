/* thread_exec - execve from a thread that is not the leader: the other
 * threads end (one was asleep in a futex wait), and the new program runs
 * with the process's pid (Linux gives the exec'ing thread the leader's
 * id).  Run as "thread_exec" it starts the threads; as "thread_exec PID"
 * (after the exec) it checks its pid and thread count and exits 7. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *self;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int waiting;

static void *sleeper(void *arg)
{
	pthread_mutex_lock(&m);
	waiting = 1;
	for (;;)
		pthread_cond_wait(&never, &m);
	return arg;
}

static void *execer(void *arg)
{
	while (!waiting)
		sched_yield();
	char pid[32];
	snprintf(pid, sizeof pid, "%d", getpid());
	int is_leader = syscall(SYS_gettid) == getpid();
	printf("execer: pid %s, a thread other than the leader: %d; exec\n", "P", !is_leader);
	fflush(stdout);
	char *argv[] = { self, pid, NULL };
	execv(self, argv);
	perror("execv");
	return arg;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1) {
		int same = atoi(argv[1]) == getpid();
		printf("after exec: same pid %d, gettid == getpid %d\n", same,
		       syscall(SYS_gettid) == getpid());
		return 7;
	}
	pthread_t t[2];
	pthread_create(&t[0], NULL, sleeper, NULL);
	pthread_create(&t[1], NULL, execer, NULL);
	pthread_join(t[0], NULL);      /* never returns: the exec ends this thread */
	printf("not reached\n");
	return 0;
}
