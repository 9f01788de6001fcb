// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-ioapic: Q35 from QEMU 4.0 on splits the irqchip by default, which breaks
 * NVIDIA guests; and <ioapic driver='kvm'/> cannot coexist with an Intel
 * vIOMMU doing interrupt remapping. */
#include <string.h>

#include "../vm-check.h"

static void conflict_fixes(struct vd_finding *f, const struct vd_vm *vm)
{
	/* libvirt: "IOMMU interrupt remapping requires split I/O APIC"
	 * (measured with libvirt 9.0 / QEMU 7.2); eim needs intremap. */
	if (vd_vm_is_libvirt(vm)) {
		vd_vm_fix_xml(f, VD_OP_REMOVE, "/domain/devices/iommu/driver/@intremap", NULL);
		if (vm->iommu_eim == VD_ON)
			vd_vm_fix_xml(f, VD_OP_REMOVE, "/domain/devices/iommu/driver/@eim", NULL);
	} else {
		vd_vm_fix_qemu(f, VD_OP_SET, "-device intel-iommu", "intremap=off,eim=off");
	}
}

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	const struct vd_pci_dev *gpu = NULL;
	const struct vd_vm_hostdev *hd = vd_vm_gpu(h, vm, true, &gpu);
	bool kvm_irqchip = (vm->ioapic_driver && strcmp(vm->ioapic_driver, "kvm") == 0) || vm->irqchip == VD_IRQCHIP_ON;
	bool intremap = vm->iommu_model && strcmp(vm->iommu_model, "intel") == 0 && vm->iommu_intremap == VD_ON;
	unsigned ma, mi;
	struct vd_finding *f;

	if (kvm_irqchip && intremap) {
		f = vd_vm_finding(out, c, vm, VD_FAIL,
				  "The VM asks for the full KVM irqchip (ioapic driver kvm / kernel_irqchip=on) and for an "
				  "Intel vIOMMU with interrupt remapping, which needs the split irqchip: libvirt and QEMU "
				  "refuse to start it.");
		vd_vm_evidence(f, vm, "/domain/features/ioapic/@driver", "%s", vm->ioapic_driver ? vm->ioapic_driver : "(kernel_irqchip=on)");
		vd_vm_evidence(f, vm, "/domain/devices/iommu/driver/@intremap", "on");
		vd_finding_hint(f, "Keep the KVM irqchip the GPU needs and turn interrupt remapping (and eim) off in the vIOMMU.");
		conflict_fixes(f, vm);
		return;
	}
	if (!hd) {
		vd_vm_finding(out, c, vm, VD_PASS, "No NVIDIA GPU is passed to this VM.");
		return;
	}
	if (!vm->q35) {
		vd_vm_finding(out, c, vm, VD_PASS, "Machine type %s is i440fx: its kernel_irqchip default did not change.",
			      vm->machine ? vm->machine : "pc");
		return;
	}
	bool known = vd_vm_machine_version(vm, &ma, &mi);
	if (known && ma < 4) {
		vd_vm_finding(out, c, vm, VD_PASS, "Machine type %s predates QEMU 4.0's split irqchip default.", vm->machine);
		return;
	}
	if (kvm_irqchip) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "The VM uses the full KVM irqchip (ioapic driver kvm / kernel_irqchip=on).");
		vd_vm_evidence(f, vm, "/domain/features/ioapic/@driver", "kvm");
		return;
	}
	_cleanup_free_ char *label = vd_pci_label(gpu);
	f = vd_vm_finding(out, c, vm, VD_WARN,
			  "Q35 machine %s%s splits the irqchip (QEMU 4.0 changed the default from off to split), which "
			  "breaks NVIDIA graphics: driver fails to load, code 43, black screen or stutter. %s (%s) is "
			  "passed to this VM.",
			  vm->machine, known ? "" : " (version unknown, taken as QEMU 4.0 or later)", gpu->name, label);
	vd_vm_evidence(f, vm, "/domain/os/type/@machine", "%s", vm->machine);
	vd_vm_evidence(f, vm, "/domain/features/ioapic", "%s", vm->ioapic_driver ? vm->ioapic_driver : "absent");
	vd_finding_hint(f, "Switch to the full KVM irqchip: <ioapic driver='kvm'/> under <features> (libvirt) or "
			   "kernel_irqchip=on in -machine (QEMU).");
	if (vd_vm_is_libvirt(vm)) {
		if (vd_vm_libvirt_at_least(vm, VD_LV_IOAPIC, true)) {
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/features/ioapic/@driver", "kvm");
		} else {
			/* <ioapic> needs libvirt 3.4.0; QEMU merges repeated -machine options. */
			vd_vm_fix_xml(f, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", "-machine\nkernel_irqchip=on");
		}
	} else {
		vd_vm_fix_qemu(f, VD_OP_ADD, "-machine", "kernel_irqchip=on");
	}
	if (intremap)
		conflict_fixes(f, vm);
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_ioapic = {
	.id = "vm-ioapic",
	.title = "Q35 irqchip for NVIDIA GPUs (QEMU 4.0)",
	.section = "QEMU 4.0: Unable to load graphics drivers/BSOD/Graphics stutter after driver install using Q35",
	.explain = "Starting with QEMU 4.0, the Q35 machine type changes the default kernel_irqchip from off to "
		   "split, which breaks some guest devices such as NVIDIA graphics: the driver fails to load, black "
		   "screen, code 43, or stutter when the mouse moves. The fix is the full KVM irqchip: "
		   "<ioapic driver='kvm'/> under <features> (libvirt >= 3.4.0) or kernel_irqchip=on in -machine. An "
		   "Intel vIOMMU with interrupt remapping (intremap, and eim which needs it) requires the split "
		   "irqchip, so the two cannot be combined: libvirt rejects the domain (\"IOMMU interrupt remapping "
		   "requires split I/O APIC\") and so does QEMU; the fix turns remapping off.",
	.looks_at = "Machine type and its version (an unversioned q35 through the QEMU version), <ioapic>, "
		    "-machine kernel_irqchip, the PCI host devices and their vendor on the host, <iommu> intremap/eim.",
	.fixes = "Domain XML: /domain/features/ioapic/@driver = kvm (older libvirt: -machine kernel_irqchip=on "
		 "through <qemu:commandline>), and intremap/eim removed when an Intel vIOMMU has them; QEMU: "
		 "-machine kernel_irqchip=on.",
	.run = run,
	.per_vm = true,
};
