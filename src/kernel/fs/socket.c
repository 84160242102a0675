/*
 * socket.c - socketpair(AF_UNIX, SOCK_STREAM): two connected stream
 * sockets, and the socket calls on them (unix(7), socketpair(2), send(2),
 * recv(2), shutdown(2), getsockopt(2); qemu-riscv64 as the reference).
 *
 * A pair is two pipes, one each way (pipe.h): an end reads the pipe its
 * peer writes and writes the other, so the bytes, the blocking rules, the
 * 64 KiB of buffer each way and the wake-ups of readers, writers and
 * pollers are the pipe's.  What is a socket's own:
 *   - both ends are read-write (S_IFSOCK, "socket:[ino]" in /proc);
 *   - writing when the peer has gone or shut its reading down is EPIPE,
 *     with SIGPIPE unless MSG_NOSIGNAL;
 *   - shutdown(SHUT_WR) gives the peer end of file, SHUT_RD makes the
 *     peer's writes EPIPE; both can be done in either order, once;
 *   - send/recv flags: MSG_DONTWAIT (this call does not block),
 *     MSG_NOSIGNAL; MSG_WAITALL is accepted but a receive may still return
 *     what is there (as with a read); MSG_PEEK and MSG_OOB are EOPNOTSUPP;
 *   - sendmsg/recvmsg carry data only: control messages (SCM_RIGHTS,
 *     SCM_CREDENTIALS) are EOPNOTSUPP to send and never received;
 *   - the ends are unnamed: getsockname/getpeername give AF_UNIX only.
 * Not implemented: socket(2) itself (ENOSYS), so no listening, connecting
 * or named sockets; datagram and seqpacket pairs (ESOCKTNOSUPPORT); other
 * families (EOPNOTSUPP for AF_INET and AF_INET6, which have no pairs on
 * Linux either; EAFNOSUPPORT for the rest).
 */
#include "pipe.h"
#include "vfs.h"
#include "proc.h"
#include "uaccess.h"

#include <errno.h>
#include <string.h>

#define LX_AF_UNIX 1
#define LX_SOCK_STREAM 1
#define LX_SOCK_TYPE_MASK 0xf
#define LX_SOL_SOCKET 1
#define LX_SO_TYPE 3
#define LX_SO_ERROR 4
#define LX_SO_SNDBUF 7
#define LX_SO_RCVBUF 8
#define LX_SO_ACCEPTCONN 30
#define LX_SO_PROTOCOL 38
#define LX_SO_DOMAIN 39
#define LX_MSG_OOB 0x1
#define LX_MSG_PEEK 0x2
#define LX_MSG_DONTWAIT 0x40
#define LX_MSG_EOR 0x80
#define LX_MSG_WAITALL 0x100
#define LX_MSG_NOSIGNAL 0x4000
#define LX_MSG_MORE 0x8000
#define LX_MSG_CMSG_CLOEXEC 0x40000000
#define LX_SHUT_RD 0
#define LX_SHUT_WR 1
#define LX_SHUT_RDWR 2

struct sock {
	struct pipe *in, *out;       /* read from in (the peer writes it), write to out */
	bool rd_shut, wr_shut;       /* this end's reading / writing is over */
};

static const struct file_ops sock_ops;

static struct sock *sock_of(struct proc *p, int fd, int64_t *err)
{
	struct file *f = fd_get(p, fd);
	*err = f ? -ENOTSOCK : -EBADF;
	return f && f->ops == &sock_ops ? f->priv : NULL;
}

static bool dontwait(const struct proc *p, const struct file *f)
{
	return (f->flags & LX_O_NONBLOCK) || (p->io_flags & LX_MSG_DONTWAIT);
}

static int64_t sock_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			 uint64_t *off)
{
	struct sock *s = f->priv;
	if (s->rd_shut)
		return 0;
	return pipe_read(k, p, s->in, kbuf, n, dontwait(p, f));
}

static int64_t sock_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			  size_t n, uint64_t *off)
{
	struct sock *s = f->priv;
	if (s->wr_shut || !s->out->readers) {
		if (!(p->io_flags & LX_MSG_NOSIGNAL))
			pipe_sigpipe(k, p);
		return -EPIPE;
	}
	return pipe_write(k, p, s->out, kbuf, n, dontwait(p, f));
}

static unsigned sock_poll(struct kernel *k, struct file *f)
{
	const struct sock *s = f->priv;
	bool peer_gone_rd = s->wr_shut || !s->out->readers;    /* writes would fail */
	bool eof = s->rd_shut || !s->in->writers;              /* reads return 0 */
	unsigned m = 0;
	if (s->in->ring.len || eof)
		m |= VFS_POLL_IN;
	if (eof)
		m |= LX_POLLRDHUP;
	if (peer_gone_rd || pipe_ring_room(&s->out->ring) >= PIPE_BUF)
		m |= VFS_POLL_OUT;
	if (eof && peer_gone_rd)
		m |= VFS_POLL_HUP;
	return m;
}

static uint64_t sock_gen(struct kernel *k, struct file *f)
{
	const struct sock *s = f->priv;
	return s->in->events + s->out->events;
}

