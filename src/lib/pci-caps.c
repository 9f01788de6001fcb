// SPDX-License-Identifier: GPL-2.0-or-later
/* Capability decoders: one table row per capability the checks read.
 * Register layouts follow the PCI Local Bus Specification 3.0 (MSI, MSI-X,
 * power management, advanced features) and the PCI Express Base
 * Specification 4.0 chapter 7 (PCIe capability, ACS, SR-IOV, Resizable BAR);
 * Linux include/uapi/linux/pci_regs.h names the same bits. */
#include <string.h>

#include "util.h"

#include "pci.h"
#include "pcilib.h"

struct image {
	const uint8_t *b;
	size_t len;
};

/* Bytes outside what was read are all-ones, as libpci and the hardware
 * (master abort) give them. */
static unsigned rd8(const struct image *im, unsigned off)
{
	return off < im->len ? im->b[off] : 0xff;
}

static unsigned rd16(const struct image *im, unsigned off)
{
	return rd8(im, off) | rd8(im, off + 1) << 8;
}

static uint32_t rd32(const struct image *im, unsigned off)
{
	return (uint32_t)rd16(im, off) | (uint32_t)rd16(im, off + 2) << 16;
}

static void dec_pm(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	unsigned pmcsr = rd16(im, off + 4);
	c->pm.present = true;
	c->pm.off = off;
	c->pm.state = pmcsr & 0x3;
	c->pm.no_soft_reset = pmcsr & 0x8;
}

static void dec_msi(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	unsigned ctrl = rd16(im, off + 2);
	c->msi.present = true;
	c->msi.off = off;
	c->msi.enabled = ctrl & 0x1;
	c->msi.vectors_capable = 1u << ((ctrl >> 1) & 0x7);
	c->msi.vectors_enabled = 1u << ((ctrl >> 4) & 0x7);
	c->msi.is64 = ctrl & 0x80;
	c->msi.maskable = ctrl & 0x100;
}

static void dec_pcie(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	unsigned flags = rd16(im, off + 2);
	uint32_t devcap = rd32(im, off + 4);
	uint32_t lnkcap = rd32(im, off + 0x0c);
	unsigned lnksta = rd16(im, off + 0x12);

	c->pcie.present = true;
	c->pcie.off = off;
	c->pcie.version = flags & 0xf;
	c->pcie.port_type = (flags >> 4) & 0xf;
	c->pcie.flr = devcap & (1u << 28);
	c->pcie.link_speed_cap = lnkcap & 0xf;
	c->pcie.link_width_cap = (lnkcap >> 4) & 0x3f;
	c->pcie.link_speed = lnksta & 0xf;
	c->pcie.link_width = (lnksta >> 4) & 0x3f;
}

static void dec_msix(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	unsigned ctrl = rd16(im, off + 2);
	c->msix.present = true;
	c->msix.off = off;
	c->msix.table_size = (ctrl & 0x7ff) + 1;
	c->msix.function_mask = ctrl & 0x4000;
	c->msix.enabled = ctrl & 0x8000;
}

static void dec_af(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	c->af.present = true;
	c->af.off = off;
	c->af.flr = rd8(im, off + 3) & 0x2;
}

static void dec_aer(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	(void)im;
	(void)off;
	c->aer = true;
}

static void dec_acs(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	c->acs.present = true;
	c->acs.off = off;
	c->acs.cap = rd16(im, off + 4);
	c->acs.ctrl = rd16(im, off + 6);
}

static void dec_sriov(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	c->sriov.present = true;
	c->sriov.off = off;
	c->sriov.total_vfs = rd16(im, off + 0x0e);
	c->sriov.num_vfs = rd16(im, off + 0x10);
}

static void dec_rebar(const struct image *im, unsigned off, struct vd_pci_caps *c)
{
	unsigned count = (rd32(im, off + 8) >> 5) & 0x7;

	c->rebar.present = true;
	c->rebar.off = off;
	c->rebar.count = count > 6 ? 6 : count;
	for (unsigned i = 0; i < c->rebar.count; i++) {
		uint32_t cap = rd32(im, off + 4 + 8 * i);
		uint32_t ctrl = rd32(im, off + 8 + 8 * i);
		c->rebar.bar[i].bar = ctrl & 0x7;
		/* Capability bits 31:4 are sizes from 1 MB; control bits 31:16
		 * extend them past 128 TB in newer revisions of the spec. */
		c->rebar.bar[i].supported = (uint64_t)(cap >> 4) | (uint64_t)(ctrl >> 16) << 28;
		c->rebar.bar[i].current = (ctrl >> 8) & 0x3f;
	}
}

struct cap_row {
	enum vd_cap_type type;
	unsigned id;
	void (*decode)(const struct image *im, unsigned off, struct vd_pci_caps *c);
};

