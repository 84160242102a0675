/*
 * eventlog.h - `vmos run --events FILE`: every kernel event (faults,
 * syscalls, exits, markers, ticks, evictions) and optionally every TLB miss,
 * one per line, as text or JSON Lines, filtered by kind.
 */
#ifndef VMOS_TOOLS_EVENTLOG_H
#define VMOS_TOOLS_EVENTLOG_H

#include <stdio.h>
#include <stdbool.h>
#include "kernel.h"

enum eventlog_format { EVLOG_TEXT, EVLOG_JSONL };

struct eventlog {
	FILE *out;
	enum eventlog_format format;
	unsigned mask;            /* bit (1 << enum kevent_kind) */
	struct kernel *k;
	uint64_t written;
};

/* Name of an event kind as used in filters and output: "fault",
 * "syscall", "exit", "marker", "tick", "evict", "tlb-miss". */
const char *eventlog_kind_name(enum kevent_kind kind);

/* Parses a filter: kind names separated by commas, or "all".  Returns the
 * mask, or 0 with a message on stderr for an unknown name. */
unsigned eventlog_parse_filter(const char *s);
/* The default filter: everything but ticks and TLB misses. */
unsigned eventlog_default_mask(void);

/* Name of a Linux riscv64 system-call number (every number Linux has, not
 * only those vmos implements), or NULL. */
const char *eventlog_syscall_name(uint64_t nr);

/* Starts logging to out for kernel k (installs the MMU miss hook when
 * tlb-miss is in the mask). */
void eventlog_start(struct eventlog *log, struct kernel *k);
/* Writes ev if its kind is in the mask. */
void eventlog_event(struct eventlog *log, const struct kevent *ev);

#endif
