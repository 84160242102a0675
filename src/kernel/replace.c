/*
 * replace.c - the calls common to every page-replacement policy instance
 * (see replace.h for the protocol).  The policies know this file only
 * through replace.h; the list of policies is replace_registry.c.
 */
#include "replace.h"

#include <errno.h>

int repl_init(struct repl *r, const struct repl_ops *ops, struct kmem *km, uint64_t capacity)
{
	if (!ops || !km || capacity == 0)
		return -EINVAL;
	r->ops = ops;
	r->km = km;
	r->capacity = capacity;
	r->now = 0;
	r->state = NULL;
	r->resident = 0;
	int rc = ops->init(r);
	if (rc < 0) {
		r->ops = NULL;
		r->state = NULL;
	}
	return rc;
}

void repl_destroy(struct repl *r)
{
	if (r->ops && r->state)
		r->ops->destroy(r);
	r->state = NULL;
	r->resident = 0;
}

const char *repl_check(struct repl *r)
{
	if (!r->ops || !r->state)
		return "repl_check: instance not initialised";
	if (r->resident > r->capacity)
		return "repl_check: more resident pages than capacity";
	return r->ops->check(r);
}
