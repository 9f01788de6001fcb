// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: a whole diagnosis of a hostile host tree. The input is
 * split on NUL into the texts of the files below (the last one, config
 * space, takes the rest, NULs included); they replace a copy of a real
 * fixture host, then the inventory (libpci, libkmod over modprobe.d, the
 * IOMMU units' cap/ecap registers, reserved regions, cpuinfo, cmdline,
 * iomem, a saved kernel log), every check, both renderers and the fix plan
 * run over it. Single-file parsers have their own targets; this one finds
 * what breaks when their results meet in the checks. Seeds (corpus/host)
 * are built from the fixture hosts, the real log samples of tests/logs (one
 * seed each), a stock Debian /etc/default/grub and the config space of
 * amd-ryzen-two-gpus's RX 580, joined in this order. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "finding.h"
#include "host.h"
#include "plan.h"
#include "render.h"
#include "root.h"
#include "tree.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Relative to the copied root; "LOG" is the saved kernel log (--log). */
static const char *const files[] = {
	"proc/cpuinfo",
	"proc/cmdline",
	"LOG",
	"sys/devices/virtual/iommu/dmar0/intel-iommu/cap",
	"sys/devices/virtual/iommu/dmar0/intel-iommu/ecap",
	"sys/kernel/iommu_groups/1/reserved_regions",
	"etc/modprobe.d/vfio.conf",
	"proc/modules",
	"proc/iomem",
	"etc/os-release",
	"sys/module/kvm/parameters/ignore_msrs",
	"etc/default/grub",
	"sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/config", /* last: the rest of the input */
};
#define NFILES (sizeof(files) / sizeof(files[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *rootdir = fuzz_tree_init(FIXTURE, files, NFILES);
	if (!rootdir)
		return 0;
	fuzz_tree_fill(data, size);

	char *logs[] = {(char *)fuzz_tree_path(2), NULL};
	struct vd_host_opts ho = {.log = {.files = logs}};
	struct vd_root *root;
	struct vd_host h;
	struct vd_findings fs = {0};
	struct vd_plan plan = {0};
	struct vd_render_opts ro = {0};
	if (vd_root_open(rootdir, 0, &root) < 0)
		return 0;
	if (vd_host_gather(root, &ho, &h) == 0) {
		if (vd_checks_run(&h, NULL, &fs, NULL) == 0) {
			free(vd_render_text(&h, &fs, &ro));
			free(vd_render_json(&h, &fs));
			struct vd_plan_opts po = {0};
			vd_plan_build(&h, &fs, &po, &plan);
			free(vd_plan_render_text(&plan, root));
			free(vd_plan_render_json(&plan, root));
			vd_plan_done(&plan);
		}
		vd_findings_done(&fs);
		vd_host_done(&h);
	}
	vd_root_free(root);
	return 0;
}
