/*
 * exec_test - the first half of exec at kernel level: image_get's checks
 * (never blocking, the right errno for each kind of file), the image as a
 * snapshot of the file (truncating or rewriting it later changes nothing the
 * kernel reads, and the cache follows the file, not the path), the argument
 * limits, and exec_prepare holding the new stack's frames - refusing with
 * ENOMEM, holding nothing, when memory is gone.
 */
#include "test.h"
#include "pagecache.h"
#include "exec.h"
#include "kernel.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct kernel k;
static struct kernel_config cfg;
static char dir[] = "/tmp/vmos_exec_test.XXXXXX";
static char msg[300];

static const char *prog(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/%s", b ? b : "build", name);
	return path;
}

static const char *file(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* Copies src to dst with mode; returns its size. */
static size_t copy_file(const char *src, const char *dst, mode_t mode)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	REQUIRE(in && out);
	char buf[8192];
	size_t n, total = 0;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		total += fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	chmod(dst, mode);
	return total;
}

static void boot(uint64_t ram)
{
	kernel_config_default(&cfg);
	cfg.ram_size = ram;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = fopen("/dev/null", "w");
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	REQUIRE(mkdtemp(dir) != NULL);
}

static void halt(void)
{
	CHECK(k.images == NULL);
	kernel_shutdown(&k);
	fclose(cfg.out);
	fclose(cfg.err);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

static int get_err(const char *path, unsigned flags)
{
	int err = 0;
	struct exec_image *im = image_get(&k, path, flags, &err, msg, sizeof msg);
	if (im) {
		image_put(&k, im);
		return 0;
	}
	return err;
}

TEST(image_get_refuses_what_is_not_a_program)
{
	boot(16 << 20);
	alarm(20);                      /* a blocking open fails the test, not the suite */
	REQUIRE(mkfifo(file("fifo"), 0755) == 0);
	CHECK_EQ(get_err(file("fifo"), 0), -EACCES);
	CHECK(strstr(msg, "FIFO") != NULL);
	REQUIRE(mkdir(file("dir"), 0755) == 0);
	CHECK_EQ(get_err(file("dir"), IMAGE_NEED_EXEC), -EACCES);
	CHECK_EQ(get_err(file("missing"), 0), -ENOENT);
	CHECK_EQ(get_err("/dev/null", 0), -EACCES);
	close(open(file("empty"), O_CREAT | O_WRONLY, 0755));
	CHECK_EQ(get_err(file("empty"), 0), -ENOEXEC);
	FILE *f = fopen(file("text"), "w");
	fputs("#!/bin/sh\necho hi\n", f);
	fclose(f);
	chmod(file("text"), 0755);
	CHECK_EQ(get_err(file("text"), 0), -ENOEXEC);
	size_t size = copy_file(prog("hello"), file("trunc"), 0755);
	REQUIRE(truncate(file("trunc"), 100) == 0);
	CHECK_EQ(get_err(file("trunc"), 0), -ENOEXEC);      /* elf_parse says EINVAL */
	REQUIRE(truncate(file("trunc"), (off_t)size - 1) == 0);
	CHECK_EQ(get_err(file("trunc"), 0), -ENOEXEC);
	copy_file(prog("hello"), file("noexec"), 0644);
	CHECK_EQ(get_err(file("noexec"), IMAGE_NEED_EXEC), -EACCES);
	CHECK_EQ(get_err(file("noexec"), 0), 0);            /* vmos run: like qemu-riscv64 */
	chmod(file("noexec"), 0001);                        /* any x bit will do (uid 0) */
	CHECK_EQ(get_err(file("noexec"), IMAGE_NEED_EXEC), 0);
	close(open(file("huge"), O_CREAT | O_WRONLY, 0755));
	REQUIRE(truncate(file("huge"), (off_t)IMAGE_MAX_BYTES + 1) == 0);   /* sparse */
	CHECK_EQ(get_err(file("huge"), 0), -ENOMEM);
	CHECK(strstr(msg, "too large") != NULL);
	alarm(0);
	halt();
}

TEST(image_is_a_snapshot_and_the_cache_follows_the_file)
{
	boot(16 << 20);
	size_t size = copy_file(prog("exec_trunc"), file("prog"), 0755);
	uint8_t *orig = malloc(size);
	FILE *f = fopen(file("prog"), "rb");
	REQUIRE(orig && fread(orig, 1, size, f) == size);
	fclose(f);
	int err;
	struct exec_image *a = image_get(&k, file("prog"), 0, &err, msg, sizeof msg);
	REQUIRE(a != NULL);
	CHECK_EQ(a->size, size);
	/* the same file by another path: the same image */
	char target[256];
	snprintf(target, sizeof target, "%s", file("prog"));
	REQUIRE(symlink(target, file("alias")) == 0);   /* (link would change ctime) */
	struct exec_image *b = image_get(&k, file("alias"), 0, &err, msg, sizeof msg);
	CHECK(b == a);
	CHECK_EQ(a->refs, 2);
	image_put(&k, b);
	/* truncated and rewritten on the host: the kernel still reads the old
	 * bytes (a mapped file would raise SIGBUS here) */
	REQUIRE(truncate(file("prog"), 0) == 0);
	uint64_t last = (a->size - 1) >> PGSHIFT;
	uint64_t pa = pagecache_get(&k, NULL, a->obj, last, &err);
	REQUIRE(pa != 0);
	CHECK(memcmp(ram_ptr(&k.ram, pa), orig + last * PGSIZE, size - last * PGSIZE) == 0);
	/* the file is now different: a new get does not return the old image */
	CHECK_EQ(get_err(file("prog"), 0), -ENOEXEC);
	copy_file(prog("hello"), file("prog"), 0755);
	struct exec_image *c = image_get(&k, file("prog"), 0, &err, msg, sizeof msg);
	REQUIRE(c != NULL);
	CHECK(c != a);
	image_put(&k, c);
	image_put(&k, a);
	free(orig);
	halt();
}

static int host_args(int nstrings, size_t bytes_each)
{
	static char *v[EXEC_ARG_STRINGS + 8];
	static char s[EXEC_ARG_MAX + 8];
	memset(s, 'x', bytes_each - 1);
	s[bytes_each - 1] = '\0';
	for (int i = 0; i < nstrings; i++)
		v[i] = s;
	v[nstrings] = NULL;
	struct exec_args a;
	/* half in argv, half in envp: the limits are for both together */
	char *envp_split = (char *)v[nstrings / 2];
	v[nstrings / 2] = NULL;
	char *const *envp = &v[nstrings / 2 + 1];
	static char *env2[EXEC_ARG_STRINGS + 8];
	env2[0] = envp_split;
	int i = 1;
	for (; envp[i - 1]; i++)
		env2[i] = envp[i - 1];
	env2[i] = NULL;
	int rc = exec_args_from_host(&k, v, env2, &a);
	if (rc == 0) {
		CHECK_EQ(a.argc + a.envc, nstrings);
		CHECK_EQ(a.bytes, (size_t)nstrings * bytes_each);
	}
	exec_args_free(&k, &a);
	return rc;
}

TEST(argument_limits_count_argv_and_envp_together)
{
	boot(16 << 20);
	CHECK_EQ(host_args(2, EXEC_ARG_MAX / 2), 0);
	CHECK_EQ(host_args(4, EXEC_ARG_MAX / 4), 0);
	CHECK_EQ(host_args(2, EXEC_ARG_MAX / 2 + 1), -E2BIG);
	CHECK_EQ(host_args(EXEC_ARG_STRINGS, 2), 0);
	CHECK_EQ(host_args(EXEC_ARG_STRINGS + 1, 2), -E2BIG);
	/* proc_spawn refuses before creating anything */
	uint64_t objs = kmem_objects_in_use(&k.km);
	static char big[EXEC_ARG_MAX + 1];
	memset(big, 'y', EXEC_ARG_MAX);
	char *argv[] = { "hello", big, NULL }, *envp[] = { NULL };
	int err = 0;
	CHECK(proc_spawn(&k, prog("hello"), argv, envp, &err) == NULL);
	CHECK_EQ(err, -E2BIG);
	CHECK(k.procs == NULL);
	CHECK_EQ(kmem_objects_in_use(&k.km), objs);
	halt();
}

TEST(exec_prepare_holds_the_stack_frames_or_fails_cleanly)
{
	boot(16 << 20);
	struct proc *p = proc_create(&k, "t");
	REQUIRE(p != NULL);
	char *argv[] = { "hello", NULL }, *envp[] = { NULL };
	struct exec_plan plan;
	memset(&plan, 0, sizeof plan);
	REQUIRE(exec_args_from_host(&k, argv, envp, &plan.args) == 0);
	uint64_t free0 = k.pa.free_frames;
	REQUIRE(exec_prepare(&k, p, prog("hello"), IMAGE_NEED_EXEC, &plan, msg, sizeof msg) == 0);
	CHECK(plan.nreserved >= 1 + cfg.levels);             /* a stack page + tables */
	CHECK(k.pa.free_frames <= free0 - (uint64_t)plan.nreserved);
	exec_plan_free(&k, &plan);
	CHECK_EQ(plan.nreserved, 0);
	CHECK(k.images == NULL);

	/* all memory gone: ENOMEM before anything is destroyed, nothing held
	 * (the arguments copied and the image cached before, as they would be) */
	int err;
	struct exec_image *im = image_get(&k, prog("hello"), 0, &err, msg, sizeof msg);
	REQUIRE(im != NULL);
	memset(&plan, 0, sizeof plan);
	REQUIRE(exec_args_from_host(&k, argv, envp, &plan.args) == 0);
	static uint64_t taken[1 << 16];
	int n = 0;
	uint64_t pa;
	while (n < (int)(sizeof taken / sizeof taken[0]) &&
	       (pa = page_alloc_frames(&k.pa, 0, 0, FO_KERNEL, 0)))
		taken[n++] = pa;
	int rc = exec_prepare(&k, p, prog("hello"), IMAGE_NEED_EXEC, &plan, msg, sizeof msg);
	CHECK_EQ(rc, -ENOMEM);
	CHECK_EQ(plan.nreserved, 0);
	exec_plan_free(&k, &plan);
	while (n)
		page_free_frames(&k.pa, taken[--n], 0);
	image_put(&k, im);
	proc_exit(&k, p, 0, 0);
	proc_reap(&k, p);
	halt();
}
