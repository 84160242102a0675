/*
 * exec.c - executable images and the initial address space (see exec.h).
 *
 * Nothing is copied at exec: each PT_LOAD segment becomes a region backed by
 * the image, and pages arrive on first touch (fault.c).  The stack is the
 * one exception - its top pages are written at once with the arguments, as
 * Linux and the RISC-V psABI lay them out:
 *
 *   stack_top ->  +--------------------------------+
 *                 | argument and environment strings, "riscv64" platform
 *                 | 16 random bytes (AT_RANDOM)    |
 *                 | padding to 16 bytes            |
 *                 | auxv: (type, value) pairs ... AT_NULL
 *                 | envp[0..n-1], NULL             |
 *                 | argv[0..argc-1], NULL          |
 *   sp (16-aligned) -> argc                        |
 *                 +--------------------------------+
 */
#include "exec.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define AT_NULL   0
#define AT_PHDR   3
#define AT_PHENT  4
#define AT_PHNUM  5
#define AT_PAGESZ 6
#define AT_BASE   7
#define AT_FLAGS  8
#define AT_ENTRY  9
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_HWCAP  16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define MAX_ARG_BYTES (128 * 1024)
#define MAX_ARGS      4096

static char *kstrdup(struct kernel *k, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(&k->km, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

struct exec_image *image_get(struct kernel *k, const char *path, int *err, char *msg,
			     size_t msglen)
{
	for (struct exec_image *im = k->images; im; im = im->next)
		if (!strcmp(im->path, path)) {
			im->refs++;
			return im;
		}
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		*err = -errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		*err = -ENOEXEC;
		snprintf(msg, msglen, "%s: not a regular, non-empty file", path);
		return NULL;
	}
	void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		*err = -ENOMEM;
		snprintf(msg, msglen, "%s: cannot map the file", path);
		return NULL;
	}
	struct exec_image *im = kzalloc(&k->km, sizeof *im);
	char emsg[160];
	int rc = -ENOMEM;
	if (!im)
		goto fail;
	rc = elf_parse(data, (size_t)st.st_size, user_top(k->cfg.levels), &im->elf, emsg,
		       sizeof emsg);
	if (rc < 0) {
		snprintf(msg, msglen, "%s: %s", path, emsg);
		goto fail_msg;
	}
	for (int i = 0; i < im->elf.nsegs; i++)
		if (im->elf.seg[i].flags) {
			rc = -ENOEXEC;
			snprintf(msg, msglen, "%s: segments share a page (nmagic link); not supported",
				 path);
			goto fail_msg;
		}
	im->data = data;
	im->size = (size_t)st.st_size;
	im->npages = PGROUNDUP(im->size) >> PGSHIFT;
	im->cache = kzalloc(&k->km, im->npages * sizeof(uint64_t));
	im->path = kstrdup(k, path);
	rc = -ENOMEM;
	if (!im->cache || !im->path)
		goto fail;
	im->refs = 1;
	im->next = k->images;
	k->images = im;
	return im;
fail:
	snprintf(msg, msglen, "%s: out of kernel memory", path);
fail_msg:
	if (im) {
		kfree(&k->km, im->cache);
		kfree(&k->km, im->path);
		kfree(&k->km, im);
	}
	munmap(data, (size_t)st.st_size);
	*err = rc;
	return NULL;
}

void image_put(struct kernel *k, struct exec_image *im)
{
	if (!im || --im->refs > 0)
		return;
	for (uint64_t i = 0; i < im->npages; i++)
		if (im->cache[i])
			vm_frame_release(k, im->cache[i]);
	struct exec_image **pp = &k->images;
	while (*pp != im)
		pp = &(*pp)->next;
	*pp = im->next;
	munmap((void *)im->data, im->size);
	kfree(&k->km, im->cache);
	kfree(&k->km, im->path);
	kfree(&k->km, im);
}

uint64_t image_page(struct kernel *k, struct proc *p, struct exec_image *im, uint64_t index)
{
	if (index >= im->npages)
		return 0;
	if (im->cache[index])
		return im->cache[index];
	uint64_t pa = vm_alloc_frame(k, p, FO_FILE, 0, false);
	if (!pa)
		return 0;
	uint64_t off = index << PGSHIFT;
	uint64_t n = im->size - off < PGSIZE ? im->size - off : PGSIZE;
	uint8_t *dst = ram_ptr(&k->ram, pa);
	memcpy(dst, im->data + off, n);
	memset(dst + n, 0, PGSIZE - n);
	im->cache[index] = pa;       /* refcount 1: the cache's own reference */
	return pa;
}

static enum vm_kind segment_kind(const struct elf_segment *s)
{
	if (s->prot & ELF_PROT_X)
		return VMK_TEXT;
	if (!(s->prot & ELF_PROT_W))
		return VMK_RODATA;
	return VMK_DATA;
}

static unsigned elf_to_vm_prot(uint32_t p)
{
	return ((p & ELF_PROT_R) ? VM_PROT_READ : 0) | ((p & ELF_PROT_W) ? VM_PROT_WRITE : 0) |
	       ((p & ELF_PROT_X) ? VM_PROT_EXEC : 0);
}

/* Maps each PT_LOAD as a region: the part with file data backed by the
 * image, the zero-filled rest (bss) beyond the last file page anonymous. */
