/*
 * thread_test.c - threads and futex(2) in the kernel, driven directly: one
 * address space shared by a group (a fault by one thread is seen by all,
 * munmap and mprotect by one change what all see, the TLB included), the
 * mm's reference counts and keys, exit of one thread against the group,
 * the clear-tid wake, futex's wait/wake/bitset/requeue and its errors, and
 * the leak accounting of the fixture after every test.
 */
#include "kernel_fixture.h"
#include "futex.h"
#include "rmap.h"
#include "thread.h"

#include "abi/lx/sched.h"

#define THREAD_FLAGS (LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | \
		      LX_CLONE_THREAD | LX_CLONE_SYSVSEM | LX_CLONE_SETTLS |           \
		      LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID)
#define VA 0x40000000ULL

enum { FWAIT = 0, FWAKE = 1, FREQUEUE = 3, FCMP_REQUEUE = 4, FWAIT_BITSET = 9,
       FWAKE_BITSET = 10, FPRIVATE = 128 };

static struct proc *new_thread(struct proc *p, uint64_t flags, uint64_t ptid, uint64_t ctid)
{
	int64_t tid = sys_clone_any(&k, p, flags, VA + 0x8000, ptid, 0x1234, ctid);
	REQUIRE(tid > 0);
	struct proc *t = proc_find(&k, (uint32_t)tid);
	REQUIRE(t);
	return t;
}

static uint32_t word_at(struct proc *p, uint64_t va)
{
	uint32_t v = 0;
	REQUIRE(kf_load(p, va, &v, sizeof v) == 0);
	return v;
}

static void put_word(struct proc *p, uint64_t va, uint32_t v)
{
	REQUIRE(kf_store(p, va, &v, sizeof v) == 0);
}

/* A thread shares everything that is the address space and has its own
 * ids and registers; the mm counts it once in the checker. */
TEST(clone_thread_shares_the_address_space)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, VA, 16, LX_PROT_READ | LX_PROT_WRITE);
	struct proc *t = new_thread(p, THREAD_FLAGS, VA + 0x100, VA + 0x200);
	CHECK(t->mm == p->mm && t->tgid == p->pid && t->pid != p->pid);
	CHECK_MSG(p->mm->users == 2 && p->mm->refs == 2, "users %d refs %d, want 2 2",
		  p->mm->users, p->mm->refs);
	CHECK(t->x[4] == 0x1234 && t->x[2] == VA + 0x8000 && t->x[10] == 0);
	CHECK_MSG(word_at(p, VA + 0x100) == t->pid, "CLONE_PARENT_SETTID wrote %u, want %u",
		  word_at(p, VA + 0x100), t->pid);
	CHECK(t->res.clear_child_tid == VA + 0x200);
	/* a fault by one is seen by the other: one page table */
	put_word(t, VA + 0x3000, 77);
	uint64_t resident = p->mm->pmap.resident;
	CHECK(word_at(p, VA + 0x3000) == 77);
	CHECK_MSG(p->mm->pmap.resident == resident, "the leader faulted again on a page its thread mapped");
	KF_CHECK_KERNEL();
	/* the page's reverse map and policy key name the address space's owner */
	struct pmap_page pg;
	REQUIRE(pmap_extract(&p->mm->pmap, VA + 0x3000, &pg) && pg.present);
	struct frame *f = pa_frame(&k.pa, pg.pa);
	CHECK(f->rmap && f->rmap->p == p && key_pid(f->key) == p->pid);
	kf_halt();
}

/* munmap and mprotect by one thread change what the other sees at once:
 * its next access faults, whatever its TLB held. */
TEST(munmap_and_mprotect_by_one_thread_reach_all)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, VA, 4, LX_PROT_READ | LX_PROT_WRITE);
	struct proc *t = new_thread(p, THREAD_FLAGS, VA, VA + 4);
	put_word(p, VA + 0x1000, 5);
	put_word(p, VA + 0x2000, 6);
	CHECK(word_at(t, VA + 0x1000) == 5);             /* in t's view, and in the TLB */
	CHECK(word_at(t, VA + 0x2000) == 6);
	REQUIRE(vm_mprotect(&k, p, VA + 0x1000, PGSIZE, LX_PROT_READ) == 0);
	uint64_t pa;
	CHECK_MSG(kf_access(t, VA + 0x1000, ACC_STORE, &pa) == -EFAULT,
		  "a thread stores into a page another made read-only");
	CHECK(word_at(t, VA + 0x1000) == 5);
	REQUIRE(vm_munmap(&k, t, VA + 0x2000, PGSIZE) == 0);
	CHECK_MSG(kf_access(p, VA + 0x2000, ACC_LOAD, &pa) == -EFAULT,
		  "the leader still reads a page its thread unmapped");
	KF_CHECK_KERNEL();
	kf_halt();
}

