// SPDX-License-Identifier: GPL-2.0-or-later
/* cpu-virt: the CPU exposes hardware virtualization (VT-x or AMD-V). */
#include <string.h>

#include "check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_cpu *cpu = &h->cpu;
	struct vd_finding *f;
	bool vmx = vd_cpu_has_flag(cpu, "vmx"), svm = vd_cpu_has_flag(cpu, "svm");

	if (cpu->err) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "Could not read the CPU's features: /proc/cpuinfo %s.",
				   vd_errno_reason(cpu->err));
		vd_finding_evidence(f, "/proc/cpuinfo", "%s", vd_errno_reason(cpu->err));
		return;
	}
	if (vmx || svm) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "The CPU advertises %s.",
				   vmx ? "vmx (Intel VT-x)" : "svm (AMD-V)");
		vd_finding_evidence(f, "/proc/cpuinfo", "vendor_id %s, flags include %s",
				    cpu->vendor_id ? cpu->vendor_id : "?", vmx ? "vmx" : "svm");
		return;
	}
	const char *want = cpu->vendor == VD_CPU_AMD ? "svm" : "vmx";
	if (vd_host_is_vm(h)) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "This host is itself a virtual machine (CPU flag 'hypervisor') and its hypervisor "
				   "does not pass %s through: KVM cannot start guests here, so nothing can be "
				   "passed through from this machine.",
				   want);
		vd_finding_hint(f, "Run vfio-doctor on the physical host. To nest, the outer host needs nested "
				   "virtualization (kvm_intel nested=1 or kvm_amd nested=1) and this VM a "
				   "host-passthrough CPU model.");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "outer hypervisor",
			       "expose nested virtualization (host-passthrough CPU, kvm nested=1)");
	} else {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "The CPU does not advertise %s: hardware virtualization is disabled in the firmware "
				   "or the CPU lacks it (since Linux 5.6 the kernel hides vmx when the firmware locks "
				   "VT-x off).",
				   want);
		vd_finding_hint(f, "Enable %s in the firmware setup, then cold-boot.",
				cpu->vendor == VD_CPU_AMD ? "SVM Mode (AMD-V)" : "Intel Virtualization Technology (VT-x)");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "firmware setup",
			       cpu->vendor == VD_CPU_AMD ? "SVM Mode: Enabled" : "Intel Virtualization Technology: Enabled");
	}
	vd_finding_evidence(f, "/proc/cpuinfo", "vendor_id %s, model name %s, flags lack vmx and svm%s",
			    cpu->vendor_id ? cpu->vendor_id : "?", cpu->model_name ? cpu->model_name : "?",
			    vd_host_is_vm(h) ? ", flag hypervisor present" : "");
}

const struct vd_check vd_check_cpu_virt = {
	.id = "cpu-virt",
	.title = "CPU hardware virtualization (VT-x / AMD-V)",
	.section = "Prerequisites (assumed by the page): hardware virtualization",
	.explain = "KVM runs guests with the CPU's virtualization extensions: Intel VT-x (cpuinfo flag vmx) or "
		   "AMD-V (flag svm). Every section of the troubleshooting page assumes a working KVM guest; without "
		   "the extensions there is none. Firmware often ships with them disabled, and since Linux 5.6 the "
		   "kernel clears the vmx flag when the firmware has locked VT-x off. Inside a virtual machine the "
		   "flags appear only when the outer hypervisor offers nested virtualization.",
	.looks_at = "/proc/cpuinfo: vendor_id, model name, flags (vmx, svm, hypervisor).",
	.fixes = "Manual: enable VT-x / SVM Mode in the firmware setup, or nested virtualization on the outer "
		 "host.",
	.run = run,
};
