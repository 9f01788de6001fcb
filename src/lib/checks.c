// SPDX-License-Identifier: GPL-2.0-or-later
/* The check table: order here is the order of the report. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "gpu.h"

#define CHECK(name) extern const struct vd_check vd_check_##name;
#include "checks/list.h"
#undef CHECK

const struct vd_check *const vd_checks[] = {
#define CHECK(name) &vd_check_##name,
#include "checks/list.h"
#undef CHECK
};

const size_t vd_nchecks = ARRAY_SIZE(vd_checks);

const struct vd_check *vd_check_find(const char *id)
{
	for (size_t i = 0; i < vd_nchecks; i++)
		if (strcmp(vd_checks[i]->id, id) == 0)
			return vd_checks[i];
	return NULL;
}

int vd_checks_run(const struct vd_host *h, const char *only, struct vd_findings *out, char **bad)
{
	if (only) {
		for (const char *p = only; *p;) {
			size_t w = strcspn(p, ",");
			char *id = vd_xstrndup(p, w);
			if (w && !vd_check_find(id)) {
				*bad = id;
				return -EINVAL;
			}
			free(id);
			p += w;
			if (*p == ',')
				p++;
		}
	}
	for (size_t i = 0; i < vd_nchecks; i++)
		if (!only || vd_list_has(only, ",", vd_checks[i]->id))
			vd_checks[i]->run(vd_checks[i], h, out);
	return 0;
}

void vd_evidence_log(struct vd_finding *f, const struct vd_host *h, const struct vd_log_event *e)
{
	_cleanup_free_ char *where = vd_klog_where(&h->log, e);
	vd_finding_evidence(f, where, "%s", e->text);
}

void vd_evidence_dev(struct vd_finding *f, const struct vd_pci_dev *d, const char *what)
{
	_cleanup_free_ char *label = vd_pci_label(d);
	_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s", d->name);
	vd_finding_evidence(f, src, "%s [%04x:%04x], driver %s%s%s", label, d->vendor, d->device,
			    d->driver ? d->driver : "none", what ? ", " : "", what ? what : "");
}

/* Which kernel parameter releases a framebuffer, by the name it has in
 * /proc/iomem or the log. efifb/vesafb: video=<driver>:off (Documentation/
 * fb/modedb.rst and the page). BOOTFB/simplefb/simpledrm are the sysfb
 * platform framebuffer of Linux >= 5.15 (drivers/firmware/sysfb.c):
 * video=efifb:off no longer reaches it, initcall_blacklist=sysfb_init keeps
 * sysfb from registering it (the workaround Proxmox VE documents for this
 * error on its 5.15+ kernels). With the owner unknown, the first of these
 * not already on the command line is the next thing to try. */
bool vd_fix_framebuffer_off(struct vd_finding *f, const struct vd_host *h, const char *owner)
{
	const struct vd_cmdline *cl = &h->kernel.cmdline;
	const char *key = NULL, *val = NULL;

	if (owner && strncmp(owner, "vesafb", 6) == 0)
		key = "video", val = "vesafb:off";
	else if (owner && strncmp(owner, "efifb", 5) == 0)
		key = "video", val = "efifb:off";
	else if (owner)
		key = "initcall_blacklist", val = "sysfb_init";
	else if (h->user.uefi && !vd_cmdline_has_opt(cl, "video", "efifb:off"))
		key = "video", val = "efifb:off";
	else if (!h->user.uefi && !vd_cmdline_has_opt(cl, "video", "vesafb:off"))
		key = "video", val = "vesafb:off";
	else if (vd_kernel_at_least(&h->kernel, 5, 15, 0))
		key = "initcall_blacklist", val = "sysfb_init";
	if (!key || vd_cmdline_has_opt(cl, key, val))
		return false;
	if (strcmp(key, "initcall_blacklist") == 0)
		vd_finding_evidence(f, "/proc/cmdline", "%s", "video=efifb:off does not reach the sysfb framebuffer of Linux 5.15+");
	vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, key, val);
	return true;
}

bool vd_check_pci_unlisted(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	if (!h->pci.err)
		return false;
	struct vd_finding *f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "Could not list PCI devices: %s.",
					      vd_errno_reason(h->pci.err));
	vd_finding_evidence(f, "/sys/bus/pci/devices", "%s", vd_errno_reason(h->pci.err));
	return true;
}
