// SPDX-License-Identifier: GPL-2.0-or-later
/* The PCI expansion ROM parser on real ROMs no one here wrote (Debian 12's
 * ipxe-qemu, seabios and qemu-system-data, installed by tools/deps.sh test),
 * and on malformed images made from them or from scratch. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "rom.h"
#include "root.h"
#include "unit.h"
#include "util.h"

#define IPXE	"/usr/lib/ipxe/qemu/"
#define SEABIOS "/usr/share/seabios/"
#define QEMU	"/usr/share/qemu/"

static uint8_t *load(const char *path, size_t *len)
{
	char *data = NULL;
	int ret = vd_read_user_file(path, VD_ROM_MAX_SIZE, &data, len);
	if (ret < 0) {
		fprintf(stderr, "cannot read %s: %s (install the test packages: sh tools/deps.sh test)\n", path,
			strerror(-ret));
		unit_failures++;
		return NULL;
	}
	return (uint8_t *)data;
}

/* Expected facts, read off the files with a hex dump and the PCI Firmware
 * 3.0 / UEFI layouts. Worked through by hand for two of them:
 *
 * efi-virtio.rom (ipxe-qemu 1.0.0+git-20190125.36a4c85-5.1, 249344 bytes):
 *   0x00000: 55 aa 94 e9 ...          signature, legacy init size 0x94 = 148 blocks
 *   0x00018: 1c 00                    PCIR at 0x1c (DWORD-aligned)
 *   0x0001c: "PCIR" f4 1a 41 10      vendor 1af4, device 1041
 *            bf 04 1c 00 03           device list at PCIR+0x4bf = 0x4db, length 0x1c, revision 3
 *            00 00 02                 class 02 00 00 (network)
 *            94 00 01 00 00 00        image length 148 blocks = 75776, code rev 1, type 0 (x86)
 *            07 00 ...                indicator 0 (more images), max runtime 7 blocks
 *   0x004db: 41 10 00 00              device list: 1041, terminator
 *   0x12800: 55 aa 53 01 f1 0e 00 00  = 75776: EFI InitializationSize 0x0153 = 339 blocks,
 *                                       EfiSignature 0x00000EF1
 *            0b 00 64 86 00 00        subsystem 11 (boot-service driver), machine 0x8664 (X64),
 *                                       compression 0
 *   0x12816: 38 00 1c 00              EFI image at +0x38, PCIR at +0x1c
 *   0x1281c: "PCIR" f4 1a 41 10 00 00 18 00 00  revision 0, length 0x18
 *            00 00 02 53 01 00 00 03 80      image length 339 blocks = 173568, type 3, last
 *   0x12838: "MZ", e_lfanew 0xc0 -> "PE\0\0", machine 0x8664, optional header 240 bytes,
 *            magic 0x20b (PE32+), subsystem 11: agrees with the EFI header.
 *   75776 + 173568 = 249344: the chain covers the file exactly. iPXE's efirom
 *   makes every EFI image sum to 0; legacy images sum to 0 over their 148 blocks.
 *
 * vgabios-stdvga.bin (seabios 1.16.2-1, 39936 bytes):
 *   0x0000: 55 aa 4e (78 blocks = 39936) e9 ..., 0x18: dc 99 -> PCIR at 0x99dc
 *   0x99dc: "PCIR" 34 12 11 11 (1234:1111) 00 00 18 00 00 (rev 0)
 *           00 00 03 (class 030000) 4e 00 (78 blocks) 01 00 00 (type 0) 80 (last)
 *   The bytes 0x99f4..0x99f7 after the 0x18-byte PCIR ("66 90 66 90") are code, not
 *   PCI 3.0 fields: revision 0 structures end at 0x18.
 */
struct img_exp {
	size_t offset, length;
	uint8_t type;
	uint16_t vendor, device;
	bool last;
	int devlist; /* -1: none; else the single ID in the PCI 3.0 list (0: empty list) */
};

struct rom_exp {
	const char *path;
	size_t size;
	enum vd_rom_error err;
	size_t nimg;
	const char *verdict;
	struct img_exp img[2];
};

