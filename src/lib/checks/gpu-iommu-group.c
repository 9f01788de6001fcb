// SPDX-License-Identifier: GPL-2.0-or-later
/* gpu-iommu-group: each passthrough (or candidate) GPU's IOMMU group holds
 * nothing but the card's own functions and bridges. */
#include <string.h>

#include "check.h"
#include "gpu.h"

/* Why the group is wide: bridges above the card without ACS, which is what
 * makes the kernel merge everything below them (drivers/pci/quirks.c,
 * pci_acs_enabled). */
static void acs_evidence(struct vd_finding *f, const struct vd_host *h, const struct vd_pci_dev *d)
{
	for (int p = d->parent; p >= 0; p = h->pci.dev[p].parent) {
		const struct vd_pci_dev *b = &h->pci.dev[p];
		if (!b->caps.known)
			continue; /* nothing to say without its capabilities */
		_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/config", b->name);
		if (!b->caps.acs.present)
			vd_finding_evidence(f, src, "upstream bridge without an ACS capability");
		else
			vd_finding_evidence(f, src, "upstream bridge with ACS, control %04x", b->caps.acs.ctrl);
	}
}

static void check_gpu(const struct vd_check *c, const struct vd_host *h, const struct vd_pci_dev *d,
		      struct vd_findings *out)
{
	_cleanup_free_ char *label = vd_pci_label(d);
	_cleanup_free_ char *gsrc = vd_xasprintf("/sys/bus/pci/devices/%s/iommu_group", d->name);
	struct vd_str others = {0}, own = {0};
	size_t nothers = 0, nothers_vfio = 0;
	struct vd_finding *f;

	if (d->iommu_group < 0) {
		f = vd_finding_add(out, c, h->iommu.ngroups ? VD_FAIL : VD_UNKNOWN, d->name,
				   h->iommu.ngroups ? "%s (%s) belongs to no IOMMU group and cannot be passed through."
						    : "%s (%s): isolation cannot be judged while the IOMMU is off (no "
						      "IOMMU groups).",
				   d->name, label);
		vd_finding_evidence(f, gsrc, "%s", vd_errno_reason(d->iommu_group_err));
		return;
	}
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *m = &h->pci.dev[i];
		if (m->iommu_group != d->iommu_group)
			continue;
		if (vd_gpu_group_harmless(d, m)) {
			vd_str_addf(&own, "%s%s", own.len ? ", " : "", m->name);
			continue;
		}
		nothers++;
		nothers_vfio += vd_pci_on_vfio(m);
	}
	if (!nothers) {
		f = vd_finding_add(out, c, VD_PASS, d->name,
				   "IOMMU group %d of %s (%s) holds only the card's own functions and bridges (%s).",
				   d->iommu_group, d->name, label, own.s);
		vd_finding_evidence(f, gsrc, "%d", d->iommu_group);
		vd_str_done(&own);
		return;
	}

	bool all_vfio = nothers == nothers_vfio;
	f = vd_finding_add(out, c, all_vfio ? VD_WARN : VD_FAIL, d->name,
			   all_vfio ? "IOMMU group %d of %s (%s) also holds %zu other device%s, all on vfio-pci: they go "
				      "to the VM together with the card."
				    : "IOMMU group %d of %s (%s) also holds %zu other device%s that the host uses: a VM "
				      "gets a whole group, so these would have to be taken from the host as well, or "
				      "the VM will not start (\"group is not viable\").",
			   d->iommu_group, d->name, label, nothers, nothers == 1 ? "" : "s");
	vd_finding_evidence(f, gsrc, "%d", d->iommu_group);
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *m = &h->pci.dev[i];
		if (m->iommu_group != d->iommu_group || vd_gpu_group_harmless(d, m))
			continue;
		_cleanup_free_ char *ml = vd_pci_label(m);
		_cleanup_free_ char *src = vd_xasprintf("/sys/kernel/iommu_groups/%d/devices/%s", d->iommu_group, m->name);
		vd_finding_evidence(f, src, "%s: %s, driver %s", vd_pci_kind(m), ml, m->driver ? m->driver : "none");
		vd_str_addf(&others, "%s%s", others.len ? ", " : "", m->name);
	}
	acs_evidence(f, h, d);
	if (!all_vfio) {
		vd_finding_hint(f, "Move the card to a slot wired to the CPU (usually the first x16 slot); a firmware "
				   "update can split groups on some boards. The ACS override patch splits them in "
				   "software but gives up the isolation the groups stand for.");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "PCIe slot",
			       "a slot whose IOMMU group holds only this card");
	}
	vd_str_done(&own);
	vd_str_done(&others);
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (vd_gpu_is_candidate(h, d)) {
			check_gpu(c, h, d, out);
			n++;
		}
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_INFO, NULL,
						      "No GPU is bound to vfio-pci or free for passthrough, so there is "
						      "no group to judge.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "no passthrough or candidate GPU among %zu functions",
				    h->pci.n);
	}
}

const struct vd_check vd_check_gpu_iommu_group = {
	.id = "gpu-iommu-group",
	.title = "Passthrough GPU isolated in its IOMMU group",
	.section = "Prerequisites (assumed by the page): IOMMU groups",
	.explain = "VFIO hands a VM whole IOMMU groups: every endpoint in the group must be bound to vfio-pci (or "
		   "have no driver) before QEMU can open the card, or it fails with \"group N is not viable\". A "
		   "group that holds only the card's own functions (VGA, HDMI audio, USB-C) and bridges is ideal. "
		   "Cards in slots wired through the chipset often share a group with USB, SATA or network "
		   "controllers, because the bridges above them lack Access Control Services (ACS), so the kernel "
		   "cannot prove the devices are isolated from each other.",
	.looks_at = "The iommu_group of each GPU on vfio-pci or free for passthrough, every other member of that "
		    "group (class and driver), and the ACS capability of the bridges above the card.",
	.fixes = "Manual: another slot, a firmware update, or (at the cost of isolation) the ACS override patch.",
	.run = run,
};
