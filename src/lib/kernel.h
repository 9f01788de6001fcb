/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel facts: release, command line, modules and their parameters,
 * clocksource, the sysctls and build options the checks need, /dev/kvm. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cmdline.h"
#include "root.h"

/* First word of the regular file that stands in for a device node in a
 * snapshot: "vfio-doctor-devnode c 10 232 0660 0 104". */
#define VD_DEVNODE_MAGIC "vfio-doctor-devnode"

struct vd_modparam {
	const char *module, *param; /* from the table in kernel.c */
	char *value;                /* trimmed; NULL when err */
	int err;
};

struct vd_sysctl {
	const char *name, *path;
	char *value;
	int err;
};

struct vd_kconfig {
	const char *key; /* "CONFIG_INTEL_IOMMU_DEFAULT_ON" */
	char *value;     /* "y", "m", a string; NULL: "is not set" or absent */
};

enum vd_mod_state {
	VD_MOD_UNKNOWN, /* neither /proc/modules nor /sys/module could be read */
	VD_MOD_ABSENT,
	VD_MOD_LOADED,
	VD_MOD_BUILTIN, /* in /sys/module but not in /proc/modules */
};

struct vd_kernel {
	char *release;
	int release_err;
	unsigned major, minor, patch; /* 0.0.0 when unparsable */

	char *cmdline_raw;
	int cmdline_err;
	struct vd_cmdline cmdline;

	char **modules; /* loaded, from /proc/modules, sorted */
	int modules_err; /* -ENOENT: kernel built without module support */
	char **sys_modules; /* /sys/module entries, sorted */
	int sys_modules_err;

	struct vd_modparam *params;
	size_t nparams;
	struct vd_sysctl *sysctls;
	size_t nsysctls;

	char *clocksource, *clocksource_avail;
	int clocksource_err;

	int kvm_err; /* stat of /dev/kvm */
	mode_t kvm_mode;
	uid_t kvm_uid;
	gid_t kvm_gid;
	bool kvm_chr; /* a character device (10:232), not a stray file */

	char *kconfig_path; /* /boot/config-<release>, when found */
	int kconfig_err;
	struct vd_kconfig *kconfig;
	size_t nkconfig;
};

int vd_kernel_gather(const struct vd_root *root, struct vd_kernel *out);
void vd_kernel_done(struct vd_kernel *k);

/* Parse "6.1.0-13-amd64" → 6, 1, 0. */
int vd_kernel_parse_release(const char *s, unsigned *major, unsigned *minor, unsigned *patch);
/* Is the running kernel at least major.minor.patch? false when unknown. */
bool vd_kernel_at_least(const struct vd_kernel *k, unsigned major, unsigned minor, unsigned patch);
enum vd_mod_state vd_kernel_module_state(const struct vd_kernel *k, const char *name);
const struct vd_modparam *vd_kernel_param(const struct vd_kernel *k, const char *module, const char *param);
const struct vd_sysctl *vd_kernel_sysctl(const struct vd_kernel *k, const char *name);
/* NULL: unknown or not set. */
const char *vd_kernel_config(const struct vd_kernel *k, const char *key);
