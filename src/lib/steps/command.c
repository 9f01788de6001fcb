// SPDX-License-Identifier: GPL-2.0-or-later
/* Step kind "command": run a program, through the runner the caller gives
 * (the CLI forks it; tests fake it). Commands in plans regenerate something
 * from files the plan writes (initramfs, boot menu), so undo runs the same
 * command again after the files are back, unless the step names its own
 * undo command. */
#include <errno.h>

#include "../plan.h"

static void describe(const struct vd_step *s, struct vd_str *out)
{
	if (s->undo_cmd)
		vd_str_addf(out, "undo runs: %s\n", s->undo_cmd);
}

static int run(const struct vd_txn_ctx *c, const char *cmd, char **detail)
{
	if (!c->opts || !c->opts->run)
		return -ENOEXEC;
	return c->opts->run(c->opts->run_ud, cmd, detail);
}

static int apply(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	return run(c, s->target, detail);
}

static int undo(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	return run(c, s->undo_cmd ? s->undo_cmd : s->target, detail);
}

const struct vd_step_kind vd_step_command = {
	.name = "command",
	.describe = describe,
	.apply = apply,
	.undo = undo,
};
