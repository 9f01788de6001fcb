/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Renderers: findings (and the host summary) as text or JSON, into a string;
 * the CLI decides where it goes. */
#pragma once

#include <stdbool.h>

#include "finding.h"
#include "host.h"

struct vd_render_opts {
	bool color;   /* ANSI colours (the CLI decides: tty and no NO_COLOR) */
	bool quiet;   /* text: leave out what passed */
	bool verbose; /* text: evidence under passing findings too */
	unsigned width; /* wrap column for text; 0 = 80 */
};

/* JSON document "vfio-doctor/check/1" (docs/json-schema.md). */
char *vd_render_json(const struct vd_host *h, const struct vd_findings *fs);
char *vd_render_text(const struct vd_host *h, const struct vd_findings *fs, const struct vd_render_opts *o);

/* Valid UTF-8 copy of s: invalid sequences replaced by U+FFFD. */
char *vd_utf8_clean(const char *s);
/* A json-c string of vd_utf8_clean(s); NULL (JSON null) for NULL. */
struct json_object;
struct json_object *vd_json_string(const char *s);
/* The document every --json output uses (pretty, spaced, '/' unescaped),
 * with a final newline; takes o over and frees it. */
char *vd_json_dump(struct json_object *o);

/* Shared by renderers of other commands. */
const char *vd_sev_label(enum vd_severity s); /* "PASS", "INFO", ... */
const char *vd_sev_color(enum vd_severity s); /* ANSI sequence */
#define VD_COLOR_RESET "\033[0m"
/* Append text wrapped at width: the first line starts with first (or the
 * indent when NULL), the following ones with indent spaces. */
void vd_wrap(struct vd_str *out, const char *first, unsigned indent, const char *text, unsigned width);
/* One line describing the host: CPU, kernel, VM or not, PCI/IOMMU counts. */
char *vd_host_summary(const struct vd_host *h);
