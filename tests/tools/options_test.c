/*
 * options_test.c - the option tables of every vmos command (options.c):
 * each table is well formed (handlers, unique names, values named in --help),
 * every option and alias of a table appears in its --help with its value,
 * and the parser stops at the first argument, honours "--" and a lone "-",
 * refuses unknown options and missing values, and hands each handler its
 * values.  tests/tools/options_help.sh checks the other direction on the
 * binary: every option --help prints is accepted.
 */
#include "test.h"
#include "options.h"
#include "run.h"
#include "trace.h"
#include "explain_command.h"
#include "quiz.h"
#include "kmem_demo.h"

#include <stdlib.h>

static const struct opt_command *const commands[] = {
	&run_command, &trace_command, &explain_command, &quiz_command, &kmem_command,
};

/* The help text of c, in a malloc'd string. */
static char *help_text(const struct opt_command *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	REQUIRE(f);
	options_help(c, f);
	fclose(f);
	return buf;
}

/* True if help has a line "  [ALIAS, ]NAME[, ALIAS][ ARG]" followed by
 * blanks or a newline: the option as a user would type it. */
static int help_shows(const char *help, const struct opt *o)
{
	char pat[3][200];
	const char *arg = o->arg ? o->arg : "", *sp = o->arg ? " " : "";
	snprintf(pat[0], sizeof pat[0], "\n  %s%s%s", o->name, sp, arg);
	snprintf(pat[1], sizeof pat[1], "\n  %s, %s%s%s", o->alias ? o->alias : "?", o->name, sp, arg);
	snprintf(pat[2], sizeof pat[2], "\n  %s, %s%s%s", o->name, o->alias ? o->alias : "?", sp, arg);
	for (int i = 0; i < 3; i++)
		for (const char *p = help; (p = strstr(p, pat[i])); p++) {
			char after = p[strlen(pat[i])];
			if (after == ' ' || after == '\n')
				return 1;
		}
	return 0;
}

TEST(every_table_is_well_formed)
{
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		const struct opt_command *cmd = commands[c];
		int helps = 0;
		for (const struct opt *o = cmd->opts; o->name; o++) {
			if (o->kind == OPT_HEADING)
				continue;
			if (o->kind == OPT_HELP) {
				helps++;
				continue;
			}
			CHECK(!strncmp(o->name, "--", 2));
			CHECK(o->help && *o->help);
			/* explain's rows stand for vmos run options (target) */
			if (cmd == &explain_command)
				CHECK(o->target && options_find(&run_command, o->target));
			else if (!o->set)
				test_fail(__FILE__, __LINE__, "%s %s has no handler", cmd->name, o->name);
			/* every name and alias finds this row and no other */
			CHECK(options_find(cmd, o->name) == o);
			if (o->alias)
				CHECK(options_find(cmd, o->alias) == o);
			CHECK_EQ(options_nargs(o), o->arg ? (strchr(o->arg, ' ') ? 2 : 1) : 0);
		}
		if (helps != 1)
			test_fail(__FILE__, __LINE__, "%s: %d help rows", cmd->name, helps);
	}
}

TEST(every_option_appears_in_help)
{
	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		const struct opt_command *cmd = commands[c];
		char *help = help_text(cmd);
		for (const struct opt *o = cmd->opts; o->name; o++) {
			if (o->kind == OPT_HEADING)
				continue;
			if (!help_shows(help, o))
				test_fail(__FILE__, __LINE__, "%s --help lacks %s %s", cmd->name, o->name,
					  o->arg ? o->arg : "");
			if (o->alias && !strstr(help, o->alias))
				test_fail(__FILE__, __LINE__, "%s --help lacks alias %s", cmd->name, o->alias);
		}
		free(help);
	}
}

/* ---- the parser on a table of its own ---------------------------------- */

static bool flag;
static const char *value;
static char *pair[2];
static int calls;

static int set_pair(const struct opt *o, char **v)
{
	pair[0] = v[0], pair[1] = v[1];
	calls++;
	return 0;
}

static int refuse(const struct opt *o, char **v)
{
	return 7;
}

static const struct opt test_opts[] = {
	OPT_HEADING_ROW("options:"),
	{ .name = "--flag", .help = "a flag", .set = opt_true, .target = &flag },
	{ .name = "--value", .alias = "-v", .arg = "X", .help = "a value\nsecond line", .set = opt_string, .target = &value },
	{ .name = "--pair", .arg = "A B", .help = "two values", .set = set_pair },
	{ .name = "--a-long-option-name", .arg = "SOMETHING", .help = "help below", .set = refuse },
	OPT_HELP_ROW,
	{ 0 }
};
static const struct opt_command test_cmd = { .name = "vmos test", .intro = "usage: test\n", .opts = test_opts };

static int parse(int argc, char **argv, int *next)
{
	flag = false, value = NULL, pair[0] = pair[1] = NULL, calls = 0;
	*next = -1;
	return options_parse(&test_cmd, argc, argv, next);
}