#define UEFI	   "UEFI-capable (X64 boot-service driver)"
#define NOUEFI_NIC "no UEFI image: OVMF cannot run this option ROM"
#define NOUEFI_GPU "no UEFI image: OVMF cannot initialise this GPU's display"
#define NOT_PCI	   "not a PCI expansion ROM"
#define EFI_ROM(file, size, ven, dev, l0, at1, l1)                                                                     \
	{                                                                                                              \
		IPXE file, size, VD_ROM_OK, 2, UEFI,                                                                   \
		{                                                                                                      \
			{0, (l0)*512u, 0, ven, dev, false, dev},                                                       \
			{                                                                                              \
				at1, (l1)*512u, 3, ven, dev, true, -1                                                  \
			}                                                                                              \
		}                                                                                                      \
	}
#define PXE_ROM(file, ven, dev, l0)                                                                                    \
	{                                                                                                              \
		IPXE file, (l0)*512u, VD_ROM_OK, 1, NOUEFI_NIC,                                                        \
		{                                                                                                      \
			{                                                                                              \
				0, (l0)*512u, 0, ven, dev, true, dev                                                   \
			}                                                                                              \
		}                                                                                                      \
	}
#define VGA_ROM(file, ven, dev, l0)                                                                                    \
	{                                                                                                              \
		SEABIOS file, (l0)*512u, VD_ROM_OK, 1, NOUEFI_GPU,                                                     \
		{                                                                                                      \
			{                                                                                              \
				0, (l0)*512u, 0, ven, dev, true, -1                                                    \
			}                                                                                              \
		}                                                                                                      \
	}
#define ISA_ROM(dir, file, size, err)                                                                                  \
	{                                                                                                              \
		dir file, size, err, 1, NOT_PCI,                                                                       \
		{                                                                                                      \
			{                                                                                              \
				0                                                                                      \
			}                                                                                              \
		}                                                                                                      \
	}

static const struct rom_exp real[] = {
    EFI_ROM("efi-e1000.rom", 249856, 0x8086, 0x100e, 147, 0x12600, 341),
    EFI_ROM("efi-e1000e.rom", 249856, 0x8086, 0x10d3, 147, 0x12600, 341),
    EFI_ROM("efi-eepro100.rom", 247808, 0x8086, 0x1229, 147, 0x12600, 337),
    /* iPXE's generic ne2k build: IDs 0000:0000 and an empty device list in the legacy image, vendor fff3
     * in the EFI one (as shipped). */
    {IPXE "efi-ne2k_pci.rom",
     245760,
     VD_ROM_OK,
     2,
     UEFI,
     {{0, 146 * 512, 0, 0x0000, 0x0000, false, 0}, {0x12400, 334 * 512, 3, 0xfff3, 0x0000, true, -1}}},
    EFI_ROM("efi-pcnet.rom", 246272, 0x1022, 0x2000, 146, 0x12400, 335),
    EFI_ROM("efi-rtl8139.rom", 249856, 0x10ec, 0x8139, 148, 0x12800, 340),
    EFI_ROM("efi-virtio.rom", 249344, 0x1af4, 0x1041, 148, 0x12800, 339),
    EFI_ROM("efi-vmxnet3.rom", 243712, 0x15ad, 0x07b0, 145, 0x12200, 331),
    PXE_ROM("pxe-e1000.rom", 0x8086, 0x100e, 147),
    PXE_ROM("pxe-e1000e.rom", 0x8086, 0x10d3, 147),
    PXE_ROM("pxe-eepro100.rom", 0x8086, 0x1229, 147),
    {IPXE "pxe-ne2k_pci.rom", 146 * 512, VD_ROM_OK, 1, NOUEFI_NIC, {{0, 146 * 512, 0, 0, 0, true, 0}}},
    PXE_ROM("pxe-pcnet.rom", 0x1022, 0x2000, 146),
    PXE_ROM("pxe-rtl8139.rom", 0x10ec, 0x8139, 148),
    PXE_ROM("pxe-virtio.rom", 0x1af4, 0x1041, 148),
    PXE_ROM("pxe-vmxnet3.rom", 0x15ad, 0x07b0, 145),
    VGA_ROM("vgabios-ati.bin", 0x1002, 0x5159, 78),
    VGA_ROM("vgabios-bochs-display.bin", 0x1234, 0x1111, 56),
    VGA_ROM("vgabios-cirrus.bin", 0x1013, 0x00b8, 77),
    VGA_ROM("vgabios-qxl.bin", 0x1b36, 0x0100, 78),
    VGA_ROM("vgabios-stdvga.bin", 0x1234, 0x1111, 78),
    VGA_ROM("vgabios-virtio.bin", 0x1af4, 0x1050, 78),
    VGA_ROM("vgabios-vmware.bin", 0x15ad, 0x0405, 78),
    /* ISA-style option ROMs: 55 AA and a checksummed legacy image, no PCI Data Structure. */
    ISA_ROM(SEABIOS, "vgabios-isavga.bin", 39424, VD_ROM_NO_PCIR),
    ISA_ROM(SEABIOS, "vgabios-ramfb.bin", 29184, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "linuxboot.bin", 1024, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "linuxboot_dma.bin", 1536, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "multiboot.bin", 1024, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "multiboot_dma.bin", 1024, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "pvh.bin", 1536, VD_ROM_NO_PCIR),
    ISA_ROM(QEMU, "sgabios.bin", 4096, VD_ROM_NO_PCIR),
    /* Its word at 0x18 is code (0x8dcb), beyond the 9216-byte file. */
    ISA_ROM(QEMU, "kvmvapic.bin", 9216, VD_ROM_PCIR_OUTSIDE),
    /* Firmware and Forth images, not option ROMs at all. */
    {QEMU "QEMU,VGA.bin", 1112, VD_ROM_NO_SIGNATURE, 0, NOT_PCI, {{0}}},
    {QEMU "qboot.rom", 65536, VD_ROM_NO_SIGNATURE, 0, NOT_PCI, {{0}}},
};

