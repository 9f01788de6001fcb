// SPDX-License-Identifier: GPL-2.0-or-later
/* The host checks of the troubleshooting page, on hosts built in C from real
 * material: config space of a Quadro P1000 pair on vfio-pci and an RX 5600
 * XT, /proc/iomem excerpts and kernel log lines others published (all in
 * tests/hosts/sources and tests/logs/sources, cited in their SOURCES.md). */
#include <ctype.h>
#include <stdlib.h>

#include "check.h"
#include "pcilib.h"
#include "unit.h"

static struct vd_pcilib *pl;
static struct vd_logscan *scanner;

/* Config bytes of one function from an lspci -xxx text. */
static uint8_t *dump_of(const char *rel, const char *bdf, size_t *len)
{
	size_t tl;
	char *t = unit_slurp(rel, &tl);
	uint8_t *b = calloc(1, 4096);
	bool in = false;
	*len = 0;
	for (char *l = t, *nl; t && l && *l; l = nl) {
		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		if (strncmp(l, bdf, strlen(bdf)) == 0) {
			in = true;
			continue;
		}
		unsigned off;
		int n = isxdigit((unsigned char)l[0]) && isxdigit((unsigned char)l[1]) && l[2] == ':' ? 3
			: isxdigit((unsigned char)l[0]) && isxdigit((unsigned char)l[1]) && isxdigit((unsigned char)l[2]) &&
					  l[3] == ':' ? 4 : 0;
		if (n && l[n] != ' ') {
			if (in && *len)
				break; /* the next device's header */
			continue;
		}
		if (in && n && sscanf(l, "%x:", &off) == 1 && off < 4096) {
			unsigned v;
			int k;
			char *p = l + n;
			while (sscanf(p, " %2x%n", &v, &k) == 1 && off < 4096) {
				b[off++] = (uint8_t)v;
				p += k;
			}
			if (off > *len)
				*len = off;
		} else if (in && *len && isalpha((unsigned char)l[0])) {
			break;
		}
	}
	free(t);
	return b;
}

static void host_init(struct vd_host *h, enum vd_cpu_vendor v, const char *release, const char *cmdline)
{
	memset(h, 0, sizeof(*h));
	h->cpu.vendor = v;
	h->cpu.vendor_id = vd_xstrdup(v == VD_CPU_AMD ? "AuthenticAMD" : "GenuineIntel");
	h->cpu.flags = vd_xcalloc(1, sizeof(char *));
	h->cpu.family = h->cpu.model = -1;
	h->kernel.release = vd_xstrdup(release);
	vd_kernel_parse_release(release, &h->kernel.major, &h->kernel.minor, &h->kernel.patch);
	h->kernel.cmdline_raw = vd_xstrdup(cmdline);
	vd_cmdline_parse(cmdline, &h->kernel.cmdline);
	h->kernel.kconfig_err = -ENOENT;
	h->kernel.clocksource_err = -ENOENT;
	h->iomem.err = -ENOENT;
	h->machine.chassis_type = 3;
	h->iommu.acpi_dmar = h->iommu.acpi_ivrs = -ENOENT;
}

static void set_flags(struct vd_host *h, const char *const *f)
{
	vd_strv_free(h->cpu.flags);
	size_t n = 0;
	while (f[n])
		n++;
	h->cpu.flags = vd_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		h->cpu.flags[i] = vd_xstrdup(f[i]); /* given sorted */
}

static void set_param(struct vd_host *h, const char *mod, const char *param, const char *value)
{
	h->kernel.params = vd_xrealloc(h->kernel.params, (h->kernel.nparams + 1) * sizeof(*h->kernel.params));
	h->kernel.params[h->kernel.nparams++] = (struct vd_modparam){mod, param, vd_xstrdup(value), 0};
}

static void set_module(struct vd_host *h, const char *name, enum vd_mod_state st, bool blacklisted)
{
	h->mods = vd_xrealloc(h->mods, (h->nmods + 1) * sizeof(*h->mods));
	h->mods[h->nmods++] = (struct vd_modinfo){name, st, VD_AVAIL_FILE, NULL, blacklisted};
}

