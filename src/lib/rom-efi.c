// SPDX-License-Identifier: GPL-2.0-or-later
/* EFI images in PCI expansion ROMs: the EFI ROM header, a sanity check of
 * the PE/COFF image it points at, and what OVMF makes of them (see rom.h). */
#include <string.h>

#include "rom.h"
#include "util.h"

/* EFI PCI expansion ROM header (UEFI 2.x, "PCI Option ROMs",
 * EFI_PCI_EXPANSION_ROM_HEADER). */
#define EFI_INIT_SIZE	     0x02 /* 16 bits here, unlike the legacy header's byte */
#define EFI_SIGNATURE	     0x04
#define EFI_SUBSYSTEM	     0x08
#define EFI_MACHINE	     0x0a
#define EFI_COMPRESSION	     0x0c
#define EFI_IMAGE_OFFSET     0x16
#define EFI_HEADER_SIGNATURE 0x0ef1u

enum { EFI_UNCOMPRESSED = 0, EFI_COMPRESSED = 1 };

/* PE/COFF (Microsoft "PE Format"): DOS stub with e_lfanew at 0x3c, "PE\0\0",
 * the 20-byte COFF header, then the optional header whose Subsystem sits at
 * 68 in both PE32 and PE32+. The certificate table is data directory 4. */
#define DOS_LFANEW     0x3c
#define COFF_MACHINE   4
#define COFF_OPT_SIZE  20
#define COFF_LEN       24
#define OPT_SUBSYSTEM  68
#define PE32_MAGIC     0x10b
#define PE32PLUS_MAGIC 0x20b
/* EFI_TE_IMAGE_HEADER (UEFI PI spec): "VZ", Machine, NumberOfSections,
 * Subsystem; EDK2 loads TE images as readily as PE ones. */
#define TE_MACHINE   2
#define TE_SUBSYSTEM 5
#define TE_LEN	     40

#define NOTE(im, code, ...) vd_rom_note_add(&(im)->notes, &(im)->nnotes, &(im)->capnotes, code, __VA_ARGS__)

static const struct {
	uint16_t id;
	const char *name;
} machines[] = {
    {VD_EFI_MACHINE_IA32, "IA32"},
    {VD_EFI_MACHINE_IA64, "IA64"},
    {VD_EFI_MACHINE_EBC, "EBC"},
    {VD_EFI_MACHINE_X64, "X64"},
    {VD_EFI_MACHINE_ARM, "ARM"},
    {VD_EFI_MACHINE_AARCH64, "AArch64"},
    {VD_EFI_MACHINE_RISCV32, "RISC-V 32"},
    {VD_EFI_MACHINE_RISCV64, "RISC-V 64"},
    {VD_EFI_MACHINE_RISCV128, "RISC-V 128"},
    {VD_EFI_MACHINE_LOONGARCH32, "LoongArch32"},
    {VD_EFI_MACHINE_LOONGARCH64, "LoongArch64"},
};

const char *vd_efi_machine_name(uint16_t m)
{
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++)
		if (machines[i].id == m)
			return machines[i].name;
	return NULL;
}

const char *vd_efi_subsystem_name(uint16_t s)
{
	switch (s) {
	case VD_EFI_SUBSYSTEM_APPLICATION:
		return "application";
	case VD_EFI_SUBSYSTEM_BOOT_DRIVER:
		return "boot-service driver";
	case VD_EFI_SUBSYSTEM_RUNTIME_DRIVER:
		return "runtime driver";
	case VD_EFI_SUBSYSTEM_ROM:
		return "EFI ROM image";
	}
	return NULL;
}

const char *vd_efi_compression_name(uint16_t c)
{
	return c == EFI_UNCOMPRESSED ? "uncompressed" : c == EFI_COMPRESSED ? "EFI-compressed" : NULL;
}

/* OVMF's x86-64 DXE phase runs X64 images, and EBC through its byte-code
 * interpreter (EDK2 EFI_IMAGE_MACHINE_TYPE_SUPPORTED for X64; OvmfPkg's
 * platform descriptions include MdeModulePkg/Universal/EbcDxe). */