static void check_real(const struct rom_exp *e)
{
	size_t len;
	uint8_t *b = load(e->path, &len);
	struct vd_rom r;

	if (!b)
		return;
	CHECK_INT(len, e->size);
	vd_rom_parse(b, len, &r);
	if (r.error != e->err || r.nimg != e->nimg)
		fprintf(stderr, "%s: error %s (%s), %zu images\n", e->path, vd_rom_error_code(r.error),
			r.error_text ? r.error_text : "-", r.nimg);
	CHECK_INT(r.error, e->err);
	CHECK_INT(r.nimg, e->nimg);
	CHECK_INT(r.start, 0);
	CHECK(!r.truncated);
	_cleanup_free_ char *v = vd_rom_verdict(&r);
	CHECK_STR(v, e->verdict);
	for (size_t i = 0; i < r.nimg && i < 2; i++) {
		const struct vd_rom_image *im = &r.img[i];
		const struct img_exp *x = &e->img[i];
		bool pci = e->err == VD_ROM_OK;
		CHECK_INT(im->offset, x->offset);
		CHECK(im->pcir_ok == pci);
		/* Every legacy image here, ISA-style or PCI, sums to 0 over its initialization size. */
		if (!pci || im->code_type == VD_ROM_CODE_X86) {
			CHECK(im->init_sum_checked);
			CHECK_INT(im->init_sum, 0);
		}
		if (!pci)
			continue;
		CHECK_INT(im->length, x->length);
		CHECK_INT(im->avail, x->length);
		CHECK_INT(im->code_type, x->type);
		CHECK_INT(im->vendor, x->vendor);
		CHECK_INT(im->device, x->device);
		CHECK(im->last == x->last);
		CHECK_INT(im->image_sum, 0);
		CHECK_INT(im->nnotes, 0);
		if (x->devlist < 0) {
			CHECK_INT(im->ndevlist, 0);
		} else {
			CHECK(im->has_v3 && im->devlist_ptr);
			CHECK_INT(im->ndevlist, x->devlist ? 1 : 0);
			if (x->devlist)
				CHECK_INT(im->devlist[0], x->devlist);
		}
		if (x->type == VD_ROM_CODE_EFI) {
			const struct vd_rom_efi *ef = &im->efi;
			CHECK(ef->sig_ok);
			CHECK_INT(ef->machine, VD_EFI_MACHINE_X64);
			CHECK_INT(ef->subsystem, VD_EFI_SUBSYSTEM_BOOT_DRIVER);
			CHECK_INT(ef->compression, 0);
			CHECK_INT(ef->image_offset, 0x38);
			CHECK_INT((size_t)ef->init_blocks * 512, x->length);
			CHECK_INT(ef->pe, VD_ROM_PE_OK);
			CHECK(ef->pe_plus && !ef->pe_te);
			CHECK_INT(ef->pe_machine, VD_EFI_MACHINE_X64);
			CHECK_INT(ef->pe_subsystem, 11);
			CHECK_INT(ef->pe_signed, 0);
			CHECK(ef->loadable);
		}
	}
	if (e->err == VD_ROM_OK)
		CHECK_INT(r.end, len);
	CHECK_INT(r.nnotes, 0);
	vd_rom_done(&r);
	free(b);
}

