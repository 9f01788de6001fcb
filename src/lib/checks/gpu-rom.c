// SPDX-License-Identifier: GPL-2.0-or-later
/* gpu-rom: the ROM of each passthrough GPU, where the root lets it be read
 * as it is, has a UEFI image OVMF can run. */
#include <errno.h>
#include <string.h>

#include "check.h"

/* include/linux/ioport.h IORESOURCE_ROM_SHADOW on the ROM resource: the
 * kernel reads the BIOS's copy at 0xC0000 (the legacy image only). */
#define ROM_SHADOW 0x2u

static void unread(const struct vd_check *c, const struct vd_host *h, const struct vd_pci_dev *d,
		   const struct vd_gpu_rom *g, const char *label, struct vd_findings *out)
{
	struct vd_finding *f;
	int err = g->ev.err;

	if (err == -EINVAL) {
		/* pci_read_rom: EINVAL until "1" is written to the attribute. */
		f = vd_finding_add(
		    out, c, VD_INFO, d->name,
		    "The kernel returns the ROM of %s (%s) only after 'echo 1 > rom', which check never does "
		    "(it changes nothing), so its UEFI support was not looked at.",
		    d->name, label);
	} else if (err == -ENOENT && vd_root_is_live(h->root)) {
		f = vd_finding_add(
		    out, c, VD_INFO, d->name,
		    "%s (%s) exposes no expansion ROM (no rom attribute): OVMF gets no GOP driver from the card "
		    "itself, so the VM shows nothing until the guest's driver loads unless it is given a "
		    "UEFI-capable ROM file of the same model.",
		    d->name, label);
	} else if (err == -ENOENT) {
		f = vd_finding_add(
		    out, c, VD_INFO, d->name,
		    "This snapshot holds no ROM of %s (%s): the kernel shows the rom attribute only for "
		    "functions with an expansion ROM, and a snapshot keeps it only when it was readable.",
		    d->name, label);
	} else {
		f = vd_finding_add(out, c, VD_UNKNOWN, d->name, "The ROM of %s (%s) could not be read: %s.", d->name,
				   label, vd_errno_reason(err));
	}
	vd_finding_evidence(f, g->ev.path, "%s",
			    err == -EINVAL ? "not enabled (reads give EINVAL)" : vd_errno_reason(err));
	if (err != -ENOENT || !vd_root_is_live(h->root))
		vd_finding_hint(f,
				"Dump and check it as root: vfio-doctor rom --device %s -o gpu.rom, then vfio-doctor "
				"rom gpu.rom.",
				d->name);
}

static void judge(const struct vd_check *c, const struct vd_pci_dev *d, const struct vd_gpu_rom *g, const char *label,
		  struct vd_findings *out)
{
	const struct vd_rom *r = &g->ev.rom;
	_cleanup_free_ char *verdict = vd_rom_verdict(r);
	bool shadowed = (d->bar[VD_PCI_ROM_BAR].flags & ROM_SHADOW) != 0;
	struct vd_finding *f;

