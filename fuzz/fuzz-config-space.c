// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: capability decoding of a config space image through
 * libpci's walker and our decoders. */
#include <stddef.h>
#include <stdint.h>

#include "pci.h"
#include "pcilib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vd_pcilib *pl;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_pci_caps c;
	if (!pl) {
		struct vd_root *r;
		if (vd_root_open("/", 0, &r) < 0 || vd_pcilib_new(r, &pl) < 0)
			return 0;
		vd_root_free(r);
	}
	vd_pci_decode_caps(pl, data, size, &c);
	return 0;
}