static bool listed(const char *dir, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		const char *p = real[i].path;
		if (strncmp(p, dir, strlen(dir)) == 0 && strcmp(p + strlen(dir), name) == 0)
			return true;
	}
	return false;
}

/* Every ROM the packages ship has an expectation: a new one fails here. */
static void test_real_roms(void)
{
	static const struct {
		const char *dir, *prefix, *suffix;
	} sets[] = {{IPXE, "", ".rom"}, {SEABIOS, "vgabios-", ".bin"}};
	struct vd_root *root;

	for (size_t i = 0; i < ARRAY_SIZE(real); i++)
		check_real(&real[i]);
	CHECK_INT(vd_root_open("/", 0, &root), 0);
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		char **names = NULL;
		size_t seen = 0;
		CHECK_INT(vd_root_list(root, sets[s].dir, &names), 0);
		for (size_t i = 0; names && names[i]; i++) {
			size_t n = strlen(names[i]), k = strlen(sets[s].suffix);
			if (!vd_startswith(names[i], sets[s].prefix) || n < k ||
			    strcmp(names[i] + n - k, sets[s].suffix) ||
			    strcmp(names[i], "vgabios.bin") == 0) /* a link to vgabios-isavga.bin */
				continue;
			seen++;
			if (!listed(sets[s].dir, names[i])) {
				fprintf(stderr, "%s%s has no expectation in test-rom.c\n", sets[s].dir, names[i]);
				unit_failures++;
			}
		}
		CHECK(seen >= 9);
		vd_strv_free(names);
	}
	vd_root_free(root);
}

static void put16(uint8_t *b, size_t o, uint16_t v)
{
	b[o] = (uint8_t)v;
	b[o + 1] = (uint8_t)(v >> 8);
}

/* A minimal legacy-style image at o: 55 AA, init size, PCIR at 0x1c
 * (revision 3, 28 bytes), display class, checksummed. */
static void synth(uint8_t *b, size_t o, unsigned blocks, uint8_t type, bool last, uint16_t ven, uint16_t dev)
{
	uint8_t *p = b + o + 0x1c;
	unsigned sum = 0;

	memset(b + o, 0, blocks * 512);
	b[o] = 0x55;
	b[o + 1] = 0xaa;
	b[o + 2] = (uint8_t)blocks;
	put16(b, o + 0x18, 0x1c);
	memcpy(p, "PCIR", 4);
	put16(p, 4, ven);
	put16(p, 6, dev);
	put16(p, 0x0a, 0x1c);
	p[0x0c] = 3;
	p[0x0f] = 0x03;
	put16(p, 0x10, (uint16_t)blocks);
	p[0x14] = type;
	p[0x15] = last ? 0x80 : 0;
	for (size_t i = 0; i < blocks * 512; i++)
		sum += b[o + i];
	b[o + blocks * 512 - 1] = (uint8_t)(0x100 - (sum & 0xff));
}

static int parse_expect(const uint8_t *b, size_t len, enum vd_rom_error want, struct vd_rom *r)
{
	int ret = vd_rom_parse(b, len, r);
	if (r->error != want)
		fprintf(stderr, "wanted %s, got %s: %s\n", vd_rom_error_code(want), vd_rom_error_code(r->error),
			r->error_text ? r->error_text : "-");
	CHECK_INT(r->error, want);
	CHECK_INT(ret, want == VD_ROM_OK ? 0 : -EBADMSG);
	CHECK(want == VD_ROM_OK ? r->error_text == NULL : r->error_text != NULL && strlen(r->error_text) > 15);
	return ret;
}

static bool has_note(const struct vd_rom_note *n, size_t count, const char *code)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(n[i].code, code) == 0)
			return true;
	return false;
}

