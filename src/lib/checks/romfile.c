// SPDX-License-Identifier: GPL-2.0-or-later
/* romfile: every ROM file a VM hands to a device exists, QEMU can read it,
 * it is a whole PCI ROM from offset 0, it is for that device, and it has a
 * UEFI image when the VM boots OVMF. */
#include <errno.h>
#include <string.h>

#include "check.h"

static void config_evidence(struct vd_finding *f, const struct vd_romfile_ref *ref)
{
	if (ref->source)
		vd_finding_evidence(f, ref->source, "%s%s%sROM file %s for %s", ref->vm ? "VM " : "",
				    ref->vm ? ref->vm : "", ref->vm ? ": " : "", ref->path,
				    ref->for_bdf ? ref->for_bdf : "a device");
}

static const char *subject(const struct vd_romfile_ref *ref)
{
	return ref->for_bdf ? ref->for_bdf : ref->path;
}

/* The file could not be read: nothing else can be said. */
static void unreadable(const struct vd_check *c, const struct vd_host *h, const struct vd_romfile_ref *ref,
		       struct vd_findings *out)
{
	const struct vd_rom_evidence *ev = &ref->ev;
	struct vd_finding *f;

	if (ev->err == -ENOENT) {
		f = vd_finding_add(
		    out, c, VD_FAIL, subject(ref),
		    "The ROM file %s does not exist: QEMU refuses to start the VM (\"failed to find romfile\").",
		    ev->path);
		vd_finding_hint(f, "Point <rom file='...'/> (romfile=) at the ROM's real path, or remove it to use the "
				   "card's own ROM.");
	} else if ((ev->err == -EACCES || ev->err == -EPERM) && !h->is_root) {
		f = vd_finding_add(out, c, VD_UNKNOWN, subject(ref), "The ROM file %s could not be read: %s.", ev->path,
				   vd_errno_reason(ev->err));
	} else {
		f = vd_finding_add(out, c, VD_FAIL, subject(ref), "The ROM file %s cannot be read: %s.", ev->path,
				   vd_errno_reason(ev->err));
	}
	vd_finding_evidence(f, ev->path, "%s", vd_errno_reason(ev->err));
	config_evidence(f, ref);
}

/* Returns true when it added a finding worse than PASS. */
static bool content(const struct vd_check *c, const struct vd_host *h, const struct vd_romfile_ref *ref,
		    struct vd_findings *out)
{
	const struct vd_rom *r = &ref->ev.rom;
	const char *p = ref->ev.path;
	_cleanup_free_ char *verdict = vd_rom_verdict(r);
	struct vd_finding *f = NULL;
	bool bad = false;

	if (r->start) {
		f = vd_finding_add(
		    out, c, VD_FAIL, subject(ref),
		    "The ROM file %s has %zu bytes before its ROM signature (a header some dumping and "
		    "flashing tools add): QEMU hands the file to the VM as it is, and firmware finds no ROM at "
		    "offset 0.",
		    p, r->start);
		_cleanup_free_ char *cmd = vd_xasprintf("vfio-doctor rom %s --strip -o %s.stripped", p, p);
		vd_finding_hint(f, "Write the ROM without the header and point the VM at the new file: %s", cmd);
		vd_finding_fix(f, VD_FIX_COMMAND, VD_OP_ADD, NULL, cmd);
		vd_finding_evidence(f, p, "ROM signature at 0x%zx", r->start);
		config_evidence(f, ref);
		return true;
	}
	if (r->nimg == 0 || !r->img[0].pcir_ok) {
		f = vd_finding_add(out, c, VD_FAIL, subject(ref), "The ROM file %s is not a PCI expansion ROM: %s", p,
				   r->error_text ? r->error_text : "no image.");
		vd_finding_evidence(f, p, "%zu bytes", r->size);
		config_evidence(f, ref);
		return true;
	}
	if (r->error != VD_ROM_OK) {
		f = vd_finding_add(out, c, VD_FAIL, subject(ref), "The ROM file %s is damaged: %s", p, r->error_text);
		vd_finding_evidence(f, p, "%zu bytes, %zu images read", r->size, r->nimg);
		config_evidence(f, ref);
		bad = true;
	}
	const struct vd_pci_dev *d = ref->for_bdf ? vd_pci_find(&h->pci, ref->for_bdf) : NULL;
	if (d && !d->ident_err) {
		size_t with, n = vd_rom_count_matching(r, d->vendor, d->device, &with);
		if (with && n != with) {
			_cleanup_free_ char *label = vd_pci_label(d);
			f = vd_finding_add(
			    out, c, VD_FAIL, subject(ref),
			    "The ROM file %s is for another model: its first image names [%04x:%04x], the "
			    "device %s is [%04x:%04x] (%s). A ROM for another model: never flash it, and "
			    "don't hand it to the VM.",
			    p, r->img[0].vendor, r->img[0].device, d->name, d->vendor, d->device, label);
			vd_finding_hint(f,
					"Use a ROM dumped from this card (vfio-doctor rom --device %s -o FILE) or one "
					"published for exactly this model and board.",
					d->name);
			vd_finding_evidence(f, p, "%zu of %zu images carry other IDs", with - n, with);
			config_evidence(f, ref);
			bad = true;
		}
	}
	if (ref->ovmf && !vd_rom_uefi_image(r)) {
		f = vd_finding_add(
		    out, c, VD_FAIL, subject(ref),
		    "The VM boots OVMF, but its ROM file %s has %s: the card shows nothing until the guest's "
		    "driver loads, and the page names such ROMs as a cause of error 43.",
		    p, verdict);
		vd_finding_hint(f,
				"Use a UEFI-capable ROM of the same model; check candidates with 'vfio-doctor rom FILE "
				"--for %s'. Never flash a ROM to the card to get there.",
				subject(ref));
		vd_finding_evidence(f, p, "%s", verdict);
		config_evidence(f, ref);
		bad = true;
	}
	return bad;
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	struct vd_finding *f;