static const struct cap_row decoders[] = {
	{VD_CAP_STD, 0x01, dec_pm},    {VD_CAP_STD, 0x05, dec_msi},   {VD_CAP_STD, 0x10, dec_pcie},
	{VD_CAP_STD, 0x11, dec_msix},  {VD_CAP_STD, 0x13, dec_af},    {VD_CAP_EXT, 0x01, dec_aer},
	{VD_CAP_EXT, 0x0d, dec_acs},   {VD_CAP_EXT, 0x10, dec_sriov}, {VD_CAP_EXT, 0x15, dec_rebar},
};

struct walk {
	struct image im;
	struct vd_pci_caps *caps;
};

static void on_cap(void *ctx, enum vd_cap_type type, unsigned id, unsigned off)
{
	struct walk *w = ctx;
	struct vd_pci_caps *c = w->caps;

	if (c->nlist < ARRAY_SIZE(c->list)) {
		c->list[c->nlist].ext = type == VD_CAP_EXT;
		c->list[c->nlist].id = (uint16_t)id;
		c->list[c->nlist].off = (uint16_t)off;
		c->nlist++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(decoders); i++)
		if (decoders[i].type == type && decoders[i].id == id) {
			decoders[i].decode(&w->im, off, c);
			break;
		}
}

void vd_pci_decode_caps(struct vd_pcilib *pl, const uint8_t *config, size_t len, struct vd_pci_caps *caps)
{
	struct walk w = {.im = {config, len}, .caps = caps};

	memset(caps, 0, sizeof(*caps));
	/* The capability pointer and everything it points at lie past the
	 * 64-byte header, which is all an unprivileged reader gets. */
	if (len <= 64)
		return;
	if (vd_pcilib_caps(pl, config, len, on_cap, &w) == 0)
		caps->known = true;
}

/* Capability names as lspci prints them (pciutils ls-caps.c, ls-ecaps.c). */
static const struct {
	bool ext;
	unsigned id;
	const char *name;
} cap_names[] = {
	{false, 0x01, "Power Management"},
	{false, 0x02, "AGP"},
	{false, 0x03, "Vital Product Data"},
	{false, 0x04, "Slot ID"},
	{false, 0x05, "MSI"},
	{false, 0x06, "CompactPCI hot-swap"},
	{false, 0x07, "PCI-X"},
	{false, 0x08, "HyperTransport"},
	{false, 0x09, "Vendor Specific"},
	{false, 0x0a, "Debug port"},
	{false, 0x0b, "CompactPCI central resource control"},
	{false, 0x0c, "Hot-plug capable"},
	{false, 0x0d, "Subsystem"},
	{false, 0x0e, "AGP3"},
	{false, 0x0f, "Secure device"},
	{false, 0x10, "Express"},
	{false, 0x11, "MSI-X"},
	{false, 0x12, "SATA HBA"},
	{false, 0x13, "PCI Advanced Features"},
	{false, 0x14, "Enhanced Allocation"},
	{false, 0x15, "Flattening Portal Bridge"},
	{true, 0x01, "Advanced Error Reporting"},
	{true, 0x02, "Virtual Channel"},
	{true, 0x03, "Device Serial Number"},
	{true, 0x04, "Power Budgeting"},
	{true, 0x05, "Root Complex Link"},
	{true, 0x06, "Root Complex Internal Link"},
	{true, 0x07, "Root Complex Event Collector"},
	{true, 0x08, "Multi-Function VC"},
	{true, 0x09, "Virtual Channel"},
	{true, 0x0a, "Root Complex Register Block"},
	{true, 0x0b, "Vendor Specific Information"},
	{true, 0x0c, "Configuration Access Correlation"},
	{true, 0x0d, "Access Control Services"},
	{true, 0x0e, "Alternative Routing-ID Interpretation"},
	{true, 0x0f, "Address Translation Service"},
	{true, 0x10, "Single Root I/O Virtualization"},
	{true, 0x11, "Multi-Root I/O Virtualization"},
	{true, 0x12, "Multicast"},
	{true, 0x13, "Page Request Interface"},
	{true, 0x15, "Resizable BAR"},
	{true, 0x16, "Dynamic Power Allocation"},
	{true, 0x17, "TPH Requester"},
	{true, 0x18, "Latency Tolerance Reporting"},
	{true, 0x19, "Secondary PCI Express"},
	{true, 0x1b, "Process Address Space ID"},
	{true, 0x1d, "Downstream Port Containment"},
	{true, 0x1e, "L1 PM Substates"},
	{true, 0x1f, "Precision Time Measurement"},
	{true, 0x23, "Designated Vendor-Specific"},
	{true, 0x24, "VF Resizable BAR"},
	{true, 0x25, "Data Link Feature"},
	{true, 0x26, "Physical Layer 16.0 GT/s"},
	{true, 0x27, "Lane Margining at the Receiver"},
	{true, 0x2a, "Physical Layer 32.0 GT/s"},
};

const char *vd_pci_cap_name(bool ext, unsigned id)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (cap_names[i].ext == ext && cap_names[i].id == id)
			return cap_names[i].name;
	return ext ? "Extended capability" : "Capability";
}
