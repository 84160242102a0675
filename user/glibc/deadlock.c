/* deadlock - two threads take two mutexes in opposite orders and each
 * waits for the other's forever; the main thread joins them.  Linux (and
 * qemu-riscv64) hang; vmos finds every thread asleep with no deadline,
 * names each and what it waits on, and ends the process with SIGKILL. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;

static void *ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_barrier_wait(&both);
	pthread_mutex_lock(&b);
	return arg;
}

static void *ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_barrier_wait(&both);
	pthread_mutex_lock(&a);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;
	pthread_barrier_init(&both, NULL, 2);
	printf("two threads, two mutexes, opposite orders\n");
	fflush(stdout);
	pthread_create(&t1, NULL, ab, NULL);
	pthread_create(&t2, NULL, ba, NULL);
	pthread_join(t1, NULL);
	printf("not reached\n");
	return 0;
}
