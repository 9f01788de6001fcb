// SPDX-License-Identifier: GPL-2.0-or-later
/* chromium-gpu: Chromium picks the vfio-pci GPU and falls back to software. */
#include <string.h>

#include "check.h"
#include "gen.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_pci_dev *host, *pass;
	struct vd_finding *f;

	vd_gpu_host_and_passthrough(h, &host, &pass);
	if (!h->user.chromium || !host || !pass) {
		f = vd_finding_add(out, c, VD_PASS, NULL,
				   !h->user.chromium ? "No Chromium-family browser is installed."
						     : "No GPU on vfio-pci next to a host GPU for Chromium to mix up.");
		vd_finding_evidence(f, h->user.chromium ? h->user.chromium : "/usr/bin/chromium", "%s",
				    h->user.chromium ? "installed" : "not found");
		return;
	}
	_cleanup_free_ char *hl = vd_pci_label(host);
	f = vd_finding_add(out, c, VD_INFO, NULL,
			   "Chromium chooses its GPU from the PCI devices and may pick the one on vfio-pci (%s), which "
			   "the host cannot use, and render in software. Pin it to %s (%s).",
			   pass->name, host->name, hl);
	vd_finding_evidence(f, h->user.chromium, "installed");
	vd_evidence_dev(f, pass, "reserved for VMs");
	/* Chromium's gpu_switches.cc: --gpu-testing-vendor-id / --gpu-testing-device-id
	 * override the GPU it selects (as the ArchWiki Chromium page uses them). */
	_cleanup_free_ char *flags = vd_gen_chromium_flags(host->vendor, host->device);
	const char *family = h->os.id ? h->os.id : "";
	if (strcmp(family, "arch") == 0) {
		_cleanup_free_ char *body = vd_xasprintf("%s\n", flags);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, "/etc/chromium-flags.conf", body);
	} else {
		_cleanup_free_ char *body = vd_gen_chromium_debian(host->vendor, host->device);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_CHROMIUM_DEBIAN, body);
	}
	vd_finding_hint(f, "Or start the browser with %s.", flags);
}

const struct vd_check vd_check_chromium_gpu = {
	.id = "chromium-gpu",
	.title = "Chromium uses the host GPU",
	.section = "Chromium ignores integrated graphics for acceleration",
	.explain = "Chromium and its derivatives pick a GPU by looking at PCI devices, not at the OpenGL "
		   "renderers available, and prefer the discrete one: with that one on vfio-pci they fall back to "
		   "software rendering (high CPU load, choppy video). The page's fix is to tell Chromium which GPU "
		   "to use: --gpu-testing-vendor-id and --gpu-testing-device-id with the host GPU's IDs.",
	.looks_at = "Chromium-family browsers in /usr/bin (and Flatpak); the host GPU and the GPU on vfio-pci.",
	.fixes = "The two flags in the distribution's Chromium flags file (/etc/chromium.d on Debian, "
		 "chromium-flags.conf on Arch).",
	.run = run,
};
