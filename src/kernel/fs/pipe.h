/*
 * pipe.h - pipes: a byte ring of PIPE_SIZE bytes between the file
 * descriptions of a read end and a write end, with Linux's blocking rules
 * (pipe(7)):
 *
 *   read   empty, writers left      sleeps (EAGAIN with O_NONBLOCK)
 *          empty, no writer left    0: end of file
 *          otherwise                what is there, up to the count
 *   write  no reader left           EPIPE, and SIGPIPE (pipe_sigpipe)
 *          n <= PIPE_BUF            all n bytes at once, never interleaved
 *                                   with another write: sleeps until there is
 *                                   room for all (EAGAIN with O_NONBLOCK)
 *          n >  PIPE_BUF            as much as fits, then sleeps for room
 *                                   until all is written (O_NONBLOCK: what
 *                                   fitted, EAGAIN if nothing did)
 *
 * The ring's storage is PIPE_PAGES pages from kmalloc (Linux's 16-page
 * default), each allocated when the ring first reaches it and the ones
 * past the first given back whenever the ring drains.
 */
#ifndef VMOS_KERNEL_FS_PIPE_H
#define VMOS_KERNEL_FS_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "waitq.h"

struct kernel;
struct kmem;
struct file;
struct inode;
struct proc;

#define PIPE_PAGES 16
#define PIPE_PAGE  4096
#define PIPE_SIZE  (PIPE_PAGES * PIPE_PAGE)     /* 65536, Linux's default capacity */
#define PIPE_BUF   4096                         /* writes up to this are atomic */

/* The byte ring: len bytes from offset head (mod PIPE_SIZE). */
struct pipe_ring {
	uint8_t *page[PIPE_PAGES];     /* kmalloc(PIPE_PAGE) each, NULL until used */
	uint32_t head;                 /* offset of the first unread byte */
	uint32_t len;                  /* unread bytes, <= PIPE_SIZE */
};

/* The contiguous free space at the ring's tail: a pointer to it and its
 * length in *n (at most the *n asked for, never past a page end), its page
 * allocated if need be.  NULL with *n = 0 if the ring is full; NULL with
 * *n != 0 if the page could not be allocated (ENOMEM). */
uint8_t *pipe_ring_tail(struct kmem *km, struct pipe_ring *r, size_t *n);
/* Appends the n bytes just written at pipe_ring_tail's pointer. */
void pipe_ring_commit(struct pipe_ring *r, size_t n);
/* The contiguous unread bytes at the head, *n of them (at most the *n
 * asked for, never past a page end); NULL with *n = 0 if the ring is empty. */
const uint8_t *pipe_ring_head(const struct pipe_ring *r, size_t *n);
/* Drops n bytes read at the head; a drained ring gives back its pages
 * but the first. */
void pipe_ring_consume(struct kmem *km, struct pipe_ring *r, size_t n);
/* Copies up to n bytes in from src.  Returns the bytes taken (fewer if
 * full), or -ENOMEM if a page was needed and none came. */
long pipe_ring_put(struct kmem *km, struct pipe_ring *r, const void *src, size_t n);
/* Copies up to n bytes out to dst and drops them.  Returns the bytes. */
size_t pipe_ring_get(struct kmem *km, struct pipe_ring *r, void *dst, size_t n);
/* Frees every page. */
void pipe_ring_free(struct kmem *km, struct pipe_ring *r);
static inline uint32_t pipe_ring_room(const struct pipe_ring *r) { return PIPE_SIZE - r->len; }

/* A pipe: the ring, how many open file descriptions each end has, and
 * the queues its readers and writers sleep on.  From the "pipe" cache. */
struct pipe {
	struct pipe_ring ring;
	unsigned readers, writers;
	struct waitq rd_wait;          /* readers waiting for data (or EOF) */
	struct waitq wr_wait;          /* writers waiting for room (or no reader) */
	struct waitq open_wait;        /* a FIFO's openers waiting for the other end */
	struct inode *fifo;            /* the named FIFO's inode (its priv is this pipe), or NULL */
	uint64_t bytes_written;        /* in total, for /proc and tests */
	uint64_t events;               /* reads, writes, closes of an end (epoll's poll_gen) */
};

/* Creates the "pipe" slab cache (at boot).  0 or -ENOMEM. */
int pipe_boot(struct kernel *k);
/* A new pipe with one reader and one writer; NULL if out of memory. */
struct pipe *pipe_create(struct kernel *k);
/* An end's file description went away (its last fd closed); the pipe is
 * freed when both ends are gone.  Sleepers of the other end are woken to
 * see the EOF or the EPIPE. */
void pipe_close_end(struct kernel *k, struct pipe *pp, bool writer);
/* A new file description for an end (dup of the description is not one:
 * fork and dup share it). */
void pipe_open_end(struct pipe *pp, bool writer);
/* Frees a pipe no end holds (a FIFO's inode forgets it). */
void pipe_destroy(struct kernel *k, struct pipe *pp);

/* Named pipes (pipe_file.c).  The open hook of a FIFO inode: its pipe
 * (made at the first open, gone when the last end closes) gets the ends
 * f's access mode asks (O_RDWR both), f becomes a pipe file; O_WRONLY |
 * O_NONBLOCK with no reader is -ENXIO, as Linux.  Partners waiting in
 * their own open are woken. */