static struct vd_pci_dev *add_dev(struct vd_host *h, const char *bdf, uint16_t ven, uint16_t dev, uint32_t cls,
				  const char *driver, int group, const uint8_t *cfg, size_t len)
{
	h->pci.dev = vd_xrealloc(h->pci.dev, (h->pci.n + 1) * sizeof(*h->pci.dev));
	struct vd_pci_dev *d = &h->pci.dev[h->pci.n++];
	memset(d, 0, sizeof(*d));
	vd_pci_parse_addr(bdf, &d->domain, &d->bus, &d->dev, &d->fn);
	snprintf(d->name, sizeof(d->name), "%s", bdf);
	d->vendor = ven;
	d->device = dev;
	d->class24 = cls;
	d->driver = vd_xstrdup(driver);
	d->iommu_group = group;
	d->parent = -1;
	d->boot_vga = (cls >> 16) == 3 ? 0 : -1;
	d->config_err = cfg ? 0 : -ENOENT;
	d->reset_method_err = -ENOENT;
	if (cfg) {
		d->config = vd_xmalloc(len);
		memcpy(d->config, cfg, len);
		d->config_len = d->config_size = len;
		vd_pci_decode_caps(pl, cfg, len, &d->caps);
	}
	return d;
}

static void add_log(struct vd_host *h, const char *text)
{
	vd_klog_add_text(&h->log, scanner, "dmesg", text, strlen(text));
	h->log.kernel_log = true;
}

static const struct vd_finding *run_one(const struct vd_host *h, const char *id, struct vd_findings *fs,
					enum vd_severity want)
{
	char *bad = NULL;
	vd_findings_done(fs);
	CHECK_INT(vd_checks_run(h, id, fs, &bad), 0);
	for (size_t i = 0; i < fs->n; i++)
		if (fs->f[i].severity == want)
			return &fs->f[i];
	fprintf(stderr, "  %s: no %s finding; got:", id, vd_severity_name(want));
	for (size_t i = 0; i < fs->n; i++)
		fprintf(stderr, " %s(%s)", vd_severity_name(fs->f[i].severity), fs->f[i].message);
	fprintf(stderr, "\n");
	return NULL;
}

static bool has_fix(const struct vd_finding *f, enum vd_fix_kind k, const char *target, const char *value_part)
{
	for (size_t i = 0; f && i < f->nfix; i++)
		if (f->fix[i].kind == k && (!target || vd_streq_ptr(f->fix[i].target, target)) &&
		    (!value_part || (f->fix[i].value && strstr(f->fix[i].value, value_part))))
			return true;
	return false;
}

#define P1000 "../hosts/sources/intel-nvidia-desktop/lspci_vvvxxx_nvidia_gp107gl_p1000_vfio_supermicro.txt"
#define NAVI "amd-ryzen-two-gpus/sys/devices/pci0000:00/0000:00:03.1/0000:07:00.0/0000:08:00.0/0000:09:00.0/config"

static void test_msi(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};
	size_t l0, l1;
	uint8_t *c0 = dump_of(P1000, "05:00.0", &l0), *c1 = dump_of(P1000, "05:00.1", &l1);

	CHECK_INT(l0, 256);
	host_init(&h, VD_CPU_INTEL, "5.8.10-200.fc32.x86_64", "");
	add_dev(&h, "0000:05:00.0", 0x10de, 0x1cb1, 0x030000, "vfio-pci", 30, c0, l0);
	add_dev(&h, "0000:05:00.1", 0x10de, 0x0fb9, 0x040300, "vfio-pci", 30, c1, l1);
	/* lspci: .0 "MSI: Enable+", .1 "MSI: Enable-": the page's .0-is-not-enough case */
	const struct vd_finding *f = run_one(&h, "gpu-msi", &fs, VD_WARN);
	CHECK(f && strstr(f->message, "0000:05:00.1") && !strstr(f->message, "0000:05:00.0,"));
	/* both enabled: pass */
	h.pci.dev[1].caps.msi.enabled = true;
	CHECK(run_one(&h, "gpu-msi", &fs, VD_PASS) != NULL);
	/* no config space: unknown, with the reason */
	h.pci.dev[0].caps.known = h.pci.dev[1].caps.known = false;
	f = run_one(&h, "gpu-msi", &fs, VD_UNKNOWN);
	CHECK(f != NULL);
	vd_findings_done(&fs);
	vd_host_done(&h);
	free(c0);
	free(c1);
}

