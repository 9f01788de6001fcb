// SPDX-License-Identifier: GPL-2.0-or-later
/* split-lock: split-lock mitigation pauses vCPU threads and times out GPUs. */
#include <string.h>

#include "check.h"
#include "gen.h"

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_sysctl *s = vd_kernel_sysctl(&h->kernel, "kernel.split_lock_mitigate");
	bool detect = vd_cpu_has_flag(&h->cpu, "split_lock_detect");
	size_t it = 0, kvm = 0;
	const struct vd_log_event *e, *first = NULL;
	struct vd_finding *f;

	while ((e = vd_klog_next(&h->log, VD_EV_SPLIT_LOCK_TRAP, &it)))
		if (e->flag && kvm++ == 0)
			first = e;
	if (!detect) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "The CPU has no split lock detection, so nothing is paused.");
		vd_finding_evidence(f, "/proc/cpuinfo", "no split_lock_detect flag");
		return;
	}
	if (!s || s->err) {
		f = vd_finding_add(out, c, kvm ? VD_WARN : VD_INFO, NULL,
				   "The CPU detects split locks but this kernel has no kernel.split_lock_mitigate "
				   "sysctl (added in Linux 6.2)%s.",
				   kvm ? ", and KVM vCPU threads took split-lock traps" : "");
		vd_finding_evidence(f, "/proc/sys/kernel/split_lock_mitigate", "%s", vd_errno_reason(s ? s->err : -ENOENT));
		if (first)
			vd_evidence_log(f, h, first);
		vd_finding_hint(f, "On kernels before 6.2 the only switch is split_lock_detect=off on the command line.");
		if (kvm)
			vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "split_lock_detect", "off");
		return;
	}
	if (strcmp(s->value, "0") == 0) {
		f = vd_finding_add(out, c, VD_PASS, NULL, "Split-lock mitigation is off (kernel.split_lock_mitigate = 0).");
		vd_finding_evidence(f, s->path, "0");
		return;
	}
	f = vd_finding_add(out, c, kvm ? VD_WARN : VD_INFO, NULL,
			   kvm ? "Split-lock mitigation is on and the VM's vCPU threads hit it: each split lock costs "
				 "the thread a forced 10 ms pause, which shows up as GPU timeouts and hangs in games."
			       : "Split-lock mitigation is on: a guest that takes split locks (some games) gets 10 ms "
				 "pauses per lock, seen as GPU timeouts in the VM.");
	vd_finding_evidence(f, s->path, "%s", s->value);
	if (first) {
		vd_evidence_log(f, h, first);
		vd_finding_evidence(f, "kernel log", "%zu split-lock traps by KVM vCPU threads", kvm);
	}
	_cleanup_free_ char *conf = vd_gen_sysctl_split_lock();
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_SYSCTL_SPLIT_LOCK, conf);
	vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, s->path, "0");
}

const struct vd_check vd_check_split_lock = {
	.id = "split-lock",
	.title = "Split-lock mitigation does not pause the VM",
	.section = "GPU timeouts when running games in the virtual machine",
	.explain = "Recent kernels (6.12+ on AMD, 5.x on Intel, per the page) detect split locks and punish the "
		   "thread that takes one with a forced 10 ms pause. A QEMU vCPU thread running a game that "
		   "splits locks stalls, and the guest sees GPU timeouts and hangs. The kernel logs each trap as "
		   "\"x86/split lock detection: #AC: CPU 0/KVM/1234 took a split_lock trap\". The page disables "
		   "the mitigation: sysctl -w kernel.split_lock_mitigate=0, made permanent in /etc/sysctl.d.",
	.looks_at = "The split_lock_detect CPU flag, /proc/sys/kernel/split_lock_mitigate, split-lock trap lines "
		    "from KVM vCPU threads in the kernel log.",
	.fixes = "/etc/sysctl.d/split-lock.conf with kernel.split_lock_mitigate = 0; runtime: 0 to "
		 "/proc/sys/kernel/split_lock_mitigate (split_lock_detect=off before 6.2).",
	.run = run,
};
