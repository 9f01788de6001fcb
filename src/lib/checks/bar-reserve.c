// SPDX-License-Identifier: GPL-2.0-or-later
/* bar-reserve: vfio-pci could not reserve a BAR because something (nearly
 * always the firmware framebuffer) holds part of it. */
#include <string.h>

#include "check.h"
#include "gpu.h"

static const struct vd_iomem_entry *owner_of(const struct vd_host *h, uint64_t start, uint64_t end)
{
	const struct vd_iomem_entry *fb = vd_iomem_framebuffer_in(&h->iomem, start, end);
	if (fb)
		return fb;
	/* Otherwise the deepest claim inside the range that is not the device. */
	const struct vd_iomem_entry *best = NULL;
	for (size_t i = 0; !h->iomem.hidden && i < h->iomem.n; i++) {
		const struct vd_iomem_entry *e = &h->iomem.e[i];
		if (e->start >= start && e->end <= end && e->depth > 0 && strncmp(e->name, "0000:", 5) != 0 &&
		    strncmp(e->name, "PCI Bus", 7) != 0 && (!best || e->depth > best->depth))
			best = e;
	}
	return best;
}

static void bridge_fix(struct vd_finding *f, const struct vd_host *h, const struct vd_pci_dev *d)
{
	if (!d || d->parent < 0)
		return;
	const struct vd_pci_dev *br = &h->pci.dev[d->parent];
	_cleanup_free_ char *rm = vd_xasprintf("/sys/bus/pci/devices/%s/remove", br->name);
	vd_finding_evidence(f, br->path, "the bridge above %s (what lspci -t shows): %s", d->name, br->name);
	/* The page's runtime step: remove the bridge, rescan the bus. */
	vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, rm, "1");
	vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, "/sys/bus/pci/rescan", "1");
}

static void from_log(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out, bool *seen)
{
	size_t it = 0;
	const struct vd_log_event *e;

	while ((e = vd_klog_next(&h->log, VD_EV_BAR_RESERVE, &it))) {
		if (!vd_klog_first_for_bdf(&h->log, e))
			continue;
		const struct vd_pci_dev *d = e->bdf[0] ? vd_pci_find(&h->pci, e->bdf) : NULL;
		const struct vd_iomem_entry *own = owner_of(h, e->start, e->end);
		_cleanup_free_ char *label = d ? vd_pci_label(d) : vd_xstrdup("a device not on this host now");
		struct vd_finding *f = vd_finding_add(
			out, c, VD_FAIL, e->bdf[0] ? e->bdf : NULL,
			"%s could not reserve BAR %d of %s (%s, [mem 0x%llx-0x%llx]): %s holds that memory, so the "
			"device cannot be given to the VM (in Windows this ends in code 43).",
			e->word[0] ? e->word : "The driver", e->num, e->bdf[0] ? e->bdf : "?", label, e->start, e->end,
			own ? own->name
			: h->iomem.hidden ? "something /proc/iomem does not show without root"
			: h->iomem.err    ? "a claim /proc/iomem could not name (unreadable here)"
					  : "another claim");
		vd_evidence_log(f, h, e);
		if (own)
			vd_finding_evidence(f, "/proc/iomem", "%llx-%llx : %s", (unsigned long long)own->start,
					    (unsigned long long)own->end, own->name);
		else if (h->iomem.hidden)
			vd_finding_evidence(f, "/proc/iomem", "addresses hidden (read as root to see the owner)");
		vd_finding_hint(f, "Keep the firmware framebuffer off this card (kernel parameter below), add "
				   "pci=realloc, and before starting the VM remove and rescan the bridge above the card "
				   "so the kernel assigns the BAR again.");
		vd_fix_framebuffer_off(f, h, own ? own->name : NULL);
		if (!vd_cmdline_has_opt(&h->kernel.cmdline, "pci", "realloc"))
			vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "pci", "realloc");
		bridge_fix(f, h, d);
		*seen = true;
	}
}

/* Before the VM ever started: a framebuffer already sits in a BAR of a
 * card that is on vfio-pci. */