static int map_segments(struct kernel *k, struct proc *p, struct exec_image *im)
{
	for (int i = 0; i < im->elf.nsegs; i++) {
		const struct elf_segment *s = &im->elf.seg[i];
		uint64_t start = PGROUNDDOWN(s->vaddr);
		uint64_t end = PGROUNDUP(s->vaddr + s->memsz);
		uint64_t file_end = s->vaddr + s->filesz;
		uint64_t file_pages_end = s->filesz ? PGROUNDUP(file_end) : start;
		unsigned prot = elf_to_vm_prot(s->prot);
		enum vm_kind kind = segment_kind(s);
		if (file_pages_end > start) {
			int rc = vm_map_insert(&p->map, start, file_pages_end, prot, kind, im,
					       PGROUNDDOWN(s->offset), file_end, NULL);
			if (rc < 0)
				return rc;
		}
		if (end > file_pages_end) {
			int rc = vm_map_insert(&p->map, file_pages_end, end, prot,
					       kind == VMK_DATA ? VMK_BSS : kind, NULL, 0, 0, NULL);
			if (rc < 0)
				return rc;
		}
		if (end > p->brk_start)
			p->brk_start = end;
	}
	p->brk = p->brk_start;
	return 0;
}

/* Pushes bytes onto the new stack (growing down); returns their address or 0. */
static uint64_t push_bytes(struct kernel *k, struct proc *p, uint64_t *sp, const void *src,
			   size_t n)
{
	*sp -= n;
	return copyout(k, p, *sp, src, n) < 0 ? 0 : *sp;
}

static int count_strings(char *const v[], size_t *bytes)
{
	int n = 0;
	for (; v && v[n]; n++)
		*bytes += strlen(v[n]) + 1;
	return n;
}

static int build_stack(struct kernel *k, struct proc *p, struct exec_image *im,
		       char *const argv[], char *const envp[])
{
	size_t strbytes = 0;
	int argc = count_strings(argv, &strbytes), envc = count_strings(envp, &strbytes);
	if (argc + envc > MAX_ARGS || strbytes > MAX_ARG_BYTES)
		return -E2BIG;
	uint64_t sp = p->stack_top;
	uint64_t *uargv = kmalloc(&k->km, (size_t)(argc + envc + 2) * sizeof(uint64_t));
	if (!uargv)
		return -ENOMEM;
	int rc = -EFAULT;
	uint64_t execfn = push_bytes(k, p, &sp, im->path, strlen(im->path) + 1);
	for (int i = envc - 1; i >= 0; i--)
		if (!(uargv[argc + i] = push_bytes(k, p, &sp, envp[i], strlen(envp[i]) + 1)))
			goto out;
	for (int i = argc - 1; i >= 0; i--)
		if (!(uargv[i] = push_bytes(k, p, &sp, argv[i], strlen(argv[i]) + 1)))
			goto out;
	uint8_t rnd[16];
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (p->pid + 1);
	for (int i = 0; i < 16; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		rnd[i] = (uint8_t)seed;
	}
	sp &= ~15ULL;
	uint64_t random = push_bytes(k, p, &sp, rnd, sizeof rnd);
	if (!execfn || !random)
		goto out;
	uint64_t auxv[][2] = {
		{ AT_PHDR, im->elf.phdr_vaddr }, { AT_PHENT, im->elf.phentsize },
		{ AT_PHNUM, im->elf.phnum },     { AT_PAGESZ, PGSIZE },
		{ AT_BASE, 0 },                  { AT_FLAGS, 0 },
		{ AT_ENTRY, im->elf.entry },     { AT_UID, 0 },
		{ AT_EUID, 0 },                  { AT_GID, 0 },
		{ AT_EGID, 0 },                  { AT_HWCAP, 0 },
		{ AT_CLKTCK, 100 },              { AT_SECURE, 0 },
		{ AT_RANDOM, random },           { AT_EXECFN, execfn },
		{ AT_NULL, 0 },
	};
	/* the ISA as Linux reports it: one bit per letter, RV64IMAFDC */
	auxv[11][1] = (1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) |
		      (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a'));
	size_t nwords = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
	sp -= nwords * 8;
	sp &= ~15ULL;
	uint64_t at = sp, v = (uint64_t)argc;
	rc = -EFAULT;
	if (copyout(k, p, at, &v, 8) < 0)
		goto out;
	at += 8;
	for (int i = 0; i < argc; i++, at += 8)
		if (copyout(k, p, at, &uargv[i], 8) < 0)
			goto out;
	v = 0;
	if (copyout(k, p, at, &v, 8) < 0)
		goto out;
	at += 8;
	for (int i = 0; i < envc; i++, at += 8)
		if (copyout(k, p, at, &uargv[argc + i], 8) < 0)
			goto out;
	if (copyout(k, p, at, &v, 8) < 0)
		goto out;
	at += 8;
	if (copyout(k, p, at, auxv, sizeof auxv) < 0)
		goto out;
	p->x[2] = sp;
	p->x[10] = 0;        /* a0: no rtld_fini */
	rc = 0;
out:
	kfree(&k->km, uargv);
	return rc;
}

int exec_load(struct kernel *k, struct proc *p, struct exec_image *im, char *const argv[],
	      char *const envp[])
{
	int rc = map_segments(k, p, im);
	if (rc < 0)
		return rc;
	p->stack_top = user_top(k->cfg.levels);
	p->mmap_base = p->stack_top - k->cfg.stack_limit - VM_STACK_GUARD_GAP;
	rc = vm_map_insert(&p->map, p->stack_top - VM_STACK_INITIAL, p->stack_top,
			   VM_PROT_READ | VM_PROT_WRITE, VMK_STACK, NULL, 0, 0, NULL);
	if (rc < 0)
		return rc;
	rc = build_stack(k, p, im, argv, envp);
	if (rc < 0)
		return rc;
	memset(p->x, 0, sizeof(uint64_t) * 2);
	memset(p->f, 0, sizeof p->f);        /* a new image starts with FP reset */
	p->fcsr = 0;
	p->fp_used = false;
	p->pc = im->elf.entry;
	return 0;
}
