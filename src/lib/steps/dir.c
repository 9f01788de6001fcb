// SPDX-License-Identifier: GPL-2.0-or-later
/* Step kind "dir": create a directory the files of the plan need; undo
 * removes it again if nothing else was put in it since. */
#include <errno.h>

#include "../plan.h"

static void describe(const struct vd_step *s, struct vd_str *out)
{
	(void)s;
	(void)out;
}

static int apply(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	(void)detail;
	return vd_root_mkdirs(c->root, s->target, s->mode ? s->mode : 0755);
}

static int undo(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	int ret = vd_root_rmdir(c->root, s->target);
	if (ret == -ENOTEMPTY || ret == -EEXIST) {
		*detail = vd_xasprintf("%s left in place: something else was put in it", s->target);
		return 0;
	}
	return ret == -ENOENT ? 0 : ret;
}

const struct vd_step_kind vd_step_dir = {
	.name = "dir",
	.describe = describe,
	.apply = apply,
	.undo = undo,
};
