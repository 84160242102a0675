/*
 * pipe_test.c - the pipe ring and the pipe's read/write rules (fs/pipe.c),
 * and the wait queues they sleep on (waitq.c), on a booted kernel with
 * real processes: data through the ring across its wrap-around and page
 * ends, the capacity, the pages given back when it drains, a reader that
 * sleeps on an empty pipe and a writer that wakes it, EOF, EAGAIN, EPIPE
 * with SIGPIPE, PIPE_BUF atomicity, and a large write that sleeps partway
 * and goes on from there.  Every test ends with the kernel's invariant
 * and leak checks (kf_halt).
 */
#include "kernel_fixture.h"
#include "fs/pipe.h"
#include "waitq.h"
#include "abi/lx/signal.h"

#define BUF_VA 0x40000000ULL      /* a user buffer in each test process */
#define BUF_PAGES 40

/* A process whose syscalls the test makes by hand: off the run queue, as
 * a process in a system call is. */
static struct proc *test_proc(void)
{
	struct proc *p = kf_spawn();
	k.runq_head = k.runq_tail = NULL;
	kf_map(p, BUF_VA, BUF_PAGES, LX_PROT_READ | LX_PROT_WRITE);
	proc_activate(&k, p);
	p->pc = 0x10004;              /* as if just past an ecall */
	return p;
}

static uint8_t pattern(size_t i) { return (uint8_t)(i * 7 + (i >> 8)); }

TEST(ring_wraps_and_keeps_order)
{
	kf_boot(16 << 20, 0, NULL);
	struct pipe_ring r;
	memset(&r, 0, sizeof r);
	static uint8_t in[PIPE_SIZE], out[PIPE_SIZE];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = pattern(i);
	/* odd-sized chunks so head and tail cross page ends and the wrap */
	size_t sent = 0, got = 0;
	for (int round = 0; round < 40; round++) {
		long w = pipe_ring_put(&k.km, &r, in + sent % PIPE_SIZE,
				       5000 < PIPE_SIZE - sent % PIPE_SIZE ? 5000 : PIPE_SIZE - sent % PIPE_SIZE);
		CHECK(w >= 0);
		sent += (size_t)w;
		size_t g = pipe_ring_get(&k.km, &r, out, 3001);
		for (size_t i = 0; i < g; i++)
			if (out[i] != pattern((got + i) % PIPE_SIZE)) {
				test_fail(__FILE__, __LINE__, "byte %zu: 0x%x, want 0x%x", got + i, out[i],
					  pattern((got + i) % PIPE_SIZE));
				break;
			}
		got += g;
		CHECK_EQ(r.len, sent - got);
	}
	CHECK(r.head != 0);           /* the test did wrap */
	pipe_ring_free(&k.km, &r);
	kf_halt();
}

TEST(ring_capacity_is_16_pages)
{
	kf_boot(16 << 20, 0, NULL);
	struct pipe_ring r;
	memset(&r, 0, sizeof r);
	static uint8_t in[PIPE_SIZE + 100];
	memset(in, 0xab, sizeof in);
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, sizeof in), PIPE_SIZE);
	CHECK_EQ(pipe_ring_room(&r), 0);
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, 1), 0);
	size_t n = 1;
	CHECK(pipe_ring_tail(&k.km, &r, &n) == NULL && n == 0);
	for (unsigned i = 0; i < PIPE_PAGES; i++)
		CHECK(r.page[i] != NULL);
	static uint8_t out[PIPE_SIZE];
	CHECK_EQ(pipe_ring_get(&k.km, &r, out, sizeof out), PIPE_SIZE);
	/* drained: only the first page stays */
	CHECK(r.page[0] != NULL);
	for (unsigned i = 1; i < PIPE_PAGES; i++)
		CHECK(r.page[i] == NULL);
	CHECK_EQ(r.head, 0);
	CHECK_EQ(pipe_ring_get(&k.km, &r, out, 1), 0);
	pipe_ring_free(&k.km, &r);
	kf_halt();
}

