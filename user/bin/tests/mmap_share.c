/*
 * mmap_share - MAP_SHARED file mappings that reach the file, for
 * tests/kernel/mmap_writeback.sh and tests/tools/frame_share.sh (run with
 * `vmos run --rw DIR`; FILE is a path in DIR):
 *
 *   mmap_share write FILE TEXT sync|exit|munmap
 *       maps FILE's first page MAP_SHARED, closes the descriptor, copies
 *       TEXT to offset 0 through the mapping, then msync(MS_SYNC)s and
 *       exits, just exits (the mapping goes with the process), or munmaps;
 *       the host file must hold TEXT afterwards in every case (Linux
 *       writes a shared mapping's dirty pages back whatever ends it)
 *   mmap_share coherent FILE
 *       FILE of two pages: write() and the mapping see each other's bytes;
 *       ftruncate to one page makes a touch of the second page SIGBUS (in a
 *       child), and growing the file back reads zeros there, as Linux
 *   mmap_share fork FILE
 *       FILE of two pages, mapped MAP_SHARED and written; a private page
 *       written and a MAP_SHARED|MAP_ANONYMOUS page written; then fork: the
 *       child writes the file page and the anonymous shared page and exits,
 *       the parent sees both writes (and not the child's private one).
 *       While the child exits, both processes map the file's pages, the
 *       shared anonymous page, the program's text and (copy-on-write) the
 *       private page: `vmos run --frame-map` shows them shared.
 * Prints one line per check (check.h); exit 0 if all pass.
 */
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
#define MS_SYNC 4

static char priv[PG] __attribute__((aligned(PG)));

static int do_write(const char *path, const char *text, const char *how)
{
	int fd = open(path, O_RDWR);
	if (!check_true("open FILE O_RDWR", fd >= 0))
		return check_done("mmap_share");
	char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check_true("mmap FILE MAP_SHARED", m != MAP_FAILED);
	close(fd);                        /* the mapping keeps the file */
	if (m == MAP_FAILED)
		return check_done("mmap_share");
	memcpy(m, text, strlen(text));
	if (!strcmp(how, "sync"))
		check_true("msync MS_SYNC", syscall(SYS_msync, m, PG, MS_SYNC) == 0);
	else if (!strcmp(how, "munmap"))
		check_true("munmap", munmap(m, PG) == 0);
	return check_done("mmap_share");  /* "exit": the mapping ends with the process */
}

static int do_coherent(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (!check_true("open FILE O_RDWR", fd >= 0))
		return check_done("mmap_share");
	check_true("ftruncate to two pages", ftruncate(fd, 2 * PG) == 0);
	volatile char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check_true("mmap two pages MAP_SHARED", m != MAP_FAILED))
		return check_done("mmap_share");
	m[PG + 5] = 'x';
	check_true("pwrite at 10", pwrite(fd, "abc", 3, 10) == 3);
	check_true("the mapping sees write()'s bytes", m[10] == 'a' && m[12] == 'c');
	m[20] = 'M';
	m[21] = 'N';
	char b[2] = { 0, 0 };
	check_true("pread sees the mapping's bytes", pread(fd, b, 2, 20) == 2 && b[0] == 'M' && b[1] == 'N');
	check_true("ftruncate to one page", ftruncate(fd, PG) == 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		(void)m[PG + 5];          /* past the end now: SIGBUS */
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	check_true("a touch past the new end is SIGBUS", WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	check_true("the first page keeps its bytes", m[10] == 'a' && m[20] == 'M');
	check_true("ftruncate back to two pages", ftruncate(fd, 2 * PG) == 0);
	check_true("the second page reads zero after shrink and grow", m[PG + 5] == 0);
	char c = 1;
	check_true("pread of it reads zero", pread(fd, &c, 1, PG + 5) == 1 && c == 0);
	close(fd);
	return check_done("mmap_share");
}

static int do_fork(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (!check_true("open FILE O_RDWR", fd >= 0))
		return check_done("mmap_share");
	check_true("ftruncate to two pages", ftruncate(fd, 2 * PG) == 0);
	volatile char *f = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	volatile char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!check_true("mmap file and anonymous MAP_SHARED", f != MAP_FAILED && a != MAP_FAILED))
		return check_done("mmap_share");
	f[0] = 'p';
	f[PG] = 'p';
	a[0] = 'p';
	priv[0] = 'p';
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		f[1] = 'c';
		a[1] = 'c';
		priv[0] = 'c';            /* copy-on-write: the parent keeps 'p' */
		_exit(f[0] == 'p' && f[PG] == 'p' && a[0] == 'p' ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	check_true("the child saw the parent's writes", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	check_true("the parent sees the child's write to the file", f[1] == 'c');
	check_true("the parent sees the child's shared anonymous write", a[1] == 'c');
	check_true("the private page stays the parent's", priv[0] == 'p');
	char b = 0;
	check_true("read() sees the child's write", pread(fd, &b, 1, 1) == 1 && b == 'c');
	close(fd);
	return check_done("mmap_share");
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "coherent"))
		return do_coherent(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "fork"))
		return do_fork(argv[2]);
	printf("usage: mmap_share write FILE TEXT sync|exit|munmap | coherent FILE | fork FILE\n");
	return 2;
}
