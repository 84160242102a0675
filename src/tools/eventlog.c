/*
 * eventlog.c - the event log of `vmos run --events`.
 *
 * The kernel reports events through cfg.on_event (kernel.h); TLB misses come
 * from the MMU's miss hook, which knows only the address and access type:
 * the log adds the current process, and the instruction count as of the
 * start of the current time slice (the interpreter adds retired
 * instructions when cpu_run returns).  Text lines are for people; JSON
 * Lines (one object per line, https://jsonlines.org) for scripts; addresses
 * are hex strings there, as JSON numbers above 2^53 lose bits in many
 * readers.  Every
 * string written to JSON is a fixed name from this file or the kernel, so
 * no escaping beyond quoting is needed.
 */
#include "eventlog.h"
#include "explain_notation.h"
#include "proc.h"
#include "syscall.h"
#include "sysdecode.h"
#include "options.h"

#include <string.h>

static const char *const kind_names[KEV_NKINDS] = {
	[KEV_FAULT] = "fault", [KEV_SYSCALL] = "syscall", [KEV_EXIT] = "exit",
	[KEV_MARKER] = "marker", [KEV_TICK] = "tick", [KEV_EVICT] = "evict",
	[KEV_TLB_MISS] = "tlb-miss",
};

const char *eventlog_kind_name(enum kevent_kind kind)
{
	return (unsigned)kind < KEV_NKINDS ? kind_names[kind] : "?";
}

unsigned eventlog_default_mask(void)
{
	return ((1u << KEV_NKINDS) - 1) & ~(1u << KEV_TICK) & ~(1u << KEV_TLB_MISS);
}

/* One name of an --events-filter list into the mask at ctx. */
static int filter_item(const char *t, void *ctx)
{
	unsigned *mask = ctx;
	if (!strcmp(t, "all")) {
		*mask = (1u << KEV_NKINDS) - 1;
		return 0;
	}
	for (unsigned k = 0; k < KEV_NKINDS; k++)
		if (!strcmp(t, kind_names[k]) || (k == KEV_FAULT && !strcmp(t, "faults")) ||
		    (k == KEV_SYSCALL && !strcmp(t, "syscalls"))) {
			*mask |= 1u << k;
			return 0;
		}
	fprintf(stderr, "vmos run: unknown event kind '%s' in --events-filter "
		"(fault, syscall, exit, marker, tick, evict, tlb-miss, all)\n", t);
	return -2;                      /* said why */
}

unsigned eventlog_parse_filter(const char *s)
{
	unsigned mask = 0;
	int rc = options_each(s, filter_item, &mask);
	if (rc == -1)
		fprintf(stderr, "vmos run: bad --events-filter '%s' (an empty kind; comma separated)\n", s);
	return rc < 0 ? 0 : mask;
}

const char *eventlog_syscall_name(uint64_t nr)
{
	return syscall_name(nr);       /* the kernel's table of every Linux number */
}

/* The MMU miss hook: a kevent for the current process. */
static void on_tlb_miss(void *ctx, uint64_t va, enum mmu_access acc)
{
	struct eventlog *log = ctx;
	struct kernel *k = log->k;
	struct kevent ev = { KEV_TLB_MISS, k->current ? k->current->pid : 0, k->cpu.instret, va, 0,
			     (uint64_t)acc, 0, explain_access_name(acc), NULL };
	eventlog_event(log, &ev);
}

void eventlog_start(struct eventlog *log, struct kernel *k)
{
	log->k = k;
	if (log->mask & (1u << KEV_TLB_MISS)) {
		k->mmu.miss_hook = on_tlb_miss;
		k->mmu.miss_ctx = log;
	}
}

