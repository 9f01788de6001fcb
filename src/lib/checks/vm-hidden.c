// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-hidden: hypervisor hiding for Windows guests with NVIDIA GPUs, which
 * NVIDIA drivers before R465 need (Code 43 otherwise). Information only. */
#include <stdio.h>

#include "../vm-check.h"

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	const struct vd_pci_dev *gpu = NULL;
	struct vd_finding *f;

	if (!vd_vm_gpu(h, vm, true, &gpu) || !vm->windows) {
		vd_vm_finding(out, c, vm, VD_PASS, "Not a Windows guest with an NVIDIA GPU.");
		return;
	}
	bool hidden = vm->kvm_hidden == VD_ON, vendor = vm->hv_vendor_id == VD_ON;
	f = vd_vm_finding(out, c, vm, VD_INFO,
			  "Windows guest with an NVIDIA GPU: KVM is %s and the Hyper-V vendor ID is %s. NVIDIA drivers "
			  "before R465 stop with Code 43 when they see a hypervisor; R465 and later allow it.",
			  hidden ? "hidden" : "visible", vendor ? "set" : "the default");
	vd_vm_evidence(f, vm, "/domain/features/kvm/hidden/@state", "%s", hidden ? "on" : "absent or off");
	vd_vm_evidence(f, vm, "/domain/features/hyperv/vendor_id", "%s", vendor ? vm->hv_vendor_id_value : "absent");
	if (hidden && vendor)
		return;
	vd_finding_hint(f, "Only for drivers older than R465: hide KVM and set a Hyper-V vendor ID.");
	if (vd_vm_is_libvirt(vm)) {
		if (!hidden)
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/features/kvm/hidden/@state", "on");
		if (!vendor)
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/features/hyperv/vendor_id", "state='on' value='0123456789ab'");
	} else {
		vd_vm_fix_qemu(f, VD_OP_SET, "-cpu", hidden ? "hv-vendor-id=0123456789ab" : vendor ? "kvm=off" : "kvm=off,hv-vendor-id=0123456789ab");
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_hidden = {
	.id = "vm-hidden",
	.title = "Hypervisor hiding for NVIDIA (drivers before R465)",
	.section = "\"Error 43: Driver failed to load\" (NVIDIA consumer drivers before R465)",
	.explain = "NVIDIA's consumer drivers before R465 (April 2021) refused to run when they detected a "
		   "hypervisor and reported Code 43; the usual workaround hides KVM's signature (<kvm><hidden "
		   "state='on'/></kvm>, QEMU -cpu kvm=off) and sets a Hyper-V vendor ID (<vendor_id state='on' "
		   "value='...'/>, -cpu hv_vendor_id=...). R465 and later allow VMs officially, so this is reported "
		   "as information for Windows guests with NVIDIA GPUs, not as a failure.",
	.looks_at = "libosinfo OS id or Hyper-V enlightenments (Windows), <kvm><hidden>, <hyperv><vendor_id>, "
		    "-cpu kvm=off / hv_vendor_id, the vendor of the passed GPU.",
	.fixes = "Domain XML: /domain/features/kvm/hidden/@state = on, /domain/features/hyperv/vendor_id; QEMU: "
		 "-cpu ...,kvm=off,hv-vendor-id=....",
	.run = run,
	.per_vm = true,
};
