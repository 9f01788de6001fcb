/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GPU roles: which display device the host uses, which are handed to VMs,
 * and the functions that travel with each card. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

enum vd_gpu_role {
	VD_GPU_PASSTHROUGH, /* bound to vfio-pci (or pci-stub), or overridden to it */
	VD_GPU_HOST,        /* a host graphics driver owns it */
	VD_GPU_UNCLAIMED,   /* no driver */
};

const char *vd_gpu_role_name(enum vd_gpu_role r);
enum vd_gpu_role vd_gpu_role(const struct vd_pci_dev *d);
/* May m share gpu's IOMMU group without keeping it from a VM? Its own
 * functions and bridges/ports: vfio does not pass bridges and lets them
 * stay on pcieport (Linux drivers/vfio/group.c and
 * Documentation/driver-api/vfio.rst on group viability). */
bool vd_gpu_group_harmless(const struct vd_pci_dev *gpu, const struct vd_pci_dev *m);
/* A GPU (class 03) on vfio-pci, or held for it by driver_override. */
bool vd_gpu_is_passthrough(const struct vd_pci_dev *d);

/* Indices into h->pci.dev of the other functions in d's slot (the audio,
 * USB-C and serial functions that come with a graphics card). Returns the count. */
size_t vd_gpu_siblings(const struct vd_host *h, const struct vd_pci_dev *d, int *out, size_t max);

/* The GPUs worth checking for passthrough: those on vfio-pci, and those the
 * host is not using for its own display while another GPU is. */
bool vd_gpu_is_candidate(const struct vd_host *h, const struct vd_pci_dev *d);

/* The GPU the host displays on (a host graphics driver; the boot VGA one
 * when several) and the first one on vfio-pci; NULL when there is none. */
void vd_gpu_host_and_passthrough(const struct vd_host *h, const struct vd_pci_dev **host,
				 const struct vd_pci_dev **pass);

/* "10de:1b81" */
char *vd_pci_id_str(const struct vd_pci_dev *d);
/* vfio-pci ids the host already asks for: command line (vfio-pci.ids=),
 * modprobe.d options and the loaded module's parameter, as a comma list. */
char *vd_vfio_ids_configured(const struct vd_host *h);
