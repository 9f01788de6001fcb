// SPDX-License-Identifier: GPL-2.0-or-later
/* Userland facts (see userland.h). */
#include "userland.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define SMALL_FILE (1u << 20)

static void read_text(const struct vd_root *root, const char *path, struct vd_text_file *f)
{
	size_t len;
	struct stat st;

	f->path = vd_xstrdup(path);
	f->err = vd_root_read(root, path, SMALL_FILE, &f->text, &len);
	if (f->err == 0 && vd_root_stat(root, path, true, &st) == 0)
		f->executable = st.st_mode & 0111;
}

static void push_str(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (vd_strv_contains(*v, s))
		return;
	*VD_PUSH(*v, *n, *cap) = vd_xstrdup(s);
	(void)VD_PUSH(*v, *n, *cap);
	(*n)--;
}

void vd_xorg_log_parse(const char *text, size_t len, struct vd_xorg_log *out)
{
	_cleanup_free_ char *copy = vd_xstrndup(text, len);
	size_t np = 0, cp = 0, nq = 0, cq = 0;

	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstr(line, "(EE) no screens found"))
			out->no_screens = true;
		/* xf86pciBus.c: "(--) PCI:*(1@0:0:0) 10de:1b81:..." lists each
		 * video device, '*' the primary; 1.19 and older print
		 * "(domain:bus:dev:func)". Numbers are decimal. */
		char *p = strstr(line, "(--) PCI:");
		if (!p)
			continue;
		p += 9;
		bool primary = *p == '*';
		if (*p == '*' || *p == ' ')
			p++;
		unsigned a, b, c, d;
		char bdf[16];
		if (sscanf(p, "(%u@%u:%u:%u)", &a, &b, &c, &d) == 4)
			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", b & 0xffff, a & 0xff, c & 0x1f, d & 7);
		else if (sscanf(p, "(%u:%u:%u:%u)", &b, &a, &c, &d) == 4)
			snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", b & 0xffff, a & 0xff, c & 0x1f, d & 7);
		else
			continue;
		push_str(&out->probed, &np, &cp, bdf);
		if (primary)
			push_str(&out->primary, &nq, &cq, bdf);
	}
}

static void read_xorg_log(const struct vd_root *root, const char *path, struct vd_userland *u, size_t *cap)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (vd_root_read(root, path, 16u << 20, &text, &len) < 0)
		return;
	struct vd_xorg_log *x = VD_PUSH(u->xorg, u->nxorg, *cap);
	x->path = vd_xstrdup(path);
	vd_xorg_log_parse(text, len, x);
}

/* "BusID  "PCI:1:0:0"" in a Device section (xorg.conf(5)). */
static void scan_conf(const struct vd_root *root, const char *path, struct vd_userland *u, size_t *nb, size_t *cb,
		      size_t *nf, size_t *cf)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (vd_root_read(root, path, SMALL_FILE, &text, &len) < 0)
		return;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *p = vd_strstrip(line);
		if (strncasecmp(p, "BusID", 5) != 0)
			continue;
		char *q1 = strchr(p, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
		if (!q2)
			continue;
		*q2 = '\0';
		push_str(&u->xorg_busids, nb, cb, q1 + 1);
		push_str(&u->xorg_conf_files, nf, cf, path);
	}
}

static void gather_xorg(const struct vd_root *root, struct vd_userland *u)
{
	size_t cap = 0, nb = 0, cb = 0, nf = 0, cf = 0;
	char **names = NULL;

	read_xorg_log(root, "/var/log/Xorg.0.log", u, &cap);
	/* rootless Xorg logs to ~/.local/share/xorg (Xorg(1), XDG data home) */
	if (vd_root_list(root, "/home", &names) == 0) {
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = vd_xasprintf("/home/%s/.local/share/xorg/Xorg.0.log", *n);
			read_xorg_log(root, p, u, &cap);
		}
		vd_strv_free(names);
	}
	scan_conf(root, "/etc/X11/xorg.conf", u, &nb, &cb, &nf, &cf);
	static const char *const dirs[] = {"/etc/X11/xorg.conf.d", "/usr/share/X11/xorg.conf.d"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (vd_root_list(root, dirs[i], &names) < 0)
			continue;
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = vd_xasprintf("%s/%s", dirs[i], *n);
			scan_conf(root, p, u, &nb, &cb, &nf, &cf);
		}
		vd_strv_free(names);
	}
}

int vd_userland_gather(const struct vd_root *root, struct vd_userland *u)
{
	struct stat st;
	char **names = NULL;

	memset(u, 0, sizeof(*u));
	u->uefi = vd_root_stat(root, "/sys/firmware/efi", true, &st) == 0;
	read_text(root, "/etc/libvirt/hooks/qemu", &u->hook_qemu);
	if (vd_root_list(root, "/etc/libvirt/hooks/qemu.d", &names) == 0) {
		size_t cap = 0;
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *p = vd_xasprintf("/etc/libvirt/hooks/qemu.d/%s", *n);
			read_text(root, p, VD_PUSH(u->hooks_d, u->nhooks_d, cap));
		}
		vd_strv_free(names);
	}
	u->nosleep_unit = vd_root_stat(root, "/etc/systemd/system/libvirt-nosleep@.service", true, &st) == 0;
	gather_xorg(root, u);

	/* Where distributions install Chromium and its derivatives. */
	static const char *const browsers[] = {
		"/usr/bin/chromium",       "/usr/bin/chromium-browser", "/usr/bin/google-chrome-stable",
		"/usr/bin/google-chrome",  "/usr/bin/brave-browser",    "/usr/bin/microsoft-edge-stable",
		"/usr/bin/vivaldi-stable", "/usr/bin/opera",            "/var/lib/flatpak/exports/bin/org.chromium.Chromium",
	};
	for (size_t i = 0; i < ARRAY_SIZE(browsers) && !u->chromium; i++)
		if (vd_root_stat(root, browsers[i], true, &st) == 0)
			u->chromium = vd_xstrdup(browsers[i]);
	return 0;
}

static void text_done(struct vd_text_file *f)
{
	free(f->path);
	free(f->text);
}

void vd_userland_done(struct vd_userland *u)
{
	text_done(&u->hook_qemu);
	for (size_t i = 0; i < u->nhooks_d; i++)
		text_done(&u->hooks_d[i]);
	free(u->hooks_d);
	for (size_t i = 0; i < u->nxorg; i++) {
		free(u->xorg[i].path);
		vd_strv_free(u->xorg[i].probed);
		vd_strv_free(u->xorg[i].primary);
	}
	free(u->xorg);
	vd_strv_free(u->xorg_busids);
	vd_strv_free(u->xorg_conf_files);
	free(u->chromium);
	memset(u, 0, sizeof(*u));
}

static bool inhibits(const struct vd_text_file *f)
{
	return f->text && (strstr(f->text, "systemd-inhibit") || strstr(f->text, "libvirt-nosleep"));
}

bool vd_userland_has_sleep_inhibitor(const struct vd_userland *u)
{
	if (inhibits(&u->hook_qemu))
		return true;
	for (size_t i = 0; i < u->nhooks_d; i++)
		if (inhibits(&u->hooks_d[i]))
			return true;
	return false;
}
