// SPDX-License-Identifier: GPL-2.0-or-later
/* Step kind "runtime": write a sysfs or procfs attribute (one write(2), as
 * the kernel wants); undo writes the value read before, where the
 * attribute reads back what it takes. */
#include "../plan.h"

static void describe(const struct vd_step *s, struct vd_str *out)
{
	vd_str_addf(out, "now: %s\nwrite: %s\n", s->had_old ? s->old : "(unknown)", s->new ? s->new : "");
}

static int apply(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	(void)detail;
	return vd_root_write_attr(c->root, s->target, s->new, s->new_len);
}

static int undo(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	if ((s->flags & VD_STEP_NO_UNDO) || !s->had_old) {
		*detail = vd_xasprintf("%s: nothing to restore (%s)", s->target, s->note ? s->note : "no old value");
		return 0;
	}
	return vd_root_write_attr(c->root, s->target, s->old, s->old_len);
}

const struct vd_step_kind vd_step_runtime = {
	.name = "runtime",
	.describe = describe,
	.apply = apply,
	.undo = undo,
};
