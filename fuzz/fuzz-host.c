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
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "finding.h"
#include "host.h"
#include "plan.h"
#include "render.h"
#include "root.h"
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

static char dir[] = "/tmp/vd-fuzz-host.XXXXXX";
static char *paths[NFILES];

static void cleanup(void)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-host: could not remove %s\n", dir);
}

static int setup(void)
{
	char cmd[512];
	if (!mkdtemp(dir))
		return -1;
	atexit(cleanup);
	/* The harness, not the tool, copies the fixture: cp -a keeps sysfs's links. */
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/root' && mkdir -p '%s/root/etc/modprobe.d' '%s/root/etc/default'",
		 FIXTURE, dir, dir, dir);
	if (system(cmd) != 0)
		return -1;
	for (size_t i = 0; i < NFILES; i++)
		paths[i] = strcmp(files[i], "LOG") == 0 ? vd_xasprintf("%s/kmsg.txt", dir)
							 : vd_xasprintf("%s/root/%s", dir, files[i]);
	return 0;
}

static void put(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k <= 0)
			break;
		p += k, n -= (size_t)k;
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready)
		ready = setup() == 0 ? 1 : -1;
	if (ready < 0)
		return 0;

	size_t off = 0;
	for (size_t i = 0; i < NFILES; i++) {
		const uint8_t *end = i + 1 < NFILES ? memchr(data + off, 0, size - off) : NULL;
		size_t n = end ? (size_t)(end - (data + off)) : size - off;
		put(paths[i], data + off, n);
		off += n + (end != NULL);
	}

	_cleanup_free_ char *rootdir = vd_xasprintf("%s/root", dir);
	char *logs[] = {paths[2], NULL};
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