/* exit of one thread: the clear-tid word becomes 0 and a waiter there
 * wakes (pthread_join); the group goes on; the leader that exits stays a
 * zombie until the last thread ends, and the space goes with that one. */
TEST(thread_exit_clears_tid_and_wakes_the_joiner)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, VA, 4, LX_PROT_READ | LX_PROT_WRITE);
	struct proc *t = new_thread(p, THREAD_FLAGS, VA + 0x40, VA + 0x40);
	uint32_t tid = t->pid;
	CHECK(word_at(p, VA + 0x40) == tid);
	/* the leader waits on the tid word as glibc's join does (shared key) */
	proc_activate(&k, p);
	CHECK(sys_futex(&k, p, VA + 0x40, FWAIT, tid, 0, 0, 0) == -ETIMEDOUT);
	CHECK(p->state == P_SLEEPING && p->futex_waiting && futex_waiters(&k) == 1);
	proc_exit_thread(&k, t, 0);
	CHECK(t->state == P_ZOMBIE);
	CHECK_MSG(word_at(p, VA + 0x40) == 0, "clear_child_tid not written: %u", word_at(p, VA + 0x40));
	CHECK_MSG(p->state == P_RUNNABLE && p->x[10] == 0 && !p->futex_waiting,
		  "the joiner did not wake with 0 (state %d, a0 %lld)", p->state, (long long)p->x[10]);
	CHECK(p->mm->users == 1 && p->mm->pmap.root);
	/* now the leader leaves first (pthread_exit) while a second thread runs */
	struct proc *t2 = new_thread(p, THREAD_FLAGS, VA + 0x80, VA + 0x80);
	proc_exit_thread(&k, p, 5);
	CHECK_MSG(p->state == P_ZOMBIE && p->mm->pmap.root && p->mm->users == 1,
		  "the space went with the leader while a thread still runs");
	put_word(t2, VA + 0x1000, 9);                   /* the space is alive for t2 */
	KF_CHECK_KERNEL();
	proc_exit_thread(&k, t2, 1);
	CHECK_MSG(!p->mm->pmap.root && p->mm->users == 0, "the last thread left the space behind");
	CHECK_MSG(p->exit_code == 5 && p->term_signal == 0,
		  "the group's status is the leader's own exit (5), got %d/%d", p->exit_code, p->term_signal);
	kf_halt();
}

/* exit_group (and every kill) ends all threads, with one status. */
TEST(exit_group_ends_every_thread)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, VA, 4, LX_PROT_READ | LX_PROT_WRITE);
	struct proc *t[3];
	for (int i = 0; i < 3; i++)
		t[i] = new_thread(p, THREAD_FLAGS, VA, VA);
	put_word(t[1], VA + 0x1000, 1);
	proc_activate(&k, t[2]);
	CHECK(sys_futex(&k, t[2], VA + 0x1000, FWAIT | FPRIVATE, 1, 0, 0, 0) == -ETIMEDOUT);
	proc_exit(&k, t[1], 3, 0);
	for (int i = 0; i < 3; i++)
		CHECK(t[i]->state == P_ZOMBIE);
	CHECK(p->state == P_ZOMBIE && p->exit_code == 3 && p->group_exit);
	CHECK(futex_waiters(&k) == 0 && k.runq_head == NULL);
	CHECK(!p->mm->pmap.root);
	kf_halt();
}

