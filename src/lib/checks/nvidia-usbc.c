// SPDX-License-Identifier: GPL-2.0-or-later
/* nvidia-usbc: NVIDIA cards with a USB-C controller and i2c_nvidia_gpu. */
#include <string.h>

#include "check.h"
#include "gen.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_modinfo *m = vd_host_module(h, "i2c_nvidia_gpu");
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *g = &h->pci.dev[i];
		if (g->vendor != 0x10de || !vd_pci_is_gpu(g) || !vd_gpu_is_candidate(h, g))
			continue;
		int sib[8];
		size_t ns = vd_gpu_siblings(h, g, sib, 8);
		const struct vd_pci_dev *usb = NULL, *ucsi = NULL;
		for (size_t k = 0; k < ns; k++) {
			const struct vd_pci_dev *s = &h->pci.dev[sib[k]];
			if ((s->class24 >> 8) == 0x0c03)
				usb = s;
			else if ((s->class24 >> 8) == 0x0c80)
				ucsi = s;
		}
		if (!usb)
			continue;
		n++;
		_cleanup_free_ char *label = vd_pci_label(g);
		bool loaded = m && (m->state == VD_MOD_LOADED || m->state == VD_MOD_BUILTIN);
		bool bound = ucsi && ucsi->driver && strcmp(ucsi->driver, "nvidia-gpu") == 0;
		struct vd_finding *f;
		if (m && m->blacklisted) {
			f = vd_finding_add(out, c, VD_PASS, g->name,
					   "%s (%s) has a USB-C controller, and i2c_nvidia_gpu is blacklisted.", g->name, label);
			vd_finding_evidence(f, "/etc/modprobe.d", "blacklist i2c_nvidia_gpu");
			continue;
		}
		f = vd_finding_add(out, c, loaded || bound ? VD_WARN : VD_INFO, g->name,
				   "%s (%s) has a USB-C controller (%s) and i2c_nvidia_gpu is %s: hot-plugging the card "
				   "into a VM can crash the host while that driver holds the card's UCSI function.",
				   g->name, label, usb->name, loaded ? "loaded" : "not blacklisted");
		vd_evidence_dev(f, usb, NULL);
		if (ucsi)
			vd_evidence_dev(f, ucsi, NULL);
		size_t it = 0;
		const struct vd_log_event *e;
		while ((e = vd_klog_next(&h->log, VD_EV_NVIDIA_I2C, &it))) {
			const struct vd_pci_dev *ld = e->bdf[0] ? vd_pci_find(&h->pci, e->bdf) : NULL;
			if (!ld || vd_pci_same_slot(ld, g)) {
				vd_evidence_log(f, h, e);
				break;
			}
		}
		_cleanup_free_ char *bl = vd_gen_modprobe_blacklist("i2c_nvidia_gpu");
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_MODPROBE_BLACKLIST, bl);
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No NVIDIA GPU for passthrough with a USB-C controller.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "no NVIDIA card with a USB function (class 0c03)");
	}
}

const struct vd_check vd_check_nvidia_usbc = {
	.id = "nvidia-usbc",
	.title = "NVIDIA USB-C function and i2c_nvidia_gpu",
	.section = "Host crashes when hotplugging NVIDIA card with USB",
	.explain = "Turing and later NVIDIA cards carry a USB-C controller (function .2) and a UCSI controller "
		   "(.3) that the i2c_nvidia_gpu driver claims on the host (as \"nvidia-gpu\"). Hot-plugging such a "
		   "card into a VM can crash the host; the page's fix is to blacklist i2c_nvidia_gpu in "
		   "modprobe.d.",
	.looks_at = "NVIDIA GPUs on vfio-pci or free for passthrough, their USB (class 0c03) and serial bus (0c80) "
		    "functions and drivers, i2c_nvidia_gpu loaded (/proc/modules) or blacklisted (modprobe.d), "
		    "\"nvidia-gpu ...: i2c timeout error\" log lines.",
	.fixes = "/etc/modprobe.d/blacklist.conf with blacklist i2c_nvidia_gpu.",
	.run = run,
};
