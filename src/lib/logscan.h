/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log scanning: the table of messages the troubleshooting page (and what it
 * implies) knows, found in kernel logs, libvirt/QEMU logs and saved dmesg or
 * journalctl output, with the fields each one carries. One pass over the
 * text finds every literal anchor at once (Aho-Corasick), so the cost does
 * not grow with the number of patterns; only lines with an anchor are parsed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vd_ev {
	VD_EV_BAR_RESERVE,     /* "<drv> <bdf>: BAR 3: can't reserve [mem 0x..-0x.. 64bit pref]" */
	VD_EV_VGA_DECODES,     /* vgaarb "changed VGA decodes" (all three wordings) */
	VD_EV_MSR,             /* kvm "ignored rdmsr" / "unhandled wrmsr" / "Unhandled RDMSR(0x..)" */
	VD_EV_HEADER_127,      /* libvirt "Unknown PCI header type '127' for device '...'" */
	VD_EV_NOT_READY,       /* "not ready 65535ms after FLR; giving up" */
	VD_EV_POWER_REFUSED,   /* "Refused to change power state" */
	VD_EV_AER,             /* "PCIe Bus Error: severity=..." and "AER: ... error received" */
	VD_EV_RMRR,            /* "ineligible for IOMMU domain attach due to platform RMRR" (and 6.5+ wording) */
	VD_EV_DMA_MAP,         /* "vfio: DMA mapping failed", "VFIO_MAP_DMA failed", "vfio_dma_map(...) = -22" */
	VD_EV_AW_BITS,         /* "aw-bits 48 > host aw-bits 39" */
	VD_EV_NOT_VIABLE,      /* "group 12 is not viable" */
	VD_EV_TSC_UNSTABLE,    /* "Marking TSC unstable", "Marking clocksource 'tsc' as unstable" */
	VD_EV_CLOCKSOURCE,     /* "Switched to clocksource hpet" */
	VD_EV_SPLIT_LOCK_MODE, /* "x86/split lock detection: #AC: crashing the kernel ..." (boot) */
	VD_EV_SPLIT_LOCK_TRAP, /* "#AC: CPU 0/KVM/88279 took a split_lock trap at address: ..." */
	VD_EV_FRAMEBUFFER,     /* efifb/vesafb/simplefb "framebuffer at 0x..", simpledrm initialised */
	VD_EV_VENDOR_RESET,    /* gnif/vendor-reset: "vendor_reset_hook: installed", "AMD_NAVI10: ..." */
	VD_EV_NVIDIA_I2C,      /* "nvidia-gpu <bdf>: i2c timeout error e0000000" */
	VD_EV_AMDVI_OPTION,    /* "AMD-Vi: Unknown option - 'on'" (amd_iommu=on on newer kernels) */
	VD_NEV,
};

const char *vd_ev_name(enum vd_ev e); /* "bar-reserve", ... (stable, used in JSON) */

struct vd_logev {
	enum vd_ev kind;
	size_t line;      /* 1-based line in the scanned text */
	const char *body; /* the message without timestamps and prefixes (not NUL-terminated) */
	size_t body_len;
	char bdf[16];     /* "0000:01:00.0" when the message names a PCI function, else "" */
	int num;          /* BAR number, group number, aw-bits, delay in ms...; -1 when absent */
	int num2;         /* host aw-bits; -1 when absent */
	uint64_t start, end; /* a memory range ([mem start-end], framebuffer) or MSR number in start */
	char word[40];    /* driver/prefix ("vfio-pci", "efifb"), MSR op ("ignored rdmsr"), comm, clocksource */
	bool flag;        /* MSR: unhandled (not ignored); split lock trap: a KVM vCPU thread; AER: uncorrected */
};

struct vd_logscan;

int vd_logscan_new(struct vd_logscan **out);
void vd_logscan_free(struct vd_logscan *s);

typedef void (*vd_logev_cb)(void *ctx, const struct vd_logev *ev);

/* Scan text holding whole lines ('\n'-separated; a last line without '\n'
 * counts). first_line numbers the first line. Lines a message was wrapped
 * over (an unfinished "[mem" at the end of a line) are joined. */
void vd_logscan_text(const struct vd_logscan *s, const char *text, size_t len, size_t first_line, vd_logev_cb cb,
		     void *ctx);

/* The message body of one raw line: without kmsg record headers, syslog or
 * journalctl prefixes, dmesg timestamps ([ 1.2], [Mon Jan 1 ...]), printk
 * caller ids ([ T1]), priority prefixes (<4>) and mail quoting ("> "). */
const char *vd_log_body(const char *line, size_t len, size_t *body_len);

/* First PCI address in text, normalised to "dddd:bb:ss.f" (short "bb:ss.f"
 * forms get domain 0). */
bool vd_log_find_bdf(const char *text, size_t len, char out[16]);
