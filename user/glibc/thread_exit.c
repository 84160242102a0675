/* thread_exit - a thread ends the whole process with exit(3) (glibc's
 * exit is exit_group) while the main thread and others sleep in futex
 * waits: every thread goes, the status is 3, and what was printed stays. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int waiting;

static void *sleeper(void *arg)
{
	pthread_mutex_lock(&m);
	waiting++;
	for (;;)
		pthread_cond_wait(&never, &m);
	return arg;
}

static void *ender(void *arg)
{
	while (waiting < 3)
		sched_yield();
	printf("ender: 3 threads wait on a condition that never comes; exit(3)\n");
	fflush(stdout);
	exit(3);
	return arg;
}

int main(void)
{
	pthread_t t[4];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, sleeper, NULL);
	pthread_create(&t[3], NULL, ender, NULL);
	pthread_join(t[0], NULL);      /* never returns */
	printf("not reached\n");
	return 0;
}
