// SPDX-License-Identifier: GPL-2.0-or-later
/* The log matchers on real published lines of many kernel, QEMU and libvirt
 * versions (tests/logs/sources, cited in its SOURCES.md). Comment lines of
 * the sample files are dropped before scanning. */
#include <stdlib.h>

#include "klog.h"
#include "logscan.h"
#include "unit.h"
#include "util.h"

struct seen {
	size_t n[VD_NEV];
	struct vd_logev first[VD_NEV];
	char body[VD_NEV][200];
};

static void cb(void *ctx, const struct vd_logev *ev)
{
	struct seen *s = ctx;
	if (!s->n[ev->kind]++) {
		s->first[ev->kind] = *ev;
		snprintf(s->body[ev->kind], sizeof(s->body[0]), "%.*s", (int)ev->body_len, ev->body);
		s->first[ev->kind].body = s->body[ev->kind];
	}
}

static void scan_sample(const struct vd_logscan *ls, const char *file, struct seen *s)
{
	char rel[256];
	size_t len;
	snprintf(rel, sizeof(rel), "../logs/sources/%s", file);
	char *t = unit_slurp(rel, &len);
	CHECK(t != NULL);
	if (!t)
		return;
	/* drop the files' own "#" comment lines */
	struct vd_str clean = {0};
	for (char *l = t, *nl; l && *l; l = nl) {
		nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (l[0] != '#') {
			vd_str_addn(&clean, l, n);
			vd_str_addc(&clean, '\n');
		}
		nl = nl ? nl + 1 : NULL;
	}
	memset(s, 0, sizeof(*s));
	vd_logscan_text(ls, clean.s, clean.len, 1, cb, s);
	vd_str_done(&clean);
	free(t);
}

