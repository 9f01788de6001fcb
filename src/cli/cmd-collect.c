// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor collect -o DIR|FILE.tar.gz: a replayable snapshot. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"

int cmd_collect(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"output", required_argument, NULL, 'o'},
		{"no-logs", no_argument, NULL, 'n'},
		{0},
	};
	struct vd_collect_opts co = {.logs = true};
	const char *out = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			printf("usage: vfio-doctor collect -o DIR|FILE.tar.gz [--no-logs] [--root DIR]\n\n"
			       "Writes what 'check' reads (sysfs, procfs, /etc, the kernel log) as a root tree that\n"
			       "'vfio-doctor check --root' replays on any machine.\n");
			return EXIT_OK;
		case 'o':
			out = optarg;
			break;
		case 'n':
			co.logs = false;
			break;
		default:
			return cli_bad_option("collect", argc, argv);
		}
	}
	if (!out)
		return cli_error("collect: -o DIR or -o FILE.tar.gz is required");
	if (optind < argc)
		return cli_error("collect: unexpected argument '%s'", argv[optind]);

	struct vd_root *root;
	if (cli_open_root(c, &root))
		return EXIT_USAGE;
	struct vd_collect_stats st;
	char *where = NULL;
	int ret = vd_collect(root, out, &co, &st, &where);
	vd_root_free(root);
	if (ret == -EEXIST) {
		free(where);
		return cli_error("collect: %s already holds a host tree; give a new or empty directory", out);
	}
	if (ret < 0) {
		cli_error("collect: %s%s%s", strerror(-ret), where ? ": " : "", where ? where : "");
		free(where);
		return EXIT_USAGE;
	}
	fprintf(stderr, "vfio-doctor: collected %zu files, %zu links, %zu directories (%zu bytes) into %s%s\n", st.files,
		st.links, st.dirs, st.bytes, out,
		geteuid() ? "; not root: config space past 64 bytes and root-only files are missing" : "");
	return EXIT_OK;
}