static void test_kvm_msrs(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};

	host_init(&h, VD_CPU_AMD, "5.10.0", "");
	set_param(&h, "kvm", "ignore_msrs", "N");
	set_param(&h, "kvm", "report_ignored_msrs", "Y");
	/* github.com/google/novm/issues/26 (Debian 8) */
	add_log(&h, "[431428.919308] kvm [12633]: vcpu0 unhandled rdmsr: 0x1c9\n"
		    "[431428.919511] kvm [12633]: vcpu0 unhandled rdmsr: 0x1a6\n");
	const struct vd_finding *f = run_one(&h, "kvm-msrs", &fs, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/modprobe.d/kvm.conf", "options kvm ignore_msrs=1"));
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/modprobe.d/kvm.conf", "report_ignored_msrs=0"));
	CHECK(has_fix(f, VD_FIX_RUNTIME, "/sys/module/kvm/parameters/ignore_msrs", "1"));
	vd_host_done(&h);

	host_init(&h, VD_CPU_AMD, "6.2.16-5-pve", "");
	set_param(&h, "kvm", "ignore_msrs", "Y");
	set_param(&h, "kvm", "report_ignored_msrs", "Y");
	struct vd_str s = {0};
	for (int i = 0; i < 20; i++) /* gnif/vendor-reset/issues/72 (6.2.16-5-pve) */
		vd_str_addf(&s, "[ %d.113240] kvm [52392]: ignored rdmsr: 0xc001100d data 0x0\n", 493 + i);
	add_log(&h, s.s);
	vd_str_done(&s);
	f = run_one(&h, "kvm-msrs", &fs, VD_INFO);
	CHECK(has_fix(f, VD_FIX_RUNTIME, "/sys/module/kvm/parameters/report_ignored_msrs", "0"));
	vd_host_done(&h);

	/* the unhandled accesses come after more ignored ones than the log
	 * keeps (the flood the page warns of, then ignore_msrs switched off):
	 * still a FAIL, counted over the whole log */
	host_init(&h, VD_CPU_AMD, "6.2.16-5-pve", "");
	set_param(&h, "kvm", "ignore_msrs", "N");
	for (int i = 0; i < VD_LOG_KEEP_PER_KIND + 5; i++)
		vd_str_addf(&s, "[ %d.113240] kvm [52392]: ignored rdmsr: 0xc001100d data 0x0\n", 493 + i);
	vd_str_add(&s, "[431428.919308] kvm [12633]: vcpu0 unhandled rdmsr: 0x1c9\n"
		       "[431428.919511] kvm [12633]: vcpu0 unhandled rdmsr: 0x1a6\n");
	add_log(&h, s.s);
	vd_str_done(&s);
	f = run_one(&h, "kvm-msrs", &fs, VD_FAIL);
	bool counted = false;
	for (size_t i = 0; f && i < f->nev; i++)
		counted |= strcmp(f->ev[i].value, "2 unhandled MSR accesses") == 0;
	CHECK(counted);
	vd_host_done(&h);

	host_init(&h, VD_CPU_AMD, "6.1.0", "");
	set_param(&h, "kvm", "ignore_msrs", "Y");
	CHECK(run_one(&h, "kvm-msrs", &fs, VD_PASS) != NULL);
	vd_findings_done(&fs);
	vd_host_done(&h);
}

static void test_clocksource_and_split_lock(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};

	host_init(&h, VD_CPU_INTEL, "5.15.0", "");
	h.kernel.clocksource_err = 0;
	h.kernel.clocksource = vd_xstrdup("hpet");
	h.kernel.clocksource_avail = vd_xstrdup("hpet acpi_pm");
	add_log(&h, "[  201.453342] clocksource: timekeeping watchdog on CPU3: Marking clocksource 'tsc' as "
		    "unstable because the skew is too large:\n");
	const struct vd_finding *f = run_one(&h, "clocksource", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_KPARAM, "clocksource", "tsc") && has_fix(f, VD_FIX_KPARAM, "tsc", "reliable"));
	CHECK(f && f->nev == 3); /* current, available, the watchdog line */
	free(h.kernel.clocksource);
	h.kernel.clocksource = vd_xstrdup("kvm-clock");
	CHECK(run_one(&h, "clocksource", &fs, VD_PASS) != NULL);

	/* split lock: the flag, the sysctl at 1, KVM vCPU threads trapping
	 * (Chinese Steam-in-KVM notes, index file id 23444932489) */
	const char *fl[] = {"split_lock_detect", "vmx", NULL};
	set_flags(&h, fl);
	h.kernel.sysctls = vd_xcalloc(1, sizeof(*h.kernel.sysctls));
	h.kernel.nsysctls = 1;
	h.kernel.sysctls[0] = (struct vd_sysctl){"kernel.split_lock_mitigate", "/proc/sys/kernel/split_lock_mitigate",
						 vd_xstrdup("1"), 0};
	add_log(&h, "7月 27 10:48:59 neon kernel: x86/split lock detection: #AC: CPU 0/KVM/88279 took a split_lock "
		    "trap at address: 0xfffff80104613be8\n");
	f = run_one(&h, "split-lock", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/sysctl.d/split-lock.conf", "kernel.split_lock_mitigate = 0"));
	CHECK(has_fix(f, VD_FIX_RUNTIME, "/proc/sys/kernel/split_lock_mitigate", "0"));
	free(h.kernel.sysctls[0].value);
	h.kernel.sysctls[0].value = vd_xstrdup("0");
	CHECK(run_one(&h, "split-lock", &fs, VD_PASS) != NULL);
	vd_findings_done(&fs);
	vd_host_done(&h);
}

