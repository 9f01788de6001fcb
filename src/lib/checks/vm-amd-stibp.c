// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-amd-stibp: host-passthrough on a Zen 2 host with Linux 5.5-5.8.1 and
 * QEMU >= 5.0 boot-loops Windows 10 (KERNEL SECURITY CHECK FAILURE) unless
 * amd-stibp is disabled. */
#include <string.h>

#include "../vm-check.h"

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	const struct vd_kernel *k = &h->kernel;
	struct vd_finding *f;

	if (vd_cpu_amd_zen(&h->cpu) != 2) {
		vd_vm_finding(out, c, vm, VD_PASS, "The host CPU is not an AMD Zen 2: STIBP does not matter here.");
		return;
	}
	/* Fixed in 5.8.2; first seen with kernels newer than 5.4. */
	if (!k->release || !vd_kernel_at_least(k, 5, 5, 0) || vd_kernel_at_least(k, 5, 8, 2)) {
		vd_vm_finding(out, c, vm, VD_PASS, "Host kernel %s is outside 5.5 to 5.8.1, where disabling STIBP was needed.",
			      k->release ? k->release : "(unknown)");
		return;
	}
	if (!vd_vm_cpu_host(vm)) {
		vd_vm_finding(out, c, vm, VD_PASS, "The VM's CPU mode is %s, not host-passthrough.", vm->cpu_mode ? vm->cpu_mode : "default");
		return;
	}
	if (vm->qemu_version && vm->qemu_version < VD_VERSION_NUM(5, 0, 0)) {
		vd_vm_finding(out, c, vm, VD_PASS, "QEMU is older than 5.0, which started passing amd-stibp.");
		return;
	}
	if (vm->amd_stibp == VD_OFF) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "amd-stibp is disabled for this host-passthrough CPU.");
		vd_vm_evidence(f, vm, "/domain/cpu/feature[@name='amd-stibp']/@policy", "disable");
		return;
	}
	f = vd_vm_finding(out, c, vm, VD_FAIL,
			  "Zen 2 host (%s) with kernel %s and a host-passthrough CPU: since QEMU 5.0 Windows 10 guests "
			  "boot-loop with KERNEL SECURITY CHECK FAILURE unless STIBP is disabled.",
			  h->cpu.model_name ? h->cpu.model_name : "family 23", k->release);
	vd_finding_evidence(f, "/proc/cpuinfo", "family %d model %d", h->cpu.family, h->cpu.model);
	vd_finding_evidence(f, "/proc/sys/kernel/osrelease", "%s", k->release);
	vd_vm_evidence(f, vm, "/domain/cpu/@mode", "host-passthrough");
	vd_finding_hint(f, "Best: update the host kernel to 5.8.2 or later. Otherwise disable amd-stibp in the VM's "
			   "CPU (libvirt >= 6.5; older libvirt: host-model CPU mode).");
	vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "host kernel", "5.8.2 or later (no STIBP workaround needed)");
	if (vd_vm_is_libvirt(vm)) {
		/* The page's order: feature policy from libvirt 6.5, host-model on 6.4 and older. */
		if (vd_vm_libvirt_at_least(vm, VD_LV_FEATURE_STIBP, true))
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/cpu/feature[@name='amd-stibp']/@policy", "disable");
		else
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/cpu/@mode", "host-model");
	} else {
		vd_vm_fix_qemu(f, VD_OP_SET, "-cpu", "amd-stibp=off");
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_amd_stibp = {
	.id = "vm-amd-stibp",
	.title = "STIBP on Zen 2 with host-passthrough (QEMU 5.0)",
	.section = "QEMU 5.0: host-passthrough with kernel version 5.5 to 5.8.1 when using Zen 2 processors: Windows 10 "
		   "BSOD loop 'KERNEL SECURITY CHECK FAILURE'",
	.explain = "Starting with QEMU 5.0, VMs running on Zen 2 with host kernels newer than 5.4 boot-loop Windows "
		   "10 with KERNEL SECURITY CHECK FAILURE. Kernel 5.8.2 fixed it. Otherwise disable STIBP: "
		   "<feature policy='disable' name='amd-stibp'/> in a host-passthrough <cpu> (libvirt 6.5 or later); "
		   "on older libvirt switch the CPU mode to host-model (works only on libvirt 6.4 or lower), or "
		   "add amd-stibp=off to QEMU's -cpu flags. Zen 2 is AMD family 0x17 models 0x30-0x4f, 0x60-0x7f, "
		   "0x90-0x91, 0xa0-0xaf (Linux arch/x86/kernel/cpu/amd.c).",
	.looks_at = "Host CPU family/model (/proc/cpuinfo), kernel release, the VM's CPU mode and features, "
		    "-cpu flags, QEMU and libvirt versions.",
	.fixes = "Update the kernel; domain XML /domain/cpu/feature[@name='amd-stibp']/@policy = disable (libvirt "
		 ">= 6.5) or /domain/cpu/@mode = host-model; QEMU -cpu ...,amd-stibp=off.",
	.run = run,
	.per_vm = true,
};
