// SPDX-License-Identifier: GPL-2.0-or-later
/* black-screen: the passthrough GPU is the boot display, bound to vfio-pci
 * while a firmware framebuffer still drives it. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static bool fb_in_bars(const struct vd_host *h, const struct vd_pci_dev *d, const char **name)
{
	for (int b = 0; b < 6; b++) {
		const struct vd_bar *bar = &d->bar[b];
		if (!vd_bar_size(bar) || !(bar->flags & VD_IORESOURCE_MEM))
			continue;
		const struct vd_iomem_entry *fb = vd_iomem_framebuffer_in(&h->iomem, bar->start, bar->end);
		if (fb) {
			*name = fb->name;
			return true;
		}
		size_t it = 0;
		const struct vd_log_event *e;
		while ((e = vd_klog_next(&h->log, VD_EV_FRAMEBUFFER, &it)))
			if (e->start && e->start >= bar->start && e->start <= bar->end) {
				*name = e->word;
				return true;
			}
	}
	return false;
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_passthrough(d) || d->boot_vga != 1)
			continue;
		n++;
		const char *fb = NULL;
		bool held = fb_in_bars(h, d, &fb);
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(
			out, c, held ? VD_WARN : VD_INFO, d->name,
			held ? "%s (%s) is the firmware's boot display and is bound to %s while %s still drives it: "
			       "boot can stop at a black screen right after vfio-pci takes the card (\"vgaarb: changed "
			       "VGA decodes\"), and the framebuffer blocks its BARs."
			     : "%s (%s) is the firmware's boot display and is bound to %s%s: if the host stops at a "
			       "black screen after vfio-pci binds it, keep the boot framebuffer off this card.",
			d->name, label, d->driver ? d->driver : "vfio-pci", held ? fb : "");
		_cleanup_free_ char *bv = vd_xasprintf("/sys/bus/pci/devices/%s/boot_vga", d->name);
		vd_finding_evidence(f, bv, "1");
		size_t it = 0;
		const struct vd_log_event *e;
		while ((e = vd_klog_next(&h->log, VD_EV_VGA_DECODES, &it)))
			if (strcmp(e->bdf, d->name) == 0) {
				vd_evidence_log(f, h, e);
				break;
			}
		vd_finding_hint(f, "Boot with the framebuffer off (UEFI: video=efifb:off, legacy BIOS: video=vesafb:off; "
				   "the sysfb framebuffer of Linux 5.15+: initcall_blacklist=sysfb_init), or make another GPU the primary display in the firmware setup. If Xorg then fails "
				   "to start, pin the host GPU with a BusID in xorg.conf.d (see xorg-busid).");
		if (!vd_fix_framebuffer_off(f, h, held ? fb : NULL))
			vd_finding_evidence(f, "/proc/cmdline", "%s", "the parameters that keep a framebuffer off this card are set");
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No GPU on vfio-pci is the firmware's boot display.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "boot_vga of the GPUs on vfio-pci is 0");
	}
}

const struct vd_check vd_check_black_screen = {
	.id = "black-screen",
	.title = "Boot display not held by a framebuffer while on vfio-pci",
	.section = "Host unable to boot and stuck in black screen after enabling vfio",
	.explain = "When the GPU the firmware booted on (boot_vga=1) is bound to vfio-pci early, the host can stop "
		   "at a black screen; with debug ignore_loglevel the last line is \"vfio-pci 0000:01:00.0: vgaarb: "
		   "changed VGA decodes: ...\". The firmware framebuffer (efifb on UEFI, vesafb on BIOS) still "
		   "drives that card. The page: unplug the monitor from that card during boot, or disable the "
		   "framebuffer with video=efifb:off (UEFI) or video=vesafb:off (legacy); if Xorg then has "
		   "trouble, give it a Device section with the host GPU's BusID.",
	.looks_at = "boot_vga and driver of each GPU; framebuffers in /proc/iomem and \"framebuffer at\" log lines "
		    "inside the GPU's BARs; \"vgaarb: changed VGA decodes\" lines for it; /sys/firmware/efi (UEFI "
		    "or legacy boot).",
	.fixes = "Kernel parameter video=efifb:off (UEFI) or video=vesafb:off (legacy BIOS).",
	.run = run,
};
