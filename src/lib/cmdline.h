/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command line parser, with the kernel's own quoting and name rules. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct vd_kparam {
	char *key;   /* as written */
	char *value; /* NULL for a bare flag ("quiet") */
};

struct vd_cmdline {
	struct vd_kparam *p;
	size_t n;
	size_t ninit; /* parameters after "--" go to init, not the kernel */
};

/* Splits like the kernel's next_arg() (lib/cmdline.c): whitespace separates,
 * double quotes group, the first '=' splits key from value, quotes around a
 * value are removed. Never fails on content; -EINVAL only for NULL. */
int vd_cmdline_parse(const char *text, struct vd_cmdline *out);
void vd_cmdline_done(struct vd_cmdline *cl);

/* Parameter names compare with '-' and '_' as equal, as the kernel's
 * parameq() does. Returns the last kernel (not init) occurrence. */
const struct vd_kparam *vd_cmdline_last(const struct vd_cmdline *cl, const char *key);
/* Does any kernel occurrence of key carry opt in its comma-separated value
 * ("intel_iommu=on,igfx_off" has "igfx_off")? */
bool vd_cmdline_has_opt(const struct vd_cmdline *cl, const char *key, const char *opt);
