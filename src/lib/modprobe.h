/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module availability and modprobe.d configuration, through libkmod with
 * its module directory and configuration directories inside the root. */
#pragma once

#include <stdbool.h>

#include "root.h"

struct vd_modprobe;

enum vd_mod_avail {
	VD_AVAIL_UNKNOWN = -1, /* no module index for this kernel under the root */
	VD_AVAIL_NONE = 0,
	VD_AVAIL_FILE = 1,    /* a .ko in /lib/modules/<release> */
	VD_AVAIL_BUILTIN = 2, /* in modules.builtin */
};

/* release: the root's running kernel (its /lib/modules/<release>). Never
 * fails for missing files: lookups then answer VD_AVAIL_UNKNOWN. */
int vd_modprobe_open(const struct vd_root *root, const char *release, struct vd_modprobe **out);
void vd_modprobe_free(struct vd_modprobe *mp);
enum vd_mod_avail vd_modprobe_available(struct vd_modprobe *mp, const char *module);
/* "options" lines for module merged as libkmod reads them; NULL if none. */
char *vd_modprobe_options(struct vd_modprobe *mp, const char *module);
/* Modules whose aliases match a device's modalias, as modprobe and lspci -k
 * resolve them (NULL when none or no index). */
char **vd_modprobe_alias_modules(struct vd_modprobe *mp, const char *modalias);
bool vd_modprobe_blacklisted(struct vd_modprobe *mp, const char *module);
