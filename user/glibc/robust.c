/* robust - a robust mutex whose owner thread ends without unlocking it:
 * the kernel walks the thread's robust list at its exit (set_robust_list),
 * marks the mutex FUTEX_OWNER_DIED and wakes a waiter, so the next locker
 * gets EOWNERDEAD, makes the state consistent and goes on.  (qemu-riscv64
 * 7.2 has no set_robust_list: glibc then walks the list itself as the
 * thread exits, with the same result.  Under vmos, where set_robust_list
 * succeeds, only the kernel's walk can wake the waiter.) */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sched.h>
#include <string.h>

static pthread_mutex_t m;
static volatile int locked;

static void *owner(void *arg)
{
	pthread_mutex_lock(&m);
	locked = 1;
	return arg;           /* ends holding m */
}

static void *waiter(void *arg __attribute__((unused)))
{
	while (!locked)
		sched_yield();
	long rc = pthread_mutex_lock(&m);    /* sleeps until the owner dies */
	if (rc == EOWNERDEAD) {
		pthread_mutex_consistent(&m);
		pthread_mutex_unlock(&m);
	}
	return (void *)rc;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	int rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	rc = rc ? rc : pthread_mutex_init(&m, &a);
	printf("robust mutex: %s\n", rc ? strerror(rc) : "ok");
	if (rc)
		return 1;
	pthread_t t1, t2;
	void *r;
	pthread_create(&t2, NULL, waiter, NULL);
	pthread_create(&t1, NULL, owner, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, &r);
	printf("waiter's lock after the owner died: %s\n", (long)r == EOWNERDEAD ? "EOWNERDEAD" : strerror((int)(long)r));
	int l = pthread_mutex_lock(&m);
	int u = pthread_mutex_unlock(&m);
	printf("made consistent by the waiter: lock %d, unlock %d\n", l, u);
	return 0;
}
