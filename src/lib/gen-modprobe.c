// SPDX-License-Identifier: GPL-2.0-or-later
/* Generators for modprobe.d, sysctl.d and udev rules (see gen.h); the
 * lines are the troubleshooting page's own. */
#include <stdio.h>
#include <string.h>

#include "gen.h"

char *vd_gen_modprobe_kvm_msrs(bool quiet)
{
	return vd_xasprintf("options kvm ignore_msrs=1\n%s", quiet ? "options kvm report_ignored_msrs=0\n" : "");
}

char *vd_gen_modprobe_blacklist(const char *module)
{
	return vd_xasprintf("blacklist %s\n", module);
}

char *vd_gen_modprobe_snd_msi(void)
{
	return vd_xstrdup("options snd-hda-intel enable_msi=1\n");
}

static bool listed(const struct vd_str *s, const char *sep, const char *item)
{
	_cleanup_free_ char *a = vd_xasprintf("%s%s%s", sep, item, sep);
	_cleanup_free_ char *hay = vd_xasprintf("%s%s%s", sep, s->s ? s->s : "", sep);
	return strstr(hay, a) != NULL;
}

char *vd_gen_modprobe_vfio(const char *const *ids, size_t nids, const char *const *drivers, size_t ndrivers)
{
	struct vd_str id = {0}, soft = {0}, seen = {0};
	for (size_t i = 0; i < nids; i++)
		if (ids[i] && *ids[i] && !listed(&id, ",", ids[i]))
			vd_str_addf(&id, "%s%s", id.len ? "," : "", ids[i]);
	for (size_t i = 0; i < ndrivers; i++) {
		const char *m = drivers[i];
		if (!m || !*m || vd_streq_dash(m, "vfio_pci") || vd_streq_dash(m, "vfio_pci_core") || listed(&seen, " ", m))
			continue;
		vd_str_addf(&seen, "%s%s", seen.len ? " " : "", m);
		vd_str_addf(&soft, "softdep %s pre: vfio-pci\n", m);
	}
	char *out = vd_xasprintf("options vfio-pci ids=%s\n%s", id.s ? id.s : "", soft.s ? soft.s : "");
	vd_str_done(&id);
	vd_str_done(&soft);
	vd_str_done(&seen);
	return out;
}

char *vd_gen_sysctl_split_lock(void)
{
	return vd_xstrdup("kernel.split_lock_mitigate = 0\n");
}

char *vd_gen_udev_rebar(uint16_t vendor, uint16_t device, const struct vd_rebar_size *s, size_t n)
{
	struct vd_str o = {0};
	for (size_t i = 0; i < n; i++)
		vd_str_addf(&o,
			    "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x%04x\", ATTR{device}==\"0x%04x\", "
			    "ATTR{resource%u_resize}=\"%u\"\n",
			    vendor, device, s[i].bar, s[i].size);
	return vd_str_steal(&o);
}

char *vd_gen_udev_rebar_path(uint16_t vendor, uint16_t device)
{
	/* "01-" as on the page: before udev's own rules bind drivers. */
	return vd_xasprintf("%s/01-vfio-rebar-%04x-%04x.rules", VD_UDEV_REBAR_DIR, vendor, device);
}
