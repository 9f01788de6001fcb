// SPDX-License-Identifier: GPL-2.0-or-later
/* kvm: /dev/kvm exists and the vendor KVM module is loaded or built in. */
#include <string.h>
#include <sys/stat.h>

#include "check.h"

static const char *state_name(enum vd_mod_state s)
{
	switch (s) {
	case VD_MOD_LOADED:
		return "loaded";
	case VD_MOD_BUILTIN:
		return "built into the kernel";
	case VD_MOD_ABSENT:
		return "not loaded";
	case VD_MOD_UNKNOWN:
		break;
	}
	return "unknown";
}

static void module_evidence(struct vd_finding *f, const struct vd_host *h, const char *name)
{
	const struct vd_modinfo *m = vd_host_module(h, name);
	const char *src = h->kernel.modules_err == 0 ? "/proc/modules" : "/sys/module";
	if (m)
		vd_finding_evidence(f, src, "%s: %s", name, state_name(m->state));
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_kernel *k = &h->kernel;
	const char *vmod = h->cpu.vendor == VD_CPU_AMD ? "kvm_amd" : h->cpu.vendor == VD_CPU_INTEL ? "kvm_intel" : NULL;
	const struct vd_modinfo *m = vmod ? vd_host_module(h, vmod) : NULL;
	bool virt = vd_cpu_has_flag(&h->cpu, "vmx") || vd_cpu_has_flag(&h->cpu, "svm");
	struct vd_finding *f;

	if (k->kvm_err == 0 && k->kvm_chr) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "/dev/kvm is present (%s: %s).", vmod ? vmod : "KVM",
				   m ? state_name(m->state) : "no vendor module for this CPU");
		vd_finding_evidence(f, "/dev/kvm", "character device 10:232, mode %04o", k->kvm_mode & 07777);
		if (vmod)
			module_evidence(f, h, vmod);
		return;
	}
	if (k->kvm_err == 0) {
		f = vd_finding_add(out, c, VD_WARN, NULL,
				   "/dev/kvm exists but is not the KVM character device (10:232): QEMU will fail to "
				   "open it.");
		vd_finding_evidence(f, "/dev/kvm", "mode %06o", (unsigned)k->kvm_mode);
		vd_finding_hint(f, "Remove the stray file; udev recreates /dev/kvm when the KVM module loads.");
		return;
	}
	if (k->kvm_err != -ENOENT) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "Could not look at /dev/kvm: %s.",
				   vd_errno_reason(k->kvm_err));
		vd_finding_evidence(f, "/dev/kvm", "%s", vd_errno_reason(k->kvm_err));
		return;
	}

	/* /dev/kvm is missing: say which link in the chain is broken. */
	if (!virt) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "/dev/kvm is missing because the CPU does not expose hardware virtualization "
				   "(see cpu-virt).");
	} else if (m && m->state == VD_MOD_ABSENT && m->avail == VD_AVAIL_FILE) {
		f = vd_finding_add(out, c, VD_FAIL, NULL, "/dev/kvm is missing: the %s module is installed but not loaded.",
				   vmod);
		vd_finding_hint(f, "Load it now with 'modprobe %s'; it normally loads at boot by CPU alias.", vmod);
		_cleanup_free_ char *cmd = vd_xasprintf("modprobe %s", vmod);
		vd_finding_fix(f, VD_FIX_COMMAND, VD_OP_ADD, NULL, cmd);
	} else if (m && m->state == VD_MOD_ABSENT) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "/dev/kvm is missing: %s is neither loaded nor built in%s.", vmod,
				   m->avail == VD_AVAIL_NONE ? ", and this kernel has no such module installed" : "");
		vd_finding_hint(f, "Install and boot a kernel with KVM (CONFIG_KVM and %s).",
				h->cpu.vendor == VD_CPU_AMD ? "CONFIG_KVM_AMD" : "CONFIG_KVM_INTEL");
	} else {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "/dev/kvm is missing although %s is %s: udev may not have created the node.",
				   vmod ? vmod : "KVM", m ? state_name(m->state) : "unknown");
		vd_finding_hint(f, "Check 'dmesg | grep -i kvm' for why KVM refused to initialise.");
	}
	vd_finding_evidence(f, "/dev/kvm", "not present");
	if (k->modules_err == -ENOENT)
		vd_finding_evidence(f, "/proc/modules", "not present: this kernel was built without module support");
	if (vmod)
		module_evidence(f, h, vmod);
	if (!virt)
		vd_finding_evidence(f, "/proc/cpuinfo", "flags lack vmx and svm");
}

const struct vd_check vd_check_kvm = {
	.id = "kvm",
	.title = "KVM available (/dev/kvm, kvm_intel / kvm_amd)",
	.section = "Prerequisites (assumed by the page): KVM",
	.explain = "QEMU accelerates guests through /dev/kvm, which appears when the kvm module and its vendor part "
		   "(kvm_intel or kvm_amd) are loaded or built in. Passthrough of a GPU to a guest without KVM is "
		   "not practical: the page's fixes (ignore_msrs, kernel_irqchip, host-passthrough) all assume it.",
	.looks_at = "/dev/kvm (type and device number), /proc/modules and /sys/module (loaded or built in), the "
		    "module index under /lib/modules/<release> (installed), /proc/cpuinfo.",
	.fixes = "Load the vendor module (modprobe kvm_intel / kvm_amd) when it is installed; otherwise explain "
		 "what is missing.",
	.run = run,
};
