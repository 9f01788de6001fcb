/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI inventory: every function under /sys/bus/pci/devices with what the
 * checks need, read once through the root layer. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "root.h"

struct vd_pcilib;

/* struct resource flags as sysfs prints them (Linux include/linux/ioport.h). */
#define VD_IORESOURCE_IO 0x00000100u
#define VD_IORESOURCE_MEM 0x00000200u
#define VD_IORESOURCE_PREFETCH 0x00002000u
#define VD_IORESOURCE_MEM_64 0x00100000u

#define VD_PCI_ROM_BAR 6
#define VD_PCI_NBARS 7

struct vd_bar {
	uint64_t start, end, flags;
};

static inline uint64_t vd_bar_size(const struct vd_bar *b)
{
	return (b->start || b->end) && b->end >= b->start ? b->end - b->start + 1 : 0;
}

/* Capabilities decoded from config space (PCI Local Bus 3.0, PCIe Base 4.0
 * chapter 7 register layouts; names as lspci prints them). */
struct vd_pci_caps {
	/* false when config space past the 64-byte header could not be read:
	 * then nothing below is known. */
	bool known;
	struct {
		bool present, enabled, is64, maskable;
		unsigned off, vectors_capable, vectors_enabled;
	} msi;
	struct {
		bool present, enabled, function_mask;
		unsigned off, table_size;
	} msix;
	struct {
		bool present, flr;
		unsigned off, version, port_type;
		unsigned link_speed_cap, link_width_cap, link_speed, link_width;
	} pcie;
	struct {
		bool present, no_soft_reset;
		unsigned off, state;
	} pm;
	struct {
		bool present, flr;
		unsigned off;
	} af;
	struct {
		bool present;
		unsigned off, count;
		struct {
			unsigned bar;
			uint64_t supported; /* bit n: 2^(n+20) bytes, as resourceN_resize */
			unsigned current;   /* size exponent: 2^(current+20) bytes */
		} bar[6];
	} rebar;
	struct {
		bool present;
		unsigned off, total_vfs, num_vfs;
	} sriov;
	struct {
		bool present;
		unsigned off, cap, ctrl;
	} acs;
	bool aer;
	/* Every capability found, in list order, for display. */
	struct {
		uint8_t ext;
		uint16_t id, off;
	} list[48];
	unsigned nlist;
};

/* PCIe device/port types (PCIe Base, Express Capabilities register 7:4). */
enum {
	VD_PCIE_ENDPOINT = 0x0,
	VD_PCIE_LEGACY_ENDPOINT = 0x1,
	VD_PCIE_ROOT_PORT = 0x4,
	VD_PCIE_UPSTREAM = 0x5,
	VD_PCIE_DOWNSTREAM = 0x6,
	VD_PCIE_PCIE_TO_PCI = 0x7,
	VD_PCIE_PCI_TO_PCIE = 0x8,
	VD_PCIE_RC_INTEGRATED = 0x9,
	VD_PCIE_RC_EVENT_COLLECTOR = 0xa,
};

struct vd_pci_dev {
	char name[16]; /* "0000:01:00.0" */
	unsigned domain, bus, dev, fn;
	char *path; /* resolved sysfs device directory, root-relative */
	int parent; /* index of the upstream bridge in vd_pci.dev, -1 at a root bus */

	uint16_t vendor, device, subvendor, subdevice;
	uint32_t class24; /* class << 16 | subclass << 8 | prog-if */
	uint8_t revision;
	int ident_err; /* vendor/device/class unreadable: the rest is moot */

	char *vendor_name, *device_name, *class_name;

	char *driver; /* NULL: no driver bound (driver_err says why) */
	int driver_err;
	char *driver_module; /* the module providing the driver ("xhci_pci" for xhci_hcd) */
	char *driver_override;
	char *modalias;  /* "pci:v000010DEd00001F02sv..." */
	char **alias_modules; /* modules whose aliases match (lspci -k "Kernel modules"), from host.c */
	int iommu_group; /* -1: none */
	int iommu_group_err;
	int boot_vga; /* -1: attribute absent (not a VGA device) */

	struct vd_bar bar[VD_PCI_NBARS];
	int resource_err;

	uint8_t *config;
	size_t config_len;  /* bytes read */
	size_t config_size; /* bytes the kernel exposes (256 or 4096) */
	int config_err;     /* -EACCES when only the header was readable */
	struct vd_pci_caps caps;

	char *reset_method; /* Linux >= 5.15: "flr bus", ... */
	int reset_method_err;

	struct {
		int err;            /* -ENOENT: no such attribute (kernel < 6.1 or not resizable) */
		uint64_t supported; /* bitmap as read */
	} resize[6];
};

struct vd_pci {
	struct vd_pci_dev *dev; /* sorted by address */
	size_t n;
	int err; /* /sys/bus/pci/devices unreadable */
	char *ids_path;
};

int vd_pci_gather(const struct vd_root *root, struct vd_pcilib *pl, struct vd_pci *out);
void vd_pci_done(struct vd_pci *pci);

/* Decode config space capabilities (the table in pci-caps.c). */
void vd_pci_decode_caps(struct vd_pcilib *pl, const uint8_t *config, size_t len, struct vd_pci_caps *caps);

const struct vd_pci_dev *vd_pci_find(const struct vd_pci *pci, const char *name);
int vd_pci_index(const struct vd_pci *pci, const struct vd_pci_dev *d);
/* Accepts "0000:01:00.0", "01:00.0" (domain 0). Returns -EINVAL if malformed. */
int vd_pci_parse_addr(const char *s, unsigned *domain, unsigned *bus, unsigned *dev, unsigned *fn);

bool vd_pci_is_gpu(const struct vd_pci_dev *d);    /* class 03xx */
bool vd_pci_is_bridge(const struct vd_pci_dev *d); /* class 0600/0604/0609: host and PCI bridges */
bool vd_pci_same_slot(const struct vd_pci_dev *a, const struct vd_pci_dev *b);
/* Is the driver one that hands the device to a VM (vfio-pci, or the legacy pci-stub)? */
bool vd_pci_on_vfio(const struct vd_pci_dev *d);
/* Short human label: "NVIDIA Corporation GP104 [GeForce GTX 1070]" or "[10de:1b81]". */
char *vd_pci_label(const struct vd_pci_dev *d);
const char *vd_pci_kind(const struct vd_pci_dev *d); /* "VGA compatible controller", ... */
/* Why capabilities are unknown: "config space needs root", ... */
const char *vd_pci_config_reason(const struct vd_pci_dev *d);

/* Reset methods: the kernel's list from sysfs reset_method (Linux >= 5.15)
 * when present, else derived from capabilities in the kernel's order
 * (drivers/pci/pci.c pci_reset_fn_methods): flr, af_flr, pm, bus.
 * *from_kernel says which. Space-separated; "" when none. */
char *vd_pci_reset_methods(const struct vd_pci *pci, const struct vd_pci_dev *d, bool *from_kernel);
/* lspci's name for a capability ("MSI-X", "Express", "Resizable BAR"). */
const char *vd_pci_cap_name(bool ext, unsigned id);