static void write_text(FILE *o, struct kernel *k, const struct kevent *ev)
{
	fprintf(o, "%llu pid %u %s", (unsigned long long)ev->instret, ev->pid,
		eventlog_kind_name(ev->kind));
	switch (ev->kind) {
	case KEV_FAULT:
		fprintf(o, " va 0x%llx pc 0x%llx %s (cause %llu) -> %s\n", (unsigned long long)ev->va,
			(unsigned long long)ev->pc, explain_cause_name(ev->cause),
			(unsigned long long)ev->cause, ev->what ? ev->what : "?");
		break;
	case KEV_SYSCALL: {
		char call[640];
		sysdecode_format(k, k ? proc_find(k, ev->pid) : NULL, ev, call, sizeof call);
		fprintf(o, " %s\n", call);
		break;
	}
	case KEV_EXIT:
		if (ev->cause)
			fprintf(o, " signal %llu\n", (unsigned long long)ev->cause);
		else
			fprintf(o, " status %lld\n", (long long)ev->result);
		break;
	case KEV_MARKER:
		fprintf(o, " va 0x%llx tag %llu pc 0x%llx\n", (unsigned long long)ev->va,
			(unsigned long long)ev->cause, (unsigned long long)ev->pc);
		break;
	case KEV_EVICT:
		fprintf(o, " va 0x%llx slot %lld -> %s\n", (unsigned long long)ev->va, (long long)ev->result,
			ev->what ? ev->what : "?");
		break;
	case KEV_TLB_MISS:
		fprintf(o, " va 0x%llx %s\n", (unsigned long long)ev->va, ev->what ? ev->what : "?");
		break;
	default:
		fprintf(o, "\n");
	}
}

static void write_json(FILE *o, const struct kevent *ev)
{
	fprintf(o, "{\"kind\":\"%s\",\"pid\":%u,\"instret\":%llu", eventlog_kind_name(ev->kind),
		ev->pid, (unsigned long long)ev->instret);
	switch (ev->kind) {
	case KEV_FAULT:
		fprintf(o, ",\"va\":\"0x%llx\",\"pc\":\"0x%llx\",\"cause\":%llu,\"cause_name\":\"%s\",\"result\":%lld,\"how\":\"%s\"",
			(unsigned long long)ev->va, (unsigned long long)ev->pc,
			(unsigned long long)ev->cause, explain_cause_name(ev->cause), (long long)ev->result,
			ev->what ? ev->what : "");
		break;
	case KEV_SYSCALL: {
		const char *n = eventlog_syscall_name(ev->cause);
		fprintf(o, ",\"nr\":%llu,\"name\":", (unsigned long long)ev->cause);
		if (n)
			fprintf(o, "\"%s\"", n);
		else
			fprintf(o, "null");
		fprintf(o, ",\"result\":%lld", (long long)ev->result);
		if (ev->result < 0 && ev->result > -4096 && sysdecode_errno_name(-ev->result))
			fprintf(o, ",\"errno\":\"%s\"", sysdecode_errno_name(-ev->result));
		if (ev->args)
			fprintf(o, ",\"args\":[\"0x%llx\",\"0x%llx\",\"0x%llx\",\"0x%llx\",\"0x%llx\",\"0x%llx\"]",
				(unsigned long long)ev->args[0], (unsigned long long)ev->args[1],
				(unsigned long long)ev->args[2], (unsigned long long)ev->args[3],
				(unsigned long long)ev->args[4], (unsigned long long)ev->args[5]);
		break;
	}
	case KEV_EXIT:
		fprintf(o, ",\"status\":%lld,\"signal\":%llu", (long long)ev->result,
			(unsigned long long)ev->cause);
		break;
	case KEV_MARKER:
		fprintf(o, ",\"va\":\"0x%llx\",\"tag\":%llu,\"pc\":\"0x%llx\"", (unsigned long long)ev->va,
			(unsigned long long)ev->cause, (unsigned long long)ev->pc);
		break;
	case KEV_EVICT:
		fprintf(o, ",\"va\":\"0x%llx\",\"slot\":%lld,\"how\":\"%s\"", (unsigned long long)ev->va,
			(long long)ev->result, ev->what ? ev->what : "");
		break;
	case KEV_TLB_MISS:
		fprintf(o, ",\"va\":\"0x%llx\",\"access\":\"%s\"", (unsigned long long)ev->va,
			ev->what ? ev->what : "");
		break;
	default:
		break;
	}
	fprintf(o, "}\n");
}

void eventlog_event(struct eventlog *log, const struct kevent *ev)
{
	if ((unsigned)ev->kind >= KEV_NKINDS || !(log->mask & (1u << ev->kind)) || !log->out)
		return;
	log->written++;
	if (log->format == EVLOG_JSONL)
		write_json(log->out, ev);
	else
		write_text(log->out, log->k, ev);
}