static void test_empty_and_random(void)
{
	struct vd_rom r;
	uint8_t junk[65536];
	uint32_t x = 0x12345678;

	parse_expect((const uint8_t *)"", 0, VD_ROM_EMPTY, &r);
	CHECK_INT(r.nimg, 0);
	vd_rom_done(&r);
	parse_expect((const uint8_t *)"\x55", 1, VD_ROM_NO_SIGNATURE, &r);
	vd_rom_done(&r);
	parse_expect((const uint8_t *)"\x55\xaa\x01", 3, VD_ROM_HEADER_TRUNCATED, &r);
	CHECK(r.truncated && r.nimg == 1);
	vd_rom_done(&r);
	/* xorshift32: the same "random" bytes every run */
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (uint8_t)x;
	}
	junk[0] = 0; /* no signature at 0 */
	parse_expect(junk, sizeof(junk), VD_ROM_NO_SIGNATURE, &r);
	_cleanup_free_ char *v = vd_rom_verdict(&r);
	CHECK_STR(v, NOT_PCI);
	vd_rom_done(&r);
	/* Random bytes behind a signature: whatever they say, a clear error. */
	junk[0] = 0x55;
	junk[1] = 0xaa;
	CHECK_INT(vd_rom_parse(junk, sizeof(junk), &r), -EBADMSG);
	CHECK(r.error_text != NULL && r.start == 0);
	vd_rom_done(&r);
}

static void test_prefixed(void)
{
	size_t len;
	uint8_t *rom = load(IPXE "efi-virtio.rom", &len);
	struct vd_rom r;

	if (!rom)
		return;
	/* NVIDIA's tool writes its header before the image; rom-parser's
	 * example shows the ROM at 0x600. A stray 55 AA in it must not count. */
	size_t pre = 0x600;
	uint8_t *b = malloc(pre + len);
	memset(b, 0xab, pre);
	memcpy(b + 0x100, "\x55\xaa\x10", 3);
	memcpy(b + pre, rom, len);
	parse_expect(b, pre + len, VD_ROM_OK, &r);
	CHECK_INT(r.start, pre);
	CHECK_INT(r.nimg, 2);
	CHECK(!vd_rom_usable(&r));
	CHECK(has_note(r.notes, r.nnotes, "prefixed"));
	CHECK(vd_rom_uefi_image(&r) != NULL);
	CHECK_INT(r.img[1].offset, pre + 0x12800);
	vd_rom_done(&r);
	/* What --strip writes, the input from the signature on, is the ROM itself. */
	parse_expect(b + pre, len, VD_ROM_OK, &r);
	CHECK(vd_rom_usable(&r) && r.nnotes == 0);
	vd_rom_done(&r);
	free(b);
	free(rom);
}

static void truncated(const uint8_t *rom, const uint8_t *vga)
{
	struct vd_rom r;

	/* Cut inside the EFI image: what was read is kept and said. */
	parse_expect(rom, 100000, VD_ROM_IMAGE_TRUNCATED, &r);
	CHECK(r.truncated);
	CHECK_INT(r.nimg, 2);
	CHECK_INT(r.img[1].avail, 100000 - 0x12800);
	CHECK_INT(r.img[1].length, 173568);
	CHECK(r.img[1].pcir_ok && r.img[1].efi.sig_ok && !r.img[1].efi.loadable);
	CHECK(vd_rom_uefi_image(&r) == NULL);
	_cleanup_free_ char *v = vd_rom_verdict(&r);
	CHECK_STR(v, "no usable UEFI image: the EFI image is truncated");
	CHECK(strstr(r.error_text, "100000") == NULL && strstr(r.error_text, "truncated") != NULL);
	vd_rom_done(&r);
	/* Cut in the middle of the PCIR (at 0x99dc, 24 bytes): 10 bytes of it. */
	parse_expect(vga, 0x99dc + 10, VD_ROM_PCIR_TRUNCATED, &r);
	CHECK(r.truncated && r.nimg == 1 && !r.img[0].pcir_ok);
	vd_rom_done(&r);
	/* ... and inside its signature. */
	parse_expect(vga, 0x99dc + 2, VD_ROM_PCIR_TRUNCATED, &r);
	vd_rom_done(&r);
	/* The PCIR pointer points past the end of the file. */
	parse_expect(vga, 0x99dc, VD_ROM_PCIR_OUTSIDE, &r);
	CHECK(strstr(r.error_text, "0x99dc") != NULL);
	vd_rom_done(&r);
	/* An image not marked last that ends with the file: the rest is missing. */
	parse_expect(rom, 0x12800, VD_ROM_NO_LAST_IMAGE, &r);
	CHECK(r.truncated && r.nimg == 1);
	vd_rom_done(&r);
}

