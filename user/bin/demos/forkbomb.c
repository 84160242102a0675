/*
 * forkbomb - forks without end (each child forks again) until fork fails,
 * then reports the first error it saw and exits.  Under vmos the program
 * tree is refused at --max-procs (EAGAIN) or when memory runs out (ENOMEM);
 * nothing else on the machine is disturbed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int depth = 0;
	for (;;) {
		pid_t pid = fork();
		if (pid < 0) {
			int e = errno;
			if (depth == 0)
				printf("forkbomb: fork refused: %s\n", e == EAGAIN ? "EAGAIN" :
				       e == ENOMEM ? "ENOMEM" : "other");
			/* wait for our children so the tree drains */
			while (wait(NULL) > 0)
				;
			return depth == 0 ? 0 : 1;
		}
		if (pid == 0) {
			depth++;
			continue;
		}
		if (depth > 0) {           /* children stop after one success */
			while (wait(NULL) > 0)
				;
			return 0;
		}
	}
}
