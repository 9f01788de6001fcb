// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: os-release parsing. */
#include <stddef.h>
#include <stdint.h>

#include "os.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = vd_xstrndup((const char *)data, size);
	struct vd_os os = {0};
	vd_os_parse(s, &os);
	vd_os_initramfs_cmd(&os);
	vd_os_done(&os);
	free(s);
	return 0;
}