static int64_t sock_ioctl(struct kernel *k, struct proc *p, struct file *f, uint32_t req,
			  uint64_t arg)
{
	if (req != 0x541B)                   /* FIONREAD */
		return -ENOTTY;
	const struct sock *s = f->priv;
	int32_t v = (int32_t)s->in->ring.len;
	return copyout(k, p, arg, &v, sizeof v) < 0 ? -EFAULT : 0;
}

/* Ends this end's reading and/or writing, once each. */
static void sock_shut(struct kernel *k, struct sock *s, bool rd, bool wr)
{
	if (rd && !s->rd_shut) {
		s->rd_shut = true;
		pipe_close_end(k, s->in, false);   /* the peer's writes: EPIPE */
	}
	if (wr && !s->wr_shut) {
		s->wr_shut = true;
		pipe_close_end(k, s->out, true);   /* the peer reads end of file */
	}
}

static void sock_release(struct kernel *k, struct file *f)
{
	struct sock *s = f->priv;
	if (!s)
		return;
	sock_shut(k, s, true, true);
	kfree(&k->km, s);
	f->priv = NULL;
}

static const struct file_ops sock_ops = {
	.name = "socket",
	.read = sock_read,
	.write = sock_write,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
	.poll_gen = sock_gen,
	.release = sock_release,
};

int64_t sys_socketpair(struct kernel *k, struct proc *p, int domain, int type, int protocol,
		       uint64_t usv)
{
	if (domain == 2 || domain == 10)
		return -EOPNOTSUPP;              /* AF_INET, AF_INET6: no pairs, as Linux */
	if (domain != LX_AF_UNIX)
		return -EAFNOSUPPORT;
	int flags = type & ~LX_SOCK_TYPE_MASK;
	if ((unsigned)flags & ~(unsigned)(LX_O_NONBLOCK | LX_O_CLOEXEC))
		return -EINVAL;
	if ((type & LX_SOCK_TYPE_MASK) != LX_SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != LX_AF_UNIX)
		return -EPROTONOSUPPORT;
	struct pipe *ab = pipe_create(k), *ba = ab ? pipe_create(k) : NULL;
	struct sock *sa = kmalloc(&k->km, sizeof *sa), *sb = kmalloc(&k->km, sizeof *sb);
	struct file *fa = NULL, *fb = NULL;
	struct inode *ino = vfs_inode_alloc(k, NULL, LX_S_IFSOCK | 0777, NULL, &sock_ops);
	if (ino && ab && ba && sa && sb) {
		uint32_t fl = LX_O_RDWR | ((uint32_t)flags & LX_O_NONBLOCK);
		fa = vfs_file_alloc(k, &sock_ops, ino, NULL, fl);
		fb = fa ? vfs_file_alloc(k, &sock_ops, ino, NULL, fl) : NULL;
	}
	if (ino)
		inode_put(k, ino);
	if (!fb) {
		if (fa)
			file_put(k, fa);           /* no priv yet: releases nothing */
		if (ab) {
			pipe_close_end(k, ab, false);
			pipe_close_end(k, ab, true);
		}
		if (ba) {
			pipe_close_end(k, ba, false);
			pipe_close_end(k, ba, true);
		}
		kfree(&k->km, sa);
		kfree(&k->km, sb);
		return -ENOMEM;
	}
	*sa = (struct sock){ .in = ba, .out = ab };
	*sb = (struct sock){ .in = ab, .out = ba };
	fa->priv = sa;
	fb->priv = sb;                       /* from here each release shuts its end */
	return fd_install_pair(k, p, fa, fb, flags & LX_O_CLOEXEC, usv);
}

int64_t sys_shutdown(struct kernel *k, struct proc *p, int fd, int how)
{
	int64_t err;
	struct sock *s = sock_of(p, fd, &err);
	if (!s)
		return err;
	if (how < LX_SHUT_RD || how > LX_SHUT_RDWR)
		return -EINVAL;
	sock_shut(k, s, how != LX_SHUT_WR, how != LX_SHUT_RD);
	return 0;
}

/* The flags a send or receive may have here; others are EOPNOTSUPP. */
static int io_flags(struct proc *p, int fd, unsigned flags, bool send, int64_t *err)
{
	unsigned ok = send ? LX_MSG_DONTWAIT | LX_MSG_NOSIGNAL | LX_MSG_EOR | LX_MSG_MORE :
			     LX_MSG_DONTWAIT | LX_MSG_WAITALL | LX_MSG_CMSG_CLOEXEC | LX_MSG_NOSIGNAL;
	if (!sock_of(p, fd, err))
		return -1;
	if (flags & ~ok) {
		*err = -EOPNOTSUPP;
		return -1;
	}
	p->io_flags = flags;
	return 0;
}

int64_t sys_sendto(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		   unsigned flags, uint64_t addr, uint64_t alen)
{
	int64_t err;
	if (io_flags(p, fd, flags, true, &err) < 0)
		return err;
	if (addr || alen) {
		p->io_flags = 0;
		return -EISCONN;                 /* a connected stream takes no address */
	}
	int64_t r = sys_write(k, p, fd, buf, len);
	p->io_flags = 0;
	return r;
}