	if (h->nromfiles == 0) {
		vd_finding_add(out, c, VD_INFO, NULL,
			       "No VM configuration read names a ROM file for a device (<rom file='...'/>, romfile=): "
			       "there is nothing to check.");
		return;
	}
	for (size_t i = 0; i < h->nromfiles; i++) {
		const struct vd_romfile_ref *ref = &h->romfiles[i];
		const struct vd_rom_evidence *ev = &ref->ev;
		bool bad = false;

		if (ev->err) {
			unreadable(c, h, ref, out);
			continue;
		}
		if (!ev->others_can_read) {
			f = vd_finding_add(
			    out, c, VD_WARN, subject(ref),
			    "QEMU may not be able to read the ROM file %s: %s keeps other users out, and "
			    "libvirt runs QEMU as an unprivileged user (user= in qemu.conf).",
			    ev->path, ev->blocked_at);
			vd_finding_hint(f,
					"Make the file readable (chmod 0644) and the directories above it searchable "
					"(o+x) by other users.");
			vd_finding_evidence(f, ev->path, "mode %04o, owner %u:%u", (unsigned)(ev->st.st_mode & 07777),
					    (unsigned)ev->st.st_uid, (unsigned)ev->st.st_gid);
			config_evidence(f, ref);
			bad = true;
		}
		bad |= content(c, h, ref, out);
		if (bad)
			continue;
		_cleanup_free_ char *verdict = vd_rom_verdict(&ev->rom);
		const struct vd_pci_dev *d = ref->for_bdf ? vd_pci_find(&h->pci, ref->for_bdf) : NULL;
		if (d && !d->ident_err)
			f = vd_finding_add(
			    out, c, VD_PASS, subject(ref),
			    "The ROM file %s is a whole PCI ROM from offset 0 (%zu images) for %s [%04x:%04x]; "
			    "%s.",
			    ev->path, ev->rom.nimg, d->name, d->vendor, d->device, verdict);
		else
			f = vd_finding_add(
			    out, c, VD_PASS, subject(ref),
			    "The ROM file %s is a whole PCI ROM from offset 0 (%zu images; its device is not "
			    "in the inventory to compare IDs with); %s.",
			    ev->path, ev->rom.nimg, verdict);
		vd_finding_evidence(f, ev->path, "%zu bytes, mode %04o", ev->rom.size,
				    (unsigned)(ev->st.st_mode & 07777));
		config_evidence(f, ref);
	}
}

const struct vd_check vd_check_romfile = {
    .id = "romfile",
    .title = "ROM files handed to passed-through devices",
    .section = "UEFI (OVMF) compatibility in VBIOS",
    .explain = "The page's remedy for a VBIOS without UEFI support is to give the VM another ROM as a file "
	       "instead of flashing the card: <rom file='/path/to/bios.bin'/> in libvirt's hostdev, "
	       "romfile= for QEMU. QEMU then hands the file's bytes to the guest as the card's ROM, as they are. "
	       "So the file must exist and be readable by QEMU's unprivileged user, it must start with the ROM "
	       "signature (dumps saved by some flashing tools carry a header first, which firmware does not skip), "
	       "its image chain must be whole, it must be for this exact device (the page: never use VBIOS "
	       "images for other GPU models), and when the VM boots OVMF it needs a UEFI (type 3, EFI) image "
	       "with an X64 driver. vfio-doctor never flashes firmware: a ROM file gets the same result without "
	       "risking the card.",
    .looks_at = "Each ROM file a VM configuration names (path, mode and owner of it and its directories, its "
		"bytes) and the PCI IDs of the device it is attached to. The list comes from the VM definitions "
		"the inventory reads.",
    .fixes = "For a prefixed dump: the command that writes a stripped copy (vfio-doctor rom FILE --strip -o OUT). "
	     "Otherwise it says what to change; it never flashes firmware.",
    .run = run,
};
