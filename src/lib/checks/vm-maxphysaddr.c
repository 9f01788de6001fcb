// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-maxphysaddr: the guest's physical address size against what the host
 * can map ("vfio: DMA mapping failed"), and hybrid CPUs whose P- and E-cores
 * disagree (Looking Glass boot hang). */
#include <stdio.h>
#include <string.h>

#include "../vm-check.h"

/* QEMU's phys-bits for CPU models other than host/max: TCG_PHYS_ADDR_BITS
 * (target/i386/cpu.h), 40. */
#define QEMU_DEFAULT_PHYS_BITS 40

static unsigned guest_bits(const struct vd_vm *vm, unsigned host, bool *explicit_limit)
{
	*explicit_limit = true;
	if (vm->maxphys_mode && strcmp(vm->maxphys_mode, "passthrough") == 0 && vm->maxphys_limit > 0)
		return (unsigned)vm->maxphys_limit < host ? (unsigned)vm->maxphys_limit : host;
	if (vm->maxphys_mode && strcmp(vm->maxphys_mode, "emulate") == 0 && vm->maxphys_bits > 0)
		return (unsigned)vm->maxphys_bits;
	if (vm->cpu_host_phys_bits_limit > 0)
		return (unsigned)vm->cpu_host_phys_bits_limit < host ? (unsigned)vm->cpu_host_phys_bits_limit : host;
	if (vm->cpu_phys_bits > 0)
		return (unsigned)vm->cpu_phys_bits;
	*explicit_limit = false;
	/* -cpu host turns host-phys-bits on (QEMU host_cpu_max_instance_init) */
	if (vd_vm_cpu_host(vm) && vm->cpu_host_phys_bits != VD_OFF)
		return host;
	return QEMU_DEFAULT_PHYS_BITS;
}

