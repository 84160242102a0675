/*
 * pipe.c - pipes (see pipe.h): the byte ring, and read/write with Linux's
 * blocking rules (fs/pipe.c, pipe(7)).
 *
 * The ring is the classic circular buffer of a bounded producer/consumer
 * (Dijkstra's, as in xv6's pipe.c), here over PIPE_PAGES separately
 * allocated pages instead of one array, so an idle or lightly used pipe
 * holds one page, not 64 KiB:
 *
 *        page 0          page 1                 page 15
 *   +--------------+--------------+--- ... ---+--------------+
 *   |    ....DDDDDD|DDDDDDDDD.....|           |              |
 *   +--------------+--------------+--- ... ---+--------------+
 *            ^head           ^head+len (mod PIPE_SIZE): the tail
 *
 * Blocking: a reader that finds the ring empty sleeps on rd_wait, a writer
 * that finds no room on wr_wait (waitq.h: the call re-runs when woken);
 * each side wakes the other's queue when it changes the ring, and closing
 * an end wakes both.  A write larger than the room takes what fits and
 * returns its count; the caller (the VFS's write loop) offers the rest,
 * and when that must sleep keeps the bytes done in p->sys_done so the
 * re-run goes on from there.
 */
#include "pipe.h"
#include "vfs.h"
#include "proc.h"
#include "signals.h"

#include "abi/lx/signal.h"
#include "sys_poll.h"

#include <errno.h>
#include <string.h>

/* ---- the ring ------------------------------------------------------------ */

uint8_t *pipe_ring_tail(struct kmem *km, struct pipe_ring *r, size_t *n)
{
	if (r->len == PIPE_SIZE || *n == 0) {
		*n = 0;
		return NULL;
	}
	uint32_t tail = (r->head + r->len) % PIPE_SIZE;
	unsigned pg = tail / PIPE_PAGE;
	size_t room = PIPE_PAGE - tail % PIPE_PAGE;
	if (room > PIPE_SIZE - r->len)
		room = PIPE_SIZE - r->len;     /* the tail page is also the head page */
	if (room < *n)
		*n = room;
	if (!r->page[pg]) {
		r->page[pg] = kmalloc(km, PIPE_PAGE);
		if (!r->page[pg])
			return NULL;           /* *n != 0: out of memory */
	}
	return r->page[pg] + tail % PIPE_PAGE;
}

void pipe_ring_commit(struct pipe_ring *r, size_t n)
{
	r->len += (uint32_t)n;
}

const uint8_t *pipe_ring_head(const struct pipe_ring *r, size_t *n)
{
	if (r->len == 0 || *n == 0) {
		*n = 0;
		return NULL;
	}
	size_t avail = PIPE_PAGE - r->head % PIPE_PAGE;
	if (avail > r->len)
		avail = r->len;
	if (avail < *n)
		*n = avail;
	return r->page[r->head / PIPE_PAGE] + r->head % PIPE_PAGE;
}

void pipe_ring_consume(struct kmem *km, struct pipe_ring *r, size_t n)
{
	r->head = (uint32_t)((r->head + n) % PIPE_SIZE);
	r->len -= (uint32_t)n;
	if (r->len)
		return;
	/* drained: start again at page 0 and keep only it */
	r->head = 0;
	for (unsigned i = 1; i < PIPE_PAGES; i++) {
		kfree(km, r->page[i]);
		r->page[i] = NULL;
	}
}

long pipe_ring_put(struct kmem *km, struct pipe_ring *r, const void *src, size_t n)
{
	size_t done = 0;
	while (done < n) {
		size_t m = n - done;
		uint8_t *dst = pipe_ring_tail(km, r, &m);
		if (!dst) {
			if (m)
				return done ? (long)done : -ENOMEM;
			break;                 /* full */
		}
		memcpy(dst, (const uint8_t *)src + done, m);
		pipe_ring_commit(r, m);
		done += m;
	}
	return (long)done;
}

size_t pipe_ring_get(struct kmem *km, struct pipe_ring *r, void *dst, size_t n)
{
	size_t done = 0;
	while (done < n) {
		size_t m = n - done;
		const uint8_t *src = pipe_ring_head(r, &m);
		if (!src)
			break;
		memcpy((uint8_t *)dst + done, src, m);
		pipe_ring_consume(km, r, m);
		done += m;
	}
	return done;
}

