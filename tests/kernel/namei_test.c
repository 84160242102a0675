/*
 * namei_test - path resolution inside the guest's root (fs/namei.c) over a
 * host directory built here and shown as / (cfg.root): ".." at / stays at
 * /, absolute symlinks resolve inside the root, relative ones from their
 * directory, chains of ".." and symlinks aimed outside never leave it,
 * loops give ELOOP after 40 links, NAME_MAX and PATH_MAX give
 * ENAMETOOLONG, a file in the middle ENOTDIR; mounts (devfs) are found by
 * their canonical path; open refuses writes on the read-only root (EROFS)
 * and a --rw directory takes them; nothing leaks (every inode and file
 * object, and the kmem objects, are back at shutdown).
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"
#include "fs/vfs.h"
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct kernel k;
static struct kernel_config cfg;
static char top[] = "/tmp/vmos_namei_test.XXXXXX";
static char root[300], outside[300], rwdir[300];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	REQUIRE(f);
	fputs(text, f);
	fclose(f);
}

static void build_tree(void)
{
	REQUIRE(mkdtemp(top));
	snprintf(root, sizeof root, "%s/root", top);
	snprintf(outside, sizeof outside, "%s/secret", top);
	snprintf(rwdir, sizeof rwdir, "%s/root/rw", top);
	char p[600];
	REQUIRE(mkdir(root, 0755) == 0);
	put(outside, "SECRET\n");
#define AT(rel) (snprintf(p, sizeof p, "%s/%s", root, rel), p)
	REQUIRE(mkdir(AT("etc"), 0755) == 0);
	put(AT("etc/passwd"), "inside\n");
	REQUIRE(mkdir(AT("a"), 0755) == 0);
	REQUIRE(mkdir(AT("a/b"), 0755) == 0);
	put(AT("a/b/f"), "abf\n");
	REQUIRE(mkdir(AT("rw"), 0755) == 0);
	REQUIRE(symlink("/etc/passwd", AT("abs")) == 0);          /* inside the root */
	REQUIRE(symlink("../../../../../../secret", AT("a/up")) == 0);
	REQUIRE(symlink(outside, AT("a/hostabs")) == 0);         /* a host path: inside it is nothing */
	REQUIRE(symlink("b/f", AT("a/rel")) == 0);
	REQUIRE(symlink("..", AT("a/b/dotdot")) == 0);
	REQUIRE(symlink("loop2", AT("loop1")) == 0);
	REQUIRE(symlink("loop1", AT("loop2")) == 0);
	REQUIRE(symlink("/", AT("rootlink")) == 0);
	REQUIRE(symlink("", AT("empty")) == 0 || errno == ENOENT);
	/* 70 nested directories: the walk's stack grows past its first 32 levels */
	size_t at = strlen(AT("deep"));
	REQUIRE(mkdir(p, 0755) == 0);
	for (int i = 0; i < 70; i++) {
		strcpy(p + at, "/d");
		at += 2;
		REQUIRE(mkdir(p, 0755) == 0);
	}
	strcpy(p + at, "/f");
	put(p, "deep\n");
	/* a chain of 40 links resolves, 41 is ELOOP */
	for (int i = 0; i < 41; i++) {
		char name[32], target[32];
		snprintf(name, sizeof name, "c%d", i);
		snprintf(target, sizeof target, i == 40 ? "etc/passwd" : "c%d", i + 1);
		REQUIRE(symlink(target, AT(name)) == 0);
	}
#undef AT
}

static void boot(void)
{
	kernel_config_default(&cfg);
	cfg.ram_size = 16 << 20;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = stderr;
	cfg.root = root;
	cfg.rw[0] = rwdir;
	cfg.nrw = 1;
	cfg.cwd = "/";
	cfg.check_invariants = true;
	REQUIRE(kernel_boot(&k, &cfg) == 0);
}

#include "fs/vfs_impl.h"

/* Every file object is gone, and only the mounts' inodes remain (the root,
 * the --rw root, devfs's root and its 10 nodes): nothing leaked. */
static void shutdown(void)
{
	CHECK(kernel_check(&k) == NULL);
	CHECK_EQ(k.vfs->nfiles, 0);
	CHECK_EQ(k.vfs->ninodes, 13);
	kernel_shutdown(&k);
	fclose(cfg.out);
}

/* Resolves path from the initial context; the errno or 0, canonical path in canon. */
static int resolve(const char *path, unsigned flags, char *canon)
{
	struct inode *ino;
	char c[VFS_PATH_MAX];
	int rc = vfs_lookup(&k, NULL, LX_AT_FDCWD, path, flags, &ino, c);
	if (rc == 0) {
		inode_put(&k, ino);
		if (canon)
			strcpy(canon, c);
	}
	return rc;
}

