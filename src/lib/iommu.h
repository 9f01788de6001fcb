/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IOMMU facts: hardware units, groups, and the firmware tables behind them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "root.h"

enum vd_iommu_kind { VD_IOMMU_OTHER, VD_IOMMU_INTEL, VD_IOMMU_AMD };

struct vd_iommu_unit {
	char *name; /* "dmar0", "ivhd0" */
	enum vd_iommu_kind kind;
	/* Intel VT-d capability register (sysfs intel-iommu/cap, hex). */
	uint64_t cap, ecap;
	int cap_err;
	unsigned mgaw;  /* maximum guest address width, bits */
	unsigned sagaw; /* supported adjusted guest address widths, bitmap */
	/* AMD extended feature register (sysfs amd-iommu/features). */
	uint64_t features;
	int features_err;
};

struct vd_iommu_group {
	int id;
	char **devices; /* PCI names, sorted */
	char *type;     /* "DMA", "DMA-FQ", "identity", "blocked" (Linux >= 5.11) */
	char *reserved_regions;
};

struct vd_iommu {
	struct vd_iommu_unit *unit;
	size_t nunits;
	int units_err;
	struct vd_iommu_group *group; /* sorted by id */
	size_t ngroups;
	int groups_err;
	/* ACPI tables that announce an IOMMU: DMAR (Intel VT-d), IVRS (AMD-Vi).
	 * 0 = present, -ENOENT = firmware does not announce one. */
	int acpi_dmar, acpi_ivrs;
};

int vd_iommu_gather(const struct vd_root *root, struct vd_iommu *out);
void vd_iommu_done(struct vd_iommu *io);
const struct vd_iommu_group *vd_iommu_find_group(const struct vd_iommu *io, int id);
/* Widest address the Intel units can translate for a guest: min over units
 * of MGAW (Linux drivers/iommu/intel/iommu.c). 0 when unknown. */
unsigned vd_iommu_intel_mgaw(const struct vd_iommu *io);
/* AMD: host address translation size from the extended feature register,
 * HATS (bits 11:10) = page table levels beyond 4 (Linux
 * drivers/iommu/amd/init.c: max level = HATS + PAGE_MODE_4_LEVEL), so 48,
 * 57 or 64 bits; min over units, 0 when unknown. */
unsigned vd_iommu_amd_width(const struct vd_iommu *io);
/* The address width guest DMA must fit: Intel MGAW or AMD HATS; 0 unknown. */
unsigned vd_iommu_width(const struct vd_iommu *io);
/* The aw-bits a guest's Intel vIOMMU may use on a host IOMMU of width bits:
 * QEMU's intel-iommu takes 39 or 48 (hw/i386/intel_iommu.c), and refuses
 * VFIO devices when it is wider than the host's; 48 when width is unknown. */
unsigned vd_viommu_aw_bits(unsigned width);
