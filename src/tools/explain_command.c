/*
 * explain_command.c - `vmos explain`: `vmos run` with the --explain options
 * under short names (--va, --at, --access, --pid); without --va, the
 * addresses the program marks with vmos_marker are explained.  It sits on
 * top of run.c, as the other commands do; the explaining itself is
 * explain.c's, called by run.c.
 */
#include "explain_command.h"
#include "run.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Short names for the --explain options of vmos run: each row's target is
 * the vmos run option it stands for; every other option goes to vmos run as
 * it is. */
static const struct opt explain_opts_table[] = {
	OPT_HEADING_ROW("options (and every option of `vmos run`, see vmos run --help):"),
	{ .name = "--va", .arg = "VA[,VA...]", .help = "the addresses to explain (vmos run --explain)", .target = "--explain" },
	{ .name = "--at", .arg = "WHEN", .help = "exit (default with --va), instret:N, marker (default without\n"
	  "--va); comma separated (vmos run --explain-at)", .target = "--explain-at" },
	{ .name = "--access", .arg = "A", .help = "load (default), store, fetch; comma separated\n"
	  "(vmos run --explain-access)", .target = "--explain-access" },
	{ .name = "--pid", .arg = "P", .help = "only process P (vmos run --explain-pid)", .target = "--explain-pid" },
	OPT_HELP_ROW,
	{ 0 }
};

const struct opt_command explain_command = {
	.name = "vmos explain",
	.intro =
"usage: vmos explain [RUN OPTIONS] [--va VA[,VA...]] [--at WHEN] [--access A]\n"
"                    [--pid P] PROGRAM [ARGS...]\n"
"\n"
"Runs PROGRAM as `vmos run` does and explains the translation of each VA on the\n"
"page table of the process, step by step.  Without --va, the addresses the\n"
"program passes to syscall 1000 (vmos_marker) are explained when it makes the\n"
"call; if it never does, vmos explain says so and exits with status 1.\n"
"\n",
	.opts = explain_opts_table,
};

int explain_main(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 3, sizeof *args);
	if (!args)
		return 1;
	int n = 0, i = 1;   /* at most argc - 1 arguments + "explain" + 2 added + NULL */
	bool have_va = false, have_at = false;
	args[n++] = "explain";
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		const struct opt *o = options_find(&explain_command, argv[i]);
		if (o && o->kind == OPT_HELP) {
			options_help(&explain_command, stdout);
			free(args);
			return 0;
		}
		const char *name = o ? (const char *)o->target : argv[i];
		const struct opt *r = options_find(&run_command, name);
		if (!r || r->kind == OPT_HELP) {
			fprintf(stderr, "vmos explain: unknown option '%s' (try --help)\n", argv[i]);
			free(args);
			return 2;
		}
		have_va |= !strcmp(name, "--explain");
		have_at |= !strcmp(name, "--explain-at");
		args[n++] = (char *)name;
		for (int v = options_nargs(r); v > 0 && i + 1 < argc; v--)
			args[n++] = argv[++i];
	}
	if (i + (i < argc && !strcmp(argv[i], "--")) >= argc) {
		fprintf(stderr, "vmos explain: no program given\n");
		options_help(&explain_command, stderr);
		free(args);
		return 2;
	}
	if (!have_va && !have_at) {
		args[n++] = "--explain-at";
		args[n++] = "marker";
	}
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	int rc = run_main(n, args);
	free(args);
	return rc;
}
