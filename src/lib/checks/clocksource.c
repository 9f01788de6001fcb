// SPDX-License-Identifier: GPL-2.0-or-later
/* clocksource: the host should time with the TSC, not HPET. */
#include <string.h>

#include "check.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_kernel *k = &h->kernel;
	const char *src = "/sys/devices/system/clocksource/clocksource0/current_clocksource";
	struct vd_finding *f;

	if (k->clocksource_err || !k->clocksource) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "The current clocksource could not be read: %s.",
				   vd_errno_reason(k->clocksource_err));
		vd_finding_evidence(f, src, "%s", vd_errno_reason(k->clocksource_err));
		return;
	}
	if (strcmp(k->clocksource, "hpet") != 0 && strcmp(k->clocksource, "acpi_pm") != 0) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "The host times with %s.", k->clocksource);
		vd_finding_evidence(f, src, "%s", k->clocksource);
		return;
	}
	bool tsc_avail = k->clocksource_avail && strstr(k->clocksource_avail, "tsc");
	size_t it = 0;
	const struct vd_log_event *unstable = vd_klog_next(&h->log, VD_EV_TSC_UNSTABLE, &it);
	f = vd_finding_add(out, c, VD_WARN, NULL,
			   "The host's clocksource is %s rather than the TSC: every timer read is slow, which cripples "
			   "games in the VM (and on the host)%s.",
			   k->clocksource, unstable ? "; the kernel dropped the TSC because its watchdog found it unstable" : "");
	vd_finding_evidence(f, src, "%s", k->clocksource);
	vd_finding_evidence(f, "/sys/devices/system/clocksource/clocksource0/available_clocksource", "%s",
			    k->clocksource_avail ? k->clocksource_avail : "unknown");
	if (unstable)
		vd_evidence_log(f, h, unstable);
	vd_finding_hint(f, "%s", tsc_avail || !unstable
				 ? "Force the TSC with clocksource=tsc tsc=reliable on the kernel command line."
				 : "The TSC was marked unstable: forcing it with clocksource=tsc tsc=reliable skips the "
				   "kernel's check; try it, and watch for time jumps.");
	vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "clocksource", "tsc");
	vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "tsc", "reliable");
}

const struct vd_check vd_check_clocksource = {
	.id = "clocksource",
	.title = "Host clocksource is the TSC",
	.section = "Host clocksource is HPET rather than TSC",
	.explain = "With HPET as the host's clocksource, games perform badly, in and outside the VM, and users "
		   "end up troubleshooting the VM. The kernel falls back to HPET when its watchdog finds the TSC "
		   "unstable. The page's remedy is to force the TSC with the kernel parameters clocksource=tsc and "
		   "tsc=reliable. Inside a VM, kvm-clock is the normal choice.",
	.looks_at = "current_clocksource and available_clocksource in /sys/devices/system/clocksource/clocksource0; "
		    "\"Marking TSC unstable\" lines in the kernel log.",
	.fixes = "Kernel parameters clocksource=tsc tsc=reliable.",
	.run = run,
};
