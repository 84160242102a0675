/*
 * options.h - one option table per command (vmos run, trace, explain, quiz,
 * kmem): the parser and the --help text are made from the same rows, so
 * --help cannot name an option that is not parsed nor miss one that is
 * (tests/tools/options_test.c and tests/tools/options_help.sh check it).
 *
 * A table is an array of struct opt ended by an all-zero row:
 *
 *   static const struct opt run_opts[] = {
 *       OPT_HEADING_ROW("options:"),
 *       { .name = "--ram", .arg = "SIZE", .help = "physical memory (default 128M)",
 *         .set = opt_ram },
 *       { .name = "--maps", .help = "print each process's regions", .set = opt_true,
 *         .target = &R.show_maps },
 *       OPT_HELP_ROW,
 *       { 0 }
 *   };
 *
 * (designated initializers: -Wextra wants every field of a positional one)
 *
 * To add an option: add one row where it should appear in --help, with its
 * value's name in `arg` (NULL for a flag) and a handler.  opt_true,
 * opt_string and opt_u64 cover flags, file names and plain counts (target
 * points at the bool, const char * or uint64_t); anything that validates its
 * value gets a small function `static int opt_NAME(const struct opt *o,
 * char **val)` that prints "vmos CMD: bad --NAME '...' (what is allowed)"
 * and returns 2, or stores the value and returns 0.  Nothing else changes:
 * the row is what --help prints and what the parser accepts.
 */
#ifndef VMOS_TOOLS_OPTIONS_H
#define VMOS_TOOLS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct opt;
/* Stores the option's value(s): val[0..nargs-1] (val is NULL for a flag).
 * Returns 0, or the command's exit status after printing why on stderr. */
typedef int (*opt_handler)(const struct opt *o, char **val);

enum opt_kind {
	OPT_NORMAL,     /* an option: a flag if arg is NULL, else one value per word of arg */
	OPT_HEADING,    /* not an option: a line of --help ("" = a blank line) */
	OPT_HELP,       /* -h/--help: prints the help on stdout, the command exits 0 */
};

struct opt {
	const char *name;       /* "--ram" (the heading text for OPT_HEADING) */
	const char *alias;      /* another spelling ("-h", "--paging") or NULL */
	const char *arg;        /* the value's name in --help ("SIZE", "IN OUT": two values); NULL: a flag */
	const char *help;       /* --help text; '\n' starts a continuation line */
	opt_handler set;        /* NULL only for OPT_HEADING and OPT_HELP */
	void *target;           /* for the generic handlers below; free for the others */
	unsigned tag;           /* for the command's own use (vmos trace: passed on to sweep cells) */
	enum opt_kind kind;
};

#define OPT_HEADING_ROW(text) { (text), NULL, NULL, NULL, NULL, NULL, 0, OPT_HEADING }
#define OPT_HELP_ROW { "--help", "-h", NULL, "show this text", NULL, NULL, 0, OPT_HELP }

/* A command: its name for messages ("vmos run"), the text --help prints
 * before the table (usage and description, ending in "\n"), its rows, and
 * text printed after them (or NULL). */
struct opt_command {
	const char *name;
	const char *intro;
	const struct opt *opts;
	const char *outro;
};

/* The row called name (or with that alias), or NULL. */
const struct opt *options_find(const struct opt_command *c, const char *name);

/* Number of values the row takes: the words of its arg (0 for a flag). */
int options_nargs(const struct opt *o);

/* Parses the options of argv[1..] up to the first argument that is not an
 * option ("-" alone is not an option; "--" ends the options and is
 * skipped), calling each row's handler in order.  *next is set to the index
 * of the first argument after the options.  Returns 0 to go on, -1 when
 * --help was printed (the command should exit 0), or an exit status >0 after
 * a message on stderr: an unknown option, a missing value, or what a handler
 * returned. */
int options_parse(const struct opt_command *c, int argc, char **argv, int *next);

/* Prints the command's help: intro, then for each row
 * "  ALIAS, NAME ARG" padded to 22 columns (alone on its line when it
 * leaves fewer than two blanks before the help) followed by the help text, continuation lines indented to the
 * same column; then outro. */
void options_help(const struct opt_command *c, FILE *out);

/* Generic handlers: target is a bool * (set to true), a const char ** (the
 * value), a uint64_t * (a decimal or 0x count, refused when negative or
 * malformed: "vmos CMD: bad --NAME 'VAL'"). */
int opt_true(const struct opt *o, char **val);
int opt_string(const struct opt *o, char **val);
int opt_u64(const struct opt *o, char **val);

/* Parses a whole unsigned number (decimal, 0x hex, 0 octal) with no sign.
 * Returns 0 or -1. */
int options_parse_u64(const char *s, uint64_t *v);

/* The comma-separated lists of the options that take several names
 * (--proc, --figures, --events-filter, --snapshot-events, --explain-at, ...):
 * options_each calls item(name, ctx) on each element in order and returns
 * 0, -1 for an empty list, an empty element (",,", a leading or trailing
 * comma) or a list over 1023 bytes, or the first negative value item
 * returns. */
int options_each(const char *s, int (*item)(const char *name, void *ctx), void *ctx);
/* A list of names from names[0..n-1] (n <= 32), or "all", as a mask with bit
 * i for names[i]; 0 if the list is empty or holds any other name. */
unsigned options_name_mask(const char *s, const char *const names[], unsigned n);

/* Checks before a long run that the output file path can be written: the
 * file exists and is writable and not a directory, or its directory exists
 * and is writable.  "-" (stdout) passes.  Creates and truncates nothing.
 * Returns 0, or 2 after "CMD: cannot write OPTION PATH: REASON" on stderr. */
int options_check_output(const char *cmd, const char *option, const char *path);

#endif
