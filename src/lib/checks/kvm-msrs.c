// SPDX-License-Identifier: GPL-2.0-or-later
/* kvm-msrs: kvm.ignore_msrs for Windows 10 1803+ guests with host-passthrough,
 * and report_ignored_msrs against log floods. */
#include <string.h>

#include "check.h"
#include "gen.h"

static bool yes(const struct vd_modparam *p)
{
	return p && p->err == 0 && (p->value[0] == 'Y' || p->value[0] == 'y' || p->value[0] == '1');
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_modparam *ig = vd_kernel_param(&h->kernel, "kvm", "ignore_msrs");
	const struct vd_modparam *rep = vd_kernel_param(&h->kernel, "kvm", "report_ignored_msrs");
	/* counts over the whole log; the kept events give the first lines */
	size_t unhandled = h->log.flagged[VD_EV_MSR], ignored = h->log.count[VD_EV_MSR] - unhandled, it = 0;
	const struct vd_log_event *e, *first_unhandled = NULL, *first_ignored = NULL;
	struct vd_finding *f;

	while ((e = vd_klog_next(&h->log, VD_EV_MSR, &it))) {
		if (e->flag)
			first_unhandled = first_unhandled ? first_unhandled : e;
		else
			first_ignored = first_ignored ? first_ignored : e;
	}
	if (!ig || ig->err) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "kvm's ignore_msrs parameter could not be read: %s.",
				   vd_errno_reason(ig ? ig->err : -ENOENT));
		vd_finding_evidence(f, "/sys/module/kvm/parameters/ignore_msrs", "%s",
				    vd_errno_reason(ig ? ig->err : -ENOENT));
		return;
	}
	if (!yes(ig)) {
		f = vd_finding_add(out, c, unhandled ? VD_FAIL : VD_INFO, NULL,
				   unhandled ? "KVM injects a fault into guests that read MSRs it does not emulate "
					       "(ignore_msrs=N), and the log shows it happening: Windows 10 1803 and "
					       "later with a host-passthrough CPU boot-loop or blue-screen on this."
					     : "kvm.ignore_msrs is off: Windows 10 1803 and later guests with a "
					       "host-passthrough CPU can blue-screen at boot on an MSR KVM does not "
					       "emulate.");
		vd_finding_evidence(f, "/sys/module/kvm/parameters/ignore_msrs", "%s", ig->value);
		if (first_unhandled)
			vd_evidence_log(f, h, first_unhandled);
		if (unhandled)
			vd_finding_evidence(f, "kernel log", "%zu unhandled MSR accesses", unhandled);
		_cleanup_free_ char *conf = vd_gen_modprobe_kvm_msrs(true);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_MODPROBE_KVM, conf);
		vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, "/sys/module/kvm/parameters/ignore_msrs", "1");
		return;
	}
	if (yes(rep) && ignored >= 10) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "ignore_msrs is on, and every ignored MSR access is logged (%zu lines): "
				   "report_ignored_msrs=0 keeps them out of dmesg.",
				   ignored);
		if (first_ignored)
			vd_evidence_log(f, h, first_ignored);
		_cleanup_free_ char *conf = vd_gen_modprobe_kvm_msrs(true);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_MODPROBE_KVM, conf);
		vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, "/sys/module/kvm/parameters/report_ignored_msrs", "0");
		return;
	}
	f = vd_finding_add(out, c, VD_PASS, NULL, "kvm.ignore_msrs is on.");
	vd_finding_evidence(f, "/sys/module/kvm/parameters/ignore_msrs", "%s", ig->value);
}

const struct vd_check vd_check_kvm_msrs = {
	.id = "kvm-msrs",
	.title = "KVM ignores unknown MSRs (Windows 10 1803+)",
	.section = "Bluescreen at boot since Windows 10 1803",
	.explain = "Since Windows 10 1803 a guest with the host-passthrough CPU model reads model-specific "
		   "registers KVM does not emulate; by default KVM answers with a fault and Windows boot-loops or "
		   "blue-screens. kvm.ignore_msrs=1 makes KVM ignore such accesses (the kernel logs them as "
		   "\"ignored rdmsr\"; without it, as \"unhandled rdmsr\"). The page makes it permanent in "
		   "/etc/modprobe.d/kvm.conf and adds report_ignored_msrs=0 so the ignored accesses do not clog "
		   "dmesg.",
	.looks_at = "/sys/module/kvm/parameters/ignore_msrs and report_ignored_msrs; \"ignored/unhandled "
		    "rdmsr/wrmsr\" lines in the kernel log (all wordings since 3.x).",
	.fixes = "/etc/modprobe.d/kvm.conf with options kvm ignore_msrs=1 report_ignored_msrs=0; runtime: 1 to "
		 "/sys/module/kvm/parameters/ignore_msrs.",
	.run = run,
};
