/*
 * sys_pgrp.c - process groups and sessions: setpgid, getpgid, getsid,
 * setsid, with Linux's rules (kernel/sys.c), and what they are for:
 * kill(0) and kill(-pgid) signal a group, wait4(0) and wait4(-pgid) wait
 * for a child in one (signal.c, fork.c), PRIO_PGRP (sys_info.c), the
 * console's foreground group (TIOCGPGRP/TIOCSPGRP, devfs.c), and the
 * pgrp and session fields of /proc/PID/stat.
 *
 * A program vmos starts leads its own group and session (pgid = sid = its
 * pid), as a login shell does, and the first one's group has the console;
 * fork and clone inherit both.  Every thread of a process carries the same
 * pgid and sid (they are the process's), so the calls change all of them.
 * Groups never cross program trees: a pid of another top-level program is
 * ESRCH here, as if it did not exist (isolation, docs/kernel.md).
 *
 * Not modelled: job control's stop signals from the terminal (SIGTTIN,
 * SIGTTOU, SIGTSTP from ^Z) and orphaned-group SIGHUP; the controlling
 * terminal is the console, shared by every session.
 */
#include "sys_info.h"
#include "kernel.h"
#include "proc.h"

#include <errno.h>

/* The process (thread group) id names, seen from p's tree; NULL if none. */
static struct proc *group_of(struct kernel *k, const struct proc *p, int64_t id)
{
	if (id <= 0 || id > UINT32_MAX)
		return NULL;
	struct proc *q = proc_find(k, (uint32_t)id);
	if (!q || q->tree != p->tree)
		return NULL;
	return q;
}

/* Sets pgid and sid of every thread of q's process. */
static void set_ids(struct kernel *k, const struct proc *q, uint32_t pgid, uint32_t sid)
{
	uint32_t tgid = q->tgid;
	for (struct proc *t = k->procs; t; t = t->next)
		if (t->tgid == tgid) {
			t->pgid = pgid;
			t->sid = sid;
		}
}

/* True if a process of p's tree in session sid has process group pgid. */
bool pgrp_exists(struct kernel *k, const struct proc *p, uint32_t pgid, uint32_t sid)
{
	for (struct proc *t = k->procs; t; t = t->next)
		if (t->tree == p->tree && t->pgid == pgid && t->sid == sid && t->state != P_ZOMBIE)
			return true;
	return false;
}

int64_t sys_setpgid(struct kernel *k, struct proc *p, int64_t pid, int64_t pgid)
{
	if (pid == 0)
		pid = p->tgid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	struct proc *q = group_of(k, p, pid);
	if (!q || q->state == P_ZOMBIE)
		return -ESRCH;
	if (q->pid != q->tgid)
		return -EINVAL;                /* a thread that leads no process */
	if (q->ppid == p->tgid) {              /* a child of the caller */
		if (q->sid != p->sid)
			return -EPERM;
		if (q->execed)
			return -EACCES;
	} else if (q->tgid != p->tgid) {
		return -ESRCH;
	}
	if (q->sid == q->tgid)
		return -EPERM;                 /* a session leader stays where it is */
	if (pgid != pid && !pgrp_exists(k, p, (uint32_t)pgid, p->sid))
		return -EPERM;                 /* only a group of the same session */
	set_ids(k, q, (uint32_t)pgid, q->sid);
	return 0;
}

int64_t sys_getpgid(struct kernel *k, struct proc *p, int64_t pid)
{
	if (pid == 0)
		return p->pgid;
	struct proc *q = group_of(k, p, pid);
	return q ? (int64_t)q->pgid : -ESRCH;
}

int64_t sys_getsid(struct kernel *k, struct proc *p, int64_t pid)
{
	if (pid == 0)
		return p->sid;
	struct proc *q = group_of(k, p, pid);
	return q ? (int64_t)q->sid : -ESRCH;
}

int64_t sys_setsid(struct kernel *k, struct proc *p)
{
	/* a process group already named by the caller's pid: it cannot lead
	 * a new session (it would be in two) */
	for (struct proc *t = k->procs; t; t = t->next)
		if (t->tree == p->tree && t->pgid == p->tgid && t->state != P_ZOMBIE)
			return -EPERM;
	set_ids(k, p, p->tgid, p->tgid);
	return p->tgid;
}
