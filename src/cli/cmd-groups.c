// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor groups: IOMMU groups with their devices. */
#include <string.h>

#include "cli.h"
#include "groups.h"

int cmd_groups(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == 'h') {
			printf("usage: vfio-doctor groups [--root DIR] [--json]\n\n"
			       "Exit status: 0 groups listed, 1 no IOMMU groups, 2 usage or internal error.\n");
			return EXIT_OK;
		}
		return cli_bad_option("groups", argc, argv);
	}
	if (optind < argc)
		return cli_error("groups: unexpected argument '%s'", argv[optind]);

	struct vd_root *root;
	if (cli_open_root(c, &root))
		return EXIT_USAGE;
	struct vd_host h;
	struct vd_host_opts ho = {.pci_only = true};
	int ret = vd_host_gather(root, &ho, &h);
	if (ret < 0) {
		vd_root_free(root);
		return cli_error("groups: could not gather the host: %s", strerror(-ret));
	}
	struct vd_render_opts ro = {.color = cli_color(c, stdout)};
	char *out = c->json ? vd_groups_json(&h) : vd_groups_text(&h, &ro);
	fputs(out, stdout);
	free(out);
	bool any = h.iommu.ngroups > 0;
	vd_host_done(&h);
	vd_root_free(root);
	return any ? EXIT_OK : EXIT_FINDINGS;
}
