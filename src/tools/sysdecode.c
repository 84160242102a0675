/*
 * sysdecode.c - system calls decoded the way strace(1) prints them.
 *
 * The arguments are those the program passed (the kernel copies a0..a5
 * before the call runs, kernel.h kevent.args); the result is the kernel's
 * return value, negative errno on failure, printed as strace does:
 * "= -1 EFAULT (Bad address)".  Flag words are split into their names
 * (unknown bits left as hex, strace's "|0x..."), memory that strace would
 * dereference - a path, a write's or a completed read's buffer, a wait
 * status - is read from the process's present pages only (sysdecode_peek),
 * and a buffer is previewed in its first 32 bytes with C escapes and "..."
 * after the closing quote when longer, as strace's default -s 32.
 *
 * The flag values are Linux's asm-generic ones (riscv64 uses them): mman.h
 * for PROT_/MAP_/MADV_, sched.h for CLONE_, signal.h for the exit signal.
 */
#include "sysdecode.h"
#include "eventlog.h"
#include "proc.h"
#include "syscall.h"
#include "image.h"

#include <stdarg.h>
#include <string.h>

/* An output buffer that never overflows (text is cut at the end). */
struct out { char *buf; size_t n, len; };

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->len >= o->n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->len += (size_t)w < o->n - o->len ? (size_t)w : o->n - o->len - 1;
}

size_t sysdecode_peek(struct kernel *k, struct proc *p, uint64_t va, void *dst, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint64_t a = va + done;
		struct pmap_page pg;
		if (a < va || a >= user_top(k->cfg.levels) ||
		    !pmap_extract(&p->mm->pmap, a & ~PGMASK, &pg) || !pg.present ||
		    !(pg.prot & VM_PROT_READ))
			break;
		size_t chunk = PGSIZE - (a & PGMASK);
		if (chunk > n - done)
			chunk = n - done;
		memcpy((char *)dst + done, (const char *)ram_ptr(&k->ram, pg.pa) + (a & PGMASK), chunk);
		done += chunk;
	}
	return done;
}

/* ---- errno ---------------------------------------------------------------- */

static const struct { int nr; const char *name, *msg; } errnos[] = {
	{ 1, "EPERM", "Operation not permitted" }, { 2, "ENOENT", "No such file or directory" },
	{ 3, "ESRCH", "No such process" }, { 4, "EINTR", "Interrupted system call" },
	{ 5, "EIO", "Input/output error" }, { 6, "ENXIO", "No such device or address" },
	{ 7, "E2BIG", "Argument list too long" }, { 8, "ENOEXEC", "Exec format error" },
	{ 9, "EBADF", "Bad file descriptor" }, { 10, "ECHILD", "No child processes" },
	{ 11, "EAGAIN", "Resource temporarily unavailable" }, { 12, "ENOMEM", "Cannot allocate memory" },
	{ 13, "EACCES", "Permission denied" }, { 14, "EFAULT", "Bad address" },
	{ 16, "EBUSY", "Device or resource busy" }, { 17, "EEXIST", "File exists" },
	{ 19, "ENODEV", "No such device" }, { 20, "ENOTDIR", "Not a directory" },
	{ 21, "EISDIR", "Is a directory" }, { 22, "EINVAL", "Invalid argument" },
	{ 24, "EMFILE", "Too many open files" }, { 25, "ENOTTY", "Inappropriate ioctl for device" },
	{ 27, "EFBIG", "File too large" }, { 28, "ENOSPC", "No space left on device" },
	{ 29, "ESPIPE", "Illegal seek" }, { 32, "EPIPE", "Broken pipe" },
	{ 34, "ERANGE", "Numerical result out of range" },
	{ 36, "ENAMETOOLONG", "File name too long" }, { 38, "ENOSYS", "Function not implemented" },
	{ 40, "ELOOP", "Too many levels of symbolic links" },
	{ 75, "EOVERFLOW", "Value too large for defined data type" },
};

static int errno_index(int64_t err)
{
	for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
		if (errnos[i].nr == err)
			return (int)i;
	return -1;
}

const char *sysdecode_errno_name(int64_t err)
{
	int i = errno_index(err);
	return i < 0 ? NULL : errnos[i].name;
}

