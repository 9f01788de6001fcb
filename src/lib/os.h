/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The distribution (os-release) and the tools its fixes use. */
#pragma once

#include "root.h"

struct vd_os {
	int err;
	char *id, *id_like, *pretty_name, *version_id;
};

/* os-release(5): /etc/os-release, else /usr/lib/os-release. */
int vd_os_gather(const struct vd_root *root, struct vd_os *out);
void vd_os_done(struct vd_os *os);
/* Parse os-release text: KEY=VALUE lines, values optionally quoted. */
int vd_os_parse(const char *text, struct vd_os *out);
/* The command that rebuilds the initramfs on this distribution, or NULL. */
const char *vd_os_initramfs_cmd(const struct vd_os *os);
