// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: /proc/iomem parsing and the framebuffer lookup. */
#include <stddef.h>
#include <stdint.h>

#include "iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_iomem m;
	vd_iomem_parse((const char *)data, size, &m);
	vd_iomem_framebuffer_in(&m, 0xe0000000, 0xefffffff);
	vd_iomem_framebuffer_in(&m, 0, UINT64_MAX);
	vd_iomem_done(&m);
	return 0;
}
