// SPDX-License-Identifier: GPL-2.0-or-later
/* iommu-enabled: the firmware announces an IOMMU and the kernel turned it on,
 * with the kernel parameter that is right for the CPU vendor. */
#include <string.h>

#include "check.h"

/* Kernel parameters that switch the IOMMU off (Linux Documentation/
 * admin-guide/kernel-parameters.txt). */
static const struct {
	const char *key, *opt;
} off_params[] = {
	{"intel_iommu", "off"},
	{"amd_iommu", "off"},
	{"iommu", "off"},
};

static void cmdline_evidence(struct vd_finding *f, const struct vd_host *h)
{
	static const char *const keys[] = {"intel_iommu", "amd_iommu", "iommu", "iommu.passthrough"};
	struct vd_str s = {0};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct vd_kparam *p = vd_cmdline_last(&h->kernel.cmdline, keys[i]);
		if (p)
			vd_str_addf(&s, "%s%s=%s", s.len ? " " : "", p->key, p->value ? p->value : "");
	}
	if (h->kernel.cmdline_err)
		vd_finding_evidence(f, "/proc/cmdline", "%s", vd_errno_reason(h->kernel.cmdline_err));
	else
		vd_finding_evidence(f, "/proc/cmdline", "%s", s.len ? s.s : "no IOMMU parameters");
	vd_str_done(&s);
}

static void units_evidence(struct vd_finding *f, const struct vd_host *h)
{
	const struct vd_iommu *io = &h->iommu;
	struct vd_str s = {0};

	if (io->units_err) {
		vd_finding_evidence(f, "/sys/class/iommu", "%s", vd_errno_reason(io->units_err));
		return;
	}
	for (size_t i = 0; i < io->nunits; i++)
		vd_str_addf(&s, "%s%s", i ? " " : "", io->unit[i].name);
	vd_finding_evidence(f, "/sys/class/iommu", "%s", io->nunits ? s.s : "empty: the kernel registered no IOMMU");
	vd_str_done(&s);
}

/* Vendor parameters given to the wrong vendor's CPU are silently ignored. */
static void parameter_advice(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_cmdline *cl = &h->kernel.cmdline;
	struct vd_finding *f;

	if (h->cpu.vendor == VD_CPU_AMD && vd_cmdline_has_opt(cl, "intel_iommu", "on")) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "intel_iommu=on is on the command line of an AMD host, where it does nothing: "
				   "AMD-Vi is enabled by default when the firmware announces it.");
		vd_finding_evidence(f, "/proc/cmdline", "intel_iommu=on; CPU vendor AuthenticAMD");
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_REMOVE, "intel_iommu", NULL);
	}
	if (h->cpu.vendor == VD_CPU_AMD && vd_cmdline_has_opt(cl, "amd_iommu", "on")) {
		/* kernel-parameters.txt lists fullflush, off, force_enable,
		 * force_isolation, pgtbl_v1/v2, irtcachedis... but no "on";
		 * amd_iommu_setup() ignores unknown words. */
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "amd_iommu=on is not a value the kernel knows (it is ignored): AMD-Vi is on by "
				   "default. It is harmless, but it is not what turned the IOMMU on.");
		vd_finding_evidence(f, "/proc/cmdline", "amd_iommu=on");
	}
	if (h->cpu.vendor == VD_CPU_INTEL && vd_cmdline_has_opt(cl, "amd_iommu", "on")) {
		f = vd_finding_add(out, c, VD_INFO, NULL,
				   "amd_iommu=on is on the command line of an Intel host, where it does nothing.");
		vd_finding_evidence(f, "/proc/cmdline", "amd_iommu=on; CPU vendor GenuineIntel");
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_REMOVE, "amd_iommu", NULL);
	}
}

