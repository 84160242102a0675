/*
 * fs_hostile - hostile file-system sequences that must neither crash nor
 * hang vmos (tests/kernel/fs_hostile.sh runs each case by name):
 *
 *   deep LEVELS   a tmpfs directory tree LEVELS deep (renames make any
 *                 depth, though a path names at most ~2000 levels), renames
 *                 into itself (EINVAL, also after RENAME_EXCHANGE), and exit
 *                 (the tree is torn down with the tmpfs)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long n, ...);

static long mkdir_(const char *p) { return syscall(SYS_mkdirat, AT_FDCWD, p, 0755); }
static long rename2(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}
static long rename_(const char *a, const char *b) { return rename2(a, b, 0); }

static int failed;

static void expect(const char *what, long r, int err)
{
	if (r == (err ? -1 : 0) && (!err || errno == err)) {
		printf("ok %s\n", what);
	} else {
		printf("FAIL %s: %ld errno %d, want errno %d\n", what, r, r ? errno : 0, err);
		failed = 1;
	}
}

/* A tree N levels deep, built from the bottom: /tmp/t moves into a new
 * /tmp/n as n/a, and n becomes t, N times (short paths only, as deep as
 * it gets); then renames into itself, which must stay EINVAL. */
static int deep(int levels)
{
	if (mkdir_("/tmp/t") < 0)
		return printf("FAIL mkdir /tmp/t\n"), 1;
	for (int i = 0; i < levels; i++)
		if (mkdir_("/tmp/n") < 0 || rename_("/tmp/t", "/tmp/n/a") < 0 ||
		    rename_("/tmp/n", "/tmp/t") < 0)
			return printf("FAIL level %d: errno %d\n", i, errno), 1;
	printf("ok a tree %d levels deep\n", levels + 1);
	expect("rename a deep tree into itself", rename_("/tmp/t", "/tmp/t/a/a/a/x"), EINVAL);
	expect("rename a deep tree into /tmp/u", (mkdir_("/tmp/u"), rename_("/tmp/t", "/tmp/u/t")), 0);
	/* RENAME_EXCHANGE moves both: z, now below y, must know it */
	mkdir_("/tmp/x");
	mkdir_("/tmp/y");
	mkdir_("/tmp/y/z");
	expect("exchange /tmp/x and /tmp/y/z", rename2("/tmp/x", "/tmp/y/z", 2), 0);
	expect("rename y into the old x below it", rename_("/tmp/y", "/tmp/y/z/q"), EINVAL);
	expect("rename the old z into the old x", rename_("/tmp/x", "/tmp/y/z/q"), 0);
	expect("rename y into the old z, now below it", rename_("/tmp/y", "/tmp/y/z/q/r"), EINVAL);
	return failed;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "deep"))
		return deep(atoi(argv[2]));
	fprintf(stderr, "usage: fs_hostile deep LEVELS\n");
	return 2;
}
