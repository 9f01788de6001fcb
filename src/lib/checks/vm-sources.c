// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-sources: which VM configurations were read (libvirt, domain XML files,
 * QEMU command lines, running QEMU processes) and which could not be. */
#include "../vm-check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_vms *vms = &h->vms;
	struct vd_finding *f;

	for (size_t i = 0; i < vms->nerr; i++) {
		const struct vd_vm_error *e = &vms->err[i];
		/* A source the user named is a failure to report; a default one
		 * (qemu:///system not running) is information. */
		f = vd_finding_add(out, c, e->requested ? VD_UNKNOWN : VD_INFO, e->origin,
				   "Could not read VM configuration from %s: %s.", e->origin, e->reason);
		vd_finding_evidence(f, e->origin, "%s", e->reason);
	}
	VD_FOREACH_VM(h, vm)
	{
		char lv[32], qv[32];
		f = vd_vm_finding(out, c, vm, VD_INFO,
				  "Read from %s (%s): machine %s, %s firmware, %u vCPU%s, %zu PCI host device%s.",
				  vm->origin, vd_vm_source_name(vm->source), vm->machine ? vm->machine : "default",
				  vm->firmware == VD_FW_EFI ? "UEFI (OVMF)" : vm->firmware == VD_FW_BIOS ? "BIOS (SeaBIOS)" : "unknown",
				  vm->vcpus, vm->vcpus == 1 ? "" : "s", vm->nhostdev, vm->nhostdev == 1 ? "" : "s");
		vd_vm_evidence(f, vm, "versions", "libvirt %s, QEMU %s", vd_version_str(vm->libvirt_version, lv, sizeof(lv)),
			       vd_version_str(vm->qemu_version, qv, sizeof(qv)));
	}
	if (vms->n == 0 && vms->nerr == 0) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "No VM configuration was read, so the VM checks had nothing to look at.");
		for (char **n = vms->notes; n && *n; n++)
			vd_finding_evidence(f, "vms", "%s", *n);
		vd_finding_hint(f, "Name one with --xml FILE (virsh dumpxml), --domain NAME [-c URI] or --qemu-cmdline FILE.");
	}
}

const struct vd_check vd_check_vm_sources = {
	.id = "vm-sources",
	.title = "VM configurations read",
	.section = "Half of the page's failure modes live in the VM's configuration",
	.explain = "Many of the page's sections (QEMU 4.0 and Q35, Zen 2 and STIBP, the mobile NVIDIA battery, one "
		   "core only, no output, DMA mapping failed, vIOMMU aw-bits) are about the virtual machine's "
		   "configuration rather than the host. vfio-doctor reads it from libvirt (qemu:///system by default "
		   "when it runs on the live host, every domain with PCI host devices), from domain XML files "
		   "(virsh dumpxml), from QEMU command lines or start scripts, and from running QEMU processes. This "
		   "check says what was read and what could not be, so a missing VM finding is never silent.",
	.looks_at = "libvirt's domain list and persistent XML (read-only connection), --xml and --qemu-cmdline "
		    "files, /proc/PID/cmdline of QEMU processes under the root.",
	.fixes = "None; it names the VMs the other vm-* checks look at.",
	.run = run,
};
