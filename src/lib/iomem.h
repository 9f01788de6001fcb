/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem: who owns which physical address range (the firmware
 * framebuffer inside a GPU's BAR is the page's "BAR can't reserve" cause). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "root.h"

struct vd_iomem_entry {
	uint64_t start, end;
	unsigned depth; /* nesting: two spaces of indentation per level; 0 at the top */
	char *name;
};

struct vd_iomem {
	int err;
	bool hidden; /* every range reads 0: the kernel hides addresses from non-root readers */
	struct vd_iomem_entry *e;
	size_t n;
};

int vd_iomem_parse(const char *text, size_t len, struct vd_iomem *out);
int vd_iomem_gather(const struct vd_root *root, struct vd_iomem *out);
void vd_iomem_done(struct vd_iomem *m);
/* First entry named like a firmware framebuffer (BOOTFB, efifb, vesafb,
 * simplefb, simple-framebuffer..., simpledrm) overlapping [start, end]. */
const struct vd_iomem_entry *vd_iomem_framebuffer_in(const struct vd_iomem *m, uint64_t start, uint64_t end);
