// SPDX-License-Identifier: GPL-2.0-or-later
/* rebar: Resizable BAR on a passthrough GPU, and the sizes to pin. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "gen.h"
#include "gpu.h"

static const char *human(unsigned bit, char *buf, size_t n)
{
	/* resourceN_resize bit n: 2^(n+20) bytes (Documentation/ABI/testing/sysfs-bus-pci) */
	if (bit >= 10)
		snprintf(buf, n, "%llu GB", 1ull << (bit - 10));
	else
		snprintf(buf, n, "%u MB", 1u << bit);
	return buf;
}

static int highest_bit(uint64_t v)
{
	int b = -1;
	for (int i = 0; i < 64; i++)
		if (v & (1ull << i))
			b = i;
	return b;
}

static void card(const struct vd_check *c, const struct vd_host *h, const struct vd_pci_dev *d, struct vd_findings *out)
{
	_cleanup_free_ char *label = vd_pci_label(d);
	const struct vd_pci_caps *cp = &d->caps;
	struct vd_str sizes = {0};
	struct vd_rebar_size pin[6];
	size_t npin = 0;
	bool large = false;
	char a[32], b[32];

	for (unsigned i = 0; i < cp->rebar.count; i++) {
		unsigned bar = cp->rebar.bar[i].bar, cur = cp->rebar.bar[i].current;
		int max = highest_bit(cp->rebar.bar[i].supported);
		vd_str_addf(&sizes, "%sBAR %u: %s (supports up to %s)", sizes.len ? "; " : "", bar, human(cur, a, sizeof(a)),
			    max >= 0 ? human((unsigned)max, b, sizeof(b)) : "?");
		/* A BAR larger than the 256 MB legacy aperture means Resizable
		 * BAR is enabled in the firmware (the page's premise). */
		if (bar == 0 && cur > 8)
			large = true;
	}
	struct vd_finding *f = vd_finding_add(
		out, c, large ? VD_WARN : VD_INFO, d->name,
		large ? "Resizable BAR is on for %s (%s): %s. QEMU does not offer it to the guest, which can end in "
			"code 43; pin the BAR sizes before the driver binds."
		      : "%s (%s) supports Resizable BAR but runs at the classic sizes: %s.",
		d->name, label, sizes.s);
	_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/config", d->name);
	vd_finding_evidence(f, src, "[%x] Resizable BAR: %s", cp->rebar.off, sizes.s);
	if (!large)
		goto out;
	if (!vd_kernel_at_least(&h->kernel, 6, 1, 0)) {
		vd_finding_hint(f, "resourceN_resize needs Linux 6.1 (this kernel is %s): disable Re-Size BAR Support "
				   "in the firmware instead.",
				h->kernel.release ? h->kernel.release : "unknown");
		vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_SET, "firmware setup", "Re-Size BAR Support: Disabled");
		goto out;
	}
	/* The page's rule pins BAR 0 at its card's largest size and BAR 2 at
	 * 256 MB, and says AMD cards may need BAR 2 at 8 MB (bit 3); the same
	 * choices computed from this card's supported sizes. */
	for (unsigned i = 0; i < cp->rebar.count; i++) {
		unsigned bar = cp->rebar.bar[i].bar;
		uint64_t sup = d->resize[bar].err == 0 ? d->resize[bar].supported : cp->rebar.bar[i].supported;
		int want = -1;
		if (bar == 0)
			want = highest_bit(sup);
		else if (bar == 2 && d->vendor == 0x1002 && (sup & (1u << 3)))
			want = 3;
		else if (bar == 2 && (sup & (1u << 8)))
			want = 8;
		if (want < 0)
			continue;
		pin[npin++] = (struct vd_rebar_size){bar, (unsigned)want};
		_cleanup_free_ char *path = vd_xasprintf("/sys/bus/pci/devices/%s/resource%u_resize", d->name, bar);
		_cleanup_free_ char *val = vd_xasprintf("%d", want);
		vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, path, val);
		if (d->resize[bar].err == 0)
			vd_finding_evidence(f, path, "%llx (supported sizes)", (unsigned long long)d->resize[bar].supported);
	}
	if (npin) {
		_cleanup_free_ char *file = vd_gen_udev_rebar_path(d->vendor, d->device);
		_cleanup_free_ char *rule = vd_gen_udev_rebar(d->vendor, d->device, pin, npin);
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, file, rule);
		vd_finding_hint(f, "No driver may be bound while a size is written: the udev rule acts when the device "
				   "appears; the runtime write needs the card unbound.");
	}
out:
	vd_str_done(&sizes);
}

/* The Resizable BAR capability lives in extended config space (PCIe Base
 * 4.0, 7.8.6): without the bytes past 0x100 its absence proves nothing. */
static bool unseen(const struct vd_check *c, const struct vd_pci_dev *d, struct vd_findings *out)
{
	const char *why = !d->caps.known ? vd_pci_config_reason(d)
			  : d->config_len <= 256 ? "only the first 256 bytes of config space were read"
						 : NULL;
	if (!why)
		return false;
	_cleanup_free_ char *label = vd_pci_label(d);
	_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/config", d->name);
	struct vd_finding *f = vd_finding_add(out, c, VD_UNKNOWN, d->name,
					      "Whether %s (%s) has Resizable BAR is unknown: %s.", d->name, label, why);
	vd_finding_evidence(f, src, "%s", why);
	if (d->config_err == -EACCES || d->config_err == -EPERM)
		vd_finding_hint(f, "Run vfio-doctor as root: the extended config space holds the capability.");
	else if (d->config_err == -ENOENT)
		vd_finding_hint(f, "A snapshot collected as root keeps the config space (vfio-doctor collect).");
	return true;
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_passthrough(d))
			continue;
		if (unseen(c, d, out))
			n++;
		else if (d->caps.rebar.present)
			card(c, h, d, out), n++;
	}
	if (!n) {
		struct vd_finding *f = vd_finding_add(out, c, VD_PASS, NULL,
						      "No GPU on vfio-pci has a Resizable BAR capability.");
		vd_finding_evidence(f, "/sys/bus/pci/devices", "no Resizable BAR capability on a passthrough GPU");
	}
}

const struct vd_check vd_check_rebar = {
	.id = "rebar",
	.title = "Resizable BAR sizes of the passthrough GPU",
	.section = "Code 43 while Resizable Bar is turned on in the bios",
	.explain = "With Resizable BAR (AMD SAM) enabled in the firmware, a passed-through card can fail with code "
		   "43, because QEMU does not offer the feature to the guest. Since Linux 6.1 the BAR size can be "
		   "set through sysfs (resourceN_resize, with no driver bound), and a udev rule makes it permanent "
		   "at device add. The page's rule pins BAR 0 at its card's largest size and BAR 2 at 256 MB, and "
		   "adds that AMD cards may need BAR 2 at 8 MB (value 3) when other fixes fail. Before 6.1 the "
		   "only switch is the firmware setting.",
	.looks_at = "The Resizable BAR capability of each GPU on vfio-pci (current and supported sizes per BAR, "
		    "config space), resourceN_resize, the kernel release.",
	.fixes = "A udev rule in /etc/udev/rules.d with ATTR{resourceN_resize} values computed for this card, and "
		 "the same runtime writes; before 6.1, the firmware setting.",
	.run = run,
};
