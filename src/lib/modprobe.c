// SPDX-License-Identifier: GPL-2.0-or-later
/* libkmod inside the root (see modprobe.h). */
#include "modprobe.h"

#include <errno.h>
#include <libkmod.h>
#include <string.h>

#include "util.h"

/* kmod 30's default search order (libkmod/libkmod-config.c default_config_paths). */
static const char *const config_dirs[] = {
	"/etc/modprobe.d",
	"/run/modprobe.d",
	"/usr/local/lib/modprobe.d",
	"/lib/modprobe.d",
};

/* The index files libkmod reads for lookups (kmod's depmod output). */
static const char *const index_files[] = {
	"modules.dep.bin", "modules.alias.bin", "modules.symbols.bin", "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.softdep", "modules.builtin.modinfo",
};

struct vd_modprobe {
	struct kmod_ctx *ctx;
	bool have_index;
	char *paths[ARRAY_SIZE(config_dirs) + 1];
};

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn, const char *format,
		      va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

int vd_modprobe_open(const struct vd_root *root, const char *release, struct vd_modprobe **out)
{
	struct vd_modprobe *mp = vd_xcalloc(1, sizeof(*mp));
	_cleanup_free_ char *moddir = NULL;
	size_t np = 0;

	for (size_t i = 0; i < ARRAY_SIZE(config_dirs); i++) {
		char *abs;
		vd_root_trace_lib(root, config_dirs[i]);
		if (vd_root_abspath(root, config_dirs[i], &abs) == 0)
			mp->paths[np++] = abs;
	}
	if (release) {
		_cleanup_free_ char *rel = vd_xasprintf("/lib/modules/%s", release);
		if (vd_root_abspath(root, rel, &moddir) == 0) {
			mp->have_index = true;
			for (size_t i = 0; i < ARRAY_SIZE(index_files); i++) {
				_cleanup_free_ char *f = vd_xasprintf("%s/%s", rel, index_files[i]);
				vd_root_trace_lib(root, f);
			}
		}
	}
	/* With no module directory, point libkmod at an empty path inside the
	 * root rather than letting it default to this machine's. */
	if (!moddir)
		moddir = vd_xasprintf("%s/nonexistent-modules-dir", vd_root_is_live(root) ? "" : vd_root_path(root));
	mp->ctx = kmod_new(moddir, (const char *const *)mp->paths);
	if (!mp->ctx) {
		vd_modprobe_free(mp);
		return -ENOMEM;
	}
	kmod_set_log_fn(mp->ctx, quiet_log, NULL);
	*out = mp;
	return 0;
}

void vd_modprobe_free(struct vd_modprobe *mp)
{
	if (!mp)
		return;
	if (mp->ctx)
		kmod_unref(mp->ctx);
	for (size_t i = 0; mp->paths[i]; i++)
		free(mp->paths[i]);
	free(mp);
}

enum vd_mod_avail vd_modprobe_available(struct vd_modprobe *mp, const char *module)
{
	struct kmod_module *mod = NULL;

	if (!mp->have_index)
		return VD_AVAIL_UNKNOWN;
	if (kmod_module_new_from_name_lookup(mp->ctx, module, &mod) < 0 || !mod)
		return VD_AVAIL_NONE;
	enum vd_mod_avail a = kmod_module_get_path(mod) ? VD_AVAIL_FILE : VD_AVAIL_BUILTIN;
	kmod_module_unref(mod);
	return a;
}

char *vd_modprobe_options(struct vd_modprobe *mp, const char *module)
{
	struct kmod_config_iter *it = kmod_config_get_options(mp->ctx);
	struct vd_str s = {0};

	while (it && kmod_config_iter_next(it)) {
		if (!vd_streq_dash(kmod_config_iter_get_key(it), module))
			continue;
		if (s.len)
			vd_str_addc(&s, ' ');
		vd_str_add(&s, kmod_config_iter_get_value(it));
	}
	if (it)
		kmod_config_iter_free_iter(it);
	return s.len ? vd_str_steal(&s) : (vd_str_done(&s), NULL);
}

bool vd_modprobe_blacklisted(struct vd_modprobe *mp, const char *module)
{
	struct kmod_config_iter *it = kmod_config_get_blacklists(mp->ctx);
	bool found = false;

	while (it && !found && kmod_config_iter_next(it))
		found = vd_streq_dash(kmod_config_iter_get_key(it), module);
	if (it)
		kmod_config_iter_free_iter(it);
	return found;
}

char **vd_modprobe_alias_modules(struct vd_modprobe *mp, const char *modalias)
{
	struct kmod_list *list = NULL, *it;
	char **v = NULL;
	size_t n = 0, cap = 0;

	if (!mp->have_index || !modalias)
		return NULL;
	if (kmod_module_new_from_lookup(mp->ctx, modalias, &list) < 0 || !list)
		return NULL;
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);
		const char *name = kmod_module_get_name(m);
		if (name && !vd_strv_contains(v, name))
			*VD_PUSH(v, n, cap) = vd_xstrdup(name);
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	if (v)
		(void)VD_PUSH(v, n, cap);
	return v;
}