TEST(ring_out_of_memory_is_enomem)
{
	kf_boot(16 << 20, 0, NULL);
	struct pipe_ring r;
	memset(&r, 0, sizeof r);
	static uint8_t in[2 * PIPE_PAGE];
	k.faults.countdown = 0;          /* the next allocation fails */
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, sizeof in), -ENOMEM);
	CHECK_EQ(r.len, 0);
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, 100), 100);
	k.faults.countdown = 0;          /* page 0 is there, page 1 does not come */
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, sizeof in), PIPE_PAGE - 100);
	k.faults.countdown = -1;
	CHECK_EQ(r.len, PIPE_PAGE);
	CHECK_EQ(pipe_ring_put(&k.km, &r, in, sizeof in), sizeof in);
	pipe_ring_free(&k.km, &r);
	kf_halt();
}

TEST(empty_read_sleeps_and_a_write_wakes_it)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *rd = test_proc();
	struct proc *wr = kf_fork(rd);
	k.runq_head = k.runq_tail = NULL;
	struct pipe *pp = pipe_create(&k);
	REQUIRE(pp);
	char buf[100] = { 0 };
	uint64_t pc = rd->pc;
	CHECK_EQ(pipe_read(&k, rd, pp, buf, 100, false), PIPE_BLOCKED);
	CHECK_EQ(rd->state, P_SLEEPING);
	CHECK(rd->wq == &pp->rd_wait);
	CHECK_EQ(rd->pc, pc - 4);        /* the ecall re-runs */
	CHECK(k.runq_head == NULL);      /* asleep, not spinning on the run queue */
	CHECK_EQ(pipe_read(&k, wr, pp, buf, 100, true), -EAGAIN);
	CHECK_EQ(wr->state, P_RUNNABLE);
	CHECK_EQ(pipe_write(&k, wr, pp, "hello", 5, false), 5);
	CHECK_EQ(rd->state, P_RUNNABLE);
	CHECK(rd->wq == NULL && k.runq_head == rd);
	k.runq_head = k.runq_tail = NULL;
	rd->pc += 4;
	CHECK_EQ(pipe_read(&k, rd, pp, buf, 100, false), 5);
	CHECK(!memcmp(buf, "hello", 5));
	/* a reader asleep when the last writer closes wakes to EOF */
	CHECK_EQ(pipe_read(&k, rd, pp, buf, 100, false), PIPE_BLOCKED);
	pipe_close_end(&k, pp, true);
	CHECK_EQ(rd->state, P_RUNNABLE);
	k.runq_head = k.runq_tail = NULL;
	CHECK_EQ(pipe_read(&k, rd, pp, buf, 100, false), 0);
	CHECK_EQ(pipe_read(&k, rd, pp, buf, 100, true), 0);
	CHECK_EQ(rd->state, P_RUNNABLE);
	pipe_close_end(&k, pp, false);
	kf_halt();
}

TEST(read_takes_what_is_there_up_to_the_count)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = test_proc();
	struct pipe *pp = pipe_create(&k);
	REQUIRE(pp);
	char buf[100] = { 0 };
	CHECK_EQ(pipe_write(&k, p, pp, "abcdefgh", 8, false), 8);
	CHECK_EQ(pipe_write(&k, p, pp, "ij", 2, false), 2);
	CHECK_EQ(pipe_read(&k, p, pp, buf, 3, false), 3);
	CHECK(!memcmp(buf, "abc", 3));
	CHECK_EQ(pipe_read(&k, p, pp, buf, 0, false), 0);
	CHECK_EQ(pipe_read(&k, p, pp, buf, 100, false), 7);   /* not waiting for 100 */
	CHECK(!memcmp(buf, "defghij", 7));
	CHECK_EQ(pp->bytes_written, 10);
	pipe_close_end(&k, pp, true);
	pipe_close_end(&k, pp, false);
	kf_halt();
}