void pipe_ring_free(struct kmem *km, struct pipe_ring *r)
{
	for (unsigned i = 0; i < PIPE_PAGES; i++) {
		kfree(km, r->page[i]);
		r->page[i] = NULL;
	}
	r->head = r->len = 0;
}

/* ---- the pipe ------------------------------------------------------------ */

/* Wakes the sleepers of q, and every ppoll and pselect6 waiting (they
 * look at every pipe they wait for again: sys_poll.c). */
static void pipe_wake(struct kernel *k, struct waitq *q)
{
	waitq_wake_all(k, q);
	poll_wake_all(k);
}

int pipe_boot(struct kernel *k)
{
	waitq_init(&k->poll_wait, "a descriptor to be ready (ppoll, pselect6)");
	k->pipe_cache = kmem_cache_create(&k->km, "pipe", sizeof(struct pipe), 8);
	return k->pipe_cache ? 0 : -ENOMEM;
}

struct pipe *pipe_create(struct kernel *k)
{
	struct pipe *pp = kmem_cache_zalloc(k->pipe_cache);
	if (!pp)
		return NULL;
	pp->readers = pp->writers = 1;
	waitq_init(&pp->rd_wait, "data in a pipe (read)");
	waitq_init(&pp->wr_wait, "room in a pipe (write)");
	waitq_init(&pp->open_wait, "the other end of a FIFO to be opened");
	return pp;
}

void pipe_open_end(struct pipe *pp, bool writer)
{
	if (writer)
		pp->writers++;
	else
		pp->readers++;
}

void pipe_destroy(struct kernel *k, struct pipe *pp)
{
	if (pp->fifo)
		pp->fifo->priv = NULL;
	pipe_ring_free(&k->km, &pp->ring);
	kmem_cache_free(k->pipe_cache, pp);
}

void pipe_close_end(struct kernel *k, struct pipe *pp, bool writer)
{
	if (writer)
		pp->writers--;
	else
		pp->readers--;
	pp->events++;
	/* readers see EOF, writers EPIPE: both re-check */
	pipe_wake(k, &pp->rd_wait);
	pipe_wake(k, &pp->wr_wait);
	if (pp->readers || pp->writers)
		return;
	pipe_destroy(k, pp);
}

int64_t pipe_read(struct kernel *k, struct proc *p, struct pipe *pp, void *kbuf, size_t n,
		  bool nonblock)
{
	if (n == 0)
		return 0;
	if (pp->ring.len == 0) {
		if (!pp->writers)
			return 0;               /* end of file */
		if (nonblock)
			return -EAGAIN;
		waitq_sleep(k, p, &pp->rd_wait);
		return PIPE_BLOCKED;
	}
	size_t got = pipe_ring_get(&k->km, &pp->ring, kbuf, n);
	pp->events++;
	pipe_wake(k, &pp->wr_wait);
	return (int64_t)got;
}

int64_t pipe_write(struct kernel *k, struct proc *p, struct pipe *pp, const void *kbuf, size_t n,
		   bool nonblock)
{
	if (n == 0)
		return 0;                       /* a null write succeeds, reader or not */
	if (!pp->readers) {
		pipe_sigpipe(k, p);
		return -EPIPE;
	}
	uint32_t room = pipe_ring_room(&pp->ring);
	if (room == 0 || (n <= PIPE_BUF && room < n)) {
		/* n <= PIPE_BUF is atomic: all at once or not yet */
		if (nonblock)
			return -EAGAIN;
		waitq_sleep(k, p, &pp->wr_wait);
		return PIPE_BLOCKED;
	}
	long w = pipe_ring_put(&k->km, &pp->ring, kbuf, n < room ? n : room);
	if (w > 0) {
		pp->bytes_written += (uint64_t)w;
		pp->events++;
		pipe_wake(k, &pp->rd_wait);
	}
	return w;
}

void pipe_sigpipe(struct kernel *k, struct proc *p)
{
	signal_send_thread(k, p, LX_SIGPIPE, NULL);   /* delivered on the way out of the call */
}
