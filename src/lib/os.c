// SPDX-License-Identifier: GPL-2.0-or-later
/* The distribution (see os.h). */
#include "os.h"

#include <errno.h>
#include <string.h>

#include "util.h"

static char *unquote(const char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		return vd_xstrndup(v + 1, n - 2);
	return vd_xstrdup(v);
}

int vd_os_parse(const char *text, struct vd_os *out)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{"ID", offsetof(struct vd_os, id)},
		{"ID_LIKE", offsetof(struct vd_os, id_like)},
		{"PRETTY_NAME", offsetof(struct vd_os, pretty_name)},
		{"VERSION_ID", offsetof(struct vd_os, version_id)},
	};
	_cleanup_free_ char *copy = vd_xstrdup(text);

	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			char **slot = (char **)((char *)out + keys[i].off);
			if (strcmp(vd_strstrip(line), keys[i].key) == 0 && !*slot)
				*slot = unquote(vd_strstrip(eq + 1));
		}
	}
	return out->id ? 0 : -EBADMSG;
}

int vd_os_gather(const struct vd_root *root, struct vd_os *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	memset(out, 0, sizeof(*out));
	out->err = vd_root_read(root, "/etc/os-release", 0, &text, &len);
	if (out->err == -ENOENT)
		out->err = vd_root_read(root, "/usr/lib/os-release", 0, &text, &len);
	if (out->err == 0)
		out->err = vd_os_parse(text, out);
	return out->err;
}

void vd_os_done(struct vd_os *os)
{
	free(os->id);
	free(os->id_like);
	free(os->pretty_name);
	free(os->version_id);
	memset(os, 0, sizeof(*os));
}

static bool is_like(const struct vd_os *os, const char *name)
{
	if (vd_streq_ptr(os->id, name))
		return true;
	for (const char *p = os->id_like; p && *p;) {
		size_t w = strcspn(p, " ");
		if (w == strlen(name) && strncmp(p, name, w) == 0)
			return true;
		p += w;
		while (*p == ' ')
			p++;
	}
	return false;
}

const char *vd_os_initramfs_cmd(const struct vd_os *os)
{
	/* Each family's own tool: mkinitcpio (Arch), dracut (Fedora, RHEL,
	 * openSUSE), initramfs-tools (Debian, Ubuntu). */
	static const struct {
		const char *family, *cmd;
	} table[] = {
		{"arch", "mkinitcpio -P"},
		{"fedora", "dracut -f --regenerate-all"},
		{"rhel", "dracut -f --regenerate-all"},
		{"suse", "dracut -f --regenerate-all"},
		{"debian", "update-initramfs -u -k all"},
		{"ubuntu", "update-initramfs -u -k all"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (is_like(os, table[i].family))
			return table[i].cmd;
	return NULL;
}