TEST(write_without_reader_is_epipe_and_sigpipe)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = test_proc();
	struct pipe *pp = pipe_create(&k);
	REQUIRE(pp);
	char buf[10] = { 0 };
	/* a writer asleep on a full pipe wakes when the reader goes */
	static char big[PIPE_SIZE];
	CHECK_EQ(pipe_write(&k, p, pp, big, sizeof big, false), PIPE_SIZE);
	CHECK_EQ(pipe_write(&k, p, pp, buf, 10, false), PIPE_BLOCKED);
	CHECK_EQ(p->state, P_SLEEPING);
	pipe_close_end(&k, pp, false);
	CHECK_EQ(p->state, P_RUNNABLE);
	k.runq_head = k.runq_tail = NULL;
	CHECK_EQ(pipe_write(&k, p, pp, buf, 0, false), 0);    /* a null write succeeds */
	CHECK_EQ(p->state, P_RUNNABLE);
	/* EPIPE, and SIGPIPE raised for this thread: pending (delivered on
	 * the way back to user mode), while blocked and while not */
	p->sigmask = 1ULL << (LX_SIGPIPE - 1);
	CHECK_EQ(pipe_write(&k, p, pp, buf, 10, false), -EPIPE);
	CHECK_EQ(p->state, P_RUNNABLE);
	CHECK(p->sig.pending.set & (1ULL << (LX_SIGPIPE - 1)));
	CHECK_EQ(signal_deliverable(p), 0);       /* blocked: it waits */
	p->sigmask = 0;
	CHECK_EQ(pipe_write(&k, p, pp, buf, 10, true), -EPIPE);
	CHECK_EQ(signal_deliverable(p), 1ULL << (LX_SIGPIPE - 1));
	signal_deliver(&k, p);                    /* default action: the end */
	CHECK_EQ(p->state, P_ZOMBIE);
	CHECK_EQ(p->term_signal, LX_SIGPIPE);
	pipe_close_end(&k, pp, true);
	kf_halt();
}

TEST(small_writes_are_atomic)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = test_proc();
	struct pipe *pp = pipe_create(&k);
	REQUIRE(pp);
	static char big[PIPE_SIZE];
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_SIZE - 100, true), PIPE_SIZE - 100);
	/* 101..4096 bytes do not fit: nothing written */
	CHECK_EQ(pipe_write(&k, p, pp, big, 101, true), -EAGAIN);
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_BUF, true), -EAGAIN);
	CHECK_EQ(pp->ring.len, PIPE_SIZE - 100);
	uint64_t pc = p->pc;
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_BUF, false), PIPE_BLOCKED);
	CHECK_EQ(p->state, P_SLEEPING);
	CHECK(p->wq == &pp->wr_wait && p->pc == pc - 4);
	CHECK_EQ(pp->ring.len, PIPE_SIZE - 100);
	/* a read that makes room wakes it */
	char buf[200];
	CHECK_EQ(pipe_read(&k, p, pp, buf, 200, false), 200);
	CHECK_EQ(p->state, P_RUNNABLE);
	k.runq_head = k.runq_tail = NULL;
	p->pc = pc;
	/* above PIPE_BUF a write takes what fits */
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_BUF + 1, true), 300);
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_BUF + 1, true), -EAGAIN);
	CHECK_EQ(pipe_write(&k, p, pp, big, PIPE_BUF + 1, false), PIPE_BLOCKED);
	pipe_close_end(&k, pp, true);
	pipe_close_end(&k, pp, false);
	kf_halt();
}

/* The VFS's write loop as it drives a pipe: offers the rest until all is
 * taken; on PIPE_BLOCKED keeps the progress in p->sys_done and stops
 * (the call re-runs when p wakes).  Returns what the call returns. */
static int64_t write_call(struct proc *p, struct pipe *pp, const uint8_t *buf, size_t n)
{
	size_t done = p->sys_done;
	while (done < n) {
		int64_t w = pipe_write(&k, p, pp, buf + done, n - done, false);
		if (w == PIPE_BLOCKED) {
			p->sys_done = done;
			return w;
		}
		if (w < 0)
			return done ? (int64_t)done : w;
		done += (size_t)w;
	}
	p->sys_done = 0;
	return (int64_t)done;
}