static void predict(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out, bool *seen)
{
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_passthrough(d))
			continue;
		for (int b = 0; b < 6; b++) {
			const struct vd_bar *bar = &d->bar[b];
			const struct vd_iomem_entry *fb;
			if (!vd_bar_size(bar) || !(bar->flags & VD_IORESOURCE_MEM) ||
			    !(fb = vd_iomem_framebuffer_in(&h->iomem, bar->start, bar->end)))
				continue;
			_cleanup_free_ char *label = vd_pci_label(d);
			struct vd_finding *f = vd_finding_add(
				out, c, VD_WARN, d->name,
				"The firmware framebuffer (%s) lies inside BAR %d of %s (%s), which is bound to %s: "
				"vfio-pci will fail to reserve it (\"BAR %d: can't reserve\") when the VM starts.",
				fb->name, b, d->name, label, d->driver ? d->driver : "vfio-pci", b);
			vd_finding_evidence(f, "/proc/iomem", "%llx-%llx : %s", (unsigned long long)fb->start,
					    (unsigned long long)fb->end, fb->name);
			_cleanup_free_ char *res = vd_xasprintf("/sys/bus/pci/devices/%s/resource", d->name);
			vd_finding_evidence(f, res, "BAR %d: 0x%llx-0x%llx", b, (unsigned long long)bar->start,
					    (unsigned long long)bar->end);
			vd_fix_framebuffer_off(f, h, fb->name);
			if (!vd_cmdline_has_opt(&h->kernel.cmdline, "pci", "realloc"))
				vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "pci", "realloc");
			*seen = true;
			break;
		}
	}
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	bool seen = false;
	struct vd_finding *f;

	from_log(c, h, out, &seen);
	if (!seen)
		predict(c, h, out, &seen);
	if (seen)
		return;
	if (!h->log.kernel_log && (h->iomem.err || h->iomem.hidden)) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL,
				   "Neither the kernel log nor the owners in /proc/iomem could be read: %s.",
				   h->iomem.err ? vd_errno_reason(h->iomem.err) : "addresses are hidden from non-root");
		for (size_t i = 0; i < h->log.nsrc; i++)
			vd_finding_evidence(f, h->log.src[i].path, "%s", vd_errno_reason(h->log.src[i].err));
		return;
	}
	f = vd_finding_add(out, c, VD_PASS, NULL,
			   "No BAR reservation failures in the kernel log, and no firmware framebuffer inside a BAR of "
			   "a passthrough GPU.");
	for (size_t i = 0; i < h->log.nsrc; i++)
		vd_finding_evidence(f, h->log.src[i].path, "%s",
				    h->log.src[i].err ? vd_errno_reason(h->log.src[i].err) : "scanned");
}

const struct vd_check vd_check_bar_reserve = {
	.id = "bar-reserve",
	.title = "GPU BARs free for vfio-pci (\"BAR N: can't reserve\")",
	.section = "\"BAR 3: cannot reserve [mem]\" error in dmesg after starting virtual machine",
	.explain = "When the VM starts, vfio-pci reserves every memory BAR of the device. If part of a BAR is "
		   "already claimed, the kernel logs \"vfio-pci 0000:09:00.0: BAR 3: can't reserve [mem ...]\" and the "
		   "guest driver fails (code 43 on Windows). The claim is almost always the firmware framebuffer "
		   "the host kept on that card: efifb (UEFI), vesafb (BIOS), or on Linux 5.15 and later the "
		   "sysfb platform framebuffer (BOOTFB in /proc/iomem, driven by simplefb or simpledrm). The "
		   "page's remedy: keep the framebuffer off the card (video=efifb:off; for sysfb "
		   "initcall_blacklist=sysfb_init), add pci=realloc, and as a runtime step remove the bridge "
		   "above the card and rescan the bus so the kernel assigns the BAR afresh.",
	.looks_at = "\"can't reserve\" lines in the kernel and libvirt logs; /proc/iomem (which driver owns the "
		    "range, as root); the BARs of GPUs on vfio-pci; the bridge above the card in sysfs.",
	.fixes = "Kernel parameters video=efifb:off / video=vesafb:off / initcall_blacklist=sysfb_init (by owner) "
		 "and pci=realloc; runtime: write 1 to the bridge's remove, then 1 to /sys/bus/pci/rescan.",
	.run = run,
};
