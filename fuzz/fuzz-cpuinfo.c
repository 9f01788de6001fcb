// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: /proc/cpuinfo parsing. */
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_cpu c;
	vd_cpuinfo_parse((const char *)data, size, &c);
	vd_cpu_has_flag(&c, "vmx");
	vd_cpu_amd_zen(&c);
	vd_cpu_done(&c);
	return 0;
}
