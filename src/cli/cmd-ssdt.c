// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor ssdt battery -o FILE: the battery ACPI table of §"Error 43"
 * with mobile NVIDIA GPUs, from the AML encoder. */
#include <string.h>

#include "aml.h"
#include "cli.h"

int cmd_ssdt(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {"output", required_argument, NULL, 'o'}, {0}};
	const char *out = NULL, *table = NULL;
	int opt;

	/* "ssdt battery -o FILE": the table's name comes first. */
	if (argc > 1 && argv[1][0] != '-') {
		table = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}

	while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			printf("usage: vfio-doctor ssdt battery -o FILE\n\n"
			       "Writes the battery SSDT a VM with a mobile NVIDIA GPU needs (pass it to QEMU with\n"
			       "-acpitable file=FILE, or <qemu:arg> in the domain XML).\n");
			return EXIT_OK;
		case 'o':
			out = optarg;
			break;
		default:
			return cli_bad_option("ssdt", argc, argv);
		}
	}
	if (!table && optind < argc)
		table = argv[optind++];
	if (!table || strcmp(table, "battery") != 0)
		return cli_error("ssdt: which table? 'vfio-doctor ssdt battery -o FILE'");
	if (optind < argc)
		return cli_error("ssdt: unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_error("ssdt battery: -o FILE is required");
	struct vd_str t = {0};
	vd_ssdt_battery(&t);
	int ret = vd_write_user_file(out, t.s, t.len, 0644, true);
	size_t len = t.len;
	vd_str_done(&t);
	if (ret < 0)
		return cli_error("ssdt battery: %s: %s", out, strerror(-ret));
	if (!c->json)
		printf("Wrote %s (%zu bytes).\n", out, len);
	return EXIT_OK;
}
