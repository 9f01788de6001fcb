/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host snapshot: everything the checks look at, gathered once. Checks
 * read only this structure; they never touch the filesystem. */
#pragma once

#include "cpu.h"
#include "iomem.h"
#include "iommu.h"
#include "kernel.h"
#include "klog.h"
#include "machine.h"
#include "modprobe.h"
#include "os.h"
#include "pci.h"
#include "rom-host.h"
#include "root.h"
#include "userland.h"
#include "vm.h"

/* Modules whose availability and modprobe.d configuration matter. */
struct vd_modinfo {
	const char *name;
	enum vd_mod_state state; /* loaded / built in, from the running kernel */
	enum vd_mod_avail avail; /* installed for this kernel (libkmod index) */
	char *options;           /* modprobe.d "options" */
	bool blacklisted;
};

/* What to gather besides the always-read sysfs/procfs facts. */
struct vd_host_opts {
	struct vd_log_opts log;
	const struct vd_vm_opts *vm; /* NULL: no VMs */
	/* Only the PCI devices and the IOMMU (groups, a device lookup): no
	 * kernel, modules, logs, VMs or ROM reads. */
	bool pci_only;
};

struct vd_host {
	const struct vd_root *root;
	struct vd_pci pci;
	struct vd_iommu iommu;
	struct vd_cpu cpu;
	struct vd_kernel kernel;
	struct vd_machine machine;
	struct vd_os os;
	struct vd_klog log;
	struct vd_iomem iomem;
	struct vd_userland user;
	struct vd_modinfo *mods;
	size_t nmods;
	bool is_root; /* the tool runs with root privileges */
	struct vd_vms vms; /* guests: libvirt domains, domain XML files, QEMU command lines */
	/* ROM files VMs hand to devices (filled by the VM model, see rom-host.h)
	 * and passthrough GPUs' own ROMs; read by vd_rom_gather(). */
	struct vd_romfile_ref *romfiles;
	size_t nromfiles;
	struct vd_gpu_rom *gpu_roms;
	size_t ngpu_roms;
};

/* opts NULL: the defaults (this boot's kernel log, libvirt logs, no VMs);
 * opts->vm: the VMs to read too (vm.h vd_vms_gather). */
int vd_host_gather(const struct vd_root *root, const struct vd_host_opts *opts, struct vd_host *out);
void vd_host_done(struct vd_host *h);

const struct vd_modinfo *vd_host_module(const struct vd_host *h, const char *name);
/* Is this host itself a guest (CPU "hypervisor" flag)? */
bool vd_host_is_vm(const struct vd_host *h);
