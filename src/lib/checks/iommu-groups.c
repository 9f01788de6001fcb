// SPDX-License-Identifier: GPL-2.0-or-later
/* iommu-groups: the kernel put PCI functions into IOMMU groups. */
#include "check.h"

/* Functions the IOMMU never groups and nobody passes: host bridges (the AMD
 * root complex at 00:00.0) and the IOMMU itself (class 0806; Linux
 * drivers/iommu/amd/init.c keeps it out of translation). */
static bool exempt(const struct vd_pci_dev *d)
{
	return (d->class24 >> 8) == 0x0600 || (d->class24 >> 8) == 0x0806;
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_iommu *io = &h->iommu;
	struct vd_finding *f;
	size_t ungrouped = 0;
	const char *example = NULL;

	if (io->groups_err && io->groups_err != -ENOENT) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "Could not list IOMMU groups: %s.",
				   vd_errno_reason(io->groups_err));
		vd_finding_evidence(f, "/sys/kernel/iommu_groups", "%s", vd_errno_reason(io->groups_err));
		return;
	}
	if (io->ngroups == 0) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "There are no IOMMU groups, so vfio-pci has nothing to hand to a VM: every "
				   "passthrough device must sit in a group%s.",
				   io->nunits ? "" : " and groups exist only while the IOMMU is on (see iommu-enabled)");
		vd_finding_evidence(f, "/sys/kernel/iommu_groups", "%s",
				    io->groups_err ? vd_errno_reason(io->groups_err) : "empty");
		return;
	}
	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.dev[i].iommu_group < 0 && !exempt(&h->pci.dev[i])) {
			ungrouped++;
			if (!example)
				example = h->pci.dev[i].name;
		}
	if (ungrouped) {
		f = vd_finding_add(out, c, VD_WARN, NULL,
				   "%zu IOMMU groups exist, but %zu PCI function%s belong%s to none (for example %s): "
				   "such a function cannot be passed through.",
				   io->ngroups, ungrouped, ungrouped == 1 ? "" : "s", ungrouped == 1 ? "s" : "", example);
		_cleanup_free_ char *p = vd_xasprintf("/sys/bus/pci/devices/%s/iommu_group", example);
		vd_finding_evidence(f, p, "not present");
	} else {
		f = vd_finding_add(out, c, VD_PASS, NULL, "%zu IOMMU groups hold all %zu PCI functions.", io->ngroups,
				   h->pci.n);
	}
	vd_finding_evidence(f, "/sys/kernel/iommu_groups", "%zu groups", io->ngroups);
}

const struct vd_check vd_check_iommu_groups = {
	.id = "iommu-groups",
	.title = "IOMMU groups",
	.section = "Prerequisites (assumed by the page): IOMMU groups",
	.explain = "An IOMMU group is the smallest set of devices the IOMMU can isolate from the rest of the system; "
		   "VFIO assigns whole groups, never single functions. Groups appear under /sys/kernel/iommu_groups "
		   "once the IOMMU is on. A function outside every group cannot be given to a VM.",
	.looks_at = "/sys/kernel/iommu_groups, the iommu_group link of every PCI function.",
	.fixes = "None of its own: groups follow from enabling the IOMMU (iommu-enabled).",
	.run = run,
};
