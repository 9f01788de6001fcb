// SPDX-License-Identifier: GPL-2.0-or-later
/* fix --domain through libvirt's built-in test driver (test:///default), a
 * real libvirt without a daemon: define a published domain XML, read it
 * back through the tool's libvirt source, run the checks, apply their fix
 * (backup + define with VIR_DOMAIN_DEFINE_VALIDATE) and read the result
 * back. The test driver's state lives while one connection is open, so the
 * test holds one. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "domain-edit.h"
#include "unit.h"
#include "vm-libvirt.h"
#include "vm.h"

#if HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static void quiet(void *u, virErrorPtr e)
{
	(void)u;
	(void)e;
}

int main(void)
{
	const char *uri = "test:///default";
	char *xml = NULL, *why = NULL, *back = NULL, *backup = NULL;
	size_t len;
	char hostp[1024], bdir[64];
	struct vd_root *root;
	struct vd_host h;

	virSetErrorFunc(NULL, quiet);
	virConnectPtr hold = virConnectOpen(uri);
	CHECK(hold != NULL);
	CHECK_INT(vd_read_user_file(VMS "/fanfan42-legion5-17ach6h-win10.xml", 1 << 20, &xml, &len), 0);
	CHECK_INT(vd_libvirt_define(uri, xml, &why), 0);
	free(why);
	why = NULL;

	/* the tool's libvirt source reads it back */
	snprintf(hostp, sizeof(hostp), "%s/intel-nvidia-desktop", FIXTURES);
	CHECK_INT(vd_root_open(hostp, 0, &root), 0);
	const char *dom = "win10";
	struct vd_vm_opts o = {.uri = uri, .domains = &dom, .ndomains = 1, .no_proc = true};
	struct vd_host_opts ho = {.vm = &o};
	CHECK_INT(vd_host_gather(root, &ho, &h), 0);
	CHECK_INT(h.vms.n, 1);
	CHECK(h.vms.libvirt_version > 0);
	const struct vd_vm *vm = h.vms.n ? &h.vms.vm[0] : NULL;
	CHECK(vm && vm->source == VD_VM_LIBVIRT && !strcmp(vm->name, "win10") && vm->nhostdev == 2);
	CHECK(vm && !strcmp(vm->ioapic_driver ? vm->ioapic_driver : "", "kvm"));

	struct vd_findings fs = {0};
	char *bad = NULL;
	CHECK_INT(vd_checks_run(&h, NULL, &fs, &bad), 0);
	const struct vd_fix *fx[16];
	size_t nfx = 0;
	for (size_t i = 0; i < fs.n; i++)
		if (fs.f[i].subject && !strcmp(fs.f[i].subject, "vm win10"))
			for (size_t j = 0; j < fs.f[i].nfix && nfx < 16; j++)
				if (fs.f[i].fix[j].kind == VD_FIX_XML)
					fx[nfx++] = &fs.f[i].fix[j];
	CHECK(nfx >= 2); /* the card's .2 and .3 */

	/* plan on the persistent XML, apply: backup + validated define */
	char *cur = NULL;
	CHECK_INT(vd_libvirt_domain_xml(uri, "win10", &cur, &why), 0);
	struct vd_domain_plan p;
	CHECK_INT(vd_domain_plan(cur, fx, nfx, &p, &why), 0);
	CHECK(p.nedits >= 2);
	snprintf(bdir, sizeof(bdir), "/tmp/vd-test-backup-%ld", (long)getpid());
	struct vd_domain_target t = {.uri = uri, .name = "win10", .backup_dir = bdir};
	CHECK_INT(vd_domain_apply(&p, &t, &backup, &why), 0);
	CHECK(backup != NULL);
	size_t blen;
	char *bdata = NULL;
	CHECK_INT(vd_read_user_file(backup, 1 << 20, &bdata, &blen), 0);
	CHECK_STR(bdata, cur);

	/* read back: libvirt kept the new host devices */
	CHECK_INT(vd_libvirt_domain_xml(uri, "win10", &back, &why), 0);
	struct vd_vm v2;
	vd_vm_init(&v2, VD_VM_LIBVIRT, uri);
	CHECK_INT(vd_vm_parse_xml(back ? back : "", back ? strlen(back) : 0, &v2, &why), 0);
	CHECK_INT(v2.nhostdev, 4);
	vd_vm_done(&v2);

	/* maxphysaddr limit= needs libvirt 9.3.0: with validation an older one
	 * refuses it instead of dropping it silently */
	unsigned long lib = 0;
	virGetVersion(&lib, NULL, NULL);
	char *lim = vd_xstrdup(back);
	CHECK_INT(vd_domain_edit(&lim, VD_OP_SET, "/domain/cpu/maxphysaddr", "mode='passthrough' limit='39'", &why), 0);
	int r = vd_libvirt_define(uri, lim, &why);
	if (r == 0)
		fprintf(stderr, "limit define accepted:\n%s\n", strstr(lim, "<cpu") ? strstr(lim, "<cpu") : lim);
	if (lib < VD_VERSION_NUM(9, 3, 0)) {
		CHECK(r < 0 && why && !strchr(why, '\n'));
	} else {
		CHECK_INT(r, 0);
	}
	free(why);
	why = NULL;
	/* the form the check gives on this libvirt is accepted */
	char *emu = vd_xstrdup(back);
	CHECK_INT(vd_domain_edit(&emu, VD_OP_SET, "/domain/cpu/maxphysaddr", "mode='emulate' bits='39'", &why), 0);
	CHECK_INT(vd_libvirt_define(uri, emu, &why), 0);

	/* an unreachable libvirt is one line, not a crash */
	struct vd_vms vms = {0};
	CHECK(vd_libvirt_gather("qemu+unix:///system?socket=/nonexistent/sock", NULL, 0, true, &vms) < 0);
	CHECK(vms.nerr == 1 && vms.err[0].reason && !strchr(vms.err[0].reason, '\n'));
	vd_vms_done(&vms);

	unlink(backup);
	rmdir(bdir);
	free(emu);
	free(lim);
	free(bdata);
	free(backup);
	free(back);
	free(cur);
	free(why);
	free(xml);
	vd_domain_plan_done(&p);
	vd_findings_done(&fs);
	vd_host_done(&h);
	vd_root_free(root);
	virConnectClose(hold);
	return unit_done("test-vm-libvirt");
}
#else
int main(void)
{
	fprintf(stderr, "test-vm-libvirt: built without libvirt, skipped\n");
	return 77;
}
#endif