static void test_header_and_reset(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};
	uint8_t ones[256];

	memset(ones, 0xff, sizeof(ones));
	host_init(&h, VD_CPU_AMD, "5.18.5", "");
	struct vd_pci_dev *d = add_dev(&h, "0000:0b:00.0", 0x1002, 0x67df, 0x030000, "vfio-pci", 20, ones, 256);
	const struct vd_finding *f = run_one(&h, "pci-header-127", &fs, VD_FAIL);
	CHECK(f && f->hint && strstr(f->hint, "reset bug") && strstr(f->hint, "POLARIS10"));
	/* Not a reset-bug GPU on a Ryzen host: the AGESA explanation */
	d->device = 0x73bf;
	f = run_one(&h, "pci-header-127", &fs, VD_FAIL);
	CHECK(f && f->hint && strstr(f->hint, "AGESA"));
	/* Answering again, but libvirt's log remembers (GitHub issue, virt-manager) */
	memset(d->config, 0, 64);
	d->config[0] = 0x02;
	d->config[1] = 0x10;
	add_log(&h, "libvirt.libvirtError: internal error: Unknown PCI header type '127' for device '0000:0b:00.0'\n");
	CHECK(run_one(&h, "pci-header-127", &fs, VD_WARN) != NULL);

	/* amd-reset-bug: Polaris 10 on vfio-pci, kernel >= 5.15 */
	d->device = 0x67df;
	set_module(&h, "vendor_reset", VD_MOD_ABSENT, false);
	f = run_one(&h, "amd-reset-bug", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/libvirt/hooks/qemu.d/vfio-doctor-vendor-reset", "modprobe -s vendor-reset"));
	h.mods[0].state = VD_MOD_LOADED;
	d->reset_method = vd_xstrdup("bus");
	d->reset_method_err = 0;
	f = run_one(&h, "amd-reset-bug", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_RUNTIME, "/sys/bus/pci/devices/0000:0b:00.0/reset_method", "device_specific"));
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/libvirt/hooks/qemu.d/vfio-doctor-vendor-reset", "0000:0b:00.0"));
	free(d->reset_method);
	d->reset_method = vd_xstrdup("device_specific");
	CHECK(run_one(&h, "amd-reset-bug", &fs, VD_PASS) != NULL);
	/* the RX 6000 series does not need it */
	d->device = 0x73bf;
	f = run_one(&h, "amd-reset-bug", &fs, VD_PASS);
	CHECK(f && !f->subject);
	vd_findings_done(&fs);
	vd_host_done(&h);
}

