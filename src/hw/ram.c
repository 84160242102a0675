/*
 * ram.c - physical memory for the simulated machine.  The block is mapped
 * with mmap so that a 4 GiB machine costs host memory only for the frames
 * actually touched.
 */
#include "ram.h"

#include <errno.h>
#include <sys/mman.h>
#include <ctype.h>
#include <stdlib.h>

int ram_init(struct ram *ram, uint64_t size)
{
	if (size < RAM_MIN_SIZE || size > RAM_MAX_SIZE || (size & 4095))
		return -EINVAL;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
#ifdef MADV_HUGEPAGE
	/* Host huge pages make the first touch of simulated RAM cheap; an
	 * optimisation only, so its failure is ignored. */
	(void)madvise(p, size, MADV_HUGEPAGE);
#endif
	ram->mem = p;
	ram->base = RAM_BASE;
	ram->size = size;
	ram->code = NULL;
	return 0;
}

void ram_destroy(struct ram *ram)
{
	if (ram->mem) {
		munmap(ram->mem, ram->size);
		free(ram->code);
	}
	ram->mem = NULL;
	ram->size = 0;
	ram->code = NULL;
}

int parse_size(const char *s, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end != '\0')
		return -1;
	if (shift && v > (~0ULL >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
