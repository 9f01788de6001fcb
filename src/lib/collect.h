/* SPDX-License-Identifier: GPL-2.0-or-later */
/* collect: a snapshot of exactly what the inventory reads, as a root tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

struct vd_collect_opts {
	bool logs; /* include the kernel log (/dev/kmsg) */
};

struct vd_collect_stats {
	size_t files, links, dirs, bytes;
};

/* out: a directory (created; refused if it already holds a snapshot or a
 * sys/ or proc/ tree) or a file name ending in .tar.gz / .tgz. On a write
 * error *where names the path. */
int vd_collect(struct vd_root *root, const char *out, const struct vd_collect_opts *o, struct vd_collect_stats *st,
	       char **where);

/* Unpack a snapshot tarball into a new temporary directory (*dir, to be
 * removed with vd_snapshot_remove); -EISDIR when the name is a directory. Entries are written with libarchive's
 * secure flags: no absolute paths, no "..", no writing through symlinks. */
int vd_snapshot_extract(const char *tarball, char **dir);
void vd_snapshot_remove(const char *dir);
bool vd_is_tarball(const char *path);
