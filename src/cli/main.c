// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor: entry point and command table. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"
#include "config.h"
#include "render.h"

static const struct {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary;
} commands[] = {
	{"check", cmd_check, "diagnose this host (or --root DIR) and print findings"},
	{"explain", cmd_explain, "the page's reasoning, evidence and fix for a check"},
	{"groups", cmd_groups, "IOMMU groups with their devices, drivers and reset methods"},
	{"collect", cmd_collect, "save what a diagnosis reads as a root tree or .tar.gz"},
	{"fix", cmd_fix, "show the plan for the findings' fixes (or --domain/--xml: a VM's XML); --apply carries it out"},
	{"undo", cmd_undo, "revert the last 'fix --apply' byte for byte; --list"},
	{"ssdt", cmd_ssdt, "write an ACPI table a VM needs: 'ssdt battery -o FILE'"},
	{"rom", cmd_rom, "parse, check, strip or dump PCI expansion ROMs (GPU VBIOS)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vfio-doctor [--root DIR] [--json] [--no-color] COMMAND [OPTIONS]\n\n"
		   "Diagnoses VFIO GPU passthrough setups from evidence on the host.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'vfio-doctor COMMAND --help' for a command's options; 'man vfio-doctor' for all.\n");
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("vfio-doctor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	return cli_error("%s: unknown option or missing argument '%s' (see 'vfio-doctor %s --help')", cmd, arg, cmd);
}

void cli_print_json(struct json_object *o)
{
	char *s = vd_json_dump(o);
	fputs(s, stdout);
	free(s);
}

bool cli_common(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_ROOT:
		c->root = arg;
		return true;
	case OPT_JSON:
		c->json = true;
		return true;
	case OPT_NO_COLOR:
		c->color = 0;
		return true;
	case OPT_COLOR:
		c->color = 1;
		return true;
	default:
		return false;
	}
}

/* A snapshot tarball given as --root is unpacked for the run; the CLI owns
 * the temporary directory and removes it at exit. */
static char *unpacked;

static void remove_unpacked(void)
{
	vd_snapshot_remove(unpacked);
	free(unpacked);
}

int cli_open_root(const struct cli *c, struct vd_root **root)
{
	const char *path = c->root ? c->root : "/";
	int ret;

	if (vd_is_tarball(path)) {
		ret = vd_snapshot_extract(path, &unpacked);
		if (ret < 0 && ret != -EISDIR)
			return cli_error("--root %s: cannot unpack the snapshot: %s", path, strerror(-ret));
		if (ret == 0) {
			atexit(remove_unpacked);
			path = unpacked;
		}
	}
	ret = vd_root_open(path, 0, root);
	if (ret < 0)
		return cli_error("--root %s: %s", path, strerror(-ret));
	return 0;
}

bool cli_color(const struct cli *c, FILE *f)
{
	if (c->color >= 0)
		return c->color;
	/* https://no-color.org: any non-empty NO_COLOR disables colour. */
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {"version", no_argument, NULL, 'V'}, {0}};
	struct cli c = {.color = -1};
	int opt;

	opterr = 0; /* our own one-line messages instead of getopt's */

	/* Global options come before the command ("+": stop at the first word). */
	while ((opt = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("vfio-doctor %s\n", VD_VERSION);
			return EXIT_OK;
		default:
			return cli_error("unknown option or missing argument '%s' (see 'vfio-doctor --help')",
					 argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (strcmp(name, "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			/* Restart getopt for the command's options; 0 (not 1) makes
			 * glibc drop the "+" mode of the global pass, so options may
			 * follow operands ("rom FILE --for BDF"). */
			optind = 0;
			return commands[i].run(&c, sub_argc, sub_argv);
		}
	}
	return cli_error("unknown command '%s' (see 'vfio-doctor --help')", name);
}
