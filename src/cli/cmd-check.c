// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor check: gather the host, run the checks, render findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "cli.h"

static void help(void)
{
	printf("usage: vfio-doctor check [--root DIR] [--json] [--only ID,...] [--list] [--quiet] [--verbose]\n"
	       "                         [--log FILE]... [--boot N] [--no-logs]\n"
	       "                         [--xml FILE]... [--qemu-cmdline FILE]... [-c URI] [--domain NAME]... [--no-vms]\n\n"
	       "  --only ID,...  run only these checks\n"
	       "  --xml FILE     a libvirt domain XML (virsh dumpxml) to check; repeatable\n"
	       "  --qemu-cmdline FILE  a QEMU command line or start script to check; repeatable\n"
	       "  -c, --connect URI    libvirt URI (default qemu:///system on the live host)\n"
	       "  --domain NAME  a libvirt domain (default: every domain with PCI host devices); repeatable\n"
	       "  --no-vms       leave VMs out (no libvirt, no QEMU processes)\n"
	       "  --list         list the checks and exit\n"
	       "  --quiet        leave out what passed\n"
	       "  --verbose      show evidence under passing findings too\n"
	       "  --log FILE     read this saved kernel log (dmesg or journalctl output) instead of\n"
	       "                 this boot's; may be given several times\n"
	       "  --boot N       the kernel log of an earlier boot from the journal (-1: the one before)\n"
	       "  --no-logs      do not read logs\n\n"
	       "Exit status: 0 nothing failed, 1 something failed, 2 usage or internal error.\n");
}

static int list_checks(const struct cli *c)
{
	if (c->json) {
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < vd_nchecks; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(vd_checks[i]->id));
			json_object_object_add(o, "title", json_object_new_string(vd_checks[i]->title));
			json_object_array_add(a, o);
		}
		cli_print_json(a);
		return EXIT_OK;
	}
	for (size_t i = 0; i < vd_nchecks; i++)
		printf("%-18s %s\n", vd_checks[i]->id, vd_checks[i]->title);
	return EXIT_OK;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"only", required_argument, NULL, 'o'},
		{"list", no_argument, NULL, 'l'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"log", required_argument, NULL, 'L'},
		{"boot", required_argument, NULL, 'b'},
		{"no-logs", no_argument, NULL, 'N'},
		CLI_VM_OPTIONS,
		{0},
	};
	struct vd_render_opts ro = {0};
	const char *only = NULL;
	bool list = false;
	int opt, boot = 0, rc;
	struct vd_host_opts ho = {0};
	char **logs = NULL;
	size_t nlogs = 0, caplogs = 0;
	struct cli_vm vmo = {0};

	while ((opt = getopt_long(argc, argv, "ho:lqvc:", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg) || cli_vm_option(&vmo, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			help();
			rc = EXIT_OK;
			goto done;
		case 'o':
			only = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'q':
			ro.quiet = true;
			break;
		case 'v':
			ro.verbose = true;
			break;
		case 'L':
			*VD_PUSH(logs, nlogs, caplogs) = optarg;
			break;
		case 'b':
			if (vd_parse_int(optarg, &boot) < 0 || boot > 0) {
				rc = cli_error("check: --boot takes 0 or a negative number (-1: the boot before this one)");
				goto done;
			}
			break;
		case 'N':
			ho.log.skip = true;
			break;
		default:
			rc = cli_bad_option("check", argc, argv);
			goto done;
		}
	}
	if (optind < argc) {
		rc = cli_error("check: unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (list) {
		rc = list_checks(c);
		goto done;
	}
	if (logs)
		(void)VD_PUSH(logs, nlogs, caplogs); /* NULL-terminate */
	ho.log.files = logs;
	ho.log.boot = boot;
	ho.vm = &vmo.opts;

	struct vd_root *root;
	if (cli_open_root(c, &root)) {
		rc = EXIT_USAGE;
		goto done;
	}
	struct vd_host h;
	struct vd_findings fs = {0};
	char *bad = NULL;
	int ret = vd_host_gather(root, &ho, &h);
	if (ret < 0) {
		vd_root_free(root);
		rc = cli_error("check: could not gather the host: %s", strerror(-ret));
		goto done;
	}
	ret = vd_checks_run(&h, only, &fs, &bad);
	if (ret < 0) {
		cli_error("check: --only: unknown check '%s' (see 'vfio-doctor check --list')", bad);
		free(bad);
		vd_findings_done(&fs);
		vd_host_done(&h);
		vd_root_free(root);
		rc = EXIT_USAGE;
		goto done;
	}
	ro.color = cli_color(c, stdout);
	char *out = c->json ? vd_render_json(&h, &fs) : vd_render_text(&h, &fs, &ro);
	fputs(out, stdout);
	free(out);

	size_t counts[VD_NSEVERITY];
	vd_findings_count(&fs, counts);
	/* VMs were asked for and none could be read: an error, after the report. */
	bool no_vm = h.vms.requested && h.vms.n == 0;
	vd_findings_done(&fs);
	vd_host_done(&h);
	vd_root_free(root);
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
	else if (no_vm)
		rc = cli_error("check: none of the VM configurations given could be read");
	else
		rc = counts[VD_FAIL] ? EXIT_FINDINGS : EXIT_OK;
done:
	free(logs);
	cli_vm_done(&vmo);
	return rc;
}