static void test_rebar(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};
	size_t len;
	char *cfg = unit_slurp(NAVI, &len);

	host_init(&h, VD_CPU_AMD, "6.1.0-13-amd64", "");
	struct vd_pci_dev *d = add_dev(&h, "0000:09:00.0", 0x1002, 0x731f, 0x030000, "vfio-pci", 18, (uint8_t *)cfg, len);
	for (int i = 0; i < 6; i++)
		d->resize[i].err = -ENOENT;
	/* BAR 0 at 8 GB (its owner's patched kernel resized it): ReBAR is on */
	const struct vd_finding *f = run_one(&h, "rebar", &fs, VD_WARN);
	/* supported BAR 0 sizes 256 MB-1 GB: largest is bit 10; BAR 2 on AMD: 8 MB, bit 3 */
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/udev/rules.d/01-vfio-rebar-1002-731f.rules", "ATTR{resource0_resize}=\"10\""));
	CHECK(has_fix(f, VD_FIX_FILE, NULL, "ATTR{resource2_resize}=\"3\""));
	CHECK(has_fix(f, VD_FIX_RUNTIME, "/sys/bus/pci/devices/0000:09:00.0/resource2_resize", "3"));
	/* before 6.1 there is no resourceN_resize: the firmware switch */
	h.kernel.minor = 18;
	h.kernel.major = 5;
	f = run_one(&h, "rebar", &fs, VD_WARN);
	CHECK(f && f->nfix == 1 && f->fix[0].kind == VD_FIX_MANUAL);
	vd_findings_done(&fs);
	vd_host_done(&h);
	free(cfg);
}

static void test_bar_reserve(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};
	size_t len;
	char *iomem = unit_slurp("sources/intel-nvidia-desktop/proc_iomem_excerpt_nvidia_efifb_cn_notes.txt", &len);

	host_init(&h, VD_CPU_INTEL, "5.4.0", "quiet");
	h.user.uefi = true;
	vd_iomem_parse(iomem, len, &h.iomem);
	struct vd_pci_dev *d = add_dev(&h, "0000:08:00.0", 0x10de, 0x1b81, 0x030000, "vfio-pci", 1, NULL, 0);
	d->bar[3] = (struct vd_bar){0xf0000000, 0xf1ffffff, 0x14220c};
	/* Korean Proxmox notes (index file id 18774134700): the same card's BAR 3 */
	add_log(&h, "vfio-pci 0000:08:00.0: BAR 3: can't reserve [mem 0xf0000000-0xf1ffffff 64bit pref]\n");
	const struct vd_finding *f = run_one(&h, "bar-reserve", &fs, VD_FAIL);
	CHECK(f && strstr(f->message, "efifb holds that memory"));
	CHECK(has_fix(f, VD_FIX_KPARAM, "video", "efifb:off") && has_fix(f, VD_FIX_KPARAM, "pci", "realloc"));
	/* no log yet: the framebuffer inside the BAR predicts it */
	vd_klog_done(&h.log);
	f = run_one(&h, "bar-reserve", &fs, VD_WARN);
	CHECK(f && strstr(f->message, "BAR 3"));
	free(iomem);
	vd_host_done(&h);

	/* sysfb on 6.x: BOOTFB/simpledrm in the BAR (siderolabs/talos#14356) */
	iomem = unit_slurp("sources/amd-ryzen-two-gpus/proc_iomem_excerpt_bootfb_simpledrm_talos_issue.txt", &len);
	host_init(&h, VD_CPU_AMD, "6.18.0", "video=efifb:off");
	h.user.uefi = true;
	vd_iomem_parse(iomem, len, &h.iomem);
	add_dev(&h, "0000:c3:00.0", 0x1002, 0x1586, 0x030000, "vfio-pci", 1, NULL, 0);
	add_log(&h, "vfio-pci 0000:c3:00.0: BAR 0: can't reserve [mem 0x2800000000-0x2fffffffff 64bit pref]\n");
	f = run_one(&h, "bar-reserve", &fs, VD_FAIL);
	CHECK(f && strstr(f->message, "BOOTFB"));
	CHECK(has_fix(f, VD_FIX_KPARAM, "initcall_blacklist", "sysfb_init"));
	CHECK(!has_fix(f, VD_FIX_KPARAM, "video", NULL));
	vd_findings_done(&fs);
	vd_host_done(&h);
	free(iomem);

	/* an excerpt that starts inside the tree (the nesting it had once
	 * read an unset parent slot; valgrind runs this) */
	static const char nested[] = "    2800000000-2801fa3fff : simpledrm\n  2800000000-2801fa3fff : BOOTFB\n";
	struct vd_iomem m;
	CHECK(vd_iomem_parse(nested, sizeof(nested) - 1, &m) == 0);
	CHECK(m.n == 2 && m.e[0].depth == 2 && m.e[1].depth == 1 && strcmp(m.e[1].name, "BOOTFB") == 0);
	vd_iomem_done(&m);
}

