/*
 * fileio - glibc's file interfaces over vmos's VFS, compared with
 * qemu-riscv64 (tests/glibc/glibc.sh): stdio (fopen, fgets, getline,
 * fread, fseek/ftell, fdopen), dirent (opendir/readdir, sorted), realpath,
 * stat/lstat, access, getcwd/chdir, openat/fstatat with a dirfd, dup2 and
 * fcntl, and strerror of the errors paths give.  Reads the fixtures in
 * tests/fs/tree (run from the repository root); writes only to /dev/null
 * and to one temporary file in /tmp (file times: utimensat, futimens).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define T "tests/fs/tree"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void try_open(const char *path, int flags)
{
	int fd = open(path, flags);
	if (fd < 0)
		printf("open %s: %s\n", path, strerror(errno));
	else {
		printf("open %s: ok\n", path);
		close(fd);
	}
}

static const char *e(int rc)
{
	return rc == 0 ? "ok" : strerror(errno);
}

/* utimensat and futimens on a file of /tmp: times set, one left alone
 * (UTIME_OMIT), now (NULL), and the errors. */
static void file_times(void)
{
	char path[] = "/tmp/vmos-fileio-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		printf("mkstemp: %s\n", strerror(errno));
		return;
	}
	struct timespec t[2] = { { 1000000000, 5 }, { 1200000000, 7 } };
	struct stat st;
	printf("utimensat: %s", e(utimensat(AT_FDCWD, path, t, 0)));
	stat(path, &st);
	printf(", atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	t[0].tv_nsec = UTIME_OMIT;
	t[1] = (struct timespec){ 1300000000, 0 };
	printf("futimens, atime omitted: %s", e(futimens(fd, t)));
	fstat(fd, &st);
	printf(", atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	time_t before = time(NULL);
	printf("utimensat(NULL): %s", e(utimensat(AT_FDCWD, path, NULL, 0)));
	stat(path, &st);
	printf(", mtime is now: %d\n", st.st_mtim.tv_sec >= before - 1);
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	printf("utimensat, tv_nsec 1e9: %s\n", e(utimensat(AT_FDCWD, path, bad, 0)));
	printf("utimensat, bad flag: %s\n", e(utimensat(AT_FDCWD, path, NULL, 0x4)));
	printf("utimensat, no such file: %s\n", e(utimensat(AT_FDCWD, "/tmp/vmos-fileio-none", NULL, 0)));
	close(fd);
	unlink(path);
}

int main(void)
{
	char line[256], cwd[PATH_MAX], real[PATH_MAX];
	FILE *f = fopen(T "/file.txt", "r");
	if (!f) {
		perror("fopen");
		return 1;
	}
	while (fgets(line, sizeof line, f))
		printf("fgets: %s", line);
	printf("ftell at end: %ld\n", ftell(f));
	fseek(f, 5, SEEK_SET);
	char *lp = NULL;
	size_t cap = 0;
	ssize_t n = getline(&lp, &cap, f);
	printf("getline after fseek 5: %zd '%.*s'\n", n, (int)(n > 0 ? n - 1 : 0), lp);
	free(lp);
	fclose(f);

	DIR *d = opendir(T);
	char *names[32];
	int count = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && count < 32)
		names[count++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, (size_t)count, sizeof names[0], cmp);
	printf("readdir:");
	for (int i = 0; i < count; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");

	if (!getcwd(cwd, sizeof cwd))
		return 1;
	if (realpath(T "/link_rel/../../link_up", real))
		printf("realpath: %s\n", real + strlen(cwd));
	else
		printf("realpath: %s\n", strerror(errno));
	printf("realpath loop: %s\n", realpath(T "/loop_a", real) ? "resolved?" : strerror(errno));

	struct stat st;
	printf("stat file: %d size %lld mode %o\n", stat(T "/file.txt", &st), (long long)st.st_size,
	       st.st_mode & 0170000);
	printf("lstat link: %d mode %o size %lld\n", lstat(T "/link_rel", &st), st.st_mode & 0170000,
	       (long long)st.st_size);
	printf("access dir W_OK|X_OK: %d\n", access(T "/dir", X_OK));

	try_open(T "/loop_a", O_RDONLY);
	try_open(T "/dangling", O_RDONLY);
	try_open(T "/file.txt/x", O_RDONLY);
	try_open(T "/dir", O_WRONLY);
	try_open(T "/link_up", O_RDONLY | O_NOFOLLOW);

	if (chdir(T "/dir/sub") == 0 && getcwd(line, sizeof line))
		printf("cwd suffix: %s\n", line + strlen(cwd));
	int dfd = open("..", O_RDONLY | O_DIRECTORY);
	printf("fstatat(dirfd, sub/deep.txt): %d size %lld\n", fstatat(dfd, "sub/deep.txt", &st, 0),
	       (long long)st.st_size);
	int fd = openat(dfd, "../file.txt", O_RDONLY);
	FILE *g = fdopen(fd, "r");
	printf("fdopen read: %s", g && fgets(line, sizeof line, g) ? line : "(none)\n");
	if (g)
		fclose(g);
	printf("fcntl(dfd, F_GETFD): %d\n", fcntl(dfd, F_GETFD));
	int nul = open("/dev/null", O_WRONLY);
	int saved = dup(1);
	fflush(stdout);
	dup2(nul, 1);
	printf("this goes to /dev/null\n");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(nul);
	close(dfd);
	printf("back on stdout\n");
	file_times();
	return 0;
}
