/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line layer: option parsing, output and exit codes. The only
 * code that prints or decides the process's exit status. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "render.h"
#include "root.h"
#include "vm.h"

enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* something failed (check), or nothing to show */
	EXIT_USAGE = 2,    /* usage or internal error */
};

/* Options every command takes. */
struct cli {
	const char *root;
	bool json;
	int color; /* -1 auto, 0 never, 1 always */
};

enum { OPT_ROOT = 0x100, OPT_JSON, OPT_NO_COLOR, OPT_COLOR, OPT_HELP, OPT_FIRST_CMD };

#define CLI_COMMON_OPTIONS                                                                                             \
	{"root", required_argument, NULL, OPT_ROOT}, {"json", no_argument, NULL, OPT_JSON},                             \
		{"no-color", no_argument, NULL, OPT_NO_COLOR}, {"color", no_argument, NULL, OPT_COLOR},                 \
		{"help", no_argument, NULL, 'h'}

/* Handles a common option; false when opt is not one. */
bool cli_common(struct cli *c, int opt, const char *arg);
/* Opens --root (default "/"); prints the one-line error itself. */
int cli_open_root(const struct cli *c, struct vd_root **root);
bool cli_color(const struct cli *c, FILE *f);
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* prints, returns EXIT_USAGE */
int cli_bad_option(const char *cmd, int argc, char **argv);
/* Print a --json document (vd_json_dump) on stdout; takes o over. */
struct json_object;
void cli_print_json(struct json_object *o);

/* VM source options shared by check and fix (cli-vm.c). */
struct cli_vm {
	struct vd_vm_opts opts; /* the arrays below, as the library takes them */
	const char **xml, **qemu, **domains;
	size_t nxml, nqemu, ndomains;
};

enum { OPT_XML = 0x200, OPT_QEMU_CMDLINE, OPT_DOMAIN, OPT_NO_VMS };

#define CLI_VM_OPTIONS                                                                                                 \
	{"xml", required_argument, NULL, OPT_XML}, {"qemu-cmdline", required_argument, NULL, OPT_QEMU_CMDLINE},        \
		{"connect", required_argument, NULL, 'c'}, {"domain", required_argument, NULL, OPT_DOMAIN},             \
		{"no-vms", no_argument, NULL, OPT_NO_VMS}

/* Handles a VM option ('c' included); false when opt is not one. */
bool cli_vm_option(struct cli_vm *v, int opt, const char *arg);
void cli_vm_done(struct cli_vm *v);

int cmd_check(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_groups(struct cli *c, int argc, char **argv);
int cmd_collect(struct cli *c, int argc, char **argv);
int cmd_fix(struct cli *c, int argc, char **argv);
int cmd_undo(struct cli *c, int argc, char **argv);
int cmd_ssdt(struct cli *c, int argc, char **argv);
int cmd_fix_domain(struct cli *c, int argc, char **argv);
int cmd_rom(struct cli *c, int argc, char **argv);
