/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Structured edits of a libvirt domain XML that change only what a fix
 * needs: the user's formatting, quoting, comments and element order stay as
 * they were, and applying an edit twice changes nothing.
 *
 * A fix of kind VD_FIX_XML names its target with a small path language:
 *   /domain/features/ioapic/@driver            an attribute (SET value, REMOVE)
 *   /domain/cpu/feature[@name='amd-stibp']/@policy   a predicate selects or creates
 *   /domain/cpu/topology                       SET with value "a='1' b='2'": attributes
 *   /domain/devices                            ADD with value "<hostdev ...>": a child,
 *                                              unless an equal one exists
 *   /domain/qemu:commandline/qemu:arg          ADD with value "arg\narg": arguments,
 *                                              unless that sequence exists
 *   /domain/@xmlns:qemu                        SET: a namespace declaration
 * Missing elements on the way are created. */
#pragma once

#include "textedit.h" /* vd_diff_unified */

#include <stddef.h>

#include "finding.h"

struct vd_domain_plan {
	char *old_xml, *new_xml;
	char **notes; /* conflicts resolved and edits skipped, one line each */
	size_t nedits; /* edits that changed something */
};

/* Apply every VD_FIX_XML fix in order, then resolve conflicts between them
 * (an Intel vIOMMU's interrupt remapping with <ioapic driver='kvm'/>).
 * -EBADMSG with *why when the XML cannot be parsed or an edit is malformed. */
int vd_domain_plan(const char *xml, const struct vd_fix *const *fixes, size_t nfixes, struct vd_domain_plan *out,
		   char **why);
void vd_domain_plan_done(struct vd_domain_plan *p);

/* One edit on a text (exposed for tests): 0, or -EINVAL with *why. */
int vd_domain_edit(char **xml, enum vd_fix_op op, const char *path, const char *value, char **why);


/* Where an edited domain goes (domain-apply.c). */
struct vd_domain_target {
	const char *uri;        /* libvirt: define through this connection */
	const char *name;       /* the domain, for the backup's name */
	const char *xml_path;   /* or: the --xml file, replaced atomically */
	const char *backup_dir; /* libvirt backups; NULL: /var/lib/vfio-doctor/backup */
};

/* The apply step of a domain fix: back up the current XML (a file in
 * backup_dir, or FILE.vfio-doctor-TIMESTAMP.bak next to --xml FILE), then
 * define the new XML through libvirt with validation, or write the file
 * atomically. *backup gets the backup's path. */
int vd_domain_apply(const struct vd_domain_plan *p, const struct vd_domain_target *t, char **backup, char **why);
