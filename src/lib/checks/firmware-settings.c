// SPDX-License-Identifier: GPL-2.0-or-later
/* firmware-settings: what the BARs and capabilities say about the firmware
 * settings the page lists for guests that hang. */
#include "check.h"
#include "gpu.h"

static bool is_vega(const struct vd_pci_dev *d)
{
	/* Vega 10 and Vega 20 device IDs (gnif/vendor-reset device-db.h and
	 * pci.ids "Vega 10"/"Vega 20"): 0x6860-0x687f, 0x66a0-0x66af. */
	return d->vendor == 0x1002 && ((d->device >= 0x6860 && d->device <= 0x687f) ||
				       (d->device >= 0x66a0 && d->device <= 0x66af));
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_passthrough(d))
			continue;
		bool above4g = false, large = false;
		for (int b = 0; b < 6; b++) {
			above4g |= d->bar[b].start > 0xffffffffull;
			large |= vd_bar_size(&d->bar[b]) > (256ull << 20);
		}
		if (!is_vega(d) && !large)
			continue;
		n++;
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(
			out, c, VD_INFO, d->name,
			"If the guest hangs with %s (%s) attached, the page lists firmware settings to try: disable "
			"Re-Size BAR Support%s, disable Above 4G decoding%s, enable SR-IOV%s, set Max TOLUD to a fixed "
			"value, make the IGD the initial display.%s",
			d->name, label, large ? " (on: a BAR is larger than 256 MB)" : "",
			above4g ? " (on: BARs sit above 4 GiB)" : "", d->caps.sriov.present ? " (the card has SR-IOV)" : "",
			is_vega(d) ? " Vega cards are picky about exactly these." : "");
		_cleanup_free_ char *res = vd_xasprintf("/sys/bus/pci/devices/%s/resource", d->name);
		for (int b = 0; b < 6; b++)
			if (vd_bar_size(&d->bar[b]))
				vd_finding_evidence(f, res, "BAR %d: 0x%llx, %llu MB", b, (unsigned long long)d->bar[b].start,
						    (unsigned long long)(vd_bar_size(&d->bar[b]) >> 20));
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "firmware setup",
			       "Re-Size BAR off, Above 4G decoding off, SR-IOV on, fixed Max TOLUD, IGD as initial display");
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No passthrough GPU is a Vega card or shows firmware-enlarged BARs.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "BAR sizes of GPUs on vfio-pci");
	}
}

const struct vd_check vd_check_firmware_settings = {
	.id = "firmware-settings",
	.title = "Firmware settings for guests that hang",
	.section = "Operating system hangs",
	.explain = "If the guest (Windows in particular) hangs when the GPU is attached, the page suggests firmware "
		   "settings: disable Re-Size BAR Support, disable Above 4G memory (\"crypto currency mining\"), "
		   "enable SR-IOV, fix Max TOLUD instead of dynamic, and make the IGD the initial graphics "
		   "adapter. Vega cards seem picky about exactly these. The card's BARs show how the firmware "
		   "is set: BARs above 4 GiB mean Above 4G decoding is on, a BAR over 256 MB means Re-Size BAR is "
		   "on.",
	.looks_at = "BAR addresses and sizes of GPUs on vfio-pci, SR-IOV capability, Vega device IDs.",
	.fixes = "Manual: the firmware settings listed.",
	.run = run,
};
