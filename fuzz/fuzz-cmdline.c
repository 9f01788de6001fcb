// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the kernel command line parser and its lookups. */
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_xstrndup((const char *)data, size);
	struct vd_cmdline cl;
	if (vd_cmdline_parse(s, &cl) == 0) {
		vd_cmdline_last(&cl, "intel_iommu");
		vd_cmdline_has_opt(&cl, "intel_iommu", "igfx_off");
		vd_cmdline_has_opt(&cl, "vfio-pci.ids", "10de:1b81");
		vd_cmdline_done(&cl);
	}
	free(s);
	return 0;
}
