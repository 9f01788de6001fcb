// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers the VM checks share (see vm-check.h). */
#include "vm-check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct vd_pci_dev *vd_vm_host_dev(const struct vd_host *h, const struct vd_vm_hostdev *d)
{
	char name[32];
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%x", d->domain, d->bus, d->slot, d->fn);
	return vd_pci_find(&h->pci, name);
}

const struct vd_vm_hostdev *vd_vm_gpu(const struct vd_host *h, const struct vd_vm *vm, bool nvidia,
				      const struct vd_pci_dev **dev)
{
	for (size_t i = 0; i < vm->nhostdev; i++) {
		const struct vd_pci_dev *d = vd_vm_host_dev(h, &vm->hostdev[i]);
		if (d && vd_pci_is_gpu(d) && (!nvidia || d->vendor == 0x10de)) {
			if (dev)
				*dev = d;
			return &vm->hostdev[i];
		}
	}
	return NULL;
}

bool vd_vm_libvirt_at_least(const struct vd_vm *vm, unsigned long v, bool unknown_ok)
{
	return vm->libvirt_version ? vm->libvirt_version >= v : unknown_ok;
}

struct vd_finding *vd_vm_finding(struct vd_findings *fs, const struct vd_check *c, const struct vd_vm *vm,
				 enum vd_severity sev, const char *fmt, ...)
{
	_cleanup_free_ char *subject = vd_vm_subject(vm);
	struct vd_str m = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&m, fmt, ap);
	va_end(ap);
	struct vd_finding *f = vd_finding_add(fs, c, sev, subject, "%s", m.s ? m.s : "");
	vd_str_done(&m);
	return f;
}

/* Where a domain XML fact lives on a QEMU command line, for evidence from
 * command lines (table: XML path prefix → QEMU option). */
static const struct {
	const char *xml, *qemu;
} where_table[] = {
	{"/domain/os/type/@machine", "-machine"},
	{"/domain/os", "-bios / -drive if=pflash"},
	{"/domain/features/ioapic", "-machine kernel_irqchip"},
	{"/domain/features/kvm", "-cpu kvm="},
	{"/domain/features/hyperv", "-cpu hv-vendor-id="},
	{"/domain/vcpu", "-smp"},
	{"/domain/cpu/topology", "-smp"},
	{"/domain/cpu", "-cpu"},
	{"/domain/devices/iommu", "-device intel-iommu"},
	{"hostdev", "-device vfio-pci"},
};

static const char *where_for(const struct vd_vm *vm, const char *where)
{
	if (vd_vm_is_libvirt(vm))
		return where;
	for (size_t i = 0; i < ARRAY_SIZE(where_table); i++)
		if (vd_startswith(where, where_table[i].xml))
			return where_table[i].qemu;
	return where;
}

void vd_vm_evidence(struct vd_finding *f, const struct vd_vm *vm, const char *where, const char *fmt, ...)
{
	_cleanup_free_ char *src = vd_xasprintf("%s: %s", vm->origin ? vm->origin : "?", where_for(vm, where));
	struct vd_str m = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&m, fmt, ap);
	va_end(ap);
	vd_finding_evidence(f, src, "%s", m.s ? m.s : "");
	vd_str_done(&m);
}

void vd_vm_fix_xml(struct vd_finding *f, enum vd_fix_op op, const char *path, const char *value)
{
	vd_finding_fix(f, VD_FIX_XML, op, path, value);
}

void vd_vm_fix_qemu(struct vd_finding *f, enum vd_fix_op op, const char *option, const char *value)
{
	vd_finding_fix(f, VD_FIX_QEMU_ARG, op, option, value);
}

bool vd_vm_cpu_host(const struct vd_vm *vm)
{
	/* libvirt's "maximum" is QEMU's -cpu max: the host's CPU under KVM */
	return vm->cpu_mode && (strcmp(vm->cpu_mode, "host-passthrough") == 0 || strcmp(vm->cpu_mode, "maximum") == 0);
}
