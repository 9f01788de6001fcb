// SPDX-License-Identifier: GPL-2.0-or-later
/* The host snapshot (see host.h). */
#include "host.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcilib.h"
#include "util.h"

static const char *const module_table[] = {
	"kvm", "kvm_intel", "kvm_amd", "vfio", "vfio_pci", "vfio_iommu_type1",
	"vendor_reset", "i2c_nvidia_gpu", "snd_hda_intel", "amdgpu", "nvidia", "nouveau", "radeon", "i915",
};

static void gather_modules(const struct vd_root *root, struct vd_host *h)
{
	struct vd_modprobe *mp = NULL;

	h->nmods = ARRAY_SIZE(module_table);
	h->mods = vd_xcalloc(h->nmods, sizeof(*h->mods));
	vd_modprobe_open(root, h->kernel.release, &mp);
	for (size_t i = 0; i < h->nmods; i++) {
		struct vd_modinfo *m = &h->mods[i];
		m->name = module_table[i];
		m->state = vd_kernel_module_state(&h->kernel, m->name);
		m->avail = mp ? vd_modprobe_available(mp, m->name) : VD_AVAIL_UNKNOWN;
		m->options = mp ? vd_modprobe_options(mp, m->name) : NULL;
		m->blacklisted = mp && vd_modprobe_blacklisted(mp, m->name);
	}
	for (size_t i = 0; mp && i < h->pci.n; i++)
		h->pci.dev[i].alias_modules = vd_modprobe_alias_modules(mp, h->pci.dev[i].modalias);
	vd_modprobe_free(mp);
}

/* ROM files the VMs hand to their passthrough devices, for the romfile check. */
static void add_vm_romfiles(struct vd_host *h)
{
	for (size_t i = 0; i < h->vms.n; i++) {
		const struct vd_vm *vm = &h->vms.vm[i];
		for (size_t k = 0; k < vm->nhostdev; k++) {
			const struct vd_vm_hostdev *d = &vm->hostdev[k];
			if (!d->rom_file || !*d->rom_file)
				continue;
			char bdf[16];
			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", d->domain & 0xffff, d->bus & 0xff, d->slot & 0x1f,
				 d->fn & 7);
			/* origin is a file for XML files and QEMU command lines,
			 * a URI for libvirt: only a file is evidence to cite. */
			const char *src = vm->origin && vm->origin[0] == '/' ? vm->origin : NULL;
			vd_host_add_romfile(h, d->rom_file, bdf, vm->firmware == VD_FW_EFI, src,
					    vm->name && *vm->name ? vm->name : NULL);
		}
	}
}

int vd_host_gather(const struct vd_root *root, const struct vd_host_opts *o, struct vd_host *h)
{
	struct vd_pcilib *pl = NULL;
	int ret;

	memset(h, 0, sizeof(*h));
	h->root = root;
	h->is_root = geteuid() == 0;
	vd_iommu_gather(root, &h->iommu);
	ret = vd_pcilib_new(root, &pl);
	if (ret < 0)
		return ret;
	vd_pci_gather(root, pl, &h->pci);
	vd_pcilib_free(pl);
	if (o && o->pci_only)
		return 0;
	vd_kernel_gather(root, &h->kernel);
	vd_cpu_gather(root, &h->cpu);
	vd_machine_gather(root, &h->machine);
	vd_os_gather(root, &h->os);
	gather_modules(root, h);
	vd_iomem_gather(root, &h->iomem);
	vd_userland_gather(root, &h->user);
	vd_klog_gather(root, o ? &o->log : NULL, &h->log);
	if (o && o->vm)
		vd_vms_gather(root, o->vm, &h->vms);
	add_vm_romfiles(h);
	/* Last: after everything that adds ROM file references (the VM model). */
	vd_rom_gather(root, h);
	return 0;
}

void vd_host_done(struct vd_host *h)
{
	vd_pci_done(&h->pci);
	vd_iommu_done(&h->iommu);
	vd_cpu_done(&h->cpu);
	vd_kernel_done(&h->kernel);
	vd_machine_done(&h->machine);
	vd_os_done(&h->os);
	vd_klog_done(&h->log);
	vd_iomem_done(&h->iomem);
	vd_userland_done(&h->user);
	vd_rom_host_done(h);
	for (size_t i = 0; i < h->nmods; i++)
		free(h->mods[i].options);
	free(h->mods);
	vd_vms_done(&h->vms);
	memset(h, 0, sizeof(*h));
}

const struct vd_modinfo *vd_host_module(const struct vd_host *h, const char *name)
{
	for (size_t i = 0; i < h->nmods; i++)
		if (vd_streq_dash(h->mods[i].name, name))
			return &h->mods[i];
	return NULL;
}

bool vd_host_is_vm(const struct vd_host *h)
{
	return vd_cpu_has_flag(&h->cpu, "hypervisor");
}
