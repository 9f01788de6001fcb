/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Generators: the files and snippets the troubleshooting page tells people
 * to write, as pure functions (inputs → bytes) that checks call to fill
 * their vd_fix values. Each output is byte-tested (tests/unit/test-gen.c);
 * merging with what a host already has is the planner's job (textedit.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* ---- modprobe.d, sysctl.d, udev ---- */

/* The page's paths. */
#define VD_MODPROBE_KVM "/etc/modprobe.d/kvm.conf"
#define VD_MODPROBE_BLACKLIST "/etc/modprobe.d/blacklist.conf"
#define VD_MODPROBE_SND_HDA "/etc/modprobe.d/snd-hda-intel.conf"
#define VD_MODPROBE_VFIO "/etc/modprobe.d/vfio.conf"
#define VD_SYSCTL_SPLIT_LOCK "/etc/sysctl.d/split-lock.conf"

/* §Win10 1803 BSOD: "options kvm ignore_msrs=1", and with quiet also
 * "options kvm report_ignored_msrs=0". */
char *vd_gen_modprobe_kvm_msrs(bool quiet);
/* "blacklist MODULE" (§NVIDIA USB-C hotplug: i2c_nvidia_gpu). */
char *vd_gen_modprobe_blacklist(const char *module);
/* §Slowed HDMI audio, Linux guests: "options snd-hda-intel enable_msi=1". */
char *vd_gen_modprobe_snd_msi(void);
/* vfio-pci ids= for the passthrough functions ("10de:1f02", ...) and a
 * softdep per driver that would otherwise claim them first, so vfio-pci
 * loads before it. NULL entries and vfio-pci itself are skipped; duplicates
 * appear once. */
char *vd_gen_modprobe_vfio(const char *const *ids, size_t nids, const char *const *drivers, size_t ndrivers);
/* §GPU timeouts: "kernel.split_lock_mitigate = 0". */
char *vd_gen_sysctl_split_lock(void);

/* §Code 43 with Resizable BAR: one udev rule per BAR, as the page writes
 * them; size is the resourceN_resize bit number (2^(size+20) bytes). */
struct vd_rebar_size {
	unsigned bar, size;
};
#define VD_UDEV_REBAR_DIR "/etc/udev/rules.d"
char *vd_gen_udev_rebar(uint16_t vendor, uint16_t device, const struct vd_rebar_size *s, size_t n);
/* "/etc/udev/rules.d/01-vfio-rebar-1002-73bf.rules" */
char *vd_gen_udev_rebar_path(uint16_t vendor, uint16_t device);

/* ---- libvirt hooks ---- */

#define VD_HOOKS_QEMU "/etc/libvirt/hooks/qemu"
#define VD_HOOKS_QEMU_ORIG "/etc/libvirt/hooks/qemu.orig"
#define VD_HOOKS_QEMU_D "/etc/libvirt/hooks/qemu.d"
#define VD_HOOKS_DISPATCH_D "/etc/libvirt/hooks/qemu.vfio-doctor.d"
#define VD_HOOK_NOSLEEP VD_HOOKS_QEMU_D "/vfio-doctor-nosleep"
#define VD_HOOK_VENDOR_RESET VD_HOOKS_QEMU_D "/vfio-doctor-vendor-reset"
#define VD_NOSLEEP_UNIT "/etc/systemd/system/libvirt-nosleep@.service"

/* §Host lockup during sleep: the page's hook, with the domain name escaped
 * into a valid instance name (systemd-escape --template) and never
 * evaluated by the shell. */
const char *vd_gen_hook_nosleep(void);
/* The page's libvirt-nosleep@.service. */
const char *vd_gen_nosleep_unit(void);
/* §AMD reset bug: load vendor-reset before the guest starts; on kernels
 * >= 5.15 also select its reset for each device (reset_method =
 * device_specific, vendor-reset issue #46). devices: "0000:03:00.0", ...;
 * malformed addresses are left out. */
char *vd_gen_hook_vendor_reset(const char *const *devices, size_t n, bool reset_method);
/* hooks/qemu for libvirt < 6.5: runs hooks/qemu.orig and every executable
 * in VD_HOOKS_DISPATCH_D with the same arguments and standard input. */
const char *vd_gen_hook_dispatcher(void);
/* systemd's instance-name escaping (systemd-escape; unit_name_escape()). */
char *vd_systemd_escape(const char *s);

/* ---- desktop ---- */

/* §X does not start after enabling vfio_pci: a Device section pinning the
 * host GPU; lspci's hex bus:device.function becomes decimal ("PCI:0:2:0",
 * "PCI:1@1:0:0" with a domain). kernel_driver picks the Xorg driver. */
char *vd_gen_xorg_busid(const char *address, const char *kernel_driver);
/* "/etc/X11/xorg.conf.d/10-intel.conf" per the host GPU's driver. */
char *vd_gen_xorg_path(const char *kernel_driver);
/* §Chromium: "--gpu-testing-vendor-id=0x8086 --gpu-testing-device-id=0x3e92". */
char *vd_gen_chromium_flags(uint16_t vendor, uint16_t device);
/* The same for Debian's /etc/chromium.d/ (a shell fragment the wrapper sources). */
#define VD_CHROMIUM_DEBIAN "/etc/chromium.d/vfio-doctor-gpu"
char *vd_gen_chromium_debian(uint16_t vendor, uint16_t device);

/* ---- Windows guests ---- */

/* A PowerShell script that sets MSISupported=1 under every instance of the
 * given PCI IDs ("10de:1f02", ...) in the guest's registry. */
char *vd_gen_msi_powershell(const char *const *ids, size_t n);