static void test_truncated(void)
{
	size_t len;
	uint8_t *rom = load(IPXE "efi-virtio.rom", &len);
	uint8_t *vga = load(SEABIOS "vgabios-stdvga.bin", &len);

	if (rom && vga)
		truncated(rom, vga);
	free(rom);
	free(vga);
}

static void test_chain(void)
{
	uint8_t b[80 * 512];
	struct vd_rom r;

	/* Image length 0: a walker trusting it would loop on the same image. */
	synth(b, 0, 2, 0, false, 0x10de, 0x1184);
	put16(b, 0x1c + 0x10, 0);
	parse_expect(b, 1024, VD_ROM_IMAGE_LENGTH_ZERO, &r);
	CHECK_INT(r.nimg, 1);
	vd_rom_done(&r);

	/* A chain that never says "last": cut after VD_ROM_MAX_IMAGES. */
	for (size_t i = 0; i < 80; i++)
		synth(b, i * 512, 1, 0, false, 0x10de, 0x1184);
	parse_expect(b, sizeof(b), VD_ROM_TOO_MANY_IMAGES, &r);
	CHECK_INT(r.nimg, VD_ROM_MAX_IMAGES);
	vd_rom_done(&r);

	/* Nothing after an image not marked last. */
	synth(b, 0, 2, 0, false, 0x10de, 0x1184);
	memset(b + 1024, 0, 1024);
	parse_expect(b, 2048, VD_ROM_CHAIN_BROKEN, &r);
	vd_rom_done(&r);

	/* A 512-byte gap before the next image: EDK2 skips it, so do we, and say so. */
	synth(b, 1536, 1, 0, true, 0x10de, 0x1184);
	parse_expect(b, 2048, VD_ROM_OK, &r);
	CHECK_INT(r.nimg, 2);
	CHECK_INT(r.img[1].offset, 1536);
	CHECK(has_note(r.notes, r.nnotes, "chain-gap"));
	vd_rom_done(&r);

	/* Bytes after the last image. */
	synth(b, 0, 2, 0, true, 0x10de, 0x1184);
	synth(b, 1024, 1, 0, true, 0x10de, 0x1184);
	parse_expect(b, 1536, VD_ROM_OK, &r);
	CHECK_INT(r.nimg, 1);
	CHECK_INT(r.end, 1024);
	CHECK(has_note(r.notes, r.nnotes, "trailing-data"));
	vd_rom_done(&r);

	/* Reserved indicator bits: only bit 7 means last (rom-parser's mistake). */
	synth(b, 0, 1, 0, false, 0x10de, 0x1184);
	b[0x1c + 0x15] = 0x01;
	synth(b, 512, 1, 0, true, 0x10de, 0x1184);
	parse_expect(b, 1024, VD_ROM_OK, &r);
	CHECK_INT(r.nimg, 2);
	CHECK(!r.img[0].last && has_note(r.img[0].notes, r.img[0].nnotes, "indicator-reserved"));
	vd_rom_done(&r);

	/* A PCIR that is not DWORD-aligned: firmware stops there. */
	synth(b, 0, 1, 0, true, 0x10de, 0x1184);
	memmove(b + 0x1e, b + 0x1c, 0x1c);
	put16(b, 0x18, 0x1e);
	parse_expect(b, 512, VD_ROM_PCIR_UNALIGNED, &r);
	CHECK(r.img[0].pcir_ok);
	vd_rom_done(&r);

	/* A pointer to something that is not "PCIR". */
	synth(b, 0, 1, 0, true, 0x10de, 0x1184);
	put16(b, 0x18, 0x40);
	parse_expect(b, 512, VD_ROM_NO_PCIR, &r);
	vd_rom_done(&r);
}