	if (r->nimg == 0 || !r->img[0].pcir_ok || r->start != 0) {
		f = vd_finding_add(
		    out, c, VD_WARN, d->name,
		    "The ROM the kernel returned for %s (%s) does not start with a PCI expansion ROM: %s", d->name,
		    label, r->error_text ? r->error_text : "a header precedes it.");
		vd_finding_evidence(f, g->ev.path, "%zu bytes, %s", r->size, verdict);
		vd_finding_hint(f, "A card in use by a driver, or a boot GPU whose ROM the BIOS shadowed, can return "
				   "garbage; read it again with the card on vfio-pci and no VM running.");
		return;
	}
	if (vd_rom_uefi_image(r)) {
		f = vd_finding_add(out, c, VD_PASS, d->name, "The ROM of %s (%s) is %s: OVMF can run its GOP driver.",
				   d->name, label, verdict);
	} else if (shadowed) {
		f = vd_finding_add(
		    out, c, VD_UNKNOWN, d->name,
		    "The kernel read the BIOS's shadow copy of the ROM of %s (%s), the boot GPU; that copy "
		    "holds the legacy image only, so whether the card's ROM has a UEFI image is unknown.",
		    d->name, label);
		vd_finding_hint(f, "Boot the host from the other GPU (or in UEFI mode without CSM) and read the ROM "
				   "again.");
	} else {
		f = vd_finding_add(
		    out, c, VD_WARN, d->name,
		    "The ROM of %s (%s) has no UEFI image (%s): OVMF cannot run a GOP driver for it, so the VM "
		    "shows nothing until the guest's driver loads, and the page names such ROMs as a cause of "
		    "error 43.",
		    d->name, label, verdict);
		vd_finding_hint(
		    f,
		    "Give the VM a UEFI-capable ROM of exactly this model as its romfile (<rom file='...'/> "
		    "in the hostdev); check it first with 'vfio-doctor rom FILE --for %s'. Never flash: "
		    "vfio-doctor does not, and a wrong image bricks the card.",
		    d->name);
		_cleanup_free_ char *target = vd_xasprintf("VBIOS for %s", d->name);
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, target,
			       "a UEFI-capable ROM of the same model, given to the VM as <rom file='PATH'/>");
	}
	vd_finding_evidence(f, g->ev.path, "%zu bytes, %zu images, %s", r->size, r->nimg, verdict);
	if (shadowed) {
		_cleanup_free_ char *res = vd_xasprintf("/sys/bus/pci/devices/%s/resource", d->name);
		vd_finding_evidence(f, res, "ROM resource flags 0x%llx (shadowed)",
				    (unsigned long long)d->bar[VD_PCI_ROM_BAR].flags);
	}

	size_t with, n = vd_rom_count_matching(r, d->vendor, d->device, &with);
	if (with && n != with) {
		f = vd_finding_add(out, c, VD_WARN, d->name,
				   "The ROM of %s carries the IDs of another model: %zu of its %zu images do not name "
				   "[%04x:%04x]. The card was flashed with another board's firmware.",
				   d->name, with - n, with, d->vendor, d->device);
		vd_finding_evidence(f, g->ev.path, "first image: [%04x:%04x]", r->img[0].vendor, r->img[0].device);
	}
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	struct vd_finding *f;

	if (vd_check_pci_unlisted(c, h, out))
		return;
	if (h->ngpu_roms == 0) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "No GPU is bound to vfio-pci: there is no passthrough GPU whose ROM to look at.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "no display controller on vfio-pci");
		return;
	}
	for (size_t i = 0; i < h->ngpu_roms; i++) {
		const struct vd_gpu_rom *g = &h->gpu_roms[i];
		const struct vd_pci_dev *d = &h->pci.dev[g->dev];
		_cleanup_free_ char *label = vd_pci_label(d);
		if (g->ev.err)
			unread(c, h, d, g, label, out);
		else
			judge(c, d, g, label, out);
	}
}

const struct vd_check vd_check_gpu_rom = {
    .id = "gpu-rom",
    .title = "Passthrough GPU's ROM has a UEFI image",
    .section = "UEFI (OVMF) compatibility in VBIOS",
    .explain = "OVMF shows a picture on a passed-through GPU only by running the UEFI driver (GOP) from the card's "
	       "option ROM: a ROM image of code type 3 (EFI) holding an X64 (or EBC) boot-service driver. A card "
	       "whose VBIOS has only the legacy x86 image leaves the VM dark until the guest's own driver loads, "
	       "and the page names such a VBIOS as a cause of error 43; it tells users to check with rom-parser "
	       "for a \"type 3 (EFI)\" image. This check reads the card's ROM from sysfs only where the root "
	       "lets it be read as it is (a snapshot, or a live host where the rom attribute was enabled): it "
	       "never writes to sysfs. 'vfio-doctor rom --device BDF -o FILE' does the page's dump sequence "
	       "(echo 1 > rom, read, echo 0 > rom) on request. The fix is a UEFI-capable ROM of the same model "
	       "handed to the VM as a file (<rom file='...'/>, QEMU romfile=), which needs no flashing. "
	       "vfio-doctor never flashes firmware: as the page warns, a failed or wrong flash can brick the card "
	       "for good, and images for other models (other boards, clocks, fans) must never be written to it.",
    .looks_at = "/sys/bus/pci/devices/BDF/rom of every GPU bound to vfio-pci (read without enabling it) and the "
		"ROM resource flags in .../resource (shadowed copy).",
    .fixes = "None automatic: it names the manual step (a UEFI-capable ROM file of the same model for the VM). "
	     "It never flashes firmware.",
    .run = run,
};
