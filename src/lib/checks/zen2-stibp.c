// SPDX-License-Identifier: GPL-2.0-or-later
/* zen2-stibp: Zen 2 hosts on Linux 5.5-5.8.1 (the host half of the page's
 * QEMU 5.0 section; the VM half checks the domain's CPU). */
#include "check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_kernel *k = &h->kernel;
	int zen = vd_cpu_amd_zen(&h->cpu);
	bool window = vd_kernel_at_least(k, 5, 5, 0) && !vd_kernel_at_least(k, 5, 8, 2);
	struct vd_finding *f;

	if (zen != 2 || !window) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   zen != 2 ? "Not a Zen 2 CPU." : "Kernel %s is outside 5.5 to 5.8.1.",
				   k->release ? k->release : "?");
		vd_finding_evidence(f, "/proc/cpuinfo", "vendor %s, family %d, model %d", h->cpu.vendor_id ? h->cpu.vendor_id : "?",
				    h->cpu.family, h->cpu.model);
		return;
	}
	f = vd_finding_add(out, c, VD_WARN, NULL,
			   "A Zen 2 CPU on kernel %s: Windows 10 guests with host-passthrough CPUs under QEMU 5.0 or "
			   "later boot-loop with KERNEL SECURITY CHECK FAILURE.",
			   k->release);
	vd_finding_evidence(f, "/proc/cpuinfo", "family %d model %d (Zen 2): %s", h->cpu.family, h->cpu.model,
			    h->cpu.model_name ? h->cpu.model_name : "");
	vd_finding_evidence(f, "/proc/sys/kernel/osrelease", "%s", k->release);
	vd_finding_hint(f, "Update to kernel 5.8.2 or later, or disable amd-stibp in the VM's CPU (libvirt 6.5+: "
			   "<feature policy='disable' name='amd-stibp'/>).");
	vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "kernel", "5.8.2 or later");
}

const struct vd_check vd_check_zen2_stibp = {
	.id = "zen2-stibp",
	.title = "Zen 2 host kernel outside 5.5-5.8.1",
	.section = "QEMU 5.0: host-passthrough with kernel version 5.5 to 5.8.1 when using Zen 2 processors: Windows 10 "
		   "BSOD loop 'KERNEL SECURITY CHECK FAILURE'",
	.explain = "From QEMU 5.0, VMs on Zen 2 hosts running kernels newer than 5.4 hit a Windows 10 BSOD loop "
		   "(KERNEL SECURITY CHECK FAILURE) with host-passthrough. Kernel 5.8.2 fixed it; until then the "
		   "page disables STIBP in the guest CPU (libvirt 6.5+ feature policy, or host-model on libvirt 6.4 "
		   "and older, or amd-stibp=off on QEMU's -cpu). Zen 2 is family 0x17 models 0x30-0x4f, 0x60-0x7f, "
		   "0x90-0x91, 0xa0-0xaf (Linux arch/x86/kernel/cpu/amd.c).",
	.looks_at = "CPU vendor, family and model in /proc/cpuinfo; the kernel release.",
	.fixes = "Kernel 5.8.2 or later (the VM checks fix the domain's CPU).",
	.run = run,
};
