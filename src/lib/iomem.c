// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/iomem (see iomem.h). Format: Linux kernel/resource.c r_show():
 * "%*s%0*llx-%0*llx : %s", indented two spaces per nesting level. */
#include "iomem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DEPTH 16

int vd_iomem_parse(const char *text, size_t len, struct vd_iomem *out)
{
	_cleanup_free_ char *copy = vd_xstrndup(text, len);
	size_t cap = 0;
	bool any_nonzero = false;

	memset(out, 0, sizeof(*out));
	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned indent = (unsigned)strspn(line, " ");
		char *p = line + indent;
		char *dash = strchr(p, '-');
		char *colon = strstr(p, " : ");
		if (!dash || !colon || dash > colon)
			continue;
		*dash = '\0';
		*colon = '\0';
		uint64_t s, e;
		if (vd_parse_u64(p, 16, &s) < 0 || vd_parse_u64(dash + 1, 16, &e) < 0 || e < s)
			continue;
		unsigned depth = indent / 2;
		if (depth >= MAX_DEPTH)
			continue;
		struct vd_iomem_entry *en = VD_PUSH(out->e, out->n, cap);
		en->start = s;
		en->end = e;
		en->depth = depth;
		en->name = vd_xstrdup(colon + 3);
		vd_strstrip(en->name);
		any_nonzero |= s || e;
	}
	/* lib/vsprintf.c restricted_pointer / kernel/resource.c: since 4.x a
	 * reader without CAP_SYS_ADMIN sees every range as zeros. */
	out->hidden = out->n && !any_nonzero;
	return out->n ? 0 : -EBADMSG;
}

int vd_iomem_gather(const struct vd_root *root, struct vd_iomem *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int ret = vd_root_read(root, "/proc/iomem", 0, &text, &len);

	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		out->err = ret;
		return ret;
	}
	out->err = vd_iomem_parse(text, len, out);
	return out->err;
}

void vd_iomem_done(struct vd_iomem *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].name);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static bool is_framebuffer(const char *name)
{
	/* sysfb's "BOOTFB" (drivers/firmware/sysfb.c), the fbdev drivers'
	 * own names, and simpledrm/simple-framebuffer platform devices. */
	static const char *const names[] = {"BOOTFB", "efifb", "vesafb", "simplefb", "simple-framebuffer", "simpledrm",
					    "vesa-framebuffer", "efi-framebuffer"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(name, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

const struct vd_iomem_entry *vd_iomem_framebuffer_in(const struct vd_iomem *m, uint64_t start, uint64_t end)
{
	if (m->hidden)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct vd_iomem_entry *e = &m->e[i];
		if (e->start <= end && e->end >= start && is_framebuffer(e->name))
			return e;
	}
	return NULL;
}