static void test_checksum_and_ids(void)
{
	uint8_t b[2048];
	struct vd_rom r;

	synth(b, 0, 2, 0, true, 0x10de, 0x1184);
	parse_expect(b, 1024, VD_ROM_OK, &r);
	CHECK(r.img[0].init_sum_checked && r.img[0].init_sum == 0 && r.img[0].nnotes == 0);
	vd_rom_done(&r);
	b[100] ^= 0x5a;
	parse_expect(b, 1024, VD_ROM_OK, &r);
	CHECK_INT(r.img[0].init_sum, (uint8_t)(b[100] - (b[100] ^ 0x5a))); /* new byte minus old */
	CHECK(r.img[0].init_sum != 0 && has_note(r.img[0].notes, r.img[0].nnotes, "legacy-checksum"));
	vd_rom_done(&r);

	/* PCI 3.0 device list: 10de:1184 also claims 0x1185 and 0x1187. */
	synth(b, 0, 2, 0, true, 0x10de, 0x1184);
	put16(b, 0x1c + 0x08, 0x40); /* from the PCIR: at 0x5c */
	put16(b, 0x5c, 0x1185);
	put16(b, 0x5e, 0x1187);
	put16(b, 0x60, 0);
	vd_rom_parse(b, 1024, &r);
	CHECK_INT(r.img[0].ndevlist, 2);
	CHECK(vd_rom_image_matches(&r.img[0], 0x10de, 0x1184));
	CHECK(vd_rom_image_matches(&r.img[0], 0x10de, 0x1187));
	CHECK(!vd_rom_image_matches(&r.img[0], 0x10de, 0x1186));
	CHECK(!vd_rom_image_matches(&r.img[0], 0x1002, 0x1187));
	size_t with;
	CHECK_INT(vd_rom_count_matching(&r, 0x10de, 0x1185, &with), 1);
	CHECK_INT(with, 1);
	vd_rom_done(&r);
	/* A revision 0 structure has no device list, whatever the word says. */
	b[0x1c + 0x0c] = 0;
	vd_rom_parse(b, 1024, &r);
	CHECK(r.img[0].ndevlist == 0 && !r.img[0].has_v3);
	CHECK(!vd_rom_image_matches(&r.img[0], 0x10de, 0x1187));
	vd_rom_done(&r);
	/* A list that runs off the image. */
	synth(b, 0, 1, 0, true, 0x10de, 0x1184);
	put16(b, 0x1c + 0x08, 0x400);
	vd_rom_parse(b, 512, &r);
	CHECK(has_note(r.img[0].notes, r.img[0].nnotes, "devlist-outside"));
	vd_rom_done(&r);

	/* NVIDIA's PCI Data Extension at the next 16-byte boundary (nouveau npde.c). */
	synth(b, 0, 2, 0, true, 0x10de, 0x1184);
	memcpy(b + 0x40, "NPDE", 4);
	put16(b, 0x48, 5);
	b[0x4a] = 0x80;
	vd_rom_parse(b, 1024, &r);
	CHECK(r.img[0].has_npde && r.img[0].npde_blocks == 5 && r.img[0].npde_last);
	vd_rom_done(&r);
}

/* efi-virtio.rom with its EFI image's header or PE/COFF edited. */
static void efi_variant(const uint8_t *rom, size_t len, size_t at, const void *bytes, size_t n, const char *note,
			const char *verdict)
{
	uint8_t *b = malloc(len);
	struct vd_rom r;

	memcpy(b, rom, len);
	memcpy(b + 0x12800 + at, bytes, n);
	parse_expect(b, len, VD_ROM_OK, &r);
	CHECK_INT(r.nimg, 2);
	if (note && !has_note(r.img[1].notes, r.img[1].nnotes, note)) {
		fprintf(stderr, "EFI variant at +0x%zx: no note %s\n", at, note);
		unit_failures++;
	}
	_cleanup_free_ char *v = vd_rom_verdict(&r);
	CHECK_STR(v, verdict);
	vd_rom_done(&r);
	free(b);
}

