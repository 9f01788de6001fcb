/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text edits for configuration files: a unified diff for showing a change,
 * and "ensure these lines" merges that honour what a file already says. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* A unified diff (3 lines of context, GNU diff's hunk headers) from a to b,
 * labelled like git ("a/etc/x", "b/etc/x"; NULL label: /dev/null, for a
 * file that is created or removed), so `patch -p1 -d ROOT` applies it.
 * "" when a and b are equal. */
char *vd_diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
		      const char *label_b);

/* How a configuration file's lines are keyed, so that merging replaces a
 * setting rather than adding a second, contradicting copy of it. */
enum vd_conf_syntax {
	VD_CONF_PLAIN,    /* a line is present or not */
	VD_CONF_MODPROBE, /* modprobe.d(5): options per module and parameter, softdep lists */
	VD_CONF_SYSCTL,   /* sysctl.d(5): one value per key */
};

/* The syntax a path's directory implies (modprobe.d, sysctl.d, else plain). */
enum vd_conf_syntax vd_conf_syntax_for(const char *path);

/* old (NULL: no file) with every line of want present: a line whose key the
 * file already sets is changed in place ("options kvm ignore_msrs=0" becomes
 * =1), a missing one is appended, one already there is left alone; comments
 * and everything else stay byte for byte. Never fails. */
char *vd_conf_merge(const char *old, const char *want, enum vd_conf_syntax syn);
/* old without the lines of want (compared word by word); comments stay. */
char *vd_conf_remove(const char *old, const char *want);
