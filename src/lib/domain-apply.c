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

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return vd_xstrdup(path);
	return vd_xasprintf("%s/%s", cwd, path);
}

int vd_domain_apply(const struct vd_domain_plan *p, const struct vd_domain_target *t, char **backup, char **why)
{
	struct vd_root *r = NULL;
	_cleanup_free_ char *ts = vd_utc_now("%Y%m%dT%H%M%SZ");
	int ret;

	*backup = NULL;
	if (!p->new_xml || !p->old_xml) {
		*why = vd_xstrdup("no plan");
		return -EINVAL;
	}
	/* Files named on the command line and the backup directory are paths
	 * of this machine: a root at "/". */
	ret = vd_root_open("/", 0, &r);
	if (ret < 0) {
		*why = vd_xasprintf("cannot open /: %s", vd_errno_reason(ret));
		return ret;
	}
	if (t->xml_path) {
		_cleanup_free_ char *abs = absolute(t->xml_path);
		char *bak = vd_xasprintf("%s.vfio-doctor-%s.bak", abs, ts);
		ret = vd_root_write_atomic(r, bak, p->old_xml, strlen(p->old_xml), 0644);
		if (ret < 0) {
			*why = vd_xasprintf("backup %s: %s", bak, vd_errno_reason(ret));
			free(bak);
		} else {
			*backup = bak;
			ret = vd_root_write_atomic(r, abs, p->new_xml, strlen(p->new_xml), 0644);
			if (ret < 0)
				*why = vd_xasprintf("%s: %s", abs, vd_errno_reason(ret));
		}
	} else {
		const char *dir = t->backup_dir ? t->backup_dir : DEFAULT_BACKUP_DIR;
		_cleanup_free_ char *adir = absolute(dir);
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