/* ---- argument printers ----------------------------------------------------- */

struct flag { uint64_t bit; const char *name; };

/* Names of the bits of v from table (in order), unknown bits as hex,
 * "|"-joined; zero prints as zero_name. */
static void put_flags(struct out *o, uint64_t v, const struct flag *t, size_t nt, const char *zero_name)
{
	if (v == 0) {
		put(o, "%s", zero_name);
		return;
	}
	bool first = true;
	for (size_t i = 0; i < nt; i++)
		if (t[i].bit && (v & t[i].bit) == t[i].bit) {
			put(o, "%s%s", first ? "" : "|", t[i].name);
			v &= ~t[i].bit;
			first = false;
		}
	if (v)
		put(o, "%s0x%llx", first ? "" : "|", (unsigned long long)v);
}

static void put_prot(struct out *o, uint64_t prot)
{
	static const struct flag t[] = { { 0x1, "PROT_READ" }, { 0x2, "PROT_WRITE" },
					 { 0x4, "PROT_EXEC" }, { 0x8, "PROT_SEM" } };
	put_flags(o, prot, t, sizeof t / sizeof t[0], "PROT_NONE");
}

static void put_map_flags(struct out *o, uint64_t f)
{
	static const char *const type[] = { [1] = "MAP_SHARED", [2] = "MAP_PRIVATE",
					    [3] = "MAP_SHARED_VALIDATE" };
	static const struct flag t[] = {
		{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x100, "MAP_GROWSDOWN" },
		{ 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" }, { 0x2000, "MAP_LOCKED" },
		{ 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" }, { 0x10000, "MAP_NONBLOCK" },
		{ 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
	};
	uint64_t ty = f & 0xf;
	if (ty && ty < 4)
		put(o, "%s", type[ty]);
	else
		put(o, "0x%llx /* MAP_??? */", (unsigned long long)ty);
	if (f & ~0xfULL) {
		put(o, "|");
		put_flags(o, f & ~0xfULL, t, sizeof t / sizeof t[0], "0");
	}
}

static void put_madvise(struct out *o, uint64_t a)
{
	static const char *const names[] = { "MADV_NORMAL", "MADV_RANDOM", "MADV_SEQUENTIAL",
					     "MADV_WILLNEED", "MADV_DONTNEED" };
	if (a < 5)
		put(o, "%s", names[a]);
	else if (a == 8)
		put(o, "MADV_FREE");
	else
		put(o, "%llu /* MADV_??? */", (unsigned long long)a);
}

static const char *signal_name(uint64_t s)
{
	static const char *const n[] = { NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
		"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
		"SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD" };
	return s < sizeof n / sizeof n[0] ? n[s] : NULL;
}

static void put_clone_flags(struct out *o, uint64_t f)
{
	static const struct flag t[] = {
		{ 0x100, "CLONE_VM" }, { 0x200, "CLONE_FS" }, { 0x400, "CLONE_FILES" },
		{ 0x800, "CLONE_SIGHAND" }, { 0x4000, "CLONE_VFORK" }, { 0x8000, "CLONE_PARENT" },
		{ 0x10000, "CLONE_THREAD" }, { 0x80000, "CLONE_SETTLS" },
		{ 0x100000, "CLONE_PARENT_SETTID" }, { 0x200000, "CLONE_CHILD_CLEARTID" },
		{ 0x1000000, "CLONE_CHILD_SETTID" },
	};
	uint64_t sig = f & 0xff;
	if (f & ~0xffULL)
		put_flags(o, f & ~0xffULL, t, sizeof t / sizeof t[0], "0");
	if (sig) {
		const char *s = signal_name(sig);
		if (f & ~0xffULL)
			put(o, "|");
		if (s)
			put(o, "%s", s);
		else
			put(o, "%llu", (unsigned long long)sig);
	} else if (!(f & ~0xffULL)) {
		put(o, "0");
	}
}

static void put_ptr(struct out *o, uint64_t v)
{
	if (v)
		put(o, "0x%llx", (unsigned long long)v);
	else
		put(o, "NULL");
}

/* A quoted C string with escapes: the bytes s[0..n), "..." after the
 * quote when more follows. */
static void put_quoted(struct out *o, const unsigned char *s, size_t n, bool more)
{
	put(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		switch (c) {
		case '\n': put(o, "\\n"); break;
		case '\t': put(o, "\\t"); break;
		case '\r': put(o, "\\r"); break;
		case '"': put(o, "\\\""); break;
		case '\\': put(o, "\\\\"); break;
		default:
			if (c >= 32 && c < 127)
				put(o, "%c", c);
			else
				put(o, "\\%o", c);
		}
	}
	put(o, "\"%s", more ? "..." : "");
}

enum { PREVIEW = 32 };           /* strace -s 32 */

/* A buffer of len bytes at va, previewed. */
static void put_buf(struct out *o, struct kernel *k, struct proc *p, uint64_t va, uint64_t len)
{
	unsigned char b[PREVIEW];
	size_t want = len < PREVIEW ? (size_t)len : PREVIEW;
	size_t got = p ? sysdecode_peek(k, p, va, b, want) : 0;
	if (got < want) {
		put_ptr(o, va);
		return;
	}
	put_quoted(o, b, got, len > PREVIEW);
}

/* A NUL-terminated string at va (at most 255 bytes shown). */
static void put_str(struct out *o, struct kernel *k, struct proc *p, uint64_t va)
{
	unsigned char b[256];
	size_t got = p && va ? sysdecode_peek(k, p, va, b, sizeof b) : 0;
	size_t len = 0;
	while (len < got && b[len])
		len++;
	if (len == got) {       /* unreadable or no end seen */
		if (len == sizeof b) {
			put_quoted(o, b, len, true);
			return;
		}
		put_ptr(o, va);
		return;
	}
	put_quoted(o, b, len, false);
}

/* argv-like array at va: ["a", "b"], at most 8 shown. */
static void put_strv(struct out *o, struct kernel *k, struct proc *p, uint64_t va)
{
	if (!va || !p) {
		put_ptr(o, va);
		return;
	}
	put(o, "[");
	for (int i = 0; i < 9; i++) {
		uint64_t s;
		if (sysdecode_peek(k, p, va + 8 * (uint64_t)i, &s, 8) != 8) {
			put(o, "%s0x%llx", i ? ", " : "", (unsigned long long)(va + 8 * (uint64_t)i));
			break;
		}
		if (!s)
			break;
		if (i == 8) {
			put(o, ", ...");
			break;
		}
		if (i)
			put(o, ", ");
		put_str(o, k, p, s);
	}
	put(o, "]");
}

/* A wait status as strace shows it. */
static void put_wstatus(struct out *o, struct kernel *k, struct proc *p, uint64_t va, int64_t rc)
{
	int32_t st;
	if (!va || rc <= 0 || !p || sysdecode_peek(k, p, va, &st, 4) != 4) {
		put_ptr(o, va);
		return;
	}
	if ((st & 0x7f) == 0)
		put(o, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (st >> 8) & 0xff);
	else {
		const char *s = signal_name((uint64_t)(st & 0x7f));
		put(o, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		if (s)
			put(o, "%s", s);
		else
			put(o, "%d", st & 0x7f);
		put(o, "%s}]", (st & 0x80) ? " && WCOREDUMP(s)" : "");
	}
}

static void put_int(struct out *o, uint64_t v)
{
	put(o, "%d", (int)(int32_t)v);
}

/* Arguments of the calls vmos has without a decoder: how many to show. */
static int nargs(uint64_t nr)
{
	switch (nr) {
	case LX_SYS_getpid: case LX_SYS_getppid: case LX_SYS_getuid: case LX_SYS_geteuid: case LX_SYS_getgid:
	case LX_SYS_getegid: case LX_SYS_gettid: case LX_SYS_sched_yield:
		return 0;
	case LX_SYS_close: case LX_SYS_set_tid_address: case LX_SYS_uname:
		return 1;
	case LX_SYS_getcwd: case LX_SYS_fstat: case LX_SYS_nanosleep: case LX_SYS_clock_gettime: case LX_SYS_kill:
	case SYS_vmos_marker:
		return 2;
	case LX_SYS_ioctl: case LX_SYS_writev: case LX_SYS_getrandom:
		return 3;
	case LX_SYS_readlinkat: case LX_SYS_rt_sigaction: case LX_SYS_rt_sigprocmask:
		return 4;
	default:
		return 6;
	}
}

/* ---- the call ---------------------------------------------------------------- */

void sysdecode_format(struct kernel *k, struct proc *p, const struct kevent *ev, char *buf,
		      size_t n)
{
	struct out o = { buf, n, 0 };
	if (n == 0)
		return;
	buf[0] = 0;
	uint64_t nr = ev->cause;
	const uint64_t *a = ev->args;
	static const uint64_t none[6];
	if (!a)
		a = none;
	int64_t rc = ev->result;
	const char *name = eventlog_syscall_name(nr);
	if (name)
		put(&o, "%s(", name);
	else
		put(&o, "syscall_%llu(", (unsigned long long)nr);
	bool addr_result = false;
	switch (nr) {
	case LX_SYS_mmap:
		put_ptr(&o, a[0]);
		put(&o, ", %llu, ", (unsigned long long)a[1]);
		put_prot(&o, a[2]);
		put(&o, ", ");
		put_map_flags(&o, a[3]);
		put(&o, ", ");
		put_int(&o, a[4]);
		if (a[5])
			put(&o, ", 0x%llx", (unsigned long long)a[5]);
		else
			put(&o, ", 0");
		addr_result = true;
		break;
	case LX_SYS_munmap:
		put(&o, "0x%llx, %llu", (unsigned long long)a[0], (unsigned long long)a[1]);
		break;
	case LX_SYS_mprotect:
		put(&o, "0x%llx, %llu, ", (unsigned long long)a[0], (unsigned long long)a[1]);
		put_prot(&o, a[2]);
		break;
	case LX_SYS_madvise:
		put(&o, "0x%llx, %llu, ", (unsigned long long)a[0], (unsigned long long)a[1]);
		put_madvise(&o, a[2]);
		break;
	case LX_SYS_brk:
		put_ptr(&o, a[0]);
		addr_result = true;
		break;
	case LX_SYS_execve:
		if (rc == 0 && p && p->image) {      /* the old memory is gone: the path opened */
			put_quoted(&o, (const unsigned char *)p->image->path, strlen(p->image->path), false);
			put(&o, ", 0x%llx, 0x%llx", (unsigned long long)a[1], (unsigned long long)a[2]);
		} else {
			put_str(&o, k, p, a[0]);
			put(&o, ", ");
			put_strv(&o, k, p, a[1]);
			put(&o, ", 0x%llx", (unsigned long long)a[2]);
		}
		break;
	case LX_SYS_clone:          /* riscv64: flags, newsp, parent_tid, tls, child_tid */
		put(&o, "child_stack=");
		put_ptr(&o, a[1]);
		put(&o, ", flags=");
		put_clone_flags(&o, a[0]);
		break;
	case LX_SYS_wait4:
		put_int(&o, a[0]);
		put(&o, ", ");
		put_wstatus(&o, k, p, a[1], rc);
		put(&o, ", %d, ", (int)(int32_t)a[2]);
		put_ptr(&o, a[3]);
		break;
	case LX_SYS_exit:
	case LX_SYS_exit_group:
		put_int(&o, a[0]);
		put(&o, ") = ?");
		return;
	case LX_SYS_read:
	case LX_SYS_write:
		put_int(&o, a[0]);
		put(&o, ", ");
		if (nr == LX_SYS_write)
			put_buf(&o, k, p, a[1], a[2]);
		else if (rc >= 0)
			put_buf(&o, k, p, a[1], (uint64_t)rc);
		else
			put_ptr(&o, a[1]);
		put(&o, ", %llu", (unsigned long long)a[2]);
		break;
	default:
		for (int i = 0; i < nargs(nr); i++)
			put(&o, "%s0x%llx", i ? ", " : "", (unsigned long long)a[i]);
	}
	if (rc < 0 && rc > -4096) {
		int i = errno_index(-rc);
		if (i >= 0)
			put(&o, ") = -1 %s (%s)", errnos[i].name, errnos[i].msg);
		else
			put(&o, ") = -1 errno %lld", (long long)-rc);
	} else if (addr_result) {
		put(&o, ") = 0x%llx", (unsigned long long)rc);
	} else {
		put(&o, ") = %lld", (long long)rc);
	}
}