/* futex: the value check, wake counts and bitsets, requeue, the errors. */
TEST(futex_semantics)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, VA, 4, LX_PROT_READ | LX_PROT_WRITE);
	struct proc *t[4];
	for (int i = 0; i < 4; i++)
		t[i] = new_thread(p, THREAD_FLAGS, VA, VA);
	uint64_t w = VA + 0x1000, w2 = VA + 0x1004;
	put_word(p, w, 7);
	proc_activate(&k, p);
	CHECK(sys_futex(&k, p, w, FWAIT | FPRIVATE, 6, 0, 0, 0) == -EAGAIN);
	CHECK(sys_futex(&k, p, w + 1, FWAIT | FPRIVATE, 7, 0, 0, 0) == -EINVAL);
	CHECK(sys_futex(&k, p, w, FWAIT_BITSET | FPRIVATE, 7, 0, 0, 0) == -EINVAL);
	CHECK(sys_futex(&k, p, VA + 0x10000, FWAIT | FPRIVATE, 0, 0, 0, 0) == -EFAULT);
	CHECK(sys_futex(&k, p, VA + 0x10000, FWAKE | FPRIVATE, 1, 0, 0, 0) == 0);
	CHECK(sys_futex(&k, p, VA + 0x10000, FWAKE, 1, 0, 0, 0) == -EFAULT);
	CHECK(sys_futex(&k, p, w, 6 /* LOCK_PI */, 0, 0, 0, 0) == -ENOSYS);
	/* bitsets 1 2 4 8 sleep on w */
	for (int i = 0; i < 4; i++) {
		proc_activate(&k, t[i]);
		CHECK(sys_futex(&k, t[i], w, FWAIT_BITSET | FPRIVATE, 7, 0, 0, 1u << i) == -ETIMEDOUT);
	}
	CHECK(futex_waiters(&k) == 4);
	proc_activate(&k, p);
	CHECK(sys_futex(&k, p, w, FWAKE, 4, 0, 0, 0) == 0);             /* shared key: none */
	CHECK(sys_futex(&k, p, w, FWAKE_BITSET | FPRIVATE, 9, 0, 0, 6) == 2);   /* bits 2, 4 */
	CHECK(t[1]->state == P_RUNNABLE && t[2]->state == P_RUNNABLE && t[0]->state == P_SLEEPING);
	CHECK(sys_futex(&k, p, w, FCMP_REQUEUE | FPRIVATE, 0, 1, w2, 8) == -EAGAIN);
	CHECK(sys_futex(&k, p, w, FCMP_REQUEUE | FPRIVATE, 0, 1, w2, 7) == 1);  /* t[0] moves */
	CHECK(sys_futex(&k, p, w, FWAKE | FPRIVATE, 5, 0, 0, 0) == 1);          /* t[3] */
	CHECK(t[3]->state == P_RUNNABLE && t[0]->state == P_SLEEPING);
	CHECK(sys_futex(&k, p, w2, FREQUEUE | FPRIVATE, 0, (uint64_t)-1, w, 0) == -EINVAL);
	CHECK(sys_futex(&k, p, w2, FWAKE | FPRIVATE, 0, 0, 0, 0) == 1);         /* 0 wakes one */
	CHECK(t[0]->state == P_RUNNABLE && t[0]->x[10] == 0 && futex_waiters(&k) == 0);
	KF_CHECK_KERNEL();
	kf_halt();
}

/* A thread sleeping with a deadline is taken off the queue when it
 * expires (sched.c) and returns ETIMEDOUT; the clone flag rules. */
TEST(clone_flag_rules)
{
	kf_boot(8 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	CHECK(sys_clone_any(&k, p, LX_CLONE_THREAD | LX_CLONE_VM, 0, 0, 0, 0) == -EINVAL);
	CHECK(sys_clone_any(&k, p, LX_CLONE_SIGHAND, 0, 0, 0, 0) == -EINVAL);
	CHECK(sys_clone_any(&k, p, LX_CLONE_VM, 0, 0, 0, 0) == -EINVAL);   /* no vfork-style sharing */
	/* the thread limit counts threads */
	p->res.rlim[LX_RLIMIT_NPROC].rlim_cur = 3;
	CHECK(sys_clone_any(&k, p, THREAD_FLAGS & ~(uint64_t)(LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID),
			    0, 0, 0, 0) > 0);
	CHECK(sys_clone_any(&k, p, THREAD_FLAGS & ~(uint64_t)(LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID),
			    0, 0, 0, 0) > 0);
	CHECK(sys_clone_any(&k, p, THREAD_FLAGS & ~(uint64_t)(LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID),
			    0, 0, 0, 0) == -EAGAIN);
	kf_halt();
}
