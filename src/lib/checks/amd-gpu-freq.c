// SPDX-License-Identifier: GPL-2.0-or-later
/* amd-gpu-freq: amdgpu on the host throttles a passed-through AMD GPU on laptops. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_modinfo *m = vd_host_module(h, "amdgpu");
	bool loaded = m && (m->state == VD_MOD_LOADED || m->state == VD_MOD_BUILTIN);
	const struct vd_pci_dev *pass = NULL, *host_amd = NULL;
	struct vd_finding *f;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_pci_is_gpu(d) || d->vendor != 0x1002)
			continue;
		if (vd_gpu_role(d) == VD_GPU_PASSTHROUGH)
			pass = pass ? pass : d;
		else if (d->driver && strcmp(d->driver, "amdgpu") == 0)
			host_amd = d;
	}
	if (!pass || !vd_machine_is_laptop(&h->machine) || !loaded) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   !pass ? "No AMD GPU is on vfio-pci."
				   : !vd_machine_is_laptop(&h->machine) ? "Not a laptop: the ATIF frequency limit the page "
									  "describes comes from laptop firmware."
									: "amdgpu is not loaded on the host.");
		vd_finding_evidence(f, "/sys/class/dmi/id/chassis_type", "%d (%s)%s", h->machine.chassis_type,
				    vd_chassis_name(h->machine.chassis_type), h->machine.battery ? ", battery present" : "");
		return;
	}
	_cleanup_free_ char *label = vd_pci_label(pass);
	f = vd_finding_add(out, c, host_amd ? VD_INFO : VD_WARN, pass->name,
			   "%s (%s) is on vfio-pci in a laptop while amdgpu is loaded on the host: amdgpu can call the "
			   "laptop's global ATIF methods and cap the passed GPU's clock (the page's example: 501 MHz "
			   "instead of 1295 MHz).%s",
			   pass->name, label,
			   host_amd ? " The host itself drives an AMD GPU with amdgpu, so blacklisting it is not an option "
				      "here." : "");
	vd_evidence_dev(f, pass, NULL);
	vd_finding_evidence(f, "/proc/modules", "amdgpu loaded");
	vd_finding_evidence(f, "/sys/class/dmi/id/chassis_type", "%d (%s)%s", h->machine.chassis_type,
			    vd_chassis_name(h->machine.chassis_type), h->machine.battery ? ", battery present" : "");
	if (!host_amd)
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "module_blacklist", "amdgpu");
}

const struct vd_check vd_check_amd_gpu_freq = {
	.id = "amd-gpu-freq",
	.title = "No amdgpu on a laptop with a passed AMD GPU",
	.section = "Too-low frequency limit for AMD GPU passed-through to virtual machine",
	.explain = "On some laptops with AMD GPUs, binding the GPU to vfio-pci is not enough: amdgpu on the host "
		   "may still call the firmware's global ATIF methods, which change the GPU's behaviour. The "
		   "page's example is a Dell Precision 7540 whose Radeon Pro WX 3200 was limited to 501 MHz "
		   "instead of 1295 MHz. Blacklisting amdgpu on the kernel command line was the workaround.",
	.looks_at = "AMD GPUs on vfio-pci, amdgpu loaded, laptop evidence (DMI chassis type, a system battery), an "
		    "AMD GPU the host itself drives with amdgpu.",
	.fixes = "Kernel parameter module_blacklist=amdgpu (not offered when the host needs amdgpu).",
	.run = run,
};
