// SPDX-License-Identifier: GPL-2.0-or-later
/* Capability decoding on real config space: the RX 5600 XT's 4096-byte dump
 * (expected values cross-checked with `lspci -vvv` on the same bytes) and a
 * virtio device collected from the development VM. */
#include <errno.h>
#include <stdlib.h>

#include "pci.h"
#include "pcilib.h"
#include "unit.h"
#include "util.h"

static void test_navi(struct vd_pcilib *pl)
{
	size_t len;
	uint8_t *cfg = (uint8_t *)unit_slurp("amd-ryzen-two-gpus/sys/devices/pci0000:00/0000:00:03.1/0000:07:00.0/0000:08:00.0/"
			     "0000:09:00.0/config",
			     &len);
	struct vd_pci_caps c;

	CHECK(cfg != NULL);
	CHECK_INT(len, 4096);
	vd_pci_decode_caps(pl, cfg, len, &c);
	CHECK(c.known);
	/* lspci: "[a0] MSI: Enable+ Count=1/1 Maskable- 64bit+" */
	CHECK(c.msi.present && c.msi.enabled && c.msi.is64 && !c.msi.maskable);
	CHECK_INT(c.msi.off, 0xa0);
	CHECK_INT(c.msi.vectors_capable, 1);
	CHECK(!c.msix.present);
	/* "[64] Express (v2) Legacy Endpoint", "FLReset-", "Speed 16GT/s, Width x16" */
	CHECK(c.pcie.present && !c.pcie.flr);
	CHECK_INT(c.pcie.off, 0x64);
	CHECK_INT(c.pcie.version, 2);
	CHECK_INT(c.pcie.port_type, VD_PCIE_LEGACY_ENDPOINT);
	CHECK_INT(c.pcie.link_speed_cap, 4);
	CHECK_INT(c.pcie.link_width_cap, 16);
	/* "[50] Power Management": NoSoftRst+ (so no pm reset) */
	CHECK(c.pm.present && c.pm.no_soft_reset);
	CHECK_INT(c.pm.state, 0);
	CHECK(c.aer);
	CHECK(c.acs.present);
	CHECK_INT(c.acs.off, 0x2a0);
	/* "[200] Physical Resizable BAR: BAR 0: current size: 8GB, supported:
	 * 256MB 512MB 1GB; BAR 2: current size: 256MB, supported: 2MB..256MB" */
	CHECK(c.rebar.present);
	CHECK_INT(c.rebar.count, 2);
	CHECK_INT(c.rebar.bar[0].bar, 0);
	CHECK_INT(c.rebar.bar[0].current, 13);
	CHECK_INT(c.rebar.bar[0].supported, 0x700);
	CHECK_INT(c.rebar.bar[1].bar, 2);
	CHECK_INT(c.rebar.bar[1].current, 8);
	CHECK_INT(c.rebar.bar[1].supported, 0x1fe);
	CHECK(!c.sriov.present);
	/* every capability lspci lists, in order */
	CHECK_INT(c.nlist, 17);
	CHECK(c.list[0].id == 0x09 && c.list[0].off == 0x48 && !c.list[0].ext);
	CHECK(c.list[16].id == 0x27 && c.list[16].off == 0x440 && c.list[16].ext);
	CHECK_STR(vd_pci_cap_name(true, 0x15), "Resizable BAR");

	/* Unprivileged view: only the 64-byte header. */
	vd_pci_decode_caps(pl, cfg, 64, &c);
	CHECK(!c.known && !c.msi.present && c.nlist == 0);
	/* Truncated mid-list: capabilities past the cut read as absent. */
	vd_pci_decode_caps(pl, cfg, 0x66, &c);
	CHECK(c.known && !c.msi.present && !c.rebar.present);
	free(cfg);
}

static void test_virtio(struct vd_pcilib *pl)
{
	size_t len;
	uint8_t *cfg = (uint8_t *)unit_slurp("this-vm/sys/devices/pci0000:00/0000:00:01.0/config", &len);
	struct vd_pci_caps c;

	CHECK(cfg != NULL);
	vd_pci_decode_caps(pl, cfg, len, &c);
	CHECK(c.known);
	/* 0x98: MSI-X, control 0x8004: enabled, 5 vectors; no PCIe capability */
	CHECK(c.msix.present && c.msix.enabled && !c.msix.function_mask);
	CHECK_INT(c.msix.table_size, 5);
	CHECK_INT(c.msix.off, 0x98);
	CHECK(!c.pcie.present && !c.msi.present);
	CHECK_INT(c.nlist, 6);
	free(cfg);
}

static void test_hostile(struct vd_pcilib *pl)
{
	uint8_t cfg[256];
	struct vd_pci_caps c;

	/* A capability list that points at itself must end. */
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10; /* status: capabilities list */
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x05;
	cfg[0x41] = 0x40;
	vd_pci_decode_caps(pl, cfg, sizeof(cfg), &c);
	CHECK(c.known && c.msi.present && c.nlist == 1);
	/* All ones (a device that fell off the bus, "header type 127"). */
	memset(cfg, 0xff, sizeof(cfg));
	vd_pci_decode_caps(pl, cfg, sizeof(cfg), &c);
	CHECK(c.nlist == 0);
}

static void test_addr(void)
{
	unsigned d, b, s, f;
	CHECK_INT(vd_pci_parse_addr("0000:0a:1f.7", &d, &b, &s, &f), 0);
	CHECK(d == 0 && b == 0xa && s == 0x1f && f == 7);
	CHECK_INT(vd_pci_parse_addr("01:00.1", &d, &b, &s, &f), 0);
	CHECK(b == 1 && f == 1);
	CHECK_INT(vd_pci_parse_addr("01:20.0", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("01:00.8", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("01:00.0x", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("10000:00:00.0", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("0000:00:00:00.0", &d, &b, &s, &f), -EINVAL);
	CHECK_INT(vd_pci_parse_addr("0:0.0", &d, &b, &s, &f), 0);
}

int main(void)
{
	struct vd_root *r;
	struct vd_pcilib *pl;
	vd_root_open(FIXTURES "/this-vm", 0, &r);
	CHECK_INT(vd_pcilib_new(r, &pl), 0);
	test_navi(pl);
	test_virtio(pl);
	test_hostile(pl);
	test_addr();
	vd_pcilib_free(pl);
	vd_root_free(r);
	return unit_done("test-pci-caps");
}
