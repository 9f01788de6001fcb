/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Userland facts the page's advice depends on: boot firmware type, libvirt
 * hooks and the sleep-inhibitor unit, Xorg's logs and BusID configuration,
 * Chromium-family browsers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

struct vd_text_file {
	char *path;
	char *text; /* NULL when unreadable */
	int err;
	bool executable;
};

struct vd_xorg_log {
	char *path;
	bool no_screens;  /* "(EE) no screens found" */
	char **probed;    /* PCI functions Xorg listed, "0000:01:00.0" (both log formats) */
	char **primary;   /* those marked '*' (the primary GPU in Xorg's eyes) */
};

struct vd_userland {
	bool uefi; /* /sys/firmware/efi exists: booted by UEFI (efifb) rather than BIOS (vesafb) */
	struct vd_text_file hook_qemu;  /* /etc/libvirt/hooks/qemu */
	struct vd_text_file *hooks_d;   /* every file in /etc/libvirt/hooks/qemu.d */
	size_t nhooks_d;
	bool nosleep_unit;              /* /etc/systemd/system/libvirt-nosleep@.service */
	struct vd_xorg_log *xorg;       /* /var/log/Xorg.N.log, ~/.local/share/xorg/Xorg.N.log */
	size_t nxorg;
	char **xorg_busids;             /* BusID values in xorg.conf(.d) */
	char **xorg_conf_files;         /* where they were */
	char *chromium;                 /* first Chromium-family browser found, or NULL */
};

int vd_userland_gather(const struct vd_root *root, struct vd_userland *out);
void vd_userland_done(struct vd_userland *u);
/* Parse one Xorg log's text (both "PCI:*(1@0:0:0)" (1.20+) and
 * "PCI:*(0:1:0:0)" (<= 1.19) probe lines). */
void vd_xorg_log_parse(const char *text, size_t len, struct vd_xorg_log *out);
/* Does any hook text start the sleep inhibitor (systemd-inhibit / libvirt-nosleep)? */
bool vd_userland_has_sleep_inhibitor(const struct vd_userland *u);
