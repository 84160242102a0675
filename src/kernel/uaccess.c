/* uaccess.c - copyin/copyout through the MMU (see uaccess.h). */
#include "uaccess.h"
#include "proc.h"
#include "vm.h"

#include <errno.h>
#include <string.h>

/* Faults one access may need in a row, as a user instruction may take
 * several: breaking copy-on-write needs a frame, and under memory pressure
 * reclaim may take the very page being written (nothing pins it for the
 * kernel's own accesses), so the store faults again and swaps it back in.
 * Bounded, so a fault that does not help cannot loop. */
#define UACCESS_FAULTS_MAX 4

/* Translates one user address for an access, serving the page faults it
 * takes (at most UACCESS_FAULTS_MAX).  Returns the host pointer, or NULL if
 * the access is not allowed or memory could not be had (-> EFAULT). */
static uint8_t *user_ptr(struct kernel *k, struct proc *p, uint64_t va, enum mmu_access acc)
{
	uint64_t pa;
	int cause = mmu_translate(&k->mmu, va, acc, &pa);
	for (int n = 0; cause == (int)mmu_page_fault_cause(acc) && n < UACCESS_FAULTS_MAX; n++) {
		if (vm_fault(k, p, va, acc, NULL) < 0)
			return NULL;
		cause = mmu_translate(&k->mmu, va, acc, &pa);
	}
	return cause ? NULL : ram_ptr(&k->ram, pa);
}

/* Copies n bytes between kernel buffer kbuf and user address uva, page by
 * page, in the direction acc says (ACC_STORE: to the user). */
static int copy_user(struct kernel *k, struct proc *p, uint64_t uva, uint8_t *kbuf, size_t n,
		     enum mmu_access acc)
{
	while (n) {
		size_t chunk = PGSIZE - (uva & PGMASK);
		if (chunk > n)
			chunk = n;
		uint8_t *u = user_ptr(k, p, uva, acc);
		if (!u)
			return -EFAULT;
		if (acc == ACC_STORE)
			memcpy(u, kbuf, chunk);
		else
			memcpy(kbuf, u, chunk);
		kbuf += chunk, uva += chunk, n -= chunk;
	}
	return 0;
}

size_t uaccess_writable_prefix(struct kernel *k, struct proc *p, uint64_t uva, size_t n)
{
	size_t ok = 0;
	while (ok < n) {
		size_t chunk = PGSIZE - ((uva + ok) & PGMASK);
		if (!user_ptr(k, p, uva + ok, ACC_STORE))
			break;
		ok += chunk < n - ok ? chunk : n - ok;
	}
	return ok;
}

int copyout(struct kernel *k, struct proc *p, uint64_t uva, const void *src, size_t n)
{
	return copy_user(k, p, uva, (uint8_t *)(uintptr_t)src, n, ACC_STORE);
}

int copyin(struct kernel *k, struct proc *p, void *dst, uint64_t uva, size_t n)
{
	return copy_user(k, p, uva, dst, n, ACC_LOAD);
}

long copyinstr(struct kernel *k, struct proc *p, char *dst, uint64_t uva, size_t max)
{
	size_t len = 0;
	while (len < max) {
		size_t chunk = PGSIZE - (uva & PGMASK);
		const char *s = (const char *)user_ptr(k, p, uva, ACC_LOAD);
		if (!s)
			return -EFAULT;
		for (size_t i = 0; i < chunk && len < max; i++, len++) {
			dst[len] = s[i];
			if (!s[i])
				return (long)len;
		}
		uva += chunk;
	}
	return -ENAMETOOLONG;
}

int copyin_timespec_ns(struct kernel *k, struct proc *p, uint64_t uva, uint64_t *ns)
{
	struct lx_timespec ts;
	if (copyin(k, p, &ts, uva, sizeof ts) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	const uint64_t forever = 1ULL << 62;
	*ns = (uint64_t)ts.tv_sec >= forever / 1000000000ULL ? forever :
	      (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return 0;
}
