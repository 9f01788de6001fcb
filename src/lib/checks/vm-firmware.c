// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-firmware: a GPU passed to a VM that boots SeaBIOS instead of OVMF. */
#include "../vm-check.h"

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	const struct vd_pci_dev *gpu = NULL;
	const struct vd_vm_hostdev *hd = vd_vm_gpu(h, vm, false, &gpu);
	struct vd_finding *f;

	/* x-vga=on marks a GPU even when this host does not list the device */
	for (size_t i = 0; !hd && i < vm->nhostdev; i++)
		if (vm->hostdev[i].x_vga)
			hd = &vm->hostdev[i];
	if (!hd) {
		vd_vm_finding(out, c, vm, VD_PASS, "No GPU is passed to this VM.");
		return;
	}
	if (vm->firmware == VD_FW_EFI) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "The VM boots UEFI (OVMF)%s%s.", vm->loader ? ": " : "",
				  vm->loader ? vm->loader : "");
		vd_vm_evidence(f, vm, "/domain/os", "%s", vm->loader ? vm->loader : "firmware='efi'");
		return;
	}
	f = vd_vm_finding(out, c, vm, VD_FAIL,
			  "A GPU (%04x:%02x:%02x.%x) is passed to a VM that boots legacy BIOS (SeaBIOS): the page's "
			  "setup assumes OVMF, and a card's UEFI GOP is what brings up the display, so the screen stays "
			  "black.",
			  hd->domain, hd->bus, hd->slot, hd->fn);
	vd_vm_evidence(f, vm, "/domain/os", "%s", vm->loader ? vm->loader : "no UEFI loader, no firmware='efi'");
	vd_finding_hint(f, "Select UEFI firmware (virt-manager: Overview, Firmware: UEFI). A guest installed in BIOS "
			   "mode must be converted to GPT/UEFI boot or reinstalled.");
	if (vd_vm_is_libvirt(vm)) {
		if (vd_vm_libvirt_at_least(vm, VD_LV_FIRMWARE_EFI, true))
			vd_vm_fix_xml(f, VD_OP_SET, "/domain/os/@firmware", "efi");
		else
			vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "/domain/os/loader",
				       "<loader readonly='yes' type='pflash'>the distribution's OVMF_CODE.fd</loader>");
	} else {
		if (vm->loader)
			vd_vm_fix_qemu(f, VD_OP_REMOVE, "-bios", vm->loader);
		vd_vm_fix_qemu(f, VD_OP_ADD, "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd");
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_firmware = {
	.id = "vm-firmware",
	.title = "UEFI firmware for a passed GPU",
	.section = "Passthrough seems to work but no output is displayed",
	.explain = "The page: if you are using virt-manager, ensure that UEFI firmware is selected for your virtual "
		   "machine. GPU passthrough as the page describes it runs OVMF: the card's UEFI GOP driver (in its "
		   "VBIOS) initialises the display; under SeaBIOS the legacy VGA path needs x-vga and VGA "
		   "arbitration and often shows nothing. libvirt selects OVMF with <os firmware='efi'> (since 5.2.0) "
		   "or a pflash <loader>; QEMU with -drive if=pflash.",
	.looks_at = "<os firmware>, <loader> type and path, -bios, -drive if=pflash, and which host devices passed "
		    "to the VM are GPUs (class 03, or x-vga=on).",
	.fixes = "Domain XML: /domain/os/@firmware = efi; QEMU: an OVMF pflash drive instead of -bios.",
	.run = run,
	.per_vm = true,
};