int pipe_fifo_open(struct kernel *k, struct inode *ino, struct file *f);
/* After f is installed as p's descriptor fd by openat(dirfd, ...): a
 * blocking open of a FIFO's read end with no writer (or write end with no
 * reader) sleeps until the other end is opened (waitq_sleep_undo: fd is
 * the call's result; a handled signal closes it again and fails the call
 * with EINTR or, under SA_RESTART, re-runs it).  Nothing for other files. */
void pipe_fifo_wait(struct kernel *k, struct proc *p, struct file *f, int dirfd, int fd);

/* A call that must wait put p to sleep (waitq_sleep: the system call
 * re-runs when p is woken) and returns this: the VFS's VFS_BLOCKED. */
#define PIPE_BLOCKED (-512)

/* read(2) of up to n bytes into the kernel buffer kbuf: the bytes read
 * (what is there, up to n), 0 at end of file or for n = 0, -EAGAIN
 * (nonblock), or PIPE_BLOCKED. */
int64_t pipe_read(struct kernel *k, struct proc *p, struct pipe *pp, void *kbuf, size_t n,
		  bool nonblock);
/* write(2) of n bytes from the kernel buffer kbuf: the bytes taken - all
 * n if n <= PIPE_BUF, else as many as fit (the caller offers the rest
 * again) - or -EPIPE (after pipe_sigpipe), -EAGAIN (nonblock, nothing
 * fits), -ENOMEM, or PIPE_BLOCKED (nothing fits; p sleeps).  0 for n = 0. */
int64_t pipe_write(struct kernel *k, struct proc *p, struct pipe *pp, const void *kbuf, size_t n,
		   bool nonblock);

/* pipe2(2) (pipe_file.c): a pipe as two open files, the read end at the
 * lower fd; flags LX_O_CLOEXEC, LX_O_NONBLOCK (EINVAL for others, and for
 * O_DIRECT: packet mode is not implemented).  0, -EINVAL, -EFAULT (no fd
 * left open then), -EMFILE, -ENOMEM. */
int64_t sys_pipe2(struct kernel *k, struct proc *p, uint64_t ufds, int flags);

/* Event files (evfd.c): eventfd2(2), signalfd4(2), timerfd_create(2),
 * timerfd_settime(2), timerfd_gettime(2). */
int64_t sys_eventfd2(struct kernel *k, struct proc *p, uint64_t initval, int flags);
int64_t sys_signalfd4(struct kernel *k, struct proc *p, int fd, uint64_t umask, uint64_t sizemask,
		      int flags);
int64_t sys_timerfd_create(struct kernel *k, struct proc *p, int clock, int flags);
int64_t sys_timerfd_settime(struct kernel *k, struct proc *p, int fd, int flags, uint64_t unew,
			    uint64_t uold);
int64_t sys_timerfd_gettime(struct kernel *k, struct proc *p, int fd, uint64_t ucur);

/* Sockets (socket.c): socketpair(AF_UNIX, SOCK_STREAM) and the calls on its
 * ends; sys_sock_connected answers bind/listen/accept (EINVAL) and connect
 * (EISCONN) for them. */
int64_t sys_socketpair(struct kernel *k, struct proc *p, int domain, int type, int protocol,
		       uint64_t usv);
int64_t sys_shutdown(struct kernel *k, struct proc *p, int fd, int how);
int64_t sys_sendto(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		   unsigned flags, uint64_t addr, uint64_t alen);
int64_t sys_recvfrom(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		     unsigned flags, uint64_t addr, uint64_t ualen);
int64_t sys_sendmsg(struct kernel *k, struct proc *p, int fd, uint64_t umsg, unsigned flags);
int64_t sys_recvmsg(struct kernel *k, struct proc *p, int fd, uint64_t umsg, unsigned flags);
int64_t sys_getsockname(struct kernel *k, struct proc *p, int fd, uint64_t uaddr, uint64_t ulen);
int64_t sys_getsockopt(struct kernel *k, struct proc *p, int fd, int level, int opt,
		       uint64_t uval, uint64_t ulen);
int64_t sys_setsockopt(struct kernel *k, struct proc *p, int fd, int level, int opt,
		       uint64_t uval, uint64_t len);
int64_t sys_sock_connected(struct proc *p, int fd, bool connect);

/* epoll (epoll.c): epoll_create1(2), epoll_ctl(2), epoll_pwait(2),
 * epoll_pwait2(2); and the release hook of a watched file. */
struct epitem;
int64_t sys_epoll_create1(struct kernel *k, struct proc *p, int flags);
int64_t sys_epoll_ctl(struct kernel *k, struct proc *p, int epfd, int op, int fd, uint64_t uevent);
int64_t sys_epoll_pwait(struct kernel *k, struct proc *p, int epfd, uint64_t uevents, int max,
			int timeout_ms, uint64_t umask, uint64_t sigsetsize);
int64_t sys_epoll_pwait2(struct kernel *k, struct proc *p, int epfd, uint64_t uevents, int max,
			 uint64_t uts, uint64_t umask, uint64_t sigsetsize);


/* SIGPIPE for thread p, which wrote to a pipe with no reader: the one
 * place the signal is raised (signal_send_thread).  The write returns
 * EPIPE; the signal is delivered on the way back to user mode - its
 * handler runs, or its default action ends the process (status 141), or
 * it stays pending while blocked. */
void pipe_sigpipe(struct kernel *k, struct proc *p);

#endif
