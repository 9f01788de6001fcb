/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI expansion ROMs held in memory: the image chain, checksums, EFI headers
 * and the PE/COFF image each points at, the UEFI verdict, and matching a ROM
 * to a PCI device. No I/O: every function takes a byte buffer.
 *
 * Layouts: PCI Firmware Specification 3.0 chapter 5 (ROM header, PCI Data
 * Structure "PCIR", device list), UEFI 2.x "PCI Option ROMs" (EFI ROM header),
 * Microsoft PE/COFF (the EFI image). What firmware does with them: EDK2
 * MdeModulePkg/Bus/Pci/PciBusDxe/PciOptionRomSupport.c, the PCI bus driver in
 * OVMF. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A PCI expansion ROM BAR decodes at most 16 MiB (PCI Local Bus 3.0,
 * 6.2.5.2), so no real ROM is larger. */
#define VD_ROM_MAX_SIZE (16u << 20)
/* Real ROMs hold a handful of images; the chain is cut here. */
#define VD_ROM_MAX_IMAGES 64
#define VD_ROM_BLOCK	  512u

enum vd_rom_code_type {
	VD_ROM_CODE_X86 = 0x00, /* Intel x86, PC-AT compatible ("legacy BIOS") */
	VD_ROM_CODE_OPENFIRMWARE = 0x01,
	VD_ROM_CODE_PARISC = 0x02,
	VD_ROM_CODE_EFI = 0x03,
};

/* PE/COFF machine types (PE format "Machine Types"; UEFI 2.x 2.1.1). */
enum {
	VD_EFI_MACHINE_IA32 = 0x014c,
	VD_EFI_MACHINE_IA64 = 0x0200,
	VD_EFI_MACHINE_EBC = 0x0ebc,
	VD_EFI_MACHINE_X64 = 0x8664,
	VD_EFI_MACHINE_ARM = 0x01c2, /* ARM/Thumb mixed, what UEFI uses on 32-bit ARM */
	VD_EFI_MACHINE_AARCH64 = 0xaa64,
	VD_EFI_MACHINE_RISCV32 = 0x5032,
	VD_EFI_MACHINE_RISCV64 = 0x5064,
	VD_EFI_MACHINE_RISCV128 = 0x5128,
	VD_EFI_MACHINE_LOONGARCH32 = 0x6232,
	VD_EFI_MACHINE_LOONGARCH64 = 0x6264,
};

/* PE/COFF subsystems an EFI image can carry (PE format "Windows Subsystem"). */
enum {
	VD_EFI_SUBSYSTEM_APPLICATION = 10,
	VD_EFI_SUBSYSTEM_BOOT_DRIVER = 11,
	VD_EFI_SUBSYSTEM_RUNTIME_DRIVER = 12,
	VD_EFI_SUBSYSTEM_ROM = 13,
};

/* What stopped the walk through the image chain. */
enum vd_rom_error {
	VD_ROM_OK,		 /* reached the image marked last */
	VD_ROM_EMPTY,		 /* zero bytes */
	VD_ROM_NO_SIGNATURE,	 /* no 55 AA where a ROM could start */
	VD_ROM_HEADER_TRUNCATED, /* the file ends inside the ROM header */
	VD_ROM_NO_PCIR,		 /* no "PCIR" where the header points: not a PCI ROM */
	VD_ROM_PCIR_OUTSIDE,	 /* the PCIR pointer points past the end of the file */
	VD_ROM_PCIR_TRUNCATED,	 /* the file ends inside the PCI Data Structure */
	VD_ROM_PCIR_UNALIGNED,	 /* not DWORD-aligned: firmware stops reading here */
	VD_ROM_IMAGE_LENGTH_ZERO,
	VD_ROM_IMAGE_TRUNCATED, /* the image length runs past the end of the file */
	VD_ROM_NO_LAST_IMAGE,	/* the file ends after an image not marked last */
	VD_ROM_CHAIN_BROKEN,	/* no ROM signature after an image not marked last */
	VD_ROM_TOO_MANY_IMAGES,
};

/* Something worth saying about an image or the whole ROM that does not stop
 * the walk. code is stable (JSON), text one sentence with the values. */
struct vd_rom_note {
	const char *code;
	char *text;
};

/* How the PE/COFF image an EFI header points at looked. */
enum vd_rom_pe_state {
	VD_ROM_PE_NOT_CHECKED, /* no EFI header, or nothing to look at */
	VD_ROM_PE_OK,	       /* PE32/PE32+ (or TE) header agrees with the EFI header */
	VD_ROM_PE_COMPRESSED,  /* compressed: only the compression header was checked */
	VD_ROM_PE_BAD,	       /* missing or disagreeing: a note says what */
};

struct vd_rom_efi {
	bool sig_ok; /* 0x0EF1 at offset 4 */
	uint32_t signature;
	uint16_t init_blocks; /* InitializationSize: the EFI part, in 512-byte blocks */
	uint16_t subsystem, machine, compression;
	uint16_t image_offset; /* EfiImageHeaderOffset, from the image start */
	enum vd_rom_pe_state pe;
	bool pe_plus; /* PE32+ (64-bit optional header) */
	bool pe_te;   /* a Terse Executable (PI spec) instead of PE */
	uint16_t pe_machine, pe_subsystem;
	int pe_signed;		       /* Authenticode certificate table present: 1/0, -1 unknown */
	uint32_t comp_size, orig_size; /* compressed: the 8-byte header */
	/* What OVMF's PCI bus driver would load and run on x86-64: a valid
	 * header, a driver subsystem, X64 or EBC, known compression, a sane PE. */
	bool loadable;
};

