/* thread_segv - one thread stores through a null pointer: the fault ends
 * the whole thread group with SIGSEGV (status 139), the main thread
 * blocked in pthread_join included. */
#include <pthread.h>
#include <stdio.h>

static void *faulter(void *arg)
{
	printf("faulter: storing to %p\n", arg);
	fflush(stdout);
	*(volatile int *)arg = 1;
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, faulter, NULL);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}
