/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The `groups` view: every IOMMU group with its devices, GPUs and the
 * functions of their cards marked, as text or JSON. */
#pragma once

#include "host.h"
#include "render.h"

char *vd_groups_text(const struct vd_host *h, const struct vd_render_opts *o);
char *vd_groups_json(const struct vd_host *h);
