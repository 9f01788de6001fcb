/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the VM checks share: host devices behind hostdevs, evidence that
 * names the VM's source, and fixes in the form the VM's source takes (a
 * domain XML edit for libvirt, a QEMU argument change for command lines). */
#pragma once

#include "check.h"
#include "vm.h"

/* libvirt versions that decide the form of a fix (libvirt docs/formatdomain.rst "Since"). */
#define VD_LV_IOAPIC VD_VERSION_NUM(3, 4, 0)
#define VD_LV_FIRMWARE_EFI VD_VERSION_NUM(5, 2, 0)
#define VD_LV_AW_BITS VD_VERSION_NUM(6, 5, 0)
#define VD_LV_FEATURE_STIBP VD_VERSION_NUM(6, 5, 0) /* the troubleshooting page */
#define VD_LV_MAXPHYSADDR VD_VERSION_NUM(8, 7, 0)
#define VD_LV_MAXPHYSADDR_LIMIT VD_VERSION_NUM(9, 3, 0)

/* Where the generated battery table goes (`vfio-doctor ssdt battery -o`). */
#define VD_SSDT_BATTERY_PATH "/var/lib/vfio-doctor/SSDT1.dat"

const struct vd_pci_dev *vd_vm_host_dev(const struct vd_host *h, const struct vd_vm_hostdev *d);
/* The first passed-through GPU (class 03 on the host), NVIDIA only when nvidia. */
const struct vd_vm_hostdev *vd_vm_gpu(const struct vd_host *h, const struct vd_vm *vm, bool nvidia,
				      const struct vd_pci_dev **dev);
/* libvirt at least v; an unknown version counts as new enough when
 * unknown_ok (for features years old), else as too old. */
bool vd_vm_libvirt_at_least(const struct vd_vm *vm, unsigned long v, bool unknown_ok);

struct vd_finding *vd_vm_finding(struct vd_findings *fs, const struct vd_check *c, const struct vd_vm *vm,
				 enum vd_severity sev, const char *fmt, ...) _printf_(5, 6);
/* Evidence from the VM: "ORIGIN: WHERE". */
void vd_vm_evidence(struct vd_finding *f, const struct vd_vm *vm, const char *where, const char *fmt, ...)
	_printf_(4, 5);
void vd_vm_fix_xml(struct vd_finding *f, enum vd_fix_op op, const char *path, const char *value);
void vd_vm_fix_qemu(struct vd_finding *f, enum vd_fix_op op, const char *option, const char *value);
/* "host-passthrough" (or QEMU -cpu host) */
bool vd_vm_cpu_host(const struct vd_vm *vm);
#define VD_FOREACH_VM(h, vm) for (const struct vd_vm *vm = (h)->vms.vm; vm < (h)->vms.vm + (h)->vms.n; vm++)
/* The run() of a per-VM check: fn(check, host, vm, findings) for each VM. */
#define VD_VM_CHECK_RUN(fn)                                                                        \
	static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out) \
	{                                                                                          \
		VD_FOREACH_VM(h, vm)                                                               \
		fn(c, h, vm, out);                                                                 \
	}
