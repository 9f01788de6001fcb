// SPDX-License-Identifier: GPL-2.0-or-later
/* host-gpu: which GPU the host displays on and which are (or could be)
 * handed to a VM. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static void gpu_evidence(struct vd_finding *f, const struct vd_pci_dev *d)
{
	_cleanup_free_ char *label = vd_pci_label(d);
	_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s", d->name);
	vd_finding_evidence(f, src, "%s [%04x:%04x], driver %s, boot_vga %s, role %s", label, d->vendor, d->device,
			    d->driver ? d->driver : "none",
			    d->boot_vga < 0 ? "absent" : d->boot_vga ? "1" : "0", vd_gpu_role_name(vd_gpu_role(d)));
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_pci_dev *host = NULL, *pass = NULL, *cand = NULL, *only = NULL;
	size_t ngpu = 0, npass = 0;
	struct vd_finding *f;

	if (vd_check_pci_unlisted(c, h, out))
		return;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_pci_is_gpu(d))
			continue;
		ngpu++;
		only = d;
		enum vd_gpu_role r = vd_gpu_role(d);
		if (r == VD_GPU_PASSTHROUGH) {
			npass++;
			if (!pass)
				pass = d;
		} else if (!host && (d->boot_vga == 1 || r == VD_GPU_HOST)) {
			host = d;
		}
		if (r != VD_GPU_PASSTHROUGH && !cand && vd_gpu_is_candidate(h, d))
			cand = d;
	}
	/* Prefer the boot display as "the host's GPU" when several qualify. */
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (vd_pci_is_gpu(d) && d->boot_vga == 1 && vd_gpu_role(d) != VD_GPU_PASSTHROUGH)
			host = d;
	}

	if (ngpu == 0) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "No display controller (PCI class 03) on this host: there is no GPU to pass "
				   "through. Other PCI devices can still be passed, with the same IOMMU requirements.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "%zu functions, none of class 03", h->pci.n);
		return;
	}

	_cleanup_free_ char *hl = host ? vd_pci_label(host) : NULL;
	_cleanup_free_ char *pl = pass ? vd_pci_label(pass) : NULL;
	_cleanup_free_ char *cl = cand ? vd_pci_label(cand) : NULL;
	_cleanup_free_ char *ol = vd_pci_label(only);
	if (npass && host) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   "The host displays on %s (%s, %s); %s (%s) is reserved for passthrough on %s.",
				   host->name, hl, host->driver ? host->driver : "no driver", pass->name, pl, pass->driver ? pass->driver : "vfio-pci");
	} else if (npass) {
		f = vd_finding_add(out, c, VD_WARN, NULL,
				   "Single-GPU passthrough: %s (%s) is bound to %s and no other GPU is left to the "
				   "host, which has no display while the card is bound (and needs hook scripts to get it "
				   "back).",
				   pass->name, pl, pass->driver ? pass->driver : "vfio-pci");
	} else if (cand) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "The host displays on %s (%s); %s (%s, driver %s) is a passthrough candidate, not "
				   "bound to vfio-pci yet.",
				   host ? host->name : "?", host ? hl : "?", cand->name, cl,
				   cand->driver ? cand->driver : "none");
		vd_finding_hint(f, "Bind it and all functions of its slot to vfio-pci (see vfio-binding).");
	} else if (ngpu == 1) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "The only GPU, %s (%s), is the host's own: passing it through would be single-GPU "
				   "passthrough.",
				   only->name, ol);
	} else {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "%zu GPUs, none bound to vfio-pci; the host's display could not be told apart "
				   "(no boot_vga and no host graphics driver on any of them).",
				   ngpu);
	}
	for (size_t i = 0; i < h->pci.n; i++)
		if (vd_pci_is_gpu(&h->pci.dev[i]))
			gpu_evidence(f, &h->pci.dev[i]);
}

const struct vd_check vd_check_host_gpu = {
	.id = "host-gpu",
	.title = "Host GPU and passthrough GPUs",
	.section = "Passthrough seems to work but no output is displayed",
	.explain = "A passthrough setup needs to know which GPU the host keeps and which goes to the guest: the "
		   "page's advice differs for each (Xorg BusID for the host's, vfio-pci and the boot framebuffer "
		   "for the guest's). The host's GPU is the one with a host graphics driver (i915, amdgpu, "
		   "nvidia, nouveau...) or the firmware's boot display (sysfs boot_vga=1); a GPU on vfio-pci is "
		   "reserved for a VM. With one GPU only, the host loses its display while the card is bound "
		   "(single-GPU passthrough). When the guest's GPU is also the boot display, the firmware "
		   "framebuffer sits in its memory: that is the root of the page's \"BAR can't reserve\" and "
		   "\"black screen after enabling vfio\" sections.",
	.looks_at = "Every PCI function of class 03 (display): driver, driver_override and boot_vga under "
		    "/sys/bus/pci/devices.",
	.fixes = "None by itself; it names the GPUs the other checks act on.",
	.run = run,
};