static void test_efi(void)
{
	size_t len;
	uint8_t *rom = load(IPXE "efi-virtio.rom", &len);
	const size_t pe = 0x38 + 0xc0; /* PE header of the EFI image */

	if (!rom)
		return;
	efi_variant(rom, len, 0x0a, "\x34\x12", 2, "efi-machine-unknown",
		    "no usable UEFI image: the EFI image has an unknown machine type 0x1234");
	efi_variant(rom, len, 0x0a, "\x64\xaa", 2, "pe-machine",
		    "no usable UEFI image: the EFI image is for AArch64; OVMF on x86-64 runs X64 and EBC only");
	efi_variant(rom, len, 0x04, "\xf1\x0e\x01\x00", 4, "efi-signature",
		    "no usable UEFI image: the EFI image's header signature is invalid");
	efi_variant(rom, len, 0x0c, "\x07\x00", 2, "efi-compression",
		    "no usable UEFI image: the EFI image uses unknown compression type 7");
	efi_variant(rom, len, 0x08, "\x0a\x00", 2, "efi-subsystem",
		    "no usable UEFI image: the EFI image is an application, not a driver");
	/* The ROM header says runtime driver, the PE header boot-service driver. */
	efi_variant(rom, len, 0x08, "\x0c\x00", 2, "pe-subsystem",
		    "no usable UEFI image: the EFI image's PE/COFF header is damaged or cut off");
	efi_variant(rom, len, 0x38, "XX", 2, "pe-missing",
		    "no usable UEFI image: the EFI image's PE/COFF header is damaged or cut off");
	efi_variant(rom, len, pe + 24, "\x07\x01", 2, "pe-magic",
		    "no usable UEFI image: the EFI image's PE/COFF header is damaged or cut off");
	/* The EFI image offset inside the ROM header. */
	efi_variant(rom, len, 0x16, "\x10\x00", 2, "efi-offset",
		    "no usable UEFI image: the EFI image's PE/COFF header is damaged or cut off");
	/* EBC runs in OVMF (its byte-code interpreter): machine in both headers. */
	uint8_t *b = malloc(len);
	struct vd_rom r;
	memcpy(b, rom, len);
	put16(b, 0x12800 + 0x0a, VD_EFI_MACHINE_EBC);
	put16(b, 0x12800 + pe + 4, VD_EFI_MACHINE_EBC);
	parse_expect(b, len, VD_ROM_OK, &r);
	_cleanup_free_ char *v = vd_rom_verdict(&r);
	CHECK_STR(v, "UEFI-capable (EBC boot-service driver)");
	vd_rom_done(&r);
	/* Compressed: the 8-byte size header must fit; the rest is firmware's. */
	memcpy(b, rom, len);
	put16(b, 0x12800 + 0x0c, 1);
	memcpy(b + 0x12800 + 0x38, "\x00\x10\x00\x00\x00\x40\x00\x00", 8);
	parse_expect(b, len, VD_ROM_OK, &r);
	CHECK_INT(r.img[1].efi.pe, VD_ROM_PE_COMPRESSED);
	CHECK_INT(r.img[1].efi.comp_size, 0x1000);
	CHECK_INT(r.img[1].efi.orig_size, 0x4000);
	CHECK(vd_rom_uefi_image(&r) == &r.img[1]);
	vd_rom_done(&r);
	memcpy(b + 0x12800 + 0x38, "\xff\xff\xff\x00\x00\x40\x00\x00", 8);
	parse_expect(b, len, VD_ROM_OK, &r);
	CHECK_INT(r.img[1].efi.pe, VD_ROM_PE_BAD);
	CHECK(has_note(r.img[1].notes, r.img[1].nnotes, "efi-compressed-header"));
	vd_rom_done(&r);
	free(b);
	free(rom);
}

static void test_names(void)
{
	CHECK_STR(vd_rom_code_type_name(0), "x86 PC-AT");
	CHECK_STR(vd_rom_code_type_name(3), "EFI");
	CHECK(vd_rom_code_type_name(0x70) == NULL);
	CHECK_STR(vd_efi_machine_name(0xaa64), "AArch64");
	CHECK_STR(vd_efi_machine_name(0x5064), "RISC-V 64");
	CHECK(vd_efi_machine_name(0x1234) == NULL);
	CHECK_STR(vd_efi_subsystem_name(12), "runtime driver");
	CHECK_STR(vd_rom_error_code(VD_ROM_IMAGE_TRUNCATED), "image-truncated");
}

int main(void)
{
	test_real_roms();
	test_empty_and_random();
	test_prefixed();
	test_truncated();
	test_chain();
	test_checksum_and_ids();
	test_efi();
	test_names();
	return unit_done("test-rom");
}
