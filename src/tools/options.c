/*
 * options.c - the option tables of the vmos commands: one parser and one
 * --help printer over the same rows (see options.h for the table format and
 * how to add an option).
 *
 * Parsing follows the conventions the commands always had: options come
 * before the first non-option argument (the program or trace), each value is
 * the next argument (never "--opt=value"), "--" ends the options, and a
 * lone "-" is an argument.
 */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HELP_COLUMN 22

/* The command being parsed, for the generic handlers' messages. */
static const char *parsing_cmd = "vmos";

static bool row_is_option(const struct opt *o)
{
	return o->kind != OPT_HEADING;
}

const struct opt *options_find(const struct opt_command *c, const char *name)
{
	for (const struct opt *o = c->opts; o->name; o++)
		if (row_is_option(o) && (!strcmp(o->name, name) || (o->alias && !strcmp(o->alias, name))))
			return o;
	return NULL;
}

int options_nargs(const struct opt *o)
{
	int n = 0;
	for (const char *s = o->arg; s && *s; s++)
		if (*s != ' ' && (s == o->arg || s[-1] == ' '))
			n++;
	return n;
}

int options_parse(const struct opt_command *c, int argc, char **argv, int *next)
{
	int i = 1;
	parsing_cmd = c->name;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		const struct opt *o = options_find(c, argv[i]);
		if (!o) {
			fprintf(stderr, "%s: unknown option '%s' (try --help)\n", c->name, argv[i]);
			return 2;
		}
		if (o->kind == OPT_HELP) {
			options_help(c, stdout);
			return -1;
		}
		int n = options_nargs(o);
		if (i + n >= argc) {
			if (n == 1)
				fprintf(stderr, "%s: option %s needs a value (try --help)\n", c->name, argv[i]);
			else
				fprintf(stderr, "%s: option %s needs %d values: %s (try --help)\n", c->name,
					argv[i], n, o->arg);
			return 2;
		}
		int rc = o->set(o, n ? &argv[i + 1] : NULL);
		if (rc)
			return rc;
		i += n;
	}
	*next = i;
	return 0;
}

/* Prints one row: "  ALIAS, NAME ARG" then the help text at HELP_COLUMN. */
static void help_row(const struct opt *o, FILE *out)
{
	char label[128];
	if (o->alias && o->alias[1] != '-')      /* a short alias first: "-h, --help" */
		snprintf(label, sizeof label, "%s, %s%s%s", o->alias, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else if (o->alias)
		snprintf(label, sizeof label, "%s, %s%s%s", o->name, o->alias, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(label, sizeof label, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	int w = fprintf(out, "  %s", label);
	const char *h = o->help ? o->help : "";
	if (w > HELP_COLUMN - 2) {          /* two blanks at least: a reader (and tests) can split */
		fputc('\n', out);
		w = 0;
	}
	for (;;) {
		const char *nl = strchr(h, '\n');
		int len = nl ? (int)(nl - h) : (int)strlen(h);
		fprintf(out, "%*s%.*s\n", HELP_COLUMN - w, "", len, h);
		if (!nl)
			break;
		h = nl + 1;
		w = 0;
	}
}

void options_help(const struct opt_command *c, FILE *out)
{
	if (c->intro)
		fputs(c->intro, out);
	for (const struct opt *o = c->opts; o->name; o++) {
		if (o->kind == OPT_HEADING)
			fprintf(out, "%s\n", o->name);
		else
			help_row(o, out);
	}
	if (c->outro)
		fputs(c->outro, out);
}

int options_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*v = x;
	return 0;
}

int options_each(const char *s, int (*item)(const char *name, void *ctx), void *ctx)
{
	char buf[1024];
	size_t n = strlen(s);
	if (!n || n >= sizeof buf || s[0] == ',' || s[n - 1] == ',' || strstr(s, ",,"))
		return -1;
	memcpy(buf, s, n + 1);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int rc = item(t, ctx);
		if (rc < 0)
			return rc;
	}
	return 0;
}

struct name_table { const char *const *names; unsigned n; unsigned mask; };

static int name_bit(const char *name, void *ctx)
{
	struct name_table *t = ctx;
	if (!strcmp(name, "all")) {
		t->mask |= t->n >= 32 ? ~0u : (1u << t->n) - 1;
		return 0;
	}
	for (unsigned i = 0; i < t->n; i++)
		if (!strcmp(name, t->names[i])) {
			t->mask |= 1u << i;
			return 0;
		}
	return -1;
}

unsigned options_name_mask(const char *s, const char *const names[], unsigned n)
{
	struct name_table t = { names, n, 0 };
	return options_each(s, name_bit, &t) < 0 ? 0 : t.mask;
}

int opt_true(const struct opt *o, char **val)
{
	*(bool *)o->target = true;
	return 0;
}

int opt_string(const struct opt *o, char **val)
{
	*(const char **)o->target = val[0];
	return 0;
}

int opt_u64(const struct opt *o, char **val)
{
	if (options_parse_u64(val[0], (uint64_t *)o->target) < 0) {
		fprintf(stderr, "%s: bad %s '%s'\n", parsing_cmd, o->name, val[0]);
		return 2;
	}
	return 0;
}

int options_check_output(const char *cmd, const char *option, const char *path)
{
	if (!strcmp(path, "-"))
		return 0;
	struct stat st;
	const char *why = NULL;
	if (!*path) {
		why = "empty file name";
	} else if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			why = strerror(EISDIR);
		else if (access(path, W_OK) < 0)
			why = strerror(errno);
	} else if (errno != ENOENT) {
		why = strerror(errno);
	} else {
		/* a new file: its directory must exist and take new files */
		char dir[4096];
		const char *slash = strrchr(path, '/');
		if (!slash)
			snprintf(dir, sizeof dir, ".");
		else if (slash == path)
			snprintf(dir, sizeof dir, "/");
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
		if (stat(dir, &st) < 0)
			why = errno == ENOENT ? "no such directory" : strerror(errno);
		else if (!S_ISDIR(st.st_mode))
			why = "not a directory";
		else if (access(dir, W_OK | X_OK) < 0)
			why = strerror(errno);
	}
	if (!why)
		return 0;
	fprintf(stderr, "%s: cannot write %s %s: %s\n", cmd, option, path, why);
	return 2;
}
