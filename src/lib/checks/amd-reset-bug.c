// SPDX-License-Identifier: GPL-2.0-or-later
/* amd-reset-bug: AMD GPUs that do not reset between VM runs need the
 * vendor-reset module, loaded, and on Linux >= 5.15 selected as the
 * device's reset method. */
#include <string.h>

#include "amd-reset.h"
#include "check.h"
#include "gen.h"
#include "gpu.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_modinfo *vr = vd_host_module(h, "vendor_reset");
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		const char *fam = vd_amd_reset_family(d->vendor, d->device);
		if (!fam || !vd_gpu_is_candidate(h, d))
			continue;
		n++;
		_cleanup_free_ char *label = vd_pci_label(d);
		bool loaded = vr && (vr->state == VD_MOD_LOADED || vr->state == VD_MOD_BUILTIN);
		bool needs_method = vd_kernel_at_least(&h->kernel, 5, 15, 0);
		bool method_ok = d->reset_method && strncmp(d->reset_method, "device_specific", 15) == 0;
		struct vd_finding *f;
		_cleanup_free_ char *rm = vd_xasprintf("/sys/bus/pci/devices/%s/reset_method", d->name);

		if (!loaded) {
			bool avail = vr && (vr->avail == VD_AVAIL_FILE || vr->avail == VD_AVAIL_BUILTIN);
			f = vd_finding_add(out, c, VD_WARN, d->name,
					   "%s (%s) is a %s GPU with the AMD reset bug: without vendor-reset it will not "
					   "reset when the VM stops, and a second start fails until the host reboots. "
					   "vendor-reset is %s.",
					   d->name, label, fam, avail ? "installed but not loaded" : "not installed");
			vd_finding_hint(f, "%s Load it before the VM starts: at boot (modules-load.d) or from a libvirt "
					   "hook (modprobe -s vendor-reset on prepare, modprobe -sr vendor-reset on "
					   "release).%s",
					avail ? "" : "Install vendor-reset (the vendor-reset-dkms packages).",
					needs_method ? " On this kernel also write device_specific to the GPU's "
						       "reset_method after loading it." : "");
			/* The page's libvirt hook: load vendor-reset on prepare
			 * (and on 5.15+ select its reset for the card). */
			const char *dev = d->name;
			_cleanup_free_ char *hook = vd_gen_hook_vendor_reset(&dev, 1, needs_method);
			struct vd_fix *x = vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_HOOK_VENDOR_RESET, hook);
			x->mode = 0755;
			if (avail)
				vd_finding_fix(f, VD_FIX_COMMAND, VD_OP_ADD, NULL, "modprobe vendor-reset");
		} else if (needs_method && !method_ok) {
			f = vd_finding_add(out, c, VD_WARN, d->name,
					   "vendor-reset is loaded, but %s (%s) still resets with \"%s\": since Linux 5.15 "
					   "the device's reset_method must name device_specific for vendor-reset to be "
					   "used.",
					   d->name, label, d->reset_method ? d->reset_method : "(none)");
			vd_finding_evidence(f, rm, "%s", d->reset_method ? d->reset_method : vd_errno_reason(d->reset_method_err));
			vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, rm, "device_specific");
			const char *dev = d->name;
			_cleanup_free_ char *hook = vd_gen_hook_vendor_reset(&dev, 1, true);
			struct vd_fix *x = vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_HOOK_VENDOR_RESET, hook);
			x->mode = 0755;
		} else {
			f = vd_finding_add(out, c, VD_PASS, d->name,
					   "%s (%s, %s) is handled by vendor-reset%s.", d->name, label, fam,
					   needs_method ? " (reset_method device_specific)" : "");
			if (needs_method)
				vd_finding_evidence(f, rm, "%s", d->reset_method);
		}
		vd_evidence_dev(f, d, fam);
		vd_finding_evidence(f, "/proc/modules", "vendor_reset: %s",
				    loaded ? "loaded" : vr && vr->state == VD_MOD_UNKNOWN ? "unknown" : "not loaded");
		size_t it = 0;
		const struct vd_log_event *e;
		if ((e = vd_klog_next(&h->log, VD_EV_VENDOR_RESET, &it)))
			vd_evidence_log(f, h, e);
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No passthrough GPU is in vendor-reset's list of AMD GPUs with the "
						      "reset bug.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "no AMD Polaris/Vega/Navi 10/12/14 GPU for passthrough");
	}
}

const struct vd_check vd_check_amd_reset_bug = {
	.id = "amd-reset-bug",
	.title = "AMD reset bug handled (vendor-reset)",
	.section = "AMD GPU not resetting properly yielding \"Error: internal error: Unknown PCI header type '127'\" "
		   "(Separate issue from the one above)",
	.explain = "AMD GPUs of the Polaris, Vega and Navi 10/12/14 families do not reset properly when the guest "
		   "powers off: the card stays in a broken state (code 43 in Windows, \"Unknown PCI header type "
		   "'127'\" in libvirt) until the host reboots. The recommended cure is the vendor-reset module, "
		   "loaded before the guest starts (at boot or from a libvirt hook). Since Linux 5.15 the kernel "
		   "also has to be told to use it: write device_specific to the GPU's reset_method "
		   "(vendor-reset issue #46). Do not combine it with the older reset-bug kernel patches. The RX "
		   "6000 series does not need it. The device list is vendor-reset's own.",
	.looks_at = "AMD GPUs on vfio-pci or free for passthrough, their IDs against vendor-reset's device "
		    "database, vendor_reset loaded (/proc/modules) or installed (module index), reset_method, "
		    "vendor-reset log lines.",
	.fixes = "The page's libvirt hook that loads vendor-reset before the guest starts (on 5.15+ it also writes "
		 "device_specific to the card's reset_method), modprobe vendor-reset now, and the runtime reset_method "
		 "write.",
	.run = run,
};