/* The first line of the file path names ("" on error). */
static const char *contents(const char *path)
{
	static char buf[64];
	struct file *f;
	buf[0] = 0;
	if (vfs_open_path(&k, NULL, LX_AT_FDCWD, path, LX_O_RDONLY, &f) < 0)
		return buf;
	int64_t n = vfs_pread(&k, NULL, f, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	file_put(&k, f);
	return buf;
}

TEST(dotdot_at_root_stays)
{
	boot();
	char c[VFS_PATH_MAX];
	CHECK_EQ(resolve("/../../..", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/");
	CHECK_EQ(resolve("../../../../etc/../etc/./passwd", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/etc/passwd");
	CHECK_STR(contents("/../../../etc/passwd"), "inside\n");
	CHECK_STR(contents("/a/b/../../../../secret"), "");
	CHECK_EQ(resolve("/../secret", LOOKUP_FOLLOW, NULL), -ENOENT);
	shutdown();
}

TEST(symlinks_stay_inside)
{
	boot();
	char c[VFS_PATH_MAX];
	CHECK_STR(contents("/abs"), "inside\n");
	CHECK_EQ(resolve("/abs", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/etc/passwd");
	CHECK_EQ(resolve("/abs", 0, c), 0);                 /* not followed: the link itself */
	CHECK_STR(c, "/abs");
	CHECK_EQ(resolve("/a/up", LOOKUP_FOLLOW, NULL), -ENOENT);    /* ../../.. stops at / */
	CHECK_EQ(resolve("/a/hostabs", LOOKUP_FOLLOW, NULL), -ENOENT); /* the host path is not here */
	CHECK_STR(contents("/a/rel"), "abf\n");             /* relative: from its directory */
	CHECK_EQ(resolve("/a/b/dotdot/b/f", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/a/b/f");
	CHECK_EQ(resolve("/rootlink/../../rootlink/etc/passwd", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/etc/passwd");
	CHECK_EQ(resolve("/rootlink/..", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/");
	shutdown();
}

TEST(loops_and_limits)
{
	boot();
	char c[VFS_PATH_MAX];
	CHECK_EQ(resolve("/loop1", LOOKUP_FOLLOW, NULL), -ELOOP);
	CHECK_EQ(resolve("/loop1/x", 0, NULL), -ELOOP);
	CHECK_EQ(resolve("/loop1", 0, NULL), 0);            /* lstat of a loop is fine */
	CHECK_EQ(resolve("/c1", LOOKUP_FOLLOW, c), 0);      /* 40 links */
	CHECK_STR(c, "/etc/passwd");
	CHECK_EQ(resolve("/c0", LOOKUP_FOLLOW, NULL), -ELOOP);   /* 41 */
	char name[300];
	memset(name, 'x', 256);
	name[0] = '/';
	name[256] = 0;                                      /* 255 bytes: ENOENT */
	CHECK_EQ(resolve(name, LOOKUP_FOLLOW, NULL), -ENOENT);
	name[256] = 'x';
	name[257] = 0;                                      /* 256 bytes */
	CHECK_EQ(resolve(name, LOOKUP_FOLLOW, NULL), -ENAMETOOLONG);
	static char longp[VFS_PATH_MAX + 8];
	for (int i = 0; i < VFS_PATH_MAX + 4; i += 2)
		longp[i] = '/', longp[i + 1] = '.';
	longp[VFS_PATH_MAX + 4] = 0;
	CHECK_EQ(resolve(longp, LOOKUP_FOLLOW, NULL), -ENAMETOOLONG);
	longp[VFS_PATH_MAX - 1] = 0;                        /* 4095 bytes of "/./.": fine */
	CHECK_EQ(resolve(longp, LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/");
	shutdown();
}

TEST(deep_paths)
{
	boot();
	char path[400] = "/deep", c[VFS_PATH_MAX];
	for (int i = 0; i < 70; i++)
		strcat(path, "/d");
	strcat(path, "/f");
	CHECK_STR(contents(path), "deep\n");
	CHECK_EQ(resolve(path, LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, path);
	strcat(path, "/../../../../..");
	CHECK_EQ(resolve(path, LOOKUP_FOLLOW, c), -ENOTDIR);       /* f is a file */
	path[strlen(path) - 17] = 0;                                /* drop "/f/../../../../.." */
	strcat(path, "/../../../../etc/../../../..");
	CHECK_EQ(resolve(path, LOOKUP_FOLLOW, NULL), -ENOENT);     /* no etc down there */
	shutdown();
}

/* One host file is one inode and one vm_object, whatever the path to it
 * and however often it is opened: read() of either fills the same cache
 * frames.  A file rewritten on the host is a new inode (stale pages are
 * never reused). */
TEST(page_cache_shared_by_paths)
{
	boot();
	struct file *a, *b;
	REQUIRE(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/etc/passwd", LX_O_RDONLY, &a) == 0);
	REQUIRE(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/abs", LX_O_RDONLY, &b) == 0);
	CHECK(a->inode == b->inode);
	struct vm_object *o = vfs_file_object(&k, a);
	CHECK(o != NULL && o == vfs_file_object(&k, b));
	char buf[16] = { 0 };
	CHECK_EQ(vfs_pread(&k, NULL, b, buf, sizeof buf, 0), 7);
	CHECK_STR(buf, "inside\n");
	CHECK(o && pagecache_lookup(&k, o, 0) != 0);       /* the page is in the cache */
	struct pagecache_info pi;
	pagecache_info(&k, &pi);
	CHECK_EQ(pi.cached, 1);
	struct file *d;
	REQUIRE(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/etc", LX_O_RDONLY, &d) == 0);
	CHECK(vfs_file_object(&k, d) == NULL);              /* a directory cannot be mapped */
	file_put(&k, d);
	char host[600];
	snprintf(host, sizeof host, "%s/etc/passwd", root);
	put(host, "rewritten on the host\n");
	struct file *c;
	REQUIRE(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/etc/passwd", LX_O_RDONLY, &c) == 0);
	CHECK(c->inode != a->inode);
	CHECK_EQ(vfs_pread(&k, NULL, c, buf, 9, 0), 9);
	CHECK(!memcmp(buf, "rewritten", 9));
	file_put(&k, a);
	file_put(&k, b);
	file_put(&k, c);
	put(host, "inside\n");
	shutdown();
}

TEST(notdir_and_trailing_slash)
{
	boot();
	CHECK_EQ(resolve("/etc/passwd/x", LOOKUP_FOLLOW, NULL), -ENOTDIR);
	CHECK_EQ(resolve("/etc/passwd/", LOOKUP_FOLLOW, NULL), -ENOTDIR);
	CHECK_EQ(resolve("/etc/passwd/..", LOOKUP_FOLLOW, NULL), -ENOTDIR);
	CHECK_EQ(resolve("/etc/passwd", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, NULL), -ENOTDIR);
	CHECK_EQ(resolve("/a/", LOOKUP_FOLLOW, NULL), 0);
	CHECK_EQ(resolve("", LOOKUP_FOLLOW, NULL), -ENOENT);
	CHECK_EQ(resolve("/nonexistent/x", LOOKUP_FOLLOW, NULL), -ENOENT);
	shutdown();
}

TEST(mounts_and_writes)
{
	boot();
	char c[VFS_PATH_MAX];
	CHECK_EQ(resolve("/dev/null", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/dev/null");
	CHECK_EQ(resolve("/dev/../etc/passwd", LOOKUP_FOLLOW, c), 0);
	CHECK_STR(c, "/etc/passwd");
	struct file *f;
	CHECK_EQ(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/etc/passwd", LX_O_WRONLY, &f), -EROFS);
	CHECK_EQ(vfs_open_mode(&k, NULL, LX_AT_FDCWD, "/new", LX_O_CREAT | LX_O_WRONLY, 0644, &f), -EROFS);
	CHECK_EQ(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/a", LX_O_RDWR, &f), -EISDIR);
	CHECK_EQ(vfs_open_path(&k, NULL, LX_AT_FDCWD, "/abs", LX_O_RDONLY | LX_O_NOFOLLOW, &f), -ELOOP);
	/* the --rw directory is writable, at its guest path */
	CHECK_EQ(vfs_open_mode(&k, NULL, LX_AT_FDCWD, "/rw/out", LX_O_CREAT | LX_O_RDWR, 0644, &f), 0);
	CHECK_EQ(vfs_pwrite(&k, NULL, f, "hello\n", 6, 0), 6);
	file_put(&k, f);
	CHECK_STR(contents("/rw/out"), "hello\n");
	char host[600];
	snprintf(host, sizeof host, "%s/out", rwdir);
	FILE *hf = fopen(host, "r");
	CHECK(hf != NULL);
	if (hf)
		fclose(hf);
	unlink(host);
	CHECK_EQ(vfs_open_mode(&k, NULL, LX_AT_FDCWD, "/rw/../etc/x", LX_O_CREAT | LX_O_RDWR, 0644, &f), -EROFS);
	shutdown();
}

static pid_t creator;

static void cleanup(void)
{
	if (getpid() != creator)
		return;          /* a forked test case ending */
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "namei_test: could not remove %s\n", top);
}

__attribute__((constructor)) static void init(void)
{
	creator = getpid();
	build_tree();
	atexit(cleanup);
}
