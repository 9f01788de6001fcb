// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor explain ID: what a check looks for and why (the page's reasoning). */
#include <json-c/json.h>
#include <string.h>

#include "check.h"
#include "cli.h"

int cmd_explain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == 'h') {
			printf("usage: vfio-doctor explain ID   (IDs: vfio-doctor check --list)\n");
			return EXIT_OK;
		}
		return cli_bad_option("explain", argc, argv);
	}
	if (optind + 1 != argc)
		return cli_error("explain: give exactly one check ID (see 'vfio-doctor check --list')");
	const struct vd_check *k = vd_check_find(argv[optind]);
	if (!k)
		return cli_error("explain: unknown check '%s' (see 'vfio-doctor check --list')", argv[optind]);

	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(k->id));
		json_object_object_add(o, "title", json_object_new_string(k->title));
		json_object_object_add(o, "section", json_object_new_string(k->section));
		json_object_object_add(o, "explain", json_object_new_string(k->explain));
		json_object_object_add(o, "looks_at", json_object_new_string(k->looks_at));
		json_object_object_add(o, "fixes", json_object_new_string(k->fixes));
		cli_print_json(o);
		return EXIT_OK;
	}
	struct vd_str s = {0};
	vd_str_addf(&s, "%s: %s\n", k->id, k->title);
	vd_str_addf(&s, "Page section: %s\n\n", k->section);
	vd_wrap(&s, NULL, 0, k->explain, 78);
	vd_str_add(&s, "\nEvidence:\n");
	vd_wrap(&s, NULL, 2, k->looks_at, 78);
	vd_str_add(&s, "\nFix:\n");
	vd_wrap(&s, NULL, 2, k->fixes, 78);
	fputs(s.s, stdout);
	vd_str_done(&s);
	return EXIT_OK;
}
