// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-viommu: an Intel vIOMMU whose address width exceeds the host IOMMU's
 * ("Failed to set vIOMMU: aw-bits X > host aw-bits Y"), or without
 * caching mode, which VFIO needs. */
#include <stdio.h>
#include <string.h>

#include "../vm-check.h"

/* QEMU raised the intel-iommu default from 39 to 48 bits in 9.2 (commit
 * ddd84fd0c1), keeping 39 for older machine types. */
static unsigned default_aw(const struct vd_vm *vm)
{
	unsigned ma, mi;
	if (vd_vm_machine_version(vm, &ma, &mi))
		return ma > 9 || (ma == 9 && mi >= 2) ? 48 : 39;
	return 48; /* an unversioned machine on a current QEMU */
}

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	struct vd_finding *f;

	if (!vm->iommu_model || strcmp(vm->iommu_model, "intel") != 0) {
		vd_vm_finding(out, c, vm, VD_PASS, "The VM has no Intel vIOMMU.");
		return;
	}
	unsigned w = vd_iommu_width(&h->iommu);
	unsigned aw = vm->iommu_aw_bits > 0 ? (unsigned)vm->iommu_aw_bits : default_aw(vm);
	bool too_wide = w && aw > w;
	bool no_cm = vm->nhostdev && vm->iommu_caching_mode != VD_ON;
	if (!w && !no_cm) {
		f = vd_vm_finding(out, c, vm, VD_UNKNOWN, "The host IOMMU's address width is unknown (no Intel cap or AMD "
			      "features register readable), so the vIOMMU's %u bits cannot be compared.", aw);
		vd_finding_evidence(f, "/sys/class/iommu", "%zu units", h->iommu.nunits);
		return;
	}
	if (!too_wide && !no_cm) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "The Intel vIOMMU's %u-bit address width fits the host's %u bits.", aw, w);
		vd_vm_evidence(f, vm, "/domain/devices/iommu/driver/@aw_bits", "%u%s", aw, vm->iommu_aw_bits > 0 ? "" : " (default)");
		return;
	}
	if (too_wide)
		f = vd_vm_finding(out, c, vm, VD_FAIL,
				  "The Intel vIOMMU uses %u-bit addresses%s but the host IOMMU handles %u: QEMU refuses "
				  "the passed devices with \"Failed to set vIOMMU: aw-bits %u > host aw-bits %u\".",
				  aw, vm->iommu_aw_bits > 0 ? "" : " (QEMU's default for this machine type)", w, aw, w);
	else
		f = vd_vm_finding(out, c, vm, VD_FAIL,
				  "The Intel vIOMMU has caching mode off, but the VM passes PCI devices: QEMU refuses "
				  "device assignment without caching-mode=on.");
	vd_vm_evidence(f, vm, "/domain/devices/iommu/driver", "aw_bits %u%s, caching_mode %s", aw,
		       vm->iommu_aw_bits > 0 ? "" : " (default)", vm->iommu_caching_mode == VD_ON ? "on" : "off");
	if (w)
		vd_finding_evidence(f, "/sys/class/iommu", "host IOMMU address width %u bits", w);
	unsigned nw = vd_viommu_aw_bits(w);
	if (nw > aw)
		nw = aw;
	vd_finding_hint(f, "Set caching_mode='on' and aw_bits='%u' on the vIOMMU's <driver>. Leave intremap off when "
			   "the VM needs <ioapic driver='kvm'/> (see vm-ioapic).", nw);
	char v[96];
	if (vd_vm_is_libvirt(vm)) {
		if (vd_vm_libvirt_at_least(vm, VD_LV_AW_BITS, true)) {
			snprintf(v, sizeof(v), "caching_mode='on' aw_bits='%u'", nw);
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/devices/iommu[@model='intel']/driver", v);
		} else {
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/devices/iommu[@model='intel']/driver/@caching_mode", "on");
			snprintf(v, sizeof(v), "-global\nintel-iommu.aw-bits=%u", nw);
			vd_vm_fix_xml(f, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", v);
		}
	} else {
		snprintf(v, sizeof(v), "caching-mode=on,aw-bits=%u", nw);
		vd_vm_fix_qemu(f, VD_OP_SET, "-device intel-iommu", v);
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_viommu = {
	.id = "vm-viommu",
	.title = "vIOMMU address width (aw-bits)",
	.section = "vIOMMU: Failed to set vIOMMU: aw-bits X > host aw-bits Y",
	.explain = "A VM with an emulated Intel IOMMU and passed devices fails to start with \"Failed to set vIOMMU: "
		   "aw-bits 48 > host aw-bits 39\" when the vIOMMU's address width exceeds the host IOMMU's. QEMU 9.2 "
		   "raised the default from 39 to 48 bits (older machine types keep 39), and compares it with the "
		   "host's (QEMU commit 77f6efc0ab). The page adds caching_mode='on' aw_bits='N' to the <iommu> "
		   "<driver> (aw_bits since libvirt 6.5.0); VFIO with an Intel vIOMMU needs caching mode anyway. The "
		   "host's width comes from the VT-d capability register (MGAW) or the AMD IOMMU's HATS field.",
	.looks_at = "<iommu model='intel'> and its <driver> (aw_bits, caching_mode), -device intel-iommu, the "
		    "machine type version, the host IOMMU units' cap/features registers.",
	.fixes = "Domain XML /domain/devices/iommu[@model='intel']/driver caching_mode='on' aw_bits='39|48'; QEMU: "
		 "-device intel-iommu,caching-mode=on,aw-bits=N.",
	.run = run,
	.per_vm = true,
};
