// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the IOMMU inventory as it reads sysfs — an Intel unit's
 * VT-d cap and ecap registers, an AMD unit's extended feature register
 * ("%llx" or "%llx:%llx"), a group's type and reserved_regions — and the
 * address widths the DMA and vIOMMU checks take from them. The input is
 * split on NUL into the files below. Seeds (corpus/iommu): the registers of
 * the fixture hosts (tests/hosts, real units cited there); one group has a
 * "direct" (RMRR) region in the kernel's "0x%016llx 0x%016llx %s" form
 * (drivers/iommu/iommu.c, iommu_group_show_resv_regions). */
#include <stdint.h>

#include "iommu.h"
#include "root.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"sys/class/iommu/dmar0/intel-iommu/cap",
	"sys/class/iommu/dmar0/intel-iommu/ecap",
	"sys/class/iommu/ivhd0/amd-iommu/features",
	"sys/kernel/iommu_groups/1/type",
	"sys/kernel/iommu_groups/1/devices/0000:01:00.0",
	"sys/kernel/iommu_groups/1/reserved_regions",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_tree_init(NULL, files, sizeof(files) / sizeof(files[0]));
	struct vd_root *root;
	struct vd_iommu io = {0};

	if (!dir)
		return 0;
	fuzz_tree_fill(data, size);
	if (vd_root_open(dir, 0, &root) < 0)
		return 0;
	if (vd_iommu_gather(root, &io) == 0) {
		vd_iommu_width(&io);
		vd_iommu_intel_mgaw(&io);
		vd_iommu_amd_width(&io);
		vd_iommu_find_group(&io, 1);
	}
	vd_iommu_done(&io);
	vd_root_free(root);
	return 0;
}
