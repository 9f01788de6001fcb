// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the text editors fix runs over a host's files (GRUB,
 * loader entries, kernelstub JSON, /etc/kernel/cmdline, modprobe.d and
 * sysctl.d merges) and the unified diff between before and after. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootloader.h"
#include "textedit.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vd_kedit e[] = {
		{VD_KEDIT_ADD, "intel_iommu", "on"}, {VD_KEDIT_ADD, "intel_iommu", "igfx_off"},
		{VD_KEDIT_ADD, "video", "efifb:off"}, {VD_KEDIT_REMOVE, "iommu", "off"}, {VD_KEDIT_ADD, "quiet", NULL},
	};
	static int (*const editors[])(const char *, const struct vd_kedit *, size_t, char **, const char **) = {
		vd_boot_edit_grub, vd_boot_edit_entry, vd_boot_edit_kernel_cmdline, vd_boot_edit_kernelstub,
	};
	char *s = vd_xstrndup((const char *)data, size);
	for (size_t i = 0; i < sizeof(editors) / sizeof(editors[0]); i++) {
		char *out = NULL;
		const char *why = NULL;
		if (editors[i](s, e, 5, &out, &why) == 0) {
			char *d = vd_diff_unified(s, strlen(s), out, strlen(out), "a/f", "b/f");
			free(d);
			free(out);
		}
	}
	for (int syn = VD_CONF_PLAIN; syn <= VD_CONF_SYSCTL; syn++) {
		char *m = vd_conf_merge(s, "options kvm ignore_msrs=1\nsoftdep amdgpu pre: vfio-pci\nkernel.split_lock_mitigate = 0\n",
					(enum vd_conf_syntax)syn);
		char *again = vd_conf_merge(m, s, (enum vd_conf_syntax)syn);
		char *r = vd_conf_remove(again, m);
		free(m);
		free(again);
		free(r);
	}
	free(s);
	return 0;
}