TEST(large_write_sleeps_partway_and_goes_on)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *wr = test_proc();
	struct proc *rd = kf_fork(wr);
	k.runq_head = k.runq_tail = NULL;
	struct pipe *pp = pipe_create(&k);
	REQUIRE(pp);
	static uint8_t in[5 * PIPE_SIZE / 2], out[PIPE_SIZE];     /* 2.5 pipes full */
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = pattern(i);
	uint64_t pc = wr->pc, got = 0;
	int rounds = 0;
	for (;;) {
		int64_t rc = write_call(wr, pp, in, sizeof in);
		if (wr->state == P_RUNNABLE) {
			CHECK_EQ(rc, sizeof in);      /* all of it, in the end */
			break;
		}
		CHECK_EQ(rc, PIPE_BLOCKED);
		CHECK_EQ(pp->ring.len, PIPE_SIZE);
		CHECK_EQ(wr->sys_done, got + PIPE_SIZE);
		wr->pc = pc;
		/* the reader drains the pipe; the first read wakes the writer */
		while (pp->ring.len) {
			int64_t n = pipe_read(&k, rd, pp, out, 5000, false);
			REQUIRE(n > 0);
			for (int64_t i = 0; i < n; i++)
				if (out[i] != pattern(got + (uint64_t)i)) {
					test_fail(__FILE__, __LINE__, "byte %llu wrong",
						  (unsigned long long)(got + (uint64_t)i));
					break;
				}
			got += (uint64_t)n;
		}
		CHECK_EQ(wr->state, P_RUNNABLE);
		k.runq_head = k.runq_tail = NULL;
		REQUIRE(++rounds < 10);
	}
	CHECK_EQ(rounds, 2);
	CHECK_EQ(got + pp->ring.len, sizeof in);
	CHECK_EQ(pipe_ring_get(&k.km, &pp->ring, out, sizeof out), sizeof in - got);
	CHECK_EQ(out[0], pattern(got));
	pipe_close_end(&k, pp, false);
	pipe_close_end(&k, pp, true);
	kf_halt();
}

/* A process that sleeps again and again on the same ecall (a writer of a
 * full pipe) is making progress: each sleep resets the progress guard,
 * which would otherwise count the re-run ecall's fetch faults (its page
 * evicted while it slept) across sleeps and kill it (squeeze.sh found it). */
TEST(sleep_resets_the_progress_guard)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = test_proc();
	struct waitq q;
	waitq_init(&q, "a test");
	p->guard.pc = p->pc - 4;
	p->guard.instret = p->st.instret;
	p->guard.count = FAULT_GUARD_MAX - 1;
	waitq_sleep(&k, p, &q);
	CHECK_EQ(p->guard.count, 0);
	CHECK(p->guard.pc != p->pc);      /* the next fault starts a new count */
	waitq_wake_all(&k, &q);
	k.runq_head = k.runq_tail = NULL;
	kf_halt();
}

TEST(waitq_wakes_in_order_and_remove_unlinks)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *a = test_proc();
	struct proc *b = kf_fork(a), *c = kf_fork(a);
	k.runq_head = k.runq_tail = NULL;
	struct waitq q;
	waitq_init(&q, "a test");
	waitq_sleep(&k, a, &q);
	waitq_sleep(&k, b, &q);
	waitq_sleep(&k, c, &q);
	waitq_remove(b);
	CHECK(b->wq == NULL && q.head == a && a->wq_next == c && q.tail == c);
	b->state = P_RUNNABLE;
	CHECK_EQ(waitq_wake_all(&k, &q), 2);
	CHECK(waitq_empty(&q));
	CHECK(k.runq_head == a && a->run_next == c && k.runq_tail == c);
	k.runq_head = k.runq_tail = NULL;
	/* a sleeper that exits leaves the queue */
	waitq_sleep(&k, a, &q);
	proc_exit(&k, a, 0, LX_SIGKILL);
	CHECK(waitq_empty(&q));
	kf_halt();
}