int64_t sys_recvfrom(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		     unsigned flags, uint64_t addr, uint64_t ualen)
{
	int64_t err;
	if (io_flags(p, fd, flags, false, &err) < 0)
		return err;
	int64_t r = sys_read(k, p, fd, buf, len);
	p->io_flags = 0;
	if (r >= 0 && addr && ualen) {
		uint32_t zero = 0;               /* the peer is unnamed: no address */
		if (copyout(k, p, ualen, &zero, sizeof zero) < 0)
			return -EFAULT;
	}
	return r;
}

/* struct msghdr as riscv64 lays it out (56 bytes). */
struct lx_msghdr {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen;
	uint64_t control, controllen;
	int32_t flags, pad2;
};

static int64_t msg_io(struct kernel *k, struct proc *p, int fd, uint64_t umsg, unsigned flags,
		      bool send)
{
	int64_t err;
	if (io_flags(p, fd, flags, send, &err) < 0)
		return err;
	struct lx_msghdr m;
	int64_t r;
	if (copyin(k, p, &m, umsg, sizeof m) < 0)
		r = -EFAULT;
	else if (send && m.name)
		r = -EISCONN;
	else if (send && m.controllen)
		r = -EOPNOTSUPP;                 /* no descriptors or credentials pass */
	else
		r = send ? sys_writev(k, p, fd, m.iov, m.iovlen) : sys_readv(k, p, fd, m.iov, m.iovlen);
	p->io_flags = 0;
	if (r >= 0 && !send) {
		m.namelen = 0;
		m.controllen = 0;
		m.flags = 0;
		if (copyout(k, p, umsg, &m, sizeof m) < 0)
			return -EFAULT;
	}
	return r;
}

int64_t sys_sendmsg(struct kernel *k, struct proc *p, int fd, uint64_t umsg, unsigned flags)
{
	return msg_io(k, p, fd, umsg, flags, true);
}

int64_t sys_recvmsg(struct kernel *k, struct proc *p, int fd, uint64_t umsg, unsigned flags)
{
	return msg_io(k, p, fd, umsg, flags, false);
}

/* getsockname, getpeername: an unnamed AF_UNIX address (2 bytes). */
int64_t sys_getsockname(struct kernel *k, struct proc *p, int fd, uint64_t uaddr, uint64_t ulen)
{
	int64_t err;
	if (!sock_of(p, fd, &err))
		return err;
	int32_t len;
	if (copyin(k, p, &len, ulen, sizeof len) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	uint16_t family = LX_AF_UNIX;
	if (copyout(k, p, uaddr, &family, len < 2 ? (size_t)len : 2) < 0)
		return -EFAULT;
	len = 2;
	return copyout(k, p, ulen, &len, sizeof len) < 0 ? -EFAULT : 0;
}

int64_t sys_getsockopt(struct kernel *k, struct proc *p, int fd, int level, int opt,
		       uint64_t uval, uint64_t ulen)
{
	int64_t err;
	if (!sock_of(p, fd, &err))
		return err;
	int32_t len, v;
	if (copyin(k, p, &len, ulen, sizeof len) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level != LX_SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (opt) {
	case LX_SO_TYPE: v = LX_SOCK_STREAM; break;
	case LX_SO_ERROR: v = 0; break;
	case LX_SO_DOMAIN: v = LX_AF_UNIX; break;
	case LX_SO_PROTOCOL: v = 0; break;
	case LX_SO_ACCEPTCONN: v = 0; break;
	case LX_SO_SNDBUF: case LX_SO_RCVBUF: v = PIPE_SIZE; break;
	default: return -ENOPROTOOPT;
	}
	size_t n = len < 4 ? (size_t)len : 4;
	if (copyout(k, p, uval, &v, n) < 0)
		return -EFAULT;
	len = (int32_t)n;
	return copyout(k, p, ulen, &len, sizeof len) < 0 ? -EFAULT : 0;
}

/* setsockopt: the buffer sizes are taken and kept at the pipes' 64 KiB
 * (Linux too rounds and clamps them); other options ENOPROTOOPT. */
int64_t sys_setsockopt(struct kernel *k, struct proc *p, int fd, int level, int opt,
		       uint64_t uval, uint64_t len)
{
	int64_t err;
	if (!sock_of(p, fd, &err))
		return err;
	int32_t v;
	if (len < sizeof v)
		return -EINVAL;
	if (copyin(k, p, &v, uval, sizeof v) < 0)
		return -EFAULT;
	if (level != LX_SOL_SOCKET)
		return -ENOPROTOOPT;
	return opt == LX_SO_SNDBUF || opt == LX_SO_RCVBUF ? 0 : -ENOPROTOOPT;
}

/* bind, listen, accept, connect on a connected pair end. */
int64_t sys_sock_connected(struct proc *p, int fd, bool connect)
{
	int64_t err;
	if (!sock_of(p, fd, &err))
		return err;
	return connect ? -EISCONN : -EINVAL;
}
