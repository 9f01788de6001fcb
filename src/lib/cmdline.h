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

/* Editing a parameter list as a boot loader's configuration holds it. */
enum vd_kedit_op {
	VD_KEDIT_ADD,    /* ensure key (=value) is there, merging comma lists */
	VD_KEDIT_REMOVE, /* remove key, or only value's options from its list */
};

struct vd_kedit {
	enum vd_kedit_op op;
	const char *key;
	const char *value; /* NULL: a flag ("quiet") or, for REMOVE, every value */
};

/* line with the edits made, every other parameter and the spacing between
 * them kept. How a value combines depends on the parameter (a table in
 * cmdline-edit.c, after Documentation/admin-guide/kernel-parameters.txt):
 * comma lists merge (intel_iommu=on + igfx_off → intel_iommu=on,igfx_off,
 * with on/off replacing each other), video= is one per framebuffer driver
 * (video=efifb:off and video=vesafb:off coexist), anything else holds one
 * value, replaced. Never a duplicate. */
char *vd_cmdline_edit(const char *line, const struct vd_kedit *e, size_t n);
/* Would the edits change nothing in line (all already in place)? */
bool vd_cmdline_edit_is_noop(const char *line, const struct vd_kedit *e, size_t n);
