// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-battery: the NVIDIA driver of a mobile GPU wants a battery; a laptop
 * host passing an NVIDIA GPU needs an ACPI battery table in the VM. */
#include <string.h>

#include "../vm-check.h"

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	const struct vd_pci_dev *gpu = NULL;
	struct vd_finding *f;

	if (!vd_vm_gpu(h, vm, true, &gpu)) {
		vd_vm_finding(out, c, vm, VD_PASS, "No NVIDIA GPU is passed to this VM.");
		return;
	}
	if (!vd_machine_is_laptop(&h->machine)) {
		vd_vm_finding(out, c, vm, VD_PASS, "The host is not a laptop (chassis %s, no system battery): its NVIDIA GPU "
			      "is not a mobile one.", vd_chassis_name(h->machine.chassis_type));
		return;
	}
	if (vm->acpitables && vm->acpitables[0]) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "The VM adds an ACPI table (%s); make sure it is the battery SSDT.",
				  vm->acpitables[0]);
		vd_vm_evidence(f, vm, "-acpitable", "%s", vm->acpitables[0]);
		return;
	}
	_cleanup_free_ char *label = vd_pci_label(gpu);
	f = vd_vm_finding(out, c, vm, VD_FAIL,
			  "A laptop passes its NVIDIA GPU %s (%s) to a VM without a battery: the NVIDIA driver checks the "
			  "power supply and fails with Error 43 when there is none, and neither libvirt nor QEMU "
			  "simulates one.",
			  gpu->name, label);
	vd_finding_evidence(f, "/sys/class/dmi/id/chassis_type", "%d (%s)%s%s", h->machine.chassis_type,
			    vd_chassis_name(h->machine.chassis_type), h->machine.battery ? ", battery " : "",
			    h->machine.battery ? h->machine.battery_name : "");
	vd_vm_evidence(f, vm, "-acpitable", "absent");
	vd_finding_hint(f, "Generate the battery SSDT and add it to the VM with -acpitable (through <qemu:commandline> "
			   "for libvirt, which also needs the qemu namespace declared on <domain>).");
	vd_finding_fix(f, VD_FIX_COMMAND, VD_OP_ADD, NULL, "vfio-doctor ssdt battery -o " VD_SSDT_BATTERY_PATH);
	if (vd_vm_is_libvirt(vm))
		vd_vm_fix_xml(f, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", "-acpitable\nfile=" VD_SSDT_BATTERY_PATH);
	else
		vd_vm_fix_qemu(f, VD_OP_ADD, "-acpitable", "file=" VD_SSDT_BATTERY_PATH);
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_battery = {
	.id = "vm-battery",
	.title = "Battery for a mobile NVIDIA GPU (Error 43)",
	.section = "\"Error 43: Driver failed to load\" with mobile (Optimus/max-q) NVIDIA GPUs",
	.explain = "The NVIDIA driver of mobile (Optimus/Max-Q) GPUs checks the status of the power supply; without "
		   "a battery it does not work (Error 43, reduced resolution, the control panel refusing to open). "
		   "Neither libvirt nor QEMU simulates a battery, so the page adds a custom ACPI table (SSDT1.dat) "
		   "with QEMU's -acpitable, in libvirt through <qemu:commandline> with the qemu namespace declared. "
		   "vfio-doctor treats a laptop host (portable SMBIOS chassis type, or a system battery) passing an "
		   "NVIDIA GPU as this case.",
	.looks_at = "SMBIOS chassis type, power supplies of type Battery (not a device's own), the PCI host devices "
		    "and their vendor on the host, -acpitable arguments (command line or <qemu:commandline>).",
	.fixes = "Generate the SSDT (vfio-doctor ssdt battery -o " VD_SSDT_BATTERY_PATH ") and add -acpitable "
		 "file=" VD_SSDT_BATTERY_PATH " (domain XML: <qemu:commandline> plus the namespace).",
	.run = run,
	.per_vm = true,
};
