/*
 * vmos.c - the vmos command: dispatches to subcommands.
 */
#include "kmem_demo.h"
#include "run.h"
#include "explain.h"
#include "quiz.h"
#include "trace.h"
#include "ram.h"

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

static int cmd_kmem(int argc, char **argv)
{
	uint64_t ram = 64ULL << 20;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: vmos kmem [--ram SIZE]\n"
			       "Boots the kernel's allocators over SIZE bytes of simulated RAM (default 64M),\n"
			       "builds and frees kernel objects in phases, and prints buddyinfo- and\n"
			       "slabinfo-style tables plus the invariant checker's verdict after each phase.\n");
			return 0;
		} else if (!strcmp(argv[i], "--ram") && i + 1 < argc) {
			if (parse_size(argv[++i], &ram) < 0) {
				fprintf(stderr, "vmos kmem: bad size '%s' for --ram\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "vmos kmem: unknown option '%s' (try --help)\n", argv[i]);
			return 2;
		}
	}
	if (ram < RAM_MIN_SIZE || ram > RAM_MAX_SIZE || (ram & 4095)) {
		fprintf(stderr, "vmos kmem: --ram must be a multiple of 4K between 1M and 64G\n");
		return 2;
	}
	return kmem_demo_main(ram);
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
		return cmd_kmem(argc - 1, argv + 1);
	fprintf(stderr, "vmos: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
