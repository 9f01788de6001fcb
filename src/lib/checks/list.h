/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One row per check, in report order; checks.c expands this into the table.
 * (No include guard: it is included twice on purpose.) */
CHECK(cpu_virt)
CHECK(kvm)
CHECK(iommu_enabled)
CHECK(iommu_groups)
CHECK(host_gpu)
CHECK(gpu_iommu_group)
CHECK(vfio_binding)
CHECK(gpu_rom)
CHECK(romfile)
