// SPDX-License-Identifier: GPL-2.0-or-later
/* xorg-busid: Xorg must be pinned to the host GPU once another GPU is on
 * vfio-pci. */
#include <string.h>

#include "check.h"
#include "gen.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_pci_dev *host, *pass;
	struct vd_finding *f;

	vd_gpu_host_and_passthrough(h, &host, &pass);
	if (!h->user.nxorg || !pass || !host) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   !h->user.nxorg ? "No Xorg log on this host: Xorg is not in use here."
						  : "No GPU on vfio-pci next to a host GPU: nothing for Xorg to trip on.");
		vd_finding_evidence(f, "/var/log/Xorg.0.log", "%s", h->user.nxorg ? "present" : "not present");
		return;
	}
	/* Is the host GPU pinned already? "PCI:b:d:f" in decimal. */
	char want[32];
	snprintf(want, sizeof(want), "PCI:%u:%u:%u", host->bus, host->dev, host->fn);
	bool pinned = false;
	for (char **b = h->user.xorg_busids; b && *b && !pinned; b++)
		pinned = strcmp(*b, want) == 0 || strncmp(*b, want, strlen(want)) == 0;
	const struct vd_xorg_log *bad = NULL;
	for (size_t i = 0; i < h->user.nxorg && !bad; i++) {
		const struct vd_xorg_log *x = &h->user.xorg[i];
		if (x->no_screens || vd_strv_contains(x->probed, pass->name))
			bad = x;
	}
	if (pinned || !bad) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   pinned ? "xorg.conf pins the host GPU (BusID %s)." : "Xorg runs without touching the vfio-pci GPU.",
				   want);
		vd_finding_evidence(f, h->user.xorg[0].path, "no \"no screens found\", %s not probed", pass->name);
		return;
	}
	_cleanup_free_ char *hl = vd_pci_label(host);
	f = vd_finding_add(out, c, VD_WARN, NULL,
			   "Xorg %s, and no Device section pins the host GPU %s (%s): with the other GPU on vfio-pci "
			   "Xorg takes the host GPU for a secondary one and fails.",
			   bad->no_screens ? "found no screens" : "probed the vfio-pci GPU", host->name, hl);
	vd_finding_evidence(f, bad->path, "%s", bad->no_screens ? "(EE) no screens found" : "lists the vfio-pci GPU");
	if (vd_strv_contains(bad->probed, pass->name))
		vd_finding_evidence(f, bad->path, "(--) PCI: %s (the GPU on vfio-pci)", pass->name);
	vd_finding_hint(f, "lspci writes the address in hex (%02x:%02x.%x); xorg.conf wants it in decimal: BusID \"%s\".",
			host->bus, host->dev, host->fn, want);
	_cleanup_free_ char *conf = vd_gen_xorg_busid(host->name, host->driver);
	_cleanup_free_ char *path = vd_gen_xorg_path(host->driver);
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, path, conf);
}

const struct vd_check vd_check_xorg_busid = {
	.id = "xorg-busid",
	.title = "Xorg pinned to the host GPU",
	.section = "X does not start after enabling vfio_pci",
	.explain = "With a GPU on vfio-pci, Xorg may detect the host GPU as a secondary one and fail or crash "
		   "trying to drive the guest's. The page's fix is an xorg.conf.d file with a Device section whose "
		   "BusID names the host GPU. lspci prints the address in hex; the file wants decimal "
		   "(\"PCI:0:2:0\"). The Xorg log shows the symptom: \"(EE) no screens found\" or the vfio-pci GPU "
		   "among its \"(--) PCI:\" lines.",
	.looks_at = "/var/log/Xorg.0.log and ~/.local/share/xorg/Xorg.0.log (probed devices, no screens), "
		    "BusID lines in /etc/X11/xorg.conf and xorg.conf.d, the host and passthrough GPUs.",
	.fixes = "/etc/X11/xorg.conf.d/10-host-gpu.conf with a Device section: the host GPU's Xorg driver and its "
		 "BusID in decimal.",
	.run = run,
};
