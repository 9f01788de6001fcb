// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-hostdev: every PCI host device of a VM exists on this host, is what it
 * should be, is bound to vfio-pci when libvirt will not bind it, and a GPU
 * travels with the other functions of its card. */
#include <stdio.h>
#include <string.h>

#include "../gpu.h"
#include "../vm-check.h"

#define MAX_FUNCS 8

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	struct vd_finding *f;
	size_t problems = 0;

	if (vm->nhostdev == 0) {
		vd_vm_finding(out, c, vm, VD_PASS, "The VM has no PCI host devices.");
		return;
	}
	if (h->pci.err) {
		f = vd_vm_finding(out, c, vm, VD_UNKNOWN, "Could not list the host's PCI devices (%s) to compare.",
				  vd_errno_reason(h->pci.err));
		vd_finding_evidence(f, "/sys/bus/pci/devices", "%s", vd_errno_reason(h->pci.err));
		return;
	}
	for (size_t i = 0; i < vm->nhostdev; i++) {
		const struct vd_vm_hostdev *hd = &vm->hostdev[i];
		const struct vd_pci_dev *d = vd_vm_host_dev(h, hd);
		char addr[32];
		snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", hd->domain, hd->bus, hd->slot, hd->fn);
		if (!d) {
			f = vd_vm_finding(out, c, vm, VD_FAIL,
					  "The VM passes %s, which does not exist on this host: the VM does not start, or "
					  "the address is stale after a hardware or firmware change.",
					  addr);
			vd_vm_evidence(f, vm, "hostdev source address", "%s", addr);
			vd_finding_evidence(f, "/sys/bus/pci/devices", "no %s", addr);
			vd_finding_hint(f, "Correct the host address: 'vfio-doctor groups' lists the devices.");
			problems++;
			continue;
		}
		_cleanup_free_ char *label = vd_pci_label(d);
		_cleanup_free_ char *drv = vd_xasprintf("/sys/bus/pci/devices/%s/driver", d->name);
		if (vd_pci_is_bridge(d)) {
			f = vd_vm_finding(out, c, vm, VD_FAIL, "The VM passes %s, which is a %s (%s), not an endpoint device.",
					  addr, vd_pci_kind(d), label);
			vd_finding_evidence(f, "/sys/bus/pci/devices", "%s: class %06x", addr, d->class24);
			vd_finding_hint(f, "Pass the device behind the bridge instead: 'vfio-doctor groups' shows them.");
			problems++;
			continue;
		}
		if (hd->managed == VD_OFF && !vd_pci_on_vfio(d)) {
			f = vd_vm_finding(out, c, vm, VD_FAIL,
					  "%s (%s) has managed='no', so libvirt will not bind it to vfio-pci, but it is on "
					  "%s: the VM fails to start.",
					  addr, label, d->driver ? d->driver : "no driver");
			vd_finding_evidence(f, drv, "%s", d->driver ? d->driver : "none");
			vd_finding_hint(f, "Bind it to vfio-pci before starting the VM (see vfio-binding), or let libvirt do it "
					   "with managed='yes'.");
			_cleanup_free_ char *ov = vd_xasprintf("/sys/bus/pci/devices/%s/driver_override", d->name);
			vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, ov, "vfio-pci");
			problems++;
		}
		if (!vd_pci_is_gpu(d))
			continue;
		/* The card's other functions: audio, USB-C, UCSI. */
		int fn[MAX_FUNCS];
		size_t nfn = vd_gpu_siblings(h, d, fn, MAX_FUNCS);
		struct vd_str missing = {0};
		size_t nmiss = 0;
		for (size_t k = 0; k < nfn; k++) {
			const struct vd_pci_dev *s = &h->pci.dev[fn[k]];
			if (vd_vm_passes(vm, s->domain, s->bus, s->dev, s->fn))
				continue;
			vd_str_addf(&missing, "%s%s (%s)", nmiss ? ", " : "", s->name, vd_pci_kind(s));
			nmiss++;
		}
		if (nmiss) {
			f = vd_vm_finding(out, c, vm, VD_WARN,
					  "The VM passes the GPU %s (%s) but not %zu other function%s of the card: %s. The "
					  "guest driver misses them (HDMI audio, USB-C), and a function left on a host "
					  "driver keeps the IOMMU group from being used.",
					  addr, label, nmiss, nmiss == 1 ? "" : "s", missing.s);
			for (size_t k = 0; k < nfn; k++) {
				const struct vd_pci_dev *s = &h->pci.dev[fn[k]];
				if (vd_vm_passes(vm, s->domain, s->bus, s->dev, s->fn))
					continue;
				_cleanup_free_ char *sd = vd_xasprintf("/sys/bus/pci/devices/%s/driver", s->name);
				vd_finding_evidence(f, sd, "%s", s->driver ? s->driver : "none");
				if (vd_vm_is_libvirt(vm)) {
					_cleanup_free_ char *x = vd_xasprintf(
						"<hostdev mode='subsystem' type='pci' managed='yes'><source><address "
						"domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/></source></hostdev>",
						s->domain, s->bus, s->dev, s->fn);
					vd_vm_fix_xml(f, VD_OP_ADD, "/domain/devices", x);
				} else {
					_cleanup_free_ char *x = vd_xasprintf("vfio-pci,host=%s", s->name);
					vd_vm_fix_qemu(f, VD_OP_ADD, "-device", x);
				}
			}
			vd_finding_hint(f, "Pass every function of the card to the VM.");
			problems++;
		}
		vd_str_done(&missing);
	}
	if (!problems) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "All %zu PCI host device%s exist on this host and are usable.",
				  vm->nhostdev, vm->nhostdev == 1 ? "" : "s");
		for (size_t i = 0; i < vm->nhostdev; i++) {
			const struct vd_pci_dev *d = vd_vm_host_dev(h, &vm->hostdev[i]);
			_cleanup_free_ char *label = vd_pci_label(d);
			vd_finding_evidence(f, "/sys/bus/pci/devices", "%s: %s, %s", d->name, label, d->driver ? d->driver : "no driver");
		}
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_hostdev = {
	.id = "vm-hostdev",
	.title = "The VM's PCI host devices",
	.section = "Passthrough seems to work but no output is displayed",
	.explain = "The page: make sure you have passed the correct device to the virtual machine. A host device "
		   "address that no longer exists (after a BIOS update or moving a card) or names a bridge instead of "
		   "the card passes the wrong thing; managed='no' means libvirt will not bind the device to vfio-pci "
		   "itself; and a GPU passed without the other functions of its card (HDMI audio, USB-C, UCSI) leaves "
		   "the guest driver without them, while the page insists on treating .0 and .1 together.",
	.looks_at = "Each <hostdev type='pci'> (or -device vfio-pci) host address against /sys/bus/pci/devices: "
		    "existence, class, bound driver, and the other functions in a GPU's slot.",
	.fixes = "Bind managed='no' devices to vfio-pci (driver_override); add the card's missing functions as "
		 "<hostdev> elements (QEMU: -device vfio-pci,host=...).",
	.run = run,
	.per_vm = true,
};
