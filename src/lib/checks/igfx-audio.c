// SPDX-License-Identifier: GPL-2.0-or-later
/* igfx-audio: HDMI audio of a host Intel iGPU under intel_iommu=on. */
#include "check.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_pci_dev *igpu = NULL;
	struct vd_finding *f;

	for (size_t i = 0; i < h->pci.n && !igpu; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		/* Intel integrated graphics sit at 00:02.0 */
		if (d->vendor == 0x8086 && vd_pci_is_gpu(d) && d->bus == 0 && d->dev == 2 && vd_gpu_role(d) == VD_GPU_HOST)
			igpu = d;
	}
	if (!igpu || !vd_cmdline_has_opt(&h->kernel.cmdline, "intel_iommu", "on")) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   igpu ? "intel_iommu=on is not on the command line, so the iGPU is not affected."
					: "No Intel integrated GPU drives the host.");
		vd_finding_evidence(f, "/proc/cmdline", "%s", h->kernel.cmdline_raw ? h->kernel.cmdline_raw : "");
		return;
	}
	if (vd_cmdline_has_opt(&h->kernel.cmdline, "intel_iommu", "igfx_off")) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "intel_iommu has igfx_off: the iGPU is outside the IOMMU.");
		vd_finding_evidence(f, "/proc/cmdline", "intel_iommu=%s", vd_cmdline_last(&h->kernel.cmdline, "intel_iommu")->value);
		return;
	}
	_cleanup_free_ char *label = vd_pci_label(igpu);
	f = vd_finding_add(out, c, VD_INFO, igpu->name,
			   "The host drives its Intel iGPU %s (%s) with the IOMMU on: if its HDMI audio stopped "
			   "working after enabling intel_iommu, intel_iommu=on,igfx_off brings it back by leaving "
			   "the iGPU out of the IOMMU.",
			   igpu->name, label);
	vd_evidence_dev(f, igpu, NULL);
	vd_finding_evidence(f, "/proc/cmdline", "intel_iommu=%s", vd_cmdline_last(&h->kernel.cmdline, "intel_iommu")->value);
	vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "intel_iommu", "igfx_off");
}

const struct vd_check vd_check_igfx_audio = {
	.id = "igfx-audio",
	.title = "Intel iGPU HDMI audio with intel_iommu",
	.section = "No HDMI audio output on host when intel_iommu is enabled",
	.explain = "If the host's Intel GPU loses its HDMI audio device after intel_iommu is enabled, the kernel "
		   "parameters intel_iommu=on,igfx_off might bring it back: igfx_off keeps the integrated graphics "
		   "out of the IOMMU (Documentation/x86/intel-iommu.rst, \"Graphics Problems?\"). The iGPU cannot "
		   "be passed through then, which is fine when it drives the host.",
	.looks_at = "An Intel GPU at 00:02.0 with a host driver, intel_iommu options on /proc/cmdline.",
	.fixes = "Add igfx_off to intel_iommu (merged: intel_iommu=on,igfx_off).",
	.run = run,
};
