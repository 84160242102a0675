/*
 * vmos.c - the vmos command: dispatches to subcommands.
 */
#include "kmem_demo.h"
#include "run.h"
#include "explain_command.h"
#include "quiz.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmos COMMAND [OPTIONS]\n"
		"\n"
		"commands:\n"
		"  run [OPTIONS] PROGRAM [ARGS...]\n"
		"                        run RISC-V programs on the simulated machine\n"
		"  explain [OPTIONS] [--va VA] PROGRAM [ARGS...]\n"
		"                        run and explain address translations step by step\n"
		"  quiz [--seed N] [--answers]\n"
		"                        translation exercises on random real page tables\n"
		"  trace [OPTIONS] TRACE...\n"
		"                        replay memory-reference traces through the kernel\n"
		"  kmem [--ram SIZE]     run a scripted workload of kernel allocations and show\n"
		"                        what the buddy and slab allocators hold\n"
		"  help                  show this text\n"
		"\n"
		"SIZE takes a suffix K, M or G (e.g. 128M). `vmos COMMAND --help` explains a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return run_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return explain_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "quiz"))
		return quiz_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "trace"))
		return trace_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "kmem"))
		return kmem_main(argc - 1, argv + 1);
	fprintf(stderr, "vmos: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
