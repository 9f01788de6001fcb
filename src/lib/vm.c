// SPDX-License-Identifier: GPL-2.0-or-later
/* The VM model (see vm.h): life cycle and small helpers. */
#include "vm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void vd_vm_init(struct vd_vm *vm, enum vd_vm_source src, const char *origin)
{
	memset(vm, 0, sizeof(*vm));
	vm->source = src;
	vm->origin = vd_xstrdup(origin);
	vm->name = vd_xstrdup("");
	vm->maxphys_bits = vm->maxphys_limit = -1;
	vm->cpu_phys_bits = vm->cpu_host_phys_bits_limit = -1;
	vm->cpu_host_phys_bits = vm->amd_stibp = VD_UNSET;
	vm->kvm_hidden = vm->hv_vendor_id = VD_UNSET;
	vm->iommu_intremap = vm->iommu_caching_mode = vm->iommu_eim = VD_UNSET;
	vm->iommu_aw_bits = -1;
	vm->vcpus = 1;
}

void vd_vm_done(struct vd_vm *vm)
{
	free(vm->name);
	free(vm->origin);
	free(vm->domain_type);
	free(vm->machine);
	free(vm->loader);
	free(vm->cpu_mode);
	free(vm->cpu_model);
	free(vm->maxphys_mode);
	free(vm->ioapic_driver);
	free(vm->hv_vendor_id_value);
	free(vm->iommu_model);
	for (size_t i = 0; i < vm->nhostdev; i++)
		free(vm->hostdev[i].rom_file);
	free(vm->hostdev);
	free(vm->qemu_ns_problem);
	vd_strv_free(vm->qemu_args);
	vd_strv_free(vm->acpitables);
	free(vm->xml);
	memset(vm, 0, sizeof(*vm));
}

void vd_vms_done(struct vd_vms *vms)
{
	for (size_t i = 0; i < vms->n; i++)
		vd_vm_done(&vms->vm[i]);
	free(vms->vm);
	for (size_t i = 0; i < vms->nerr; i++) {
		free(vms->err[i].origin);
		free(vms->err[i].reason);
	}
	free(vms->err);
	vd_strv_free(vms->notes);
	memset(vms, 0, sizeof(*vms));
}

struct vd_vm *vd_vms_add(struct vd_vms *vms, enum vd_vm_source src, const char *origin)
{
	struct vd_vm *vm = VD_PUSH(vms->vm, vms->n, vms->cap);
	vd_vm_init(vm, src, origin);
	return vm;
}

void vd_vms_error(struct vd_vms *vms, const char *origin, bool requested, const char *fmt, ...)
{
	struct vd_vm_error *e = VD_PUSH(vms->err, vms->nerr, vms->caperr);
	struct vd_str s = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	e->origin = vd_xstrdup(origin);
	e->reason = vd_str_steal(&s);
	e->requested = requested;
}

void vd_vms_note(struct vd_vms *vms, const char *fmt, ...)
{
	struct vd_str s = {0};
	size_t n = vd_strv_len(vms->notes);
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	vms->notes = vd_xrealloc(vms->notes, (n + 2) * sizeof(char *));
	vms->notes[n] = vd_str_steal(&s);
	vms->notes[n + 1] = NULL;
}

void vd_vm_set_machine(struct vd_vm *vm, const char *machine)
{
	unsigned a, b;
	int end = 0;

	free(vm->machine);
	vm->machine = vd_xstrdup(machine);
	vm->q35 = false;
	vm->mt_major = vm->mt_minor = 0;
	if (!machine)
		return;
	/* QEMU's x86 names: "q35", "pc-q35-X.Y" (pc-q35-rhelX.Y.Z on RHEL);
	 * "pc", "pc-i440fx-X.Y", "pc-X.Y" for i440fx. */
	const char *v = NULL;
	if (strcmp(machine, "q35") == 0) {
		vm->q35 = true;
	} else if ((v = vd_skip_prefix(machine, "pc-q35-"))) {
		vm->q35 = true;
	} else {
		v = vd_skip_prefix(machine, "pc-i440fx-");
		if (!v)
			v = vd_skip_prefix(machine, "pc-");
	}
	if (v && sscanf(v, "%u.%u%n", &a, &b, &end) == 2 && a < 1000 && b < 1000 && (v[end] == '\0' || v[end] == '.')) {
		vm->mt_major = a;
		vm->mt_minor = b;
	}
}

bool vd_vm_machine_version(const struct vd_vm *vm, unsigned *major, unsigned *minor)
{
	if (vm->mt_major) {
		*major = vm->mt_major;
		*minor = vm->mt_minor;
		return true;
	}
	/* An unversioned alias ("q35", "pc") is the newest type of the QEMU
	 * that runs it. */
	if (vm->qemu_version) {
		*major = (unsigned)(vm->qemu_version / 1000000UL);
		*minor = (unsigned)(vm->qemu_version / 1000UL % 1000UL);
		return true;
	}
	return false;
}

const char *vd_version_str(unsigned long v, char *buf, size_t len)
{
	if (!v)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%lu.%lu.%lu", v / 1000000UL, v / 1000UL % 1000UL, v % 1000UL);
	return buf;
}

struct vd_vm_hostdev *vd_vm_add_hostdev(struct vd_vm *vm)
{
	struct vd_vm_hostdev *d = VD_PUSH(vm->hostdev, vm->nhostdev, vm->caphostdev);
	memset(d, 0, sizeof(*d));
	d->managed = d->rom_bar = d->multifunction = VD_UNSET;
	return d;
}

bool vd_vm_passes(const struct vd_vm *vm, unsigned domain, unsigned bus, unsigned slot, unsigned fn)
{
	for (size_t i = 0; i < vm->nhostdev; i++) {
		const struct vd_vm_hostdev *d = &vm->hostdev[i];
		if (d->domain == domain && d->bus == bus && d->slot == slot && d->fn == fn)
			return true;
	}
	return false;
}

char *vd_vm_subject(const struct vd_vm *vm)
{
	return vd_xasprintf("vm %s", vm->name && *vm->name ? vm->name : vm->origin ? vm->origin : "?");
}

const char *vd_vm_source_name(enum vd_vm_source s)
{
	switch (s) {
	case VD_VM_XML:
		return "xml";
	case VD_VM_LIBVIRT:
		return "libvirt";
	case VD_VM_QEMU_CMD:
		return "qemu-cmdline";
	case VD_VM_QEMU_PROC:
		return "qemu-process";
	}
	return "?";
}

bool vd_vm_is_libvirt(const struct vd_vm *vm)
{
	return vm->source == VD_VM_XML || vm->source == VD_VM_LIBVIRT;
}
