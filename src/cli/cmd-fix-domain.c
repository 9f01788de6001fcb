// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor fix --domain NAME | --xml FILE: the VM checks' domain XML
 * fixes as one diff, applied with --apply (backup, then define through
 * libvirt or replace the file). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "domain-edit.h"
#include "util.h"
#include "vm-libvirt.h"

static void help(void)
{
	printf("usage: vfio-doctor fix (--domain NAME [-c URI] | --xml FILE) [--apply] [--backup-dir DIR]\n\n"
	       "Shows the domain XML changes the VM checks ask for, as a diff.\n"
	       "  --apply           back up the current XML, then define the new one through libvirt\n"
	       "                    (validated) or replace FILE atomically (backup FILE.vfio-doctor-TIME.bak)\n"
	       "  --backup-dir DIR  where libvirt domain backups go (default /var/lib/vfio-doctor/backup)\n\n"
	       "Exit status: 0 nothing to change or applied, 1 changes shown (not applied), 2 error.\n");
}

/* The VD_FIX_XML fixes of one VM, in report order; commands beside them. */
static size_t collect(const struct vd_findings *fs, const char *subject, const struct vd_fix ***out, struct vd_str *other)
{
	const struct vd_fix **v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < fs->n; i++) {
		const struct vd_finding *f = &fs->f[i];
		if (!f->subject || strcmp(f->subject, subject) != 0)
			continue;
		for (size_t j = 0; j < f->nfix; j++) {
			const struct vd_fix *x = &f->fix[j];
			if (x->kind == VD_FIX_XML)
				*VD_PUSH(v, n, cap) = x;
			else if (x->kind == VD_FIX_COMMAND || x->kind == VD_FIX_MANUAL)
				vd_str_addf(other, "  %s (%s): %s%s%s\n", x->kind == VD_FIX_COMMAND ? "run" : "by hand", f->id,
					    x->target ? x->target : "", x->target ? ": " : "", x->value ? x->value : "");
		}
	}
	*out = v;
	return n;
}

int cmd_fix_domain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"xml", required_argument, NULL, OPT_XML},
		{"domain", required_argument, NULL, OPT_DOMAIN},
		{"connect", required_argument, NULL, 'c'},
		{"apply", no_argument, NULL, 'a'},
		{"backup-dir", required_argument, NULL, 'b'},
		{0},
	};
	struct cli_vm vmo = {0};
	bool apply = false;
	const char *backup_dir = NULL;
	int opt, rc = EXIT_USAGE;

	while ((opt = getopt_long(argc, argv, "hc:", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg) || cli_vm_option(&vmo, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			help();
			cli_vm_done(&vmo);
			return EXIT_OK;
		case 'a':
			apply = true;
			break;
		case 'b':
			backup_dir = optarg;
			break;
		default:
			cli_vm_done(&vmo);
			return cli_bad_option("fix", argc, argv);
		}
	}
	if (optind < argc || vmo.nxml + vmo.ndomains != 1) {
		cli_vm_done(&vmo);
		return cli_error("fix: name exactly one VM: --domain NAME or --xml FILE (see 'vfio-doctor fix --help')");
	}
	const char *xml_path = vmo.nxml ? vmo.xml[0] : NULL, *dom = vmo.ndomains ? vmo.domains[0] : NULL;
	const char *uri = vmo.opts.uri ? vmo.opts.uri : "qemu:///system";

	struct vd_root *root;
	if (cli_open_root(c, &root)) {
		cli_vm_done(&vmo);
		return EXIT_USAGE;
	}
	struct vd_host h;
	struct vd_findings fs = {0};
	struct vd_host_opts ho = {.vm = &vmo.opts};
	char *bad = NULL, *why = NULL, *xml = NULL, *backup = NULL, *subject = NULL, *label = NULL, *newlabel = NULL,
	     *diff = NULL;
	const struct vd_fix **fixes = NULL;
	struct vd_str other = {0};
	struct vd_domain_plan plan = {0};
	int ret = vd_host_gather(root, &ho, &h);
	if (ret < 0) {
		cli_error("fix: could not gather the host: %s", strerror(-ret));
		goto out;
	}
	if (h.vms.n != 1) {
		cli_error("fix: %s: %s", xml_path ? xml_path : dom, h.vms.nerr ? h.vms.err[0].reason : "not read");
		goto out;
	}
	vd_checks_run(&h, NULL, &fs, &bad);
	const struct vd_vm *vm = &h.vms.vm[0];
	subject = vd_vm_subject(vm);
	size_t nfix = collect(&fs, subject, &fixes, &other);

	/* The text to edit: the file as it is, or the domain's persistent XML
	 * with its secrets (a read-write connection), which define keeps. */
	if (xml_path) {
		xml = vd_xstrdup(vm->xml);
	} else if (vd_libvirt_domain_xml(uri, dom, &xml, &why) < 0) {
		cli_error("fix: %s", why);
		goto out;
	}
	if (vd_domain_plan(xml, fixes, nfix, &plan, &why) < 0) {
		cli_error("fix: %s", why);
		goto out;
	}
	label = xml_path ? vd_xstrdup(xml_path) : vd_xasprintf("%s (domain %s)", uri, dom);
	newlabel = vd_xasprintf("%s (fixed)", label);
	diff = vd_diff_unified(plan.old_xml, strlen(plan.old_xml), plan.new_xml, strlen(plan.new_xml), label, newlabel);
	if (!*diff) {
		printf("%s: nothing to change in the domain XML.\n", label);
		rc = EXIT_OK;
	} else {
		fputs(diff, stdout);
		rc = EXIT_FINDINGS;
	}
	for (char **n = plan.notes; n && *n; n++)
		printf("note: %s\n", *n);
	if (other.s)
		printf("\nAlso:\n%s", other.s);
	if (apply && *diff) {
		struct vd_domain_target t = {.uri = uri, .name = dom ? dom : vm->name, .xml_path = xml_path, .backup_dir = backup_dir};
		ret = vd_domain_apply(&plan, &t, &backup, &why);
		if (backup)
			printf("backup: %s\n", backup);
		if (ret < 0) {
			cli_error("fix: %s", why);
			rc = EXIT_USAGE;
			goto out;
		}
		printf("applied: %s\n", xml_path ? xml_path : dom);
		rc = EXIT_OK;
	}
out:
	free(subject);
	free(label);
	free(newlabel);
	free(diff);
	free(bad);
	free(why);
	free(xml);
	free(backup);
	free(fixes);
	vd_str_done(&other);
	vd_domain_plan_done(&plan);
	vd_findings_done(&fs);
	vd_host_done(&h);
	vd_root_free(root);
	cli_vm_done(&vmo);
	if (fflush(stdout) != 0)
		return EXIT_USAGE;
	return rc;
}
