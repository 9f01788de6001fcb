// SPDX-License-Identifier: GPL-2.0-or-later
/* sleep-inhibitor: a libvirt hook that keeps the host awake while a
 * passthrough VM runs. */
#include "check.h"
#include "gen.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_pci_dev *pass = NULL;
	struct vd_finding *f;

	for (size_t i = 0; i < h->pci.n && !pass; i++)
		if (vd_pci_on_vfio(&h->pci.dev[i]))
			pass = &h->pci.dev[i];
	if (!pass) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "No device is bound to vfio-pci, so no VM holds one through a sleep.");
		vd_finding_evidence(f, "/sys/bus/pci/drivers/vfio-pci", "no device bound");
		return;
	}
	if (vd_userland_has_sleep_inhibitor(&h->user)) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "A libvirt hook keeps the host awake while domains run.");
		vd_finding_evidence(f, "/etc/libvirt/hooks", "a hook calls systemd-inhibit / libvirt-nosleep");
		return;
	}
	f = vd_finding_add(out, c, VD_WARN, NULL,
			   "Devices are bound to vfio-pci (%s, for example) but nothing stops the host from sleeping "
			   "while a VM uses them: VFIO guests left running through suspend become unstable and can "
			   "lock up the host when shut down.",
			   pass->name);
	vd_finding_evidence(f, "/etc/libvirt/hooks/qemu", "%s",
			    h->user.hook_qemu.text ? "present, without a sleep inhibitor" : vd_errno_reason(h->user.hook_qemu.err));
	vd_finding_evidence(f, "/etc/systemd/system/libvirt-nosleep@.service", "%s",
			    h->user.nosleep_unit ? "present" : "not present");
	/* The page's hook, installed beside existing hooks (hooks/qemu.d, or a
	 * dispatcher on libvirt < 6.5: `fix` decides), and its unit. */
	struct vd_fix *x = vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_HOOK_NOSLEEP, vd_gen_hook_nosleep());
	x->mode = 0755;
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_NOSLEEP_UNIT, vd_gen_nosleep_unit());
}

const struct vd_check vd_check_sleep_inhibitor = {
	.id = "sleep-inhibitor",
	.title = "Host does not sleep under a running passthrough VM",
	.section = "Host lockup if guest is left running during sleep",
	.explain = "VFIO guests tend to become unstable when left running through a host sleep/wake cycle, and "
		   "shutting them down afterwards can lock up the host. The page prevents sleep while a domain "
		   "runs: a libvirt qemu hook starts libvirt-nosleep@<domain> on prepare and stops it on release, "
		   "and that unit holds a systemd-inhibit sleep lock. The hook must be executable.",
	.looks_at = "Devices bound to vfio-pci; /etc/libvirt/hooks/qemu and hooks/qemu.d/* for systemd-inhibit or "
		    "libvirt-nosleep; /etc/systemd/system/libvirt-nosleep@.service.",
	.fixes = "The page's hook (mode 0755, installed next to existing hooks by `fix`) and libvirt-nosleep@.service.",
	.run = run,
};
