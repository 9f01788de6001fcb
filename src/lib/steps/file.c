// SPDX-License-Identifier: GPL-2.0-or-later
/* Step kind "file": replace, create or remove a file atomically (a
 * temporary file, fsync, rename, fsync of the directory), keeping the old
 * file's owner; undo puts the old bytes, mode and owner back. */
#include <errno.h>
#include <string.h>

#include "../plan.h"
#include "../textedit.h"

static void describe(const struct vd_step *s, struct vd_str *out)
{
	if ((s->had_old && memchr(s->old, '\0', s->old_len)) || (s->has_new && memchr(s->new, '\0', s->new_len))) {
		vd_str_addf(out, "binary content: %zu bytes before, %zu after\n", s->old_len, s->new_len);
		return;
	}
	_cleanup_free_ char *la = s->had_old ? vd_xasprintf("a%s", s->target) : NULL;
	_cleanup_free_ char *lb = s->has_new ? vd_xasprintf("b%s", s->target) : NULL;
	_cleanup_free_ char *d = vd_diff_unified(s->old, s->old_len, s->new, s->new_len, la, lb);
	vd_str_add(out, d);
	if (s->had_old && s->has_new && s->old_mode != s->mode)
		vd_str_addf(out, "mode %04o -> %04o\n", (unsigned)s->old_mode, (unsigned)s->mode);
}

static int put(const struct vd_txn_ctx *c, const char *path, bool present, const char *data, size_t len, mode_t mode,
	       uid_t uid, gid_t gid)
{
	if (present)
		return vd_root_write_atomic_owned(c->root, path, data, len, mode, uid, gid);
	int ret = vd_root_unlink(c->root, path);
	return ret == -ENOENT ? 0 : ret;
}

static int apply(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	(void)detail;
	return put(c, s->target, s->has_new, s->new, s->new_len, s->mode, s->had_old ? s->old_uid : (uid_t)-1,
		   s->had_old ? s->old_gid : (gid_t)-1);
}

static int undo(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail)
{
	(void)detail;
	return put(c, s->target, s->had_old, s->old, s->old_len, s->old_mode, s->old_uid, s->old_gid);
}

const struct vd_step_kind vd_step_file = {
	.name = "file",
	.describe = describe,
	.apply = apply,
	.undo = undo,
};