int main(void)
{
	struct vd_logscan *ls;
	struct seen s;
	CHECK_INT(vd_logscan_new(&ls), 0);

	scan_sample(ls, "01-bar-reserve.txt", &s);
	/* every "can't reserve" line, wrapped ones joined (mail wrap, QP soft break) */
	CHECK_INT(s.n[VD_EV_BAR_RESERVE], 9);
	CHECK_STR(s.first[VD_EV_BAR_RESERVE].bdf, "0000:05:00.0");
	CHECK_INT(s.first[VD_EV_BAR_RESERVE].num, 0);
	CHECK_INT(s.first[VD_EV_BAR_RESERVE].start, 0xd0000000);
	CHECK_INT(s.first[VD_EV_BAR_RESERVE].end, 0xdfffffff);
	CHECK_STR(s.first[VD_EV_BAR_RESERVE].word, "vfio-pci");

	scan_sample(ls, "02-vgaarb.txt", &s);
	CHECK_INT(s.n[VD_EV_VGA_DECODES], 14); /* three wordings across 2.6 .. 6.x */
	CHECK_STR(s.first[VD_EV_VGA_DECODES].bdf, "0000:00:01.0");

	scan_sample(ls, "03-kvm-msr.txt", &s);
	CHECK_INT(s.n[VD_EV_MSR], 23); /* incl. "disabled perfctr wrmsr" and 6.3+ "Unhandled WRMSR(0x..)" */
	CHECK(s.first[VD_EV_MSR].flag); /* 2015: "vcpu0 unhandled rdmsr: 0x1c9" */
	CHECK_INT(s.first[VD_EV_MSR].start, 0x1c9);

	scan_sample(ls, "04-reset-failure.txt", &s);
	CHECK_INT(s.n[VD_EV_HEADER_127], 5);
	CHECK_INT(s.first[VD_EV_HEADER_127].num, 127);
	CHECK_STR(s.first[VD_EV_HEADER_127].bdf, "0000:01:00.0");
	CHECK_INT(s.n[VD_EV_NOT_READY], 14);
	CHECK_STR(s.first[VD_EV_NOT_READY].word, "FLR");
	CHECK_INT(s.n[VD_EV_POWER_REFUSED], 9);

	scan_sample(ls, "05-aer.txt", &s);
	CHECK_INT(s.n[VD_EV_AER], 30);

	scan_sample(ls, "06-rmrr.txt", &s);
	CHECK_INT(s.n[VD_EV_RMRR], 8);

	scan_sample(ls, "07-qemu-vfio.txt", &s);
	CHECK_INT(s.n[VD_EV_DMA_MAP], 10);
	CHECK_INT(s.first[VD_EV_DMA_MAP].num, 22); /* "= -22 (Invalid argument)" */
	CHECK_INT(s.n[VD_EV_AW_BITS], 1);
	CHECK_INT(s.first[VD_EV_AW_BITS].num, 48);
	CHECK_INT(s.first[VD_EV_AW_BITS].num2, 39);
	CHECK_STR(s.first[VD_EV_AW_BITS].bdf, "0000:03:00.0");
	CHECK_INT(s.n[VD_EV_NOT_VIABLE], 4);
	CHECK_INT(s.first[VD_EV_NOT_VIABLE].num, 1);

	scan_sample(ls, "08-iommu-boot.txt", &s);
	CHECK_INT(s.n[VD_EV_AMDVI_OPTION], 1);
	CHECK_STR(s.first[VD_EV_AMDVI_OPTION].word, "on");

	scan_sample(ls, "09-clocksource.txt", &s);
	CHECK_INT(s.n[VD_EV_TSC_UNSTABLE], 14);
	CHECK_INT(s.n[VD_EV_CLOCKSOURCE], 9);

	scan_sample(ls, "10-split-lock.txt", &s);
	CHECK_INT(s.n[VD_EV_SPLIT_LOCK_MODE], 4);
	CHECK_INT(s.n[VD_EV_SPLIT_LOCK_TRAP], 7);
	CHECK_STR(s.first[VD_EV_SPLIT_LOCK_TRAP].word, "CPU 0/KVM");
	CHECK(s.first[VD_EV_SPLIT_LOCK_TRAP].flag);

	scan_sample(ls, "11-framebuffers.txt", &s);
	CHECK_INT(s.n[VD_EV_FRAMEBUFFER], 11);
	CHECK_STR(s.first[VD_EV_FRAMEBUFFER].word, "efifb");
	CHECK_INT(s.first[VD_EV_FRAMEBUFFER].start, 0xde000000);
	CHECK_INT(s.first[VD_EV_FRAMEBUFFER].end, 0xde000000 + 3072 * 1024 - 1);

	scan_sample(ls, "12-nvidia-usbc-i2c.txt", &s);
	CHECK_INT(s.n[VD_EV_NVIDIA_I2C], 2);

	scan_sample(ls, "13-vendor-reset.txt", &s);
	CHECK_INT(s.n[VD_EV_VENDOR_RESET], 35);

	scan_sample(ls, "14-xorg.txt", &s);
	size_t total = 0;
	for (int k = 0; k < VD_NEV; k++)
		total += s.n[k];
	CHECK_INT(total, 0); /* Xorg logs carry none of these */

	/* prefixes stripped from evidence text */
	size_t bl;
	const char *b = vd_log_body("Oct 16 12:21:33 pve kernel: [ 2839.442981] vfio-pci 0000:01:00.0: x", 67, &bl);
	CHECK(bl == 24 && strncmp(b, "vfio-pci 0000:01:00.0: x", bl) == 0);
	b = vd_log_body("6,1234,5678,-;msg here", 22, &bl);
	CHECK(bl == 8 && strncmp(b, "msg here", bl) == 0);
	b = vd_log_body("<4>[    1.1] [    T1] body", 26, &bl);
	CHECK(bl == 4 && strncmp(b, "body", bl) == 0);

	/* BDF forms */
	char bdf[16];
	CHECK(vd_log_find_bdf("[IOTLB_INV_TIMEOUT device=06:00.0 address=0x1]", 47, bdf));
	CHECK_STR(bdf, "0000:06:00.0");
	CHECK(!vd_log_find_bdf("no address 12:34 here", 21, bdf));

	/* hostile: no newline at all, anchors at the very end, binary */
	memset(&s, 0, sizeof(s));
	vd_logscan_text(ls, "BAR 1: can't reserve [", 22, 1, cb, &s);
	CHECK_INT(s.n[VD_EV_BAR_RESERVE], 0);
	/* a body that starts with the address: no driver word, and nothing read
	 * before the line (fuzz-logscan found that read; ASan build checks it) */
	memset(&s, 0, sizeof(s));
	static const char bare[] = "0000:01:00.0: BAR 0: can't reserve [mem 0xf0000000-0xf1ffffff 64bit pref]\n";
	vd_logscan_text(ls, bare, sizeof(bare) - 1, 1, cb, &s);
	CHECK_INT(s.n[VD_EV_BAR_RESERVE], 1);
	CHECK_STR(s.first[VD_EV_BAR_RESERVE].word, "");
	char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 131 + 7);
	vd_logscan_text(ls, junk, sizeof(junk), 1, cb, &s);

	/* klog keeps the first events of a kind and counts the rest */
	struct vd_klog log = {0};
	struct vd_str many = {0};
	for (int i = 0; i < 1000; i++)
		vd_str_addf(&many, "[%d.0] kvm [12]: vcpu0 unhandled rdmsr: 0x%x\n", i, 0x600 + i);
	vd_klog_add_text(&log, ls, "test", many.s, many.len);
	CHECK_INT(log.count[VD_EV_MSR], 1000);
	CHECK_INT(log.nev, VD_LOG_KEEP_PER_KIND);
	size_t it = 0;
	const struct vd_log_event *e = vd_klog_next(&log, VD_EV_MSR, &it);
	CHECK(e && e->line == 1 && e->flag);
	char *w = vd_klog_where(&log, e);
	CHECK_STR(w, "test:1");
	free(w);
	vd_klog_done(&log);
	vd_str_done(&many);
	vd_logscan_free(ls);
	return unit_done("test-logscan");
}
