// SPDX-License-Identifier: GPL-2.0-or-later
/* The apply step of a domain fix (see domain-edit.h): back up, then define
 * through libvirt or replace the XML file atomically. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain-edit.h"
#include "root.h"
#include "util.h"
#include "vm-libvirt.h"

#define DEFAULT_BACKUP_DIR "/var/lib/vfio-doctor/backup"

int vd_domain_apply(const struct vd_domain_plan *p, const struct vd_domain_target *t, char **backup, char **why)
{
	struct vd_root *r = NULL;
	_cleanup_free_ char *ts = vd_utc_now("%Y%m%dT%H%M%SZ"), *abs = NULL;
	int ret;

	*backup = NULL;
	if (!p->new_xml || !p->old_xml) {
		*why = vd_xstrdup("no plan");
		return -EINVAL;
	}
	/* Files named on the command line and the backup directory are paths
	 * of this machine, relative to the working directory. */
	ret = vd_user_root(t->xml_path ? t->xml_path : t->backup_dir ? t->backup_dir : DEFAULT_BACKUP_DIR, &r, &abs);
	if (ret < 0) {
		*why = vd_xasprintf("cannot open /: %s", vd_errno_reason(ret));
		return ret;
	}
	if (t->xml_path) {
		/* The XML can hold secrets (VNC passwords): the backup and the new
		 * file keep its mode and owner, and a backup is never replaced. */
		struct stat st;
		ret = vd_root_stat(r, abs, true, &st);
		if (ret < 0) {
			*why = vd_xasprintf("%s: %s", abs, vd_errno_reason(ret));
			vd_root_free(r);
			return ret;
		}
		mode_t mode = st.st_mode & 07777;
		char *bak = vd_xasprintf("%s.vfio-doctor-%s.bak", abs, ts);
		ret = vd_root_write_new(r, bak, p->old_xml, strlen(p->old_xml), mode);
		if (ret < 0) {
			*why = vd_xasprintf("backup %s: %s", bak, vd_errno_reason(ret));
			free(bak);
		} else {
			*backup = bak;
			ret = vd_root_write_atomic_owned(r, abs, p->new_xml, strlen(p->new_xml), mode, st.st_uid, st.st_gid);
			if (ret < 0)
				*why = vd_xasprintf("%s: %s", abs, vd_errno_reason(ret));
		}
	} else {
		const char *adir = abs;
		char *bak = vd_xasprintf("%s/%s-%s.xml", adir, t->name ? t->name : "domain", ts);
		ret = vd_root_mkdirs(r, adir, 0700);
		if (ret == 0)
			ret = vd_root_write_atomic(r, bak, p->old_xml, strlen(p->old_xml), 0600);
		if (ret < 0) {
			*why = vd_xasprintf("backup %s: %s", bak, vd_errno_reason(ret));
			free(bak);
		} else {
			*backup = bak;
			ret = vd_libvirt_define(t->uri ? t->uri : "qemu:///system", p->new_xml, why);
		}
	}
	vd_root_free(r);
	return ret;
}