static bool ovmf_runs(uint16_t machine)
{
	return machine == VD_EFI_MACHINE_X64 || machine == VD_EFI_MACHINE_EBC;
}

static bool is_driver(uint16_t subsystem)
{
	return subsystem == VD_EFI_SUBSYSTEM_BOOT_DRIVER || subsystem == VD_EFI_SUBSYSTEM_RUNTIME_DRIVER;
}

/* The compressed form starts with two 32-bit sizes (UEFI 2.x, "Decompress
 * Protocol": compressed size, then original size). Decompressing is left
 * to firmware; the sizes must at least fit. */
static void check_compressed(const uint8_t *p, size_t n, struct vd_rom_image *im)
{
	struct vd_rom_efi *e = &im->efi;

	e->pe = VD_ROM_PE_BAD;
	if (n < 8) {
		NOTE(im, "efi-compressed-header", "The compressed EFI image is shorter than its 8-byte size header.");
		return;
	}
	e->comp_size = vd_rd32(p, 0);
	e->orig_size = vd_rd32(p, 4);
	if (e->comp_size > n - 8)
		NOTE(im, "efi-compressed-header",
		     "The compressed EFI image claims %u bytes of compressed data, but only %zu fit in the image.",
		     e->comp_size, n - 8);
	else if (e->orig_size == 0)
		NOTE(im, "efi-compressed-header", "The compressed EFI image claims to decompress to 0 bytes.");
	else
		e->pe = VD_ROM_PE_COMPRESSED;
}

static void check_te(const uint8_t *p, size_t n, size_t te, struct vd_rom_image *im)
{
	struct vd_rom_efi *e = &im->efi;

	e->pe_te = true;
	if (!vd_rom_fits(n, te, TE_LEN)) {
		e->pe = VD_ROM_PE_BAD;
		NOTE(im, "pe-truncated", "The EFI image's TE header is cut off by the end of the image.");
		return;
	}
	e->pe_machine = vd_rd16(p, te + TE_MACHINE);
	e->pe_subsystem = p[te + TE_SUBSYSTEM];
	e->pe = VD_ROM_PE_OK;
}

/* PE32/PE32+ header at pe: machine, subsystem, certificate table. */
static void check_pe32(const uint8_t *p, size_t n, size_t pe, struct vd_rom_image *im)
{
	struct vd_rom_efi *e = &im->efi;
	size_t opt = pe + COFF_LEN;

	e->pe = VD_ROM_PE_BAD;
	e->pe_machine = vd_rd16(p, pe + COFF_MACHINE);
	size_t optsize = vd_rd16(p, pe + COFF_OPT_SIZE);
	if (optsize < OPT_SUBSYSTEM + 2 || !vd_rom_fits(n, opt, OPT_SUBSYSTEM + 2)) {
		NOTE(im, "pe-truncated",
		     "The EFI image's PE optional header is too short or cut off (%zu bytes declared) to hold its "
		     "subsystem.",
		     optsize);
		return;
	}
	uint16_t magic = vd_rd16(p, opt);
	if (magic != PE32_MAGIC && magic != PE32PLUS_MAGIC) {
		NOTE(im, "pe-magic",
		     "The EFI image's PE optional header magic is 0x%04x, neither PE32 (0x10b) nor "
		     "PE32+ (0x20b).",
		     magic);
		return;
	}
	e->pe_plus = magic == PE32PLUS_MAGIC;
	e->pe_subsystem = vd_rd16(p, opt + OPT_SUBSYSTEM);

	/* NumberOfRvaAndSizes, then the data directories, 8 bytes each. */
	size_t nrva = e->pe_plus ? 108 : 92, dirs = e->pe_plus ? 112 : 96, cert = dirs + 4 * 8;
	e->pe_signed = -1;
	if (optsize >= nrva + 4 && vd_rom_fits(n, opt, nrva + 4)) {
		if (vd_rd32(p, opt + nrva) <= 4)
			e->pe_signed = 0;
		else if (optsize >= cert + 8 && vd_rom_fits(n, opt, cert + 8))
			e->pe_signed = vd_rd32(p, opt + cert + 4) != 0;
	}
	e->pe = VD_ROM_PE_OK;
}

