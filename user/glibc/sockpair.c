/*
 * sockpair - socketpair(AF_UNIX, SOCK_STREAM), compared with qemu-riscv64:
 * bytes both ways, between processes (fork) and threads; send/recv with
 * MSG_DONTWAIT (EAGAIN) and MSG_NOSIGNAL (EPIPE without SIGPIPE); SIGPIPE
 * otherwise; shutdown SHUT_WR (the peer reads end of file, it can still
 * write back) and SHUT_RD; sendmsg/recvmsg with several buffers; poll
 * readiness (POLLIN, POLLOUT, POLLHUP, POLLRDHUP); fstat S_IFSOCK,
 * getsockopt SO_TYPE, getsockname AF_UNIX; the errors (a family other than
 * AF_UNIX, a socket call on a pipe, a bad how).  (Datagram pairs, which
 * vmos does not have, are left out.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *e(long rc)
{
	return rc >= 0 ? "ok" : strerrorname_np(errno);
}

static const char *events(int fd)
{
	static char buf[64];
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	poll(&p, 1, 0);
	snprintf(buf, sizeof buf, "%s%s%s%s", p.revents & POLLIN ? " in" : "",
		 p.revents & POLLOUT ? " out" : "", p.revents & POLLHUP ? " hup" : "",
		 p.revents & POLLRDHUP ? " rdhup" : "");
	return buf;
}

static volatile sig_atomic_t pipes;
static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int sv[2];
	printf("socketpair: %s\n", e(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
	struct stat st;
	fstat(sv[0], &st);
	int type = 0;
	socklen_t len = sizeof type;
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len);
	struct sockaddr_un sa;
	socklen_t alen = sizeof sa;
	getsockname(sv[0], (struct sockaddr *)&sa, &alen);
	printf("S_ISSOCK %d, SO_TYPE stream %d, name family AF_UNIX %d\n", S_ISSOCK(st.st_mode),
	       type == SOCK_STREAM, sa.sun_family == AF_UNIX);
	printf("fresh:%s\n", events(sv[0]));
	char buf[64];
	printf("empty recv MSG_DONTWAIT: %s\n", e(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT)));
	send(sv[0], "ping", 4, 0);
	printf("peer after a send:%s\n", events(sv[1]));
	long n = recv(sv[1], buf, sizeof buf, 0);
	printf("recv %ld: %.*s\n", n, (int)n, buf);

	/* processes: the child echoes in capitals until end of file */
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		while ((n = read(sv[1], buf, sizeof buf)) > 0) {
			for (long i = 0; i < n; i++)
				buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
			write(sv[1], buf, (size_t)n);
		}
		write(sv[1], "bye", 3);                  /* after our SHUT_WR: still writable */
		_exit(0);
	}
	close(sv[1]);
	write(sv[0], "hello", 5);
	n = read(sv[0], buf, sizeof buf);
	printf("echo: %.*s\n", (int)n, buf);
	struct iovec iov[3] = { { "ab", 2 }, { "cd", 2 }, { "ef", 2 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
	printf("sendmsg: %ld\n", (long)sendmsg(sv[0], &m, 0));
	char x[3], y[3];
	struct iovec riov[2] = { { x, 3 }, { y, 3 } };
	struct msghdr rm = { .msg_iov = riov, .msg_iovlen = 2 };
	usleep(30000);
	n = recvmsg(sv[0], &rm, 0);
	printf("recvmsg %ld: %.3s|%.3s, flags %d\n", n, x, y, rm.msg_flags);
	printf("shutdown SHUT_WR: %s\n", e(shutdown(sv[0], SHUT_WR)));
	n = read(sv[0], buf, sizeof buf);
	printf("the child's last words: %.*s\n", (int)n, buf);
	printf("then end of file: %ld\n", (long)read(sv[0], buf, sizeof buf));
	waitpid(c, NULL, 0);
	printf("peer gone:%s\n", events(sv[0]));
	printf("send MSG_NOSIGNAL to no one: %s\n", e(send(sv[0], "x", 1, MSG_NOSIGNAL)));
	close(sv[0]);

	/* SIGPIPE, SHUT_RD */
	signal(SIGPIPE, on_pipe);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	printf("SHUT_RD: %s\n", e(shutdown(sv[1], SHUT_RD)));
	printf("write to a peer that shut its reading: %s, SIGPIPE %d\n", e(write(sv[0], "x", 1)),
	       (int)pipes);
	printf("read after SHUT_RD: %ld\n", (long)read(sv[1], buf, sizeof buf));
	close(sv[0]);
	close(sv[1]);

	/* a full buffer: MSG_DONTWAIT gives EAGAIN after some bytes */
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	static char big[4096];
	long total = 0;
	while ((n = send(sv[0], big, sizeof big, 0)) > 0)
		total += n;
	printf("non-blocking: filled with more than 32 KiB %d, then %s\n", total > 32768, e(n));
	close(sv[0]);
	close(sv[1]);

	/* errors */
	int p[2];
	pipe(p);
	printf("AF_INET pair: %s\n", e(socketpair(AF_INET, SOCK_STREAM, 0, sv)));
	printf("send on a pipe: %s, shutdown of a pipe: %s, bad fd: %s\n", e(send(p[1], "x", 1, 0)),
	       e(shutdown(p[0], SHUT_RD)), e(shutdown(99, SHUT_RD)));
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int *volatile bad = (int *)8;
	printf("shutdown how 7: %s, bad pointer: %s\n", e(shutdown(sv[0], 7)),
	       e(socketpair(AF_UNIX, SOCK_STREAM, 0, bad)));
	return 0;
}
