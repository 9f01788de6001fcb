// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-qemu-namespace: a <qemu:commandline> needs the qemu namespace declared
 * on <domain>, or libvirt rejects (undeclared prefix) or ignores it. */
#include "../vm-check.h"

static void check_vm(const struct vd_check *c, const struct vd_host *h _unused_, const struct vd_vm *vm,
		     struct vd_findings *out)
{
	struct vd_finding *f;

	if (!vd_vm_is_libvirt(vm)) {
		vd_vm_finding(out, c, vm, VD_PASS, "A QEMU command line has no domain XML namespace to declare.");
		return;
	}
	if (!vm->qemu_commandline) {
		vd_vm_finding(out, c, vm, VD_PASS, "The domain has no <qemu:commandline>.");
		return;
	}
	if (vm->qemu_ns_ok) {
		vd_vm_finding(out, c, vm, VD_PASS, "<qemu:commandline> is in the qemu namespace declared on <domain>.");
		return;
	}
	f = vd_vm_finding(out, c, vm, VD_FAIL,
			  "The domain has a <qemu:commandline>, but %s: libvirt rejects the XML or silently drops the "
			  "arguments.", vm->qemu_ns_problem ? vm->qemu_ns_problem : "its namespace is wrong");
	vd_vm_evidence(f, vm, "/domain/@xmlns:qemu", "%s", vm->qemu_ns_problem ? vm->qemu_ns_problem : "?");
	vd_finding_hint(f, "Declare the namespace on the root element: <domain type='kvm' xmlns:qemu='" VD_QEMU_NS "'>.");
	vd_vm_fix_xml(f, VD_OP_SET, "/domain/@xmlns:qemu", VD_QEMU_NS);
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_qemu_namespace = {
	.id = "vm-qemu-namespace",
	.title = "qemu namespace for <qemu:commandline>",
	.section = "\"Error 43: Driver failed to load\" with mobile (Optimus/max-q) NVIDIA GPUs",
	.explain = "QEMU arguments in a libvirt domain live in <qemu:commandline>, an element of the namespace "
		   "http://libvirt.org/schemas/domain/qemu/1.0. The page warns to declare it on the <domain> tag, "
		   "\"otherwise the XML verification will fail\": with the prefix undeclared libvirt's XML parser "
		   "rejects the whole file, and with another URI libvirt does not recognise the element and drops "
		   "the arguments without a word.",
	.looks_at = "The <qemu:commandline> element of the domain XML and the namespace its prefix resolves to.",
	.fixes = "Domain XML: declare xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' on <domain>.",
	.run = run,
	.per_vm = true,
};
