// SPDX-License-Identifier: GPL-2.0-or-later
/* gpu-msi: message-signalled interrupts on every function of a passthrough
 * card (host view), and snd-hda-intel's enable_msi inside a Linux guest. */
#include <string.h>

#include "check.h"
#include "gen.h"
#include "gpu.h"

static bool msi_capable(const struct vd_pci_dev *d)
{
	return d->caps.msi.present || d->caps.msix.present;
}

static bool msi_on(const struct vd_pci_dev *d)
{
	return (d->caps.msi.present && d->caps.msi.enabled) || (d->caps.msix.present && d->caps.msix.enabled);
}

static void cap_evidence(struct vd_finding *f, const struct vd_pci_dev *d)
{
	_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/config", d->name);
	if (!d->caps.known)
		vd_finding_evidence(f, src, "capabilities unknown: %s", vd_pci_config_reason(d));
	else if (d->caps.msix.present)
		vd_finding_evidence(f, src, "[%x] MSI-X: Enable%c Count=%u", d->caps.msix.off, d->caps.msix.enabled ? '+' : '-',
				    d->caps.msix.table_size);
	else if (d->caps.msi.present)
		vd_finding_evidence(f, src, "[%x] MSI: Enable%c Count=%u/%u (as lspci prints it)", d->caps.msi.off,
				    d->caps.msi.enabled ? '+' : '-', d->caps.msi.vectors_enabled, d->caps.msi.vectors_capable);
	else
		vd_finding_evidence(f, src, "no MSI or MSI-X capability");
}

static void host_card(const struct vd_check *c, const struct vd_host *h, const struct vd_pci_dev *gpu,
		      struct vd_findings *out)
{
	int sib[8];
	size_t ns = vd_gpu_siblings(h, gpu, sib, 8);
	const struct vd_pci_dev *fn[9];
	size_t n = 0, capable = 0, on = 0, unknown = 0;
	struct vd_str off = {0};

	fn[n++] = gpu;
	for (size_t i = 0; i < ns; i++)
		fn[n++] = &h->pci.dev[sib[i]];
	for (size_t i = 0; i < n; i++) {
		if (!fn[i]->caps.known) {
			unknown++;
			continue;
		}
		if (!msi_capable(fn[i]))
			continue;
		capable++;
		if (msi_on(fn[i]))
			on++;
		else
			vd_str_addf(&off, "%s%s", off.len ? ", " : "", fn[i]->name);
	}
	_cleanup_free_ char *label = vd_pci_label(gpu);
	struct vd_finding *f;
	if (unknown == n) {
		f = vd_finding_add(out, c, VD_UNKNOWN, gpu->name,
				   "MSI state of %s (%s) unknown: %s.", gpu->name, label, vd_pci_config_reason(gpu));
	} else if (on && on < capable) {
		f = vd_finding_add(out, c, VD_WARN, gpu->name,
				   "The guest drives %s (%s) with MSI on some functions but line-based interrupts on %s: "
				   "the page's cure for stuttering HDMI audio and host lockups after shutdown needs MSI "
				   "on every function, .1 included.",
				   gpu->name, label, off.s);
		vd_finding_hint(f, "In a Windows guest set MSISupported=1 for each of these functions (registry "
				   "Interrupt Management\\MessageSignaledInterruptProperties, or the MSI utility); in a "
				   "Linux guest add 'options snd-hda-intel enable_msi=1' to /etc/modprobe.d.");
		/* For Windows guests: the registry change as a script to copy in. */
		char ids[9][10];
		const char *idp[9];
		for (size_t i = 0; i < n; i++) {
			snprintf(ids[i], sizeof(ids[i]), "%04x:%04x", fn[i]->vendor, fn[i]->device);
			idp[i] = ids[i];
		}
		_cleanup_free_ char *ps = vd_gen_msi_powershell(idp, n);
		_cleanup_free_ char *path = vd_xasprintf("/var/lib/vfio-doctor/guest/enable-msi-%04x-%04x.ps1", gpu->vendor,
							 gpu->device);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, path, ps);
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "Windows guest",
			       "run that script as administrator in the guest, then restart the guest");
	} else if (on) {
		f = vd_finding_add(out, c, VD_PASS, gpu->name, "Every MSI-capable function of %s (%s) uses MSI.",
				   gpu->name, label);
	} else if (capable) {
		f = vd_finding_add(out, c, VD_INFO, gpu->name,
				   "No function of %s (%s) has MSI enabled now: either no VM is using the card, or the "
				   "guest uses line-based interrupts (check again while the VM runs).",
				   gpu->name, label);
	} else {
		f = vd_finding_add(out, c, VD_INFO, gpu->name, "No function of %s (%s) offers MSI.", gpu->name, label);
	}
	for (size_t i = 0; i < n; i++)
		cap_evidence(f, fn[i]);
	vd_str_done(&off);
}

/* Inside a Linux guest: the passed card's HDMI audio on snd_hda_intel. */
static bool guest_audio(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	bool any = false;
	const struct vd_modparam *p = vd_kernel_param(&h->kernel, "snd_hda_intel", "enable_msi");

	for (size_t i = 0; vd_host_is_vm(h) && i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if ((d->class24 >> 8) != 0x0403 || (d->vendor != 0x10de && d->vendor != 0x1002) || !d->driver ||
		    strcmp(d->driver, "snd_hda_intel") != 0 || !d->caps.known || !msi_capable(d) || msi_on(d))
			continue;
		any = true;
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(
			out, c, VD_WARN, d->name,
			"This guest drives %s (%s), a passed-through GPU's HDMI audio, with line-based interrupts: "
			"audio may slow down and stutter.",
			d->name, label);
		cap_evidence(f, d);
		if (p && p->err == 0)
			vd_finding_evidence(f, "/sys/module/snd_hda_intel/parameters/enable_msi", "%s", p->value);
		_cleanup_free_ char *conf = vd_gen_modprobe_snd_msi();
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_MODPROBE_SND_HDA, conf);
	}
	return any;
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (vd_gpu_is_passthrough(d)) {
			host_card(c, h, d, out);
			n++;
		}
	}
	if (!guest_audio(c, h, out) && !n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No GPU is on vfio-pci here, and no passed-through HDMI audio "
						      "runs on line-based interrupts.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "%zu functions", h->pci.n);
	}
}

const struct vd_check vd_check_gpu_msi = {
	.id = "gpu-msi",
	.title = "MSI on every function of the passthrough card",
	.section = "Slowed down audio pumped through HDMI on the video card",
	.explain = "Audio through the card's HDMI that slows down, stutters or turns \"demonic\" (and a host that "
		   "locks up after a long-running Windows VM shuts down, per the page's \"Host lockup after "
		   "virtual machine shutdown\") is cured by message-signalled interrupts instead of line-based "
		   "ones. lspci shows it as \"MSI: Enable+\" while the guest uses MSI. Enabling it on the GPU (.0) "
		   "is not enough: the audio function (.1) needs it too. Windows needs MSISupported set per "
		   "device; a Linux guest has snd-hda-intel's enable_msi option (modinfo snd_hda_intel lists it).",
	.looks_at = "MSI and MSI-X capability and Enable bit of every function of each GPU on vfio-pci (config "
		    "space, needs root); inside a guest: HDMI audio of NVIDIA/AMD cards on snd_hda_intel and "
		    "/sys/module/snd_hda_intel/parameters/enable_msi.",
	.fixes = "Guest side: MSISupported=1 per function (Windows) or options snd-hda-intel enable_msi=1 in "
		 "modprobe.d (Linux guest, written when vfio-doctor runs inside it).",
	.run = run,
};