static void test_gpu_roles_checks(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};

	host_init(&h, VD_CPU_INTEL, "5.11.12", "intel_iommu=on");
	struct vd_pci_dev *igpu = add_dev(&h, "0000:00:02.0", 0x8086, 0x3e98, 0x030000, "i915", 2, NULL, 0);
	igpu->boot_vga = 1;
	add_dev(&h, "0000:01:00.0", 0x10de, 0x1f02, 0x030000, "vfio-pci", 1, NULL, 0);
	add_dev(&h, "0000:01:00.2", 0x10de, 0x1ada, 0x0c0330, "xhci_hcd", 1, NULL, 0);
	add_dev(&h, "0000:01:00.3", 0x10de, 0x1adb, 0x0c8000, "nvidia-gpu", 1, NULL, 0);
	set_module(&h, "i2c_nvidia_gpu", VD_MOD_LOADED, false);

	const struct vd_finding *f = run_one(&h, "igfx-audio", &fs, VD_INFO);
	CHECK(has_fix(f, VD_FIX_KPARAM, "intel_iommu", "igfx_off"));
	f = run_one(&h, "nvidia-usbc", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/modprobe.d/blacklist.conf", "blacklist i2c_nvidia_gpu"));
	h.mods[0].blacklisted = true;
	CHECK(run_one(&h, "nvidia-usbc", &fs, VD_PASS) != NULL);

	f = run_one(&h, "sleep-inhibitor", &fs, VD_WARN);
	CHECK(f && f->nfix == 2 && f->fix[0].mode == 0755);
	h.user.hook_qemu.text = vd_xstrdup("#!/bin/sh\nsystemctl start libvirt-nosleep@\"$1\"\n");
	CHECK(run_one(&h, "sleep-inhibitor", &fs, VD_PASS) != NULL);

	/* Xorg found no screens (Xorg 1.20 log, tests/logs/sources/14-xorg.txt) */
	h.user.xorg = vd_xcalloc(1, sizeof(*h.user.xorg));
	h.user.nxorg = 1;
	h.user.xorg[0].path = vd_xstrdup("/var/log/Xorg.0.log");
	const char *xlog = "[    28.512] (--) PCI:*(0@0:2:0) 8086:3e98:1462:7b17 rev 2, Mem @ 0xde000000/16777216\n"
			   "[    28.512] (--) PCI: (1@0:0:0) 10de:1f02:1462:3733 rev 161, Mem @ 0xdf000000/16777216\n"
			   "[    28.620] (EE) no screens found(EE)\n";
	vd_xorg_log_parse(xlog, strlen(xlog), &h.user.xorg[0]);
	CHECK(vd_strv_contains(h.user.xorg[0].probed, "0000:01:00.0"));
	CHECK(vd_strv_contains(h.user.xorg[0].primary, "0000:00:02.0"));
	f = run_one(&h, "xorg-busid", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/X11/xorg.conf.d/10-intel.conf", "\"PCI:0:2:0\""));
	CHECK(has_fix(f, VD_FIX_FILE, NULL, "Driver \"modesetting\""));

	h.user.chromium = vd_xstrdup("/usr/bin/chromium");
	f = run_one(&h, "chromium-gpu", &fs, VD_INFO);
	CHECK(has_fix(f, VD_FIX_FILE, "/etc/chromium.d/vfio-doctor-gpu", "--gpu-testing-device-id=0x3e98"));
	vd_findings_done(&fs);
	vd_host_done(&h);
}

