// SPDX-License-Identifier: GPL-2.0-or-later
/* AMD GPUs with the reset bug, as handled by gnif/vendor-reset: its
 * src/device-db.h at 084881c6 (2024-04-17), copied into
 * ../shared/reference/amd-reset-bug-devices.tsv. Vendor 0x1002 for all. */
#include <stdlib.h>

#include "amd-reset.h"
#include "util.h"

static const struct {
	uint16_t device;
	const char *family;
} table[] = {
	{0x67c0, "POLARIS10"},
	{0x67c1, "POLARIS10"},
	{0x67c2, "POLARIS10"},
	{0x67c4, "POLARIS10"},
	{0x67c7, "POLARIS10"},
	{0x67d0, "POLARIS10"},
	{0x67df, "POLARIS10"},
	{0x67c8, "POLARIS10"},
	{0x67c9, "POLARIS10"},
	{0x67ca, "POLARIS10"},
	{0x67cc, "POLARIS10"},
	{0x67cf, "POLARIS10"},
	{0x6fdf, "POLARIS10"},
	{0x67e0, "POLARIS11"},
	{0x67e3, "POLARIS11"},
	{0x67e8, "POLARIS11"},
	{0x67eb, "POLARIS11"},
	{0x67ef, "POLARIS11"},
	{0x67ff, "POLARIS11"},
	{0x67e1, "POLARIS11"},
	{0x67e7, "POLARIS11"},
	{0x67e9, "POLARIS11"},
	{0x6980, "POLARIS12"},
	{0x6981, "POLARIS12"},
	{0x6985, "POLARIS12"},
	{0x6986, "POLARIS12"},
	{0x6987, "POLARIS12"},
	{0x6995, "POLARIS12"},
	{0x6997, "POLARIS12"},
	{0x699f, "POLARIS12"},
	{0x6860, "VEGA10"},
	{0x6861, "VEGA10"},
	{0x6862, "VEGA10"},
	{0x6863, "VEGA10"},
	{0x6864, "VEGA10"},
	{0x6867, "VEGA10"},
	{0x6868, "VEGA10"},
	{0x6869, "VEGA10"},
	{0x686a, "VEGA10"},
	{0x686b, "VEGA10"},
	{0x686c, "VEGA10"},
	{0x686d, "VEGA10"},
	{0x686e, "VEGA10"},
	{0x686f, "VEGA10"},
	{0x687f, "VEGA10"},
	{0x66a0, "VEGA20"},
	{0x66a1, "VEGA20"},
	{0x66a2, "VEGA20"},
	{0x66a3, "VEGA20"},
	{0x66a4, "VEGA20"},
	{0x66a7, "VEGA20"},
	{0x66af, "VEGA20"},
	{0x7310, "NAVI10"},
	{0x7312, "NAVI10"},
	{0x7318, "NAVI10"},
	{0x7319, "NAVI10"},
	{0x731a, "NAVI10"},
	{0x731b, "NAVI10"},
	{0x731e, "NAVI10"},
	{0x731f, "NAVI10"},
	{0x7340, "NAVI14"},
	{0x7341, "NAVI14"},
	{0x7347, "NAVI14"},
	{0x734f, "NAVI14"},
	{0x7360, "NAVI12"},
	{0x7362, "NAVI12"},
	{0x738c, "ARCTURUS_MI100"},
};

const char *vd_amd_reset_family(uint16_t vendor, uint16_t device)
{
	if (vendor != 0x1002)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].device == device)
			return table[i].family;
	return NULL;
}
