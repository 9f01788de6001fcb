// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: QEMU command lines (shell script form and the
 * NUL-separated /proc/PID/cmdline form) into the VM model. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int nul = 0; nul < 2; nul++) {
		struct vd_vm vm;
		char *why = NULL;
		vd_vm_init(&vm, VD_VM_QEMU_CMD, "fuzz.sh");
		vd_vm_parse_qemu((const char *)data, size, nul, &vm, &why);
		free(why);
		vd_vm_done(&vm);
	}
	return 0;
}
