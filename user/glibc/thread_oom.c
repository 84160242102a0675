/* thread_oom - four threads each fill 8 MiB, a page at a time, then sum
 * it.  At the default RAM it completes (as under qemu-riscv64); in too
 * little RAM (tests/kernel/threads.sh runs it with --ram 16M and no swap)
 * the OOM killer weighs the process's one address space and ends the
 * whole thread group with SIGKILL. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define MB (1024 * 1024)

static void *fill(void *arg)
{
	long id = (long)arg, sum = 0;
	unsigned char *m = malloc(8 * MB);
	if (!m)
		return (void *)-1L;
	for (long i = 0; i < 8 * MB; i += 4096)
		m[i] = (unsigned char)(id + 1);
	for (long i = 0; i < 8 * MB; i += 4096)
		sum += m[i];
	return (void *)sum;
}

int main(void)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, fill, (void *)i);
	long total = 0;
	for (int i = 0; i < 4; i++) {
		void *rv;
		pthread_join(t[i], &rv);
		total += (long)rv;
	}
	printf("four threads filled 32 MiB: checksum %ld\n", total);
	return 0;
}
