// SPDX-License-Identifier: GPL-2.0-or-later
/* pcie-aer: AER errors on devices headed for (or in) a VM. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t nd = 0, it = 0;
	const struct vd_log_event *e;

	while ((e = vd_klog_next(&h->log, VD_EV_AER, &it))) {
		if (!vd_klog_first_for_bdf(&h->log, e) || nd == 8) /* a finding per device, 8 at most */
			continue;
		nd++;
		const struct vd_pci_dev *d = e->bdf[0] ? vd_pci_find(&h->pci, e->bdf) : NULL;
		_cleanup_free_ char *label = d ? vd_pci_label(d) : NULL;
		struct vd_finding *f = vd_finding_add(
			out, c, e->flag ? VD_WARN : VD_INFO, e->bdf[0] ? e->bdf : NULL,
			"%s PCIe errors (AER) reported at %s%s%s%s: passing a PCIe USB hub (such as a GPU's USB-C "
			"controller) or a device behind this port can fail this way.",
			e->word[0] ? e->word : "PCIe", e->bdf[0] ? e->bdf : "a port", label ? " (" : "", label ? label : "",
			label ? ")" : "");
		vd_evidence_log(f, h, e);
		if (d && d->iommu_group >= 0) {
			const struct vd_iommu_group *g = vd_iommu_find_group(&h->iommu, d->iommu_group);
			_cleanup_free_ char *gp = vd_xasprintf("/sys/kernel/iommu_groups/%d/devices", d->iommu_group);
			struct vd_str m = {0};
			for (char **x = g ? g->devices : NULL; x && *x; x++)
				vd_str_addf(&m, "%s%s", m.len ? " " : "", *x);
			vd_finding_evidence(f, gp, "%s", m.s ? m.s : "");
			vd_str_done(&m);
		}
		vd_finding_evidence(f, "kernel log", "%zu AER lines", h->log.count[VD_EV_AER]);
		vd_finding_hint(f, "The page offers no cure: pass the device behind a different port, or leave the hub "
				   "with the host.");
	}
	if (!nd) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL, "No AER errors in the logs read.");
		vd_finding_evidence(f, h->log.nsrc ? h->log.src[0].path : "kernel log", "%s",
				    h->log.kernel_log ? "scanned" : "not read");
	}
}

const struct vd_check vd_check_pcie_aer = {
	.id = "pcie-aer",
	.title = "PCIe AER errors",
	.section = "AER errors when passing through PCIe USB hub",
	.explain = "Passing through a PCIe USB hub, such as the one on a guest GPU, can fail with Advanced Error "
		   "Reporting errors on the port above it (\"pcieport 0000:00:01.1: AER: Uncorrected (Non-Fatal) "
		   "error received\", \"[20] UnsupReq (First)\"). The page describes the symptom without a general "
		   "fix; vfio-doctor ties the messages to the device and its IOMMU group so the right hub or port "
		   "can be left out.",
	.looks_at = "AER lines in the kernel log (all four wordings since 4.x), the reporting port and its IOMMU "
		    "group.",
	.fixes = "None automatic.",
	.run = run,
};