static void test_vm_side_logs(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};

	host_init(&h, VD_CPU_INTEL, "6.16.0", "");
	h.cpu.phys_bits = 39;
	/* qemu-devel (Avihai Horon, 2023) and the page's own aw-bits line */
	add_log(&h, "qemu: hardware error: vfio: DMA mapping failed, unable to continue\n"
		    "libvirt.libvirtError: internal error: QEMU unexpectedly closed the monitor (vm='win11'): "
		    "2025-08-30T21:38:26.333149Z qemu-system-x86_64: -device {\"driver\":\"vfio-pci\",\"host\":"
		    "\"0000:03:00.0\",\"id\":\"hostdev0\",\"bus\":\"pci.5\",\"addr\":\"0x0\"}: vfio 0000:03:00.0: "
		    "Failed to set vIOMMU: aw-bits 48 > host aw-bits 39\n");
	const struct vd_finding *f = run_one(&h, "vfio-dma-map", &fs, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/cpu/maxphysaddr", "limit='39'"));
	f = run_one(&h, "viommu-aw-bits", &fs, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, NULL, "aw_bits='39'") && has_fix(f, VD_FIX_XML, NULL, "caching_mode='on'"));
	CHECK(f && vd_streq_ptr(f->subject, "0000:03:00.0"));
	/* a host width QEMU cannot take as such (46: made up, between its two) gives 39 */
	vd_klog_done(&h.log);
	add_log(&h, "vfio 0000:03:00.0: Failed to set vIOMMU: aw-bits 48 > host aw-bits 46\n");
	f = run_one(&h, "viommu-aw-bits", &fs, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/devices/iommu[@model='intel']/driver", "aw_bits='39'"));

	/* Zen 2 on 5.5..5.8.1 */
	h.cpu.vendor = VD_CPU_AMD;
	h.cpu.family = 0x17;
	h.cpu.model = 113;
	h.kernel.major = 5;
	h.kernel.minor = 7;
	h.kernel.patch = 0;
	CHECK(run_one(&h, "zen2-stibp", &fs, VD_WARN) != NULL);
	h.kernel.minor = 8;
	h.kernel.patch = 2;
	CHECK(run_one(&h, "zen2-stibp", &fs, VD_PASS) != NULL);

	/* RMRR and AER, attributed to the device named in the line */
	add_dev(&h, "0000:01:00.1", 0x10de, 0x10f0, 0x040300, "vfio-pci", 1, NULL, 0);
	add_log(&h, "[  194.314591] vfio-pci 0000:01:00.1: Device is ineligible for IOMMU domain attach due to "
		    "platform RMRR requirement.  Contact your platform vendor.\n"
		    "kernel: pcieport 0000:00:01.1: AER: Uncorrected (Non-Fatal) error received: 0000:00:01.1\n");
	f = run_one(&h, "rmrr", &fs, VD_FAIL);
	CHECK(f && vd_streq_ptr(f->subject, "0000:01:00.1"));
	f = run_one(&h, "pcie-aer", &fs, VD_WARN);
	CHECK(f && vd_streq_ptr(f->subject, "0000:00:01.1"));
	/* the same refusal at the next VM start (as in tests/logs 06-rmrr):
	 * still one finding for the device */
	add_log(&h, "[ 1136.576661] vfio-pci 0000:01:00.1: Device is ineligible for IOMMU domain attach due to "
		    "platform RMRR requirement.  Contact your platform vendor.\n");
	CHECK(run_one(&h, "rmrr", &fs, VD_FAIL) != NULL);
	CHECK_INT(fs.n, 1);
	vd_findings_done(&fs);
	vd_host_done(&h);
}

static void test_laptop_and_vega(void)
{
	struct vd_host h;
	struct vd_findings fs = {0};

	host_init(&h, VD_CPU_INTEL, "5.15.0", "");
	h.machine.chassis_type = 10; /* Notebook */
	struct vd_pci_dev *d = add_dev(&h, "0000:01:00.0", 0x1002, 0x6987, 0x038000, "vfio-pci", 1, NULL, 0);
	set_module(&h, "amdgpu", VD_MOD_LOADED, false);
	const struct vd_finding *f = run_one(&h, "amd-gpu-freq", &fs, VD_WARN);
	CHECK(has_fix(f, VD_FIX_KPARAM, "module_blacklist", "amdgpu"));
	h.machine.chassis_type = 3;
	CHECK(run_one(&h, "amd-gpu-freq", &fs, VD_PASS) != NULL);

	/* a Vega 10 card with a BAR above 4 GiB */
	d->device = 0x687f;
	d->bar[0] = (struct vd_bar){0x7c00000000ull, 0x7c0fffffffull, 0x14220c};
	f = run_one(&h, "firmware-settings", &fs, VD_INFO);
	CHECK(f && strstr(f->message, "Above 4G") && strstr(f->message, "Vega"));
	vd_findings_done(&fs);
	vd_host_done(&h);
}

int main(void)
{
	struct vd_root *r;
	vd_root_open(FIXTURES, 0, &r);
	vd_pcilib_new(r, &pl);
	vd_logscan_new(&scanner);
	test_msi();
	test_kvm_msrs();
	test_clocksource_and_split_lock();
	test_header_and_reset();
	test_rebar();
	test_bar_reserve();
	test_gpu_roles_checks();
	test_vm_side_logs();
	test_laptop_and_vega();
	vd_logscan_free(scanner);
	vd_pcilib_free(pl);
	vd_root_free(r);
	return unit_done("test-host-checks");
}
