// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-dma-map: "vfio: DMA mapping failed" and the host facts behind it:
 * physical address bits, hybrid P-core/E-core CPUs (Looking Glass). */
#include "check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t it = 0;
	const struct vd_log_event *e = vd_klog_next(&h->log, VD_EV_DMA_MAP, &it);
	unsigned bits = h->cpu.phys_bits;
	struct vd_finding *f;
	_cleanup_free_ char *xml = bits ? vd_xasprintf("<maxphysaddr mode='passthrough' limit='%u'/>", bits) : NULL;

	if (e) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "QEMU could not map the guest's memory for VFIO (\"DMA mapping failed\"): the guest "
				   "was given more physical address bits than the host%s can use.",
				   bits ? "" : " (whose width is unknown)");
		vd_evidence_log(f, h, e);
	} else if (h->cpu.hybrid) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "This CPU mixes P-cores and E-cores, whose specifications differ: a VM using Looking "
				   "Glass can hang at boot; limiting the guest's physical address bits to the host's "
				   "(%u) avoids it.",
				   bits);
		vd_finding_evidence(f, "/sys/devices/cpu_core/cpus", "%s (P-cores)", h->cpu.pcore_cpus);
		vd_finding_evidence(f, "/sys/devices/cpu_atom/cpus", "%s (E-cores)", h->cpu.ecore_cpus);
	} else {
		f = vd_finding_add(out, c, VD_PASS, NULL, "No VFIO DMA mapping failures in the logs read.");
		vd_finding_evidence(f, "/proc/cpuinfo", "address sizes: %u bits physical, %u bits virtual", bits, h->cpu.virt_bits);
		return;
	}
	if (bits) {
		vd_finding_evidence(f, "/proc/cpuinfo", "address sizes: %u bits physical, %u bits virtual", bits, h->cpu.virt_bits);
		vd_finding_hint(f, "Give the VM the host's physical address size (physical, not virtual, as the page "
				   "advises): libvirt %s, or QEMU -cpu host,host-phys-bits-limit=0x%x. If it still fails, "
				   "try one bit less.",
				xml, bits);
		vd_finding_fix(f, VD_FIX_XML, VD_OP_SET, "/domain/cpu/maxphysaddr", xml);
	}
}

const struct vd_check vd_check_vfio_dma_map = {
	.id = "vfio-dma-map",
	.title = "VFIO DMA mapping (guest physical address bits)",
	.section = "vfio: DMA mapping failed, unable to continue",
	.explain = "\"qemu: hardware error: vfio: DMA mapping failed, unable to continue\" stops the VM when it maps "
		   "guest memory at addresses the host's IOMMU cannot reach. The page's fix limits the guest's "
		   "physical address bits: <maxphysaddr mode=\"passthrough\" limit=\"40\"/> in libvirt or "
		   "-cpu host,host-phys-bits-limit=0x28 in QEMU, lowering further if needed, with the host's "
		   "physical (not virtual) address size from lscpu. The same limit cures VMs that hang at boot with "
		   "Looking Glass on hybrid P-core/E-core CPUs.",
	.looks_at = "\"DMA mapping failed\", \"VFIO_MAP_DMA failed\" and \"vfio_dma_map(...) = -22\" in kernel and "
		    "libvirt/QEMU logs; address sizes in /proc/cpuinfo; /sys/devices/cpu_core and cpu_atom (hybrid).",
	.fixes = "Domain XML <maxphysaddr mode='passthrough' limit='N'/> with N the host's physical bits (the VM "
		 "checks apply it to domains).",
	.run = run,
};
