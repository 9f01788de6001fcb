// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: modprobe.d as the tool reads it — libkmod over the
 * configuration directories inside the root (one file in /etc, one in
 * /lib, split on NUL), the merged "options", blacklists and module
 * availability for the modules the checks ask about, and the vfio-pci
 * "ids=" list taken from those options. Seeds (corpus/modprobe): the
 * modprobe.d files of the fixture hosts and tests/fix, the page's own
 * snippets (snd-hda-intel enable_msi, the i2c_nvidia_gpu blacklist) and the
 * alias/softdep/install forms of modprobe.d(5). */
#include <stdint.h>
#include <stdlib.h>

#include "gpu.h"
#include "host.h"
#include "modprobe.h"
#include "root.h"
#include "tree.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"etc/modprobe.d/vfio.conf",
	"lib/modprobe.d/aliases.conf",
};

static const char *const modules[] = {
	"vfio_pci", "vfio-pci", "kvm", "snd_hda_intel", "nouveau", "i2c_nvidia_gpu", "amdgpu",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_tree_init(NULL, files, sizeof(files) / sizeof(files[0]));
	struct vd_root *root;
	struct vd_modprobe *mp = NULL;

	if (!dir)
		return 0;
	fuzz_tree_fill(data, size);
	if (vd_root_open(dir, 0, &root) < 0)
		return 0;
	if (vd_modprobe_open(root, "6.1.0-fuzz", &mp) == 0) {
		struct vd_modinfo mod = {.name = "vfio_pci"};
		struct vd_host h = {.mods = &mod, .nmods = 1};
		for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
			free(vd_modprobe_options(mp, modules[i]));
			vd_modprobe_blacklisted(mp, modules[i]);
			vd_modprobe_available(mp, modules[i]);
		}
		mod.options = vd_modprobe_options(mp, "vfio_pci");
		free(vd_vfio_ids_configured(&h));
		free(mod.options);
		vd_modprobe_free(mp);
	}
	vd_root_free(root);
	return 0;
}