static void iommu_off(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_cmdline *cl = &h->kernel.cmdline;
	const struct vd_iommu *io = &h->iommu;
	bool intel = h->cpu.vendor == VD_CPU_INTEL, amd = h->cpu.vendor == VD_CPU_AMD;
	int table = intel ? io->acpi_dmar : amd ? io->acpi_ivrs : -ENOENT;
	const char *tname = intel ? "DMAR" : "IVRS";
	struct vd_finding *f = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(off_params); i++) {
		if (!vd_cmdline_has_opt(cl, off_params[i].key, off_params[i].opt))
			continue;
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "The kernel command line turns the IOMMU off (%s=%s): no device can be passed "
				   "through.",
				   off_params[i].key, off_params[i].opt);
		vd_finding_hint(f, "Remove %s=%s from the boot loader's kernel command line and reboot.",
				off_params[i].key, off_params[i].opt);
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_REMOVE, off_params[i].key, off_params[i].opt);
		goto evidence;
	}

	if (!intel && !amd) {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "The kernel registered no IOMMU, and the CPU vendor (%s) is not one whose IOMMU "
				   "this tool knows.",
				   h->cpu.vendor_id ? h->cpu.vendor_id : "unknown");
		goto evidence;
	}

	if (table == -ENOENT) {
		if (vd_host_is_vm(h)) {
			f = vd_finding_add(out, c, VD_FAIL, NULL,
					   "No IOMMU: this host is a virtual machine and its hypervisor provides no "
					   "virtual IOMMU (the firmware has no ACPI %s table). Devices cannot be passed "
					   "through from inside it.",
					   tname);
			vd_finding_hint(f, "Run passthrough on the physical host. For nested passthrough the outer "
					   "VM needs a virtual IOMMU (libvirt <iommu model='intel'> with a Q35 "
					   "machine) and the device passed to it first.");
			vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_ADD, "outer hypervisor", "a virtual IOMMU for this VM");
		} else {
			f = vd_finding_add(out, c, VD_FAIL, NULL,
					   "No IOMMU: the firmware does not announce one (no ACPI %s table), so the "
					   "kernel cannot enable it.",
					   tname);
			vd_finding_hint(f, "Enable %s in the firmware setup and cold-boot.",
					intel ? "VT-d (Intel Virtualization Technology for Directed I/O)"
					      : "the IOMMU (often under AMD CBS / NBIO as \"IOMMU\": Enabled)");
			vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "firmware setup", intel ? "VT-d: Enabled" : "IOMMU: Enabled");
		}
		vd_finding_evidence(f, intel ? "/sys/firmware/acpi/tables/DMAR" : "/sys/firmware/acpi/tables/IVRS", "%s",
				    "not present");
		goto evidence;
	}

	if (intel && !vd_cmdline_has_opt(cl, "intel_iommu", "on")) {
		const char *def = vd_kernel_config(&h->kernel, "CONFIG_INTEL_IOMMU_DEFAULT_ON");
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "The firmware announces VT-d (ACPI DMAR table) but the kernel did not enable it: "
				   "%s.",
				   h->kernel.kconfig_err ? "this kernel's default is unknown and intel_iommu=on is not "
							   "on the command line"
							 : "this kernel leaves it off by default "
							   "(CONFIG_INTEL_IOMMU_DEFAULT_ON is not set) and intel_iommu=on "
							   "is not on the command line");
		vd_finding_hint(f, "Add intel_iommu=on (and, for host performance, iommu=pt) to the kernel command "
				   "line, regenerate the boot configuration and reboot.");
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "intel_iommu", "on");
		if (h->kernel.kconfig_path && h->kernel.kconfig_err == 0)
			vd_finding_evidence(f, h->kernel.kconfig_path, "CONFIG_INTEL_IOMMU_DEFAULT_ON %s",
					    def ? def : "is not set");
	} else {
		f = vd_finding_add(out, c, VD_FAIL, NULL,
				   "The firmware announces an IOMMU (ACPI %s table)%s, yet the kernel registered no "
				   "IOMMU unit: initialisation failed or the kernel lacks the driver.",
				   tname, intel ? " and intel_iommu=on is set" : "");
		vd_finding_hint(f, "Look for the reason in the kernel log: 'dmesg | grep -e DMAR -e AMD-Vi -e IOMMU'. "
				   "A kernel without %s cannot use it.",
				intel ? "CONFIG_INTEL_IOMMU" : "CONFIG_AMD_IOMMU");
	}
	vd_finding_evidence(f, intel ? "/sys/firmware/acpi/tables/DMAR" : "/sys/firmware/acpi/tables/IVRS", "%s",
			    table == 0 ? "present" : vd_errno_reason(table));

evidence:
	units_evidence(f, h);
	cmdline_evidence(f, h);
	vd_finding_evidence(f, "/proc/cpuinfo", "vendor_id %s%s", h->cpu.vendor_id ? h->cpu.vendor_id : "?",
			    vd_host_is_vm(h) ? ", flag hypervisor" : "");
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	const struct vd_iommu *io = &h->iommu;
	struct vd_finding *f;

	if (io->units_err && io->units_err != -ENOENT) {
		f = vd_finding_add(out, c, VD_UNKNOWN, NULL, "Could not list the IOMMU units: /sys/class/iommu %s.",
				   vd_errno_reason(io->units_err));
		units_evidence(f, h);
		return;
	}
	if (io->nunits == 0) {
		iommu_off(c, h, out);
		return;
	}
	const char *kind = io->unit[0].kind == VD_IOMMU_INTEL ? "Intel VT-d"
			 : io->unit[0].kind == VD_IOMMU_AMD   ? "AMD-Vi"
							      : "an";
	f = vd_finding_add(out, c, VD_PASS, NULL, "The kernel enabled %s IOMMU: %zu unit%s.", kind, io->nunits,
			   io->nunits == 1 ? "" : "s");
	units_evidence(f, h);
	cmdline_evidence(f, h);
	parameter_advice(c, h, out);
}

const struct vd_check vd_check_iommu_enabled = {
	.id = "iommu-enabled",
	.title = "IOMMU enabled by firmware and kernel",
	.section = "Prerequisites (assumed by the page): IOMMU",
	.explain = "VFIO gives a guest a device only behind an IOMMU, which confines the device's DMA to the "
		   "guest's memory. Three things must line up: the firmware announces the IOMMU (ACPI DMAR table for "
		   "Intel VT-d, IVRS for AMD-Vi; both are firmware settings), the kernel enables it, and the kernel "
		   "registers its units under /sys/class/iommu. AMD-Vi is on by default once announced; Intel VT-d "
		   "needs intel_iommu=on unless the kernel was built with CONFIG_INTEL_IOMMU_DEFAULT_ON. Vendor "
		   "parameters given to the other vendor's CPU (intel_iommu=on on AMD) are ignored, and "
		   "amd_iommu=on is not a value the kernel knows. Inside a virtual machine there is an IOMMU only "
		   "if the outer hypervisor emulates one.",
	.looks_at = "/sys/class/iommu (units), /sys/firmware/acpi/tables/DMAR and IVRS (existence), /proc/cmdline "
		    "(intel_iommu, amd_iommu, iommu, iommu.passthrough), /boot/config-<release> "
		    "(CONFIG_INTEL_IOMMU_DEFAULT_ON), /proc/cpuinfo (vendor, hypervisor flag).",
	.fixes = "Kernel parameter intel_iommu=on (Intel); removal of iommu=off / intel_iommu=off / "
		 "amd_iommu=off; removal of the other vendor's parameter; otherwise the firmware setting.",
	.run = run,
};
