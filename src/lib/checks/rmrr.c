// SPDX-License-Identifier: GPL-2.0-or-later
/* rmrr: devices the platform's RMRR keeps out of a VM. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static bool direct_region(const struct vd_iommu_group *g)
{
	/* reserved_regions type "direct": the RMRR's identity mapping
	 * (Documentation/ABI/testing/sysfs-kernel-iommu_groups). */
	return g && g->reserved_regions && strstr(g->reserved_regions, " direct");
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0, it = 0;
	const struct vd_log_event *e;

	while ((e = vd_klog_next(&h->log, VD_EV_RMRR, &it))) {
		if (!vd_klog_first_for_bdf(&h->log, e))
			continue; /* the same refusal at every VM start */
		const struct vd_pci_dev *d = e->bdf[0] ? vd_pci_find(&h->pci, e->bdf) : NULL;
		_cleanup_free_ char *label = d ? vd_pci_label(d) : vd_xstrdup("?");
		struct vd_finding *f = vd_finding_add(
			out, c, VD_FAIL, e->bdf[0] ? e->bdf : NULL,
			"The IOMMU refuses to give %s (%s) to a VM: the firmware's RMRR (reserved memory region) "
			"demands an identity mapping for it.",
			e->bdf[0] ? e->bdf : "a device", label);
		vd_evidence_log(f, h, e);
		if (d && d->iommu_group >= 0) {
			const struct vd_iommu_group *g = vd_iommu_find_group(&h->iommu, d->iommu_group);
			_cleanup_free_ char *rr = vd_xasprintf("/sys/kernel/iommu_groups/%d/reserved_regions", d->iommu_group);
			if (g && g->reserved_regions)
				vd_finding_evidence(f, rr, "%s", g->reserved_regions);
		}
		vd_finding_hint(f, "The page points to out-of-tree kernel patches that relax the RMRR check (at your "
				   "own risk); otherwise a firmware update or another slot/device.");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "kernel", "a kernel with the relaxed-RMRR patch, or newer firmware");
		n++;
		if (n >= 8)
			break;
	}
	for (size_t i = 0; !n && i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_pci_on_vfio(d) || d->iommu_group < 0)
			continue;
		const struct vd_iommu_group *g = vd_iommu_find_group(&h->iommu, d->iommu_group);
		if (!direct_region(g))
			continue;
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(out, c, VD_WARN, d->name,
						      "%s (%s) is on vfio-pci but its IOMMU group has a firmware-reserved "
						      "direct-mapped region (RMRR): attaching it to a VM may be refused.",
						      d->name, label);
		_cleanup_free_ char *rr = vd_xasprintf("/sys/kernel/iommu_groups/%d/reserved_regions", d->iommu_group);
		vd_finding_evidence(f, rr, "%s", g->reserved_regions);
		n++;
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No RMRR refusals in the logs, and no device on vfio-pci with a "
						      "direct-mapped reserved region.");
		vd_finding_evidence(f, "/sys/kernel/iommu_groups", "no \"direct\" region in a vfio-pci device's group");
	}
}

const struct vd_check vd_check_rmrr = {
	.id = "rmrr",
	.title = "No RMRR conflict",
	.section = "Reserved Memory Region Reporting (RMRR) Conflict",
	.explain = "Some firmware declares Reserved Memory Region Reporting (RMRR) entries for devices, and Intel's "
		   "IOMMU driver then refuses to attach them to a VM: \"Device is ineligible for IOMMU domain attach "
		   "due to platform RMRR requirement. Contact your platform vendor.\" (since Linux 6.5: \"Firmware "
		   "has requested this device have a 1:1 IOMMU mapping\"). The group's reserved_regions lists such "
		   "ranges as \"direct\". The page only offers out-of-tree kernel patches.",
	.looks_at = "RMRR refusal lines in the kernel log (both wordings); reserved_regions of the groups of "
		    "devices on vfio-pci.",
	.fixes = "Manual: a patched kernel or different firmware.",
	.run = run,
};