TEST(parser_takes_values_in_order_and_stops_at_the_first_argument)
{
	char *argv[] = { "test", "--flag", "-v", "x1", "--pair", "a", "b", "prog", "--flag", NULL };
	int next;
	CHECK_EQ(parse(9, argv, &next), 0);
	CHECK(flag);
	CHECK_STR(value, "x1");
	CHECK_STR(pair[0], "a");
	CHECK_STR(pair[1], "b");
	CHECK_EQ(calls, 1);
	CHECK_EQ(next, 7);
}

TEST(parser_double_dash_and_lone_dash)
{
	char *a1[] = { "test", "--flag", "--", "--value", NULL };
	int next;
	CHECK_EQ(parse(4, a1, &next), 0);
	CHECK_EQ(next, 3);
	CHECK(!value);
	char *a2[] = { "test", "-", "--flag", NULL };
	CHECK_EQ(parse(3, a2, &next), 0);
	CHECK_EQ(next, 1);
	CHECK(!flag);
}

TEST(parser_refuses_unknown_options_and_missing_values)
{
	int next;
	char *a1[] = { "test", "--bogus", "x", NULL };
	CHECK_EQ(parse(3, a1, &next), 2);
	char *a2[] = { "test", "--value", NULL };
	CHECK_EQ(parse(2, a2, &next), 2);
	char *a3[] = { "test", "--pair", "a", NULL };
	CHECK_EQ(parse(3, a3, &next), 2);
	CHECK_EQ(calls, 0);
	/* a handler's status comes back as it is */
	char *a4[] = { "test", "--a-long-option-name", "x", "prog", NULL };
	CHECK_EQ(parse(4, a4, &next), 7);
	/* "--value=x" is not --value */
	char *a5[] = { "test", "--value=x", NULL };
	CHECK_EQ(parse(2, a5, &next), 2);
}

TEST(help_layout)
{
	char *help = help_text(&test_cmd);
	CHECK_STR(help,
		  "usage: test\n"
		  "options:\n"
		  "  --flag              a flag\n"
		  "  -v, --value X       a value\n"
		  "                      second line\n"
		  "  --pair A B          two values\n"
		  "  --a-long-option-name SOMETHING\n"
		  "                      help below\n"
		  "  -h, --help          show this text\n");
	free(help);
}

TEST(check_output_paths)
{
	CHECK_EQ(options_check_output("t", "--svg", "-"), 0);
	CHECK_EQ(options_check_output("t", "--svg", "/tmp/vmos-options-test-new.svg"), 0);
	CHECK_EQ(options_check_output("t", "--svg", "relative-new-file.svg"), 0);
	CHECK_EQ(options_check_output("t", "--svg", "/nonexistent-dir/x.svg"), 2);
	CHECK_EQ(options_check_output("t", "--svg", "/tmp"), 2);
	CHECK_EQ(options_check_output("t", "--svg", ""), 2);
	CHECK_EQ(options_check_output("t", "--svg", "/etc/passwd/x"), 2);
	/* nothing was created */
	FILE *f = fopen("/tmp/vmos-options-test-new.svg", "r");
	CHECK(!f);
	if (f)
		fclose(f);
}

static int collect(const char *name, void *ctx)
{
	char *out = ctx;
	if (!strcmp(name, "stop"))
		return -7;
	strcat(out, name);
	strcat(out, "|");
	return 0;
}

TEST(comma_lists_split_in_order_and_refuse_empty_elements)
{
	char got[256] = "";
	CHECK_EQ(options_each("a,bb,c", collect, got), 0);
	CHECK_STR(got, "a|bb|c|");
	got[0] = 0;
	CHECK_EQ(options_each("a,stop,c", collect, got), -7);   /* the item's error, and no further */
	CHECK_STR(got, "a|");
	CHECK_EQ(options_each("", collect, got), -1);
	CHECK_EQ(options_each(",a", collect, got), -1);
	CHECK_EQ(options_each("a,", collect, got), -1);
	CHECK_EQ(options_each("a,,b", collect, got), -1);
	char big[1100];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	CHECK_EQ(options_each(big, collect, got), -1);
}

TEST(comma_lists_of_names_become_masks)
{
	static const char *const names[] = { "one", "two", "three" };
	CHECK_EQ(options_name_mask("one", names, 3), 1u);
	CHECK_EQ(options_name_mask("three,one", names, 3), 5u);
	CHECK_EQ(options_name_mask("all", names, 3), 7u);
	CHECK_EQ(options_name_mask("two,all", names, 3), 7u);
	CHECK_EQ(options_name_mask("one,four", names, 3), 0u);   /* one bad name spoils the list */
	CHECK_EQ(options_name_mask("", names, 3), 0u);
	CHECK_EQ(options_name_mask("one,,two", names, 3), 0u);
}