/* The image at [0, n) where the EFI header points: what EDK2's PE/COFF
 * loader would find (PeCoffLoaderGetPeHeader: "MZ" leads to e_lfanew,
 * otherwise the header is at 0; "VZ" is TE, "PE\0\0" is PE). */
static void check_image(const uint8_t *p, size_t n, struct vd_rom_image *im)
{
	struct vd_rom_efi *e = &im->efi;
	size_t pe = 0;

	if (e->compression == EFI_COMPRESSED) {
		check_compressed(p, n, im);
		return;
	}
	e->pe = VD_ROM_PE_BAD;
	if (n >= 2 && p[0] == 'M' && p[1] == 'Z') {
		if (n < DOS_LFANEW + 4) {
			NOTE(im, "pe-truncated", "The EFI image's DOS header is cut off by the end of the image.");
			return;
		}
		pe = vd_rd32(p, DOS_LFANEW);
	}
	if (vd_rom_fits(n, pe, 2) && p[pe] == 'V' && p[pe + 1] == 'Z') {
		check_te(p, n, pe, im);
	} else if (vd_rom_fits(n, pe, COFF_LEN) && memcmp(p + pe, "PE\0\0", 4) == 0) {
		check_pe32(p, n, pe, im);
	} else {
		NOTE(im, "pe-missing",
		     "No PE/COFF image where the EFI header points (offset 0x%x): no \"MZ\" and \"PE\" headers there.",
		     e->image_offset);
		return;
	}
	if (e->pe != VD_ROM_PE_OK)
		return;
	if (e->pe_machine != e->machine) {
		const char *pn = vd_efi_machine_name(e->pe_machine);
		NOTE(im, "pe-machine",
		     "The PE/COFF header says machine %s (0x%04x) but the EFI ROM header says 0x%04x: firmware "
		     "filters on the ROM header and loads by the PE header.",
		     pn ? pn : "unknown", e->pe_machine, e->machine);
		e->pe = VD_ROM_PE_BAD;
	}
	if (e->pe_subsystem != e->subsystem) {
		NOTE(im, "pe-subsystem", "The PE/COFF header says subsystem %u but the EFI ROM header says %u.",
		     e->pe_subsystem, e->subsystem);
		e->pe = VD_ROM_PE_BAD;
	}
}

void vd_rom_parse_efi(const uint8_t *buf, size_t len, struct vd_rom_image *im)
{
	struct vd_rom_efi *e = &im->efi;
	size_t o = im->offset;
	bool ok = true;

	e->init_blocks = vd_rd16(buf, o + EFI_INIT_SIZE);
	e->signature = vd_rd32(buf, o + EFI_SIGNATURE);
	e->subsystem = vd_rd16(buf, o + EFI_SUBSYSTEM);
	e->machine = vd_rd16(buf, o + EFI_MACHINE);
	e->compression = vd_rd16(buf, o + EFI_COMPRESSION);
	e->image_offset = vd_rd16(buf, o + EFI_IMAGE_OFFSET);
	e->pe_signed = -1;
	e->sig_ok = e->signature == EFI_HEADER_SIGNATURE;
	if (!e->sig_ok) {
		NOTE(im, "efi-signature",
		     "The PCIR says EFI, but the EFI header signature is 0x%08x, not 0x00000EF1: firmware skips this "
		     "image.",
		     e->signature);
		return;
	}
	if (!vd_efi_machine_name(e->machine)) {
		NOTE(im, "efi-machine-unknown", "Unknown EFI machine type 0x%04x: no firmware runs this image.",
		     e->machine);
		ok = false;
	} else if (!ovmf_runs(e->machine)) {
		ok = false; /* a real machine type, not OVMF's: the verdict says so */
	}
	if (!is_driver(e->subsystem)) {
		if (e->subsystem == VD_EFI_SUBSYSTEM_APPLICATION)
			NOTE(im, "efi-subsystem",
			     "The EFI image is an application (subsystem 10): firmware runs only "
			     "boot-service and runtime drivers from a ROM.");
		else
			NOTE(im, "efi-subsystem",
			     "EFI subsystem %u is not a driver: firmware does not run it from a ROM.", e->subsystem);
		ok = false;
	}
	if (!vd_efi_compression_name(e->compression)) {
		NOTE(im, "efi-compression", "Unknown EFI compression type %u: firmware cannot unpack the image.",
		     e->compression);
		ok = false;
	}

	/* The EFI image lies between EfiImageHeaderOffset and the
	 * initialization size (EDK2 LocalLoadFile2). */
	size_t init = (size_t)e->init_blocks * VD_ROM_BLOCK;
	if (init == 0 || init > im->length) {
		NOTE(im, "efi-init-size", "The EFI initialization size (%zu bytes) is %s the image length (%zu bytes).",
		     init, init == 0 ? "zero, not" : "larger than", im->length);
		ok = false;
		if (init > im->length)
			init = im->length;
	}
	if (e->image_offset < 0x1a || e->image_offset >= init) {
		NOTE(im, "efi-offset",
		     "The EFI image offset 0x%x lies outside the EFI part of the image (0x1a to 0x%zx).",
		     e->image_offset, init);
		e->loadable = false;
		return;
	}
	size_t have = len - o < init ? len - o : init; /* truncated files */
	if (have <= e->image_offset) {
		e->loadable = false;
		return;
	}
	check_image(buf + o + e->image_offset, have - e->image_offset, im);
	e->loadable = ok && have == init && (e->pe == VD_ROM_PE_OK || e->pe == VD_ROM_PE_COMPRESSED);
}

