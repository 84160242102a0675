/*
 * replace_registry.c - the list of page-replacement policies, by name
 * (repl_find, repl_names, repl_policy in replace.h).  It sits above every
 * policy file: they never call it.
 */
#include "replace_impl.h"

#include <stdio.h>
#include <string.h>

static const struct repl_ops *const policies[] = {
	&repl_fifo_ops, &repl_clock_ops, &repl_lru_ops,
	&repl_random_ops, &repl_lirs_ops, &repl_opt_ops,
};
#define NPOLICIES (sizeof policies / sizeof policies[0])

const struct repl_ops *repl_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < NPOLICIES; i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}

const struct repl_ops *repl_policy(unsigned n)
{
	return n < NPOLICIES ? policies[n] : NULL;
}

const char *repl_names(void)
{
	static char buf[128];
	if (!buf[0]) {
		size_t len = 0;
		for (unsigned i = 0; i < NPOLICIES; i++)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
						i ? ", " : "", policies[i]->name);
	}
	return buf;
}
