/*
 * fifo - named pipes in /tmp (mkfifo, mknod): a reader's open waits for a
 * writer's and the reverse, bytes flow between the processes, the reader
 * sees EOF when the writer closes; O_RDONLY | O_NONBLOCK opens at once,
 * O_WRONLY | O_NONBLOCK with no reader is ENXIO, O_RDWR never waits; stat
 * says FIFO; mknod of a regular file; mkfifo of an existing name EEXIST;
 * SIGTERM ends a process that waits in a FIFO's open; a handled signal
 * ends that wait with EINTR (and the half-opened end is gone), or, with
 * SA_RESTART, the open goes on waiting.
 * Compared with qemu-riscv64 (tests/glibc/glibc.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
	(void)sig;
	handled++;
}

static const char *e(int rc)
{
	return rc >= 0 ? "ok" : strerror(errno);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char dir[] = "/tmp/vmos-fifo-XXXXXX", path[64], reg[64];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/f", dir);
	snprintf(reg, sizeof reg, "%s/r", dir);
	printf("mkfifo: %s\n", e(mkfifo(path, 0600)));
	printf("mkfifo again: %s\n", e(mkfifo(path, 0600)));
	struct stat st;
	stat(path, &st);
	printf("stat: fifo %d, mode %o, size %lld\n", S_ISFIFO(st.st_mode), (unsigned)(st.st_mode & 0777),
	       (long long)st.st_size);
	printf("mknod S_IFREG: %s, regular %d\n", e(mknod(reg, S_IFREG | 0644, 0)),
	       stat(reg, &st) == 0 && S_ISREG(st.st_mode));
	printf("mknod S_IFCHR: %s\n", e(mknod(reg, S_IFCHR | 0644, 0) == 0 ? 0 : (errno == EEXIST ? -1 : -1)));

	int w = open(path, O_WRONLY | O_NONBLOCK);
	printf("open O_WRONLY|O_NONBLOCK, no reader: %s\n", e(w));
	int r = open(path, O_RDONLY | O_NONBLOCK);
	char buf[64];
	printf("open O_RDONLY|O_NONBLOCK: %s, read with no writer: %zd\n", e(r), read(r, buf, sizeof buf));
	close(r);
	int rw = open(path, O_RDWR);
	printf("open O_RDWR: %s; write+read through it: %zd %zd\n", e(rw), write(rw, "xy", 2),
	       read(rw, buf, 2));
	close(rw);

	/* a writer and a reader that wait for each other */
	pid_t c = fork();
	if (c == 0) {
		int fd = open(path, O_WRONLY);          /* waits for the reader */
		write(fd, "through the fifo\n", 17);
		close(fd);
		_exit(fd >= 0 ? 0 : 1);
	}
	usleep(20000);
	r = open(path, O_RDONLY);                       /* the writer may be waiting */
	ssize_t n = 0, got;
	while ((got = read(r, buf + n, sizeof buf - 1 - (size_t)n)) > 0)
		n += got;
	buf[n] = 0;
	int status;
	waitpid(c, &status, 0);
	printf("reader got %zd bytes: %s", n, buf);
	printf("then EOF (read %zd), writer exit %d\n", read(r, buf, 1), WEXITSTATUS(status));
	close(r);

	/* the reader first this time */
	c = fork();
	if (c == 0) {
		usleep(20000);
		int fd = open(path, O_WRONLY);
		write(fd, "late writer\n", 12);
		close(fd);
		_exit(0);
	}
	r = open(path, O_RDONLY);                       /* waits for the writer */
	n = read(r, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("reader waited and got: %s", buf);
	close(r);
	waitpid(c, &status, 0);

	/* an open that waits forever ends when a signal kills the process */
	c = fork();
	if (c == 0) {
		open(path, O_RDONLY);                   /* no writer will come */
		_exit(9);
	}
	usleep(30000);
	kill(c, SIGTERM);
	waitpid(c, &status, 0);
	printf("a reader waiting in open, SIGTERM: killed %d by %s\n", WIFSIGNALED(status),
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "SIGTERM" : "?");

	/* a handled signal ends the wait with EINTR, and the end that open
	 * had taken is closed again: a writer finds no reader */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGALRM, &sa, NULL);
	ualarm(30000, 0);
	r = open(path, O_RDONLY);
	printf("a reader waiting in open, SIGALRM handled: %s, %d handler run\n", e(r), handled);
	w = open(path, O_WRONLY | O_NONBLOCK);
	printf("then a writer's O_NONBLOCK open: %s\n", e(w));

	/* with SA_RESTART the open waits on after the handler */
	handled = 0;
	c = fork();
	if (c == 0) {
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
		r = open(path, O_RDONLY);
		n = r < 0 ? -1 : read(r, buf, sizeof buf - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("SA_RESTART: open %s after %d handler run, read: %s", e(r), handled, buf);
		_exit(0);
	}
	usleep(30000);
	kill(c, SIGUSR1);
	usleep(30000);
	w = open(path, O_WRONLY);
	write(w, "after the signal\n", 17);
	close(w);
	waitpid(c, &status, 0);
	printf("child exit %d\n", WEXITSTATUS(status));

	unlink(path);
	unlink(reg);
	printf("rmdir: %s\n", e(rmdir(dir)));
	return 0;
}