const struct vd_rom_image *vd_rom_uefi_image(const struct vd_rom *r)
{
	for (size_t i = 0; i < r->nimg; i++) {
		const struct vd_rom_image *im = &r->img[i];
		if (im->pcir_ok && im->code_type == VD_ROM_CODE_EFI && im->efi.loadable && im->avail == im->length)
			return im;
	}
	return NULL;
}

/* Why the first EFI image is no use to OVMF, as a whole verdict. */
static char *unusable(const struct vd_rom_image *im)
{
	const struct vd_rom_efi *e = &im->efi;
	const char *m = vd_efi_machine_name(e->machine);

	if (im->avail < im->length)
		return vd_xstrdup("no usable UEFI image: the EFI image is truncated");
	if (!e->sig_ok)
		return vd_xstrdup("no usable UEFI image: the EFI image's header signature is invalid");
	if (!m)
		return vd_xasprintf("no usable UEFI image: the EFI image has an unknown machine type 0x%04x",
				    e->machine);
	if (!ovmf_runs(e->machine))
		return vd_xasprintf(
		    "no usable UEFI image: the EFI image is for %s; OVMF on x86-64 runs X64 and EBC only", m);
	if (e->subsystem == VD_EFI_SUBSYSTEM_APPLICATION)
		return vd_xstrdup("no usable UEFI image: the EFI image is an application, not a driver");
	if (!is_driver(e->subsystem))
		return vd_xasprintf("no usable UEFI image: the EFI image has subsystem %u, not a driver", e->subsystem);
	if (!vd_efi_compression_name(e->compression))
		return vd_xasprintf("no usable UEFI image: the EFI image uses unknown compression type %u",
				    e->compression);
	return vd_xstrdup("no usable UEFI image: the EFI image's PE/COFF header is damaged or cut off");
}

char *vd_rom_verdict(const struct vd_rom *r)
{
	const struct vd_rom_image *u = vd_rom_uefi_image(r);
	bool gpu = false;

	if (u)
		return vd_xasprintf("UEFI-capable (%s %s)", vd_efi_machine_name(u->efi.machine),
				    vd_efi_subsystem_name(u->efi.subsystem));
	if (r->nimg == 0 || !r->img[0].pcir_ok)
		return vd_xstrdup("not a PCI expansion ROM");
	for (size_t i = 0; i < r->nimg; i++) {
		if (r->img[i].pcir_ok && r->img[i].code_type == VD_ROM_CODE_EFI)
			return unusable(&r->img[i]);
		gpu |= r->img[i].pcir_ok && r->img[i].class_code >> 16 == 0x03;
	}
	return vd_xstrdup(gpu ? "no UEFI image: OVMF cannot initialise this GPU's display"
			      : "no UEFI image: OVMF cannot run this option ROM");
}