static void add_fix(struct vd_finding *f, const struct vd_vm *vm, unsigned n)
{
	char v[96];
	if (!vd_vm_is_libvirt(vm)) {
		snprintf(v, sizeof(v), vd_vm_cpu_host(vm) ? "host-phys-bits-limit=%u" : "phys-bits=%u", n);
		vd_vm_fix_qemu(f, VD_OP_SET, "-cpu", v);
		return;
	}
	if (vd_vm_libvirt_at_least(vm, VD_LV_MAXPHYSADDR_LIMIT, false) && vd_vm_cpu_host(vm)) {
		/* the page's form; limit= exists from libvirt 9.3.0 and older ones drop it silently */
		snprintf(v, sizeof(v), "mode='passthrough' limit='%u'", n);
		vd_vm_fix_xml(f, VD_OP_SET, "/domain/cpu/maxphysaddr", v);
	} else if (vd_vm_libvirt_at_least(vm, VD_LV_MAXPHYSADDR, true)) {
		/* 8.7.0 to 9.2: a fixed size instead of a capped passthrough */
		snprintf(v, sizeof(v), "mode='emulate' bits='%u'", n);
		vd_vm_fix_xml(f, VD_OP_SET, "/domain/cpu/maxphysaddr", v);
	} else {
		/* before <maxphysaddr>: the CPU property through QEMU's -global */
		snprintf(v, sizeof(v), "-global\nhost-x86_64-cpu.host-phys-bits-limit=%u", n);
		vd_vm_fix_xml(f, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", v);
	}
}

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	unsigned host = h->cpu.phys_bits, io = vd_iommu_width(&h->iommu);
	struct vd_finding *f;
	bool explicit_limit;

	if (!host) {
		f = vd_vm_finding(out, c, vm, VD_UNKNOWN, "The host's physical address size is unknown (no \"address sizes\" "
			      "in /proc/cpuinfo), so the VM's cannot be compared.");
		vd_finding_evidence(f, "/proc/cpuinfo", "address sizes: absent");
		return;
	}
	/* What the host can map: the CPU's physical size, and the IOMMU's width
	 * where it is smaller (guest addresses are IOVAs for the device). */
	unsigned n = io && io < host ? io : host;
	unsigned g = guest_bits(vm, host, &explicit_limit);
	if (g > n) {
		f = vd_vm_finding(out, c, vm, VD_FAIL,
				  "The guest may use %u-bit physical addresses, but this host maps only %u bits%s: OVMF puts "
				  "the 64-bit PCI window at the top of the guest's address space, and QEMU stops with "
				  "\"vfio: DMA mapping failed, unable to continue\".",
				  g, n, io && io < host ? " (its IOMMU's address width)" : "");
	} else if (h->cpu.hybrid && vd_vm_cpu_host(vm) && !explicit_limit) {
		f = vd_vm_finding(out, c, vm, VD_WARN,
				  "The host CPU is hybrid (P-cores %s, E-cores %s) and the VM passes it through without "
				  "a physical address limit: the cores' differing specs can hang the boot (seen with "
				  "Looking Glass).",
				  h->cpu.pcore_cpus ? h->cpu.pcore_cpus : "?", h->cpu.ecore_cpus ? h->cpu.ecore_cpus : "?");
		vd_finding_evidence(f, "/sys/devices/cpu_core/cpus", "%s", h->cpu.pcore_cpus ? h->cpu.pcore_cpus : "?");
	} else {
		f = vd_vm_finding(out, c, vm, VD_PASS, "Guest physical addresses (%u bits) fit what the host maps (%u bits).", g, n);
		vd_finding_evidence(f, "/proc/cpuinfo", "address sizes: %u bits physical", host);
		return;
	}
	vd_finding_evidence(f, "/proc/cpuinfo", "address sizes: %u bits physical, %u bits virtual", host, h->cpu.virt_bits);
	if (io)
		vd_finding_evidence(f, "/sys/class/iommu", "IOMMU address width %u bits", io);
	vd_vm_evidence(f, vm, "/domain/cpu/maxphysaddr", "%s%s", vm->maxphys_mode ? vm->maxphys_mode : "absent",
		       explicit_limit ? "" : " (no limit)");
	vd_finding_hint(f, "Cap the guest's physical address size at %u bits: the physical size, not the virtual one "
			   "(the page). If the VM still fails, try one bit less.", n);
	add_fix(f, vm, n);
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_maxphysaddr = {
	.id = "vm-maxphysaddr",
	.title = "Guest physical address size (DMA mapping failed)",
	.section = "vfio: DMA mapping failed, unable to continue",
	.explain = "QEMU stops with \"vfio: DMA mapping failed, unable to continue\" when the guest's physical "
		   "address space is larger than what the host can map: OVMF places the 64-bit PCI window at the top "
		   "of the guest's address space, and VFIO maps guest addresses through the host IOMMU, whose width "
		   "(Intel MGAW, AMD HATS) may be below the CPU's. The page's fix caps it: <maxphysaddr "
		   "mode='passthrough' limit='N'/> (libvirt >= 9.3.0; older libvirt drops limit= silently), "
		   "-cpu host,host-phys-bits-limit=N for QEMU, with N the host's physical address size (lscpu), not "
		   "the virtual one. The Looking Glass section adds hybrid (P-core/E-core) CPUs, whose differing "
		   "specs hang the boot until the same limit is set. On libvirt 8.7.0 to 9.2 the equivalent is "
		   "mode='emulate' bits='N'.",
	.looks_at = "cpuinfo address sizes, hybrid PMUs (/sys/devices/cpu_core, cpu_atom), the host IOMMU's width, "
		    "<cpu mode>, <maxphysaddr>, -cpu phys-bits/host-phys-bits-limit, the libvirt version.",
	.fixes = "Domain XML /domain/cpu/maxphysaddr mode='passthrough' limit='N' (libvirt >= 9.3.0), "
		 "mode='emulate' bits='N' (8.7.0 to 9.2), or -global host-x86_64-cpu.host-phys-bits-limit=N through "
		 "<qemu:commandline>; QEMU: -cpu host,host-phys-bits-limit=N.",
	.run = run,
	.per_vm = true,
};
