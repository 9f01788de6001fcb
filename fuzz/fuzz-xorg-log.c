// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: Xorg log parsing (probed devices, no screens). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userland.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_xorg_log x;
	memset(&x, 0, sizeof(x));
	vd_xorg_log_parse((const char *)data, size, &x);
	vd_strv_free(x.probed);
	vd_strv_free(x.primary);
	return 0;
}
