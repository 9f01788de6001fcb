// SPDX-License-Identifier: GPL-2.0-or-later
/* pci-header-127: a device whose config space reads all ones ("Unknown PCI
 * header type '127'"), and which of the page's two causes it is. */
#include <string.h>

#include "amd-reset.h"
#include "check.h"

static bool all_ones(const struct vd_pci_dev *d)
{
	/* 0x7f is the header type of an all-ones read after masking bit 7
	 * (libvirt virPCIGetHeaderType); vendor 0xffff is the master abort. */
	return d->config_len >= 16 && d->config[0] == 0xff && d->config[1] == 0xff && (d->config[0x0e] & 0x7f) == 0x7f;
}

static void explain(struct vd_finding *f, const struct vd_host *h, const struct vd_pci_dev *d)
{
	const char *fam = d ? vd_amd_reset_family(d->vendor, d->device) : NULL;
	if (fam) {
		vd_finding_hint(f, "This is the AMD reset bug (%s): the GPU did not reset when the VM stopped and "
				   "stays dead until the host reboots. Load the vendor-reset module before starting "
				   "the VM (see amd-reset-bug).",
				fam);
	} else if (h->cpu.vendor == VD_CPU_AMD) {
		vd_finding_hint(f, "On AMD Ryzen hosts this followed some firmware (AGESA) updates that broke device "
				   "resets; the page points to a kernel patch, or go back to a firmware version that "
				   "worked. If the device is an AMD GPU, check whether it has the reset bug.");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "firmware", "an AGESA version without the regression");
	} else {
		vd_finding_hint(f, "The device stopped answering (a failed reset, or it fell off the bus); a host "
				   "reboot brings it back.");
	}
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0, it = 0;
	const struct vd_log_event *e;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!all_ones(d))
			continue;
		n++;
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(
			out, c, VD_FAIL, d->name,
			"%s (%s) answers config reads with all ones (header type 127): the device is not responding, "
			"and libvirt refuses to start a VM with it (\"Unknown PCI header type '127'\").",
			d->name, label);
		_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/config", d->name);
		vd_finding_evidence(f, src, "vendor ffff, header type %02x", d->config[0x0e]);
		explain(f, h, d);
	}
	while ((e = vd_klog_next(&h->log, VD_EV_HEADER_127, &it))) {
		const struct vd_pci_dev *d = e->bdf[0] ? vd_pci_find(&h->pci, e->bdf) : NULL;
		if (d && all_ones(d))
			continue; /* already reported from config space */
		n++;
		_cleanup_free_ char *label = d ? vd_pci_label(d) : NULL;
		struct vd_finding *f = vd_finding_add(out, c, VD_WARN, e->bdf[0] ? e->bdf : NULL,
						      "libvirt failed to start a VM because %s%s%s%s read as header type "
						      "127 (it answers now, so it recovered or the host rebooted since).",
						      e->bdf[0] ? e->bdf : "a device", label ? " (" : "", label ? label : "",
						      label ? ")" : "");
		vd_evidence_log(f, h, e);
		explain(f, h, d);
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "Every PCI function answers config reads; no \"Unknown PCI header "
						      "type '127'\" in the logs.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "%zu functions", h->pci.n);
	}
}

const struct vd_check vd_check_pci_header_127 = {
	.id = "pci-header-127",
	.title = "Devices answer config reads (no \"header type 127\")",
	.section = "AMD Ryzen / BIOS updates (AGESA) yields \"Error: internal error: Unknown PCI header type '127'\"",
	.explain = "libvirt reports \"Unknown PCI header type '127'\" when a device's config space reads as all "
		   "ones: the device no longer answers. The page lists two different causes. Some AMD Ryzen "
		   "firmware (AGESA) updates broke device resets for passthrough (a kernel patch, or the right "
		   "firmware, fixes it). And AMD GPUs with the \"AMD reset bug\" (Polaris, Vega, Navi 10/12/14) do "
		   "not come back after the guest shuts down; the vendor-reset module resets them properly. The "
		   "device's IDs tell the two apart: a GPU in vendor-reset's table is the reset bug.",
	.looks_at = "The first bytes and header type of every function's config space; \"Unknown PCI header type\" "
		    "in libvirt logs; the device IDs against gnif/vendor-reset's table; the CPU vendor.",
	.fixes = "For the reset bug: vendor-reset (amd-reset-bug). For AGESA: a firmware without the regression.",
	.run = run,
};