struct vd_rom_image {
	size_t offset; /* of its 55 AA, from the start of the buffer */
	size_t length; /* image length from the PCIR, bytes (0 before it was read) */
	size_t avail;  /* bytes of the image the buffer holds */
	uint16_t pcir_off;
	bool pcir_ok; /* the PCI Data Structure was read whole: the fields below are set */

	uint16_t vendor, device;
	uint16_t devlist_ptr; /* PCI 3.0: offset of the device list from the PCIR */
	uint16_t pcir_len;
	uint8_t pcir_rev;    /* 0: PCI 2.x, 3: PCI 3.0 */
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	uint16_t image_blocks;
	uint16_t code_rev; /* "vendor revision" in rom-parser */
	uint8_t code_type;
	uint8_t indicator;
	bool last;   /* indicator bit 7 */
	bool has_v3; /* revision 3 and long enough for the fields below */
	uint16_t max_runtime_blocks, config_ptr, clp_ptr;
	uint16_t *devlist; /* PCI 3.0 device list, without the terminator */
	size_t ndevlist;

	uint8_t x86_init_blocks; /* legacy header byte 2 */
	size_t init_sum_len;	 /* x86: bytes of the initialization size summed (0: not summed) */
	bool init_sum_checked;	 /* x86: the initialization size was summed whole */
	uint8_t init_sum;	 /* x86: sum of the initialization size, 0 when right */
	uint8_t image_sum;	 /* sum of the bytes of the image present */

	struct vd_rom_efi efi; /* code type 3 only */

	bool has_npde; /* NVIDIA PCI Data Extension (Linux nouveau npde.c) */
	uint16_t npde_blocks;
	bool npde_last;

	struct vd_rom_note *notes;
	size_t nnotes, capnotes;
};

struct vd_rom {
	size_t size;  /* of the buffer */
	size_t start; /* offset of the first image: 0 unless a header precedes it */
	size_t end;   /* where the last image read ends (clamped to size) */
	struct vd_rom_image *img;
	size_t nimg, capimg;
	enum vd_rom_error error;
	size_t error_at;	   /* offset the error concerns */
	char *error_text;	   /* one sentence with the offsets; NULL when OK */
	bool truncated;		   /* the file ends before the ROM does */
	struct vd_rom_note *notes; /* about the whole ROM (prefix, trailing data) */
	size_t nnotes, capnotes;
};

/* Walk the images of buf. Always fills *out (vd_rom_done frees it); the
 * return value is 0 when the chain is whole (out->error == VD_ROM_OK) and
 * -EBADMSG otherwise. */
int vd_rom_parse(const uint8_t *buf, size_t len, struct vd_rom *out);
void vd_rom_done(struct vd_rom *r);

/* Valid as QEMU's romfile: a whole chain starting at offset 0. */
bool vd_rom_usable(const struct vd_rom *r);

/* The first EFI image OVMF on x86-64 would load, or NULL. */
const struct vd_rom_image *vd_rom_uefi_image(const struct vd_rom *r);
/* "UEFI-capable (X64 boot-service driver)", "no UEFI image: OVMF cannot
 * initialise this GPU's display", ... (caller frees). */
char *vd_rom_verdict(const struct vd_rom *r);

/* Does the image carry these IDs (its device ID or, PCI 3.0, one in its
 * device list)? Images whose PCIR was not read never match. */
bool vd_rom_image_matches(const struct vd_rom_image *im, uint16_t vendor, uint16_t device);
/* Number of images with a PCIR that match, and that carry one at all. */
size_t vd_rom_count_matching(const struct vd_rom *r, uint16_t vendor, uint16_t device, size_t *with_pcir);

/* Names, for output. */
const char *vd_rom_code_type_name(uint8_t t);	    /* "x86 PC-AT", "EFI", NULL if reserved */
const char *vd_efi_machine_name(uint16_t m);	    /* "X64", ..., NULL if unknown */
const char *vd_efi_subsystem_name(uint16_t s);	    /* "boot-service driver", ..., NULL */
const char *vd_efi_compression_name(uint16_t c);    /* "uncompressed", "EFI-compressed", NULL */
const char *vd_rom_error_code(enum vd_rom_error e); /* "image-truncated", ... */

/* Internal to rom.c and rom-efi.c. */
static inline bool vd_rom_fits(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}
static inline uint16_t vd_rd16(const uint8_t *b, size_t o)
{
	return (uint16_t)(b[o] | b[o + 1] << 8);
}
static inline uint32_t vd_rd32(const uint8_t *b, size_t o)
{
	return (uint32_t)vd_rd16(b, o) | (uint32_t)vd_rd16(b, o + 2) << 16;
}
/* Parse the EFI ROM header of an image whose PCIR says code type 3, and the
 * PE/COFF image it points at. */
void vd_rom_parse_efi(const uint8_t *buf, size_t len, struct vd_rom_image *im);
void vd_rom_note_add(struct vd_rom_note **notes, size_t *n, size_t *cap, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
