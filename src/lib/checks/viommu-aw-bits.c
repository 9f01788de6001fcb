// SPDX-License-Identifier: GPL-2.0-or-later
/* viommu-aw-bits: a guest vIOMMU wider than the host's IOMMU. */
#include "check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t it = 0;
	const struct vd_log_event *e = vd_klog_next(&h->log, VD_EV_AW_BITS, &it);
	unsigned mgaw = vd_iommu_intel_mgaw(&h->iommu);
	struct vd_finding *f;

	if (!e) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "No vIOMMU address-width failures in the logs read.");
		if (mgaw)
			vd_finding_evidence(f, "/sys/class/iommu", "host IOMMU address width %u bits (MGAW)", mgaw);
		return;
	}
	unsigned host = e->num2 > 0 ? (unsigned)e->num2 : mgaw;
	f = vd_finding_add(out, c, VD_FAIL, e->bdf[0] ? e->bdf : NULL,
			   "QEMU refused the VM: its virtual Intel IOMMU uses %d address bits but the host IOMMU "
			   "handles %u.",
			   e->num, host);
	vd_evidence_log(f, h, e);
	for (size_t i = 0; i < h->iommu.nunits; i++) {
		const struct vd_iommu_unit *u = &h->iommu.unit[i];
		if (u->kind != VD_IOMMU_INTEL || u->cap_err)
			continue;
		_cleanup_free_ char *p = vd_xasprintf("/sys/class/iommu/%s/intel-iommu/cap", u->name);
		vd_finding_evidence(f, p, "%llx: MGAW %u bits", (unsigned long long)u->cap, u->mgaw);
	}
	/* the same value and form vm-viommu gives a domain it read */
	unsigned aw = vd_viommu_aw_bits(host);
	_cleanup_free_ char *attrs = vd_xasprintf("caching_mode='on' aw_bits='%u'", aw);
	vd_finding_hint(f, "Set the vIOMMU's width within the host's: libvirt <iommu model='intel'><driver %s/></iommu> "
			   "(aw_bits needs libvirt 6.5), or QEMU -device intel-iommu,aw-bits=%u,caching-mode=on.",
			attrs, aw);
	vd_finding_fix(f, VD_FIX_XML, VD_OP_SET, "/domain/devices/iommu[@model='intel']/driver", attrs);
}

const struct vd_check vd_check_viommu_aw_bits = {
	.id = "viommu-aw-bits",
	.title = "vIOMMU address width within the host's",
	.section = "vIOMMU: Failed to set vIOMMU: aw-bits X > host aw-bits Y",
	.explain = "QEMU 9.2 raised the default address width of its intel-iommu device from 39 to 48 bits, and "
		   "checks it against the host's IOMMU when a VFIO device is attached: \"Failed to set vIOMMU: "
		   "aw-bits 48 > host aw-bits 39\". The page sets caching_mode='on' and aw_bits to the host's width "
		   "in the domain's <iommu model='intel'><driver/>. On Intel hosts the width is the IOMMU's MGAW "
		   "(capability register bits 21:16, plus one; Linux include/linux/intel-iommu.h).",
	.looks_at = "\"aw-bits N > host aw-bits M\" in libvirt/QEMU logs; /sys/class/iommu/dmar*/intel-iommu/cap.",
	.fixes = "Domain XML <driver caching_mode='on' aw_bits='M'/> in <iommu model='intel'> (the VM checks apply "
		 "it to domains).",
	.run = run,
};
